import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../core/context.ts';
import { type TestApp, signup, startTestApp } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import type { Principal, UsersTable } from '../accounts/index.ts';

const privacyStaff: Principal = {
  user: { id: 'usr_privacy_officer', kind: 'staff', status: 'active', emailVerified: true, orgId: null, orgRole: null, staffRole: 'privacy' },
  sessionId: 'ses_test',
};

describe.each(dialects)('policy notices at scale on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // The outbox is what is checked here: no worker sends the thousand messages.
    t = await startTestApp(dialect, { env: { CASTELLAN_MAIL_WORKER: 'false' } });
  });
  afterAll(() => t.close());

  it('PRV-8: a material change reaches every user however many there are, one outbox message and one notice row each', async () => {
    // The admin signing up is not verified yet, so not a recipient.
    const admin = await signup(t);
    const now = t.clock.now().toISOString();
    const member = (i: number, over: Partial<UsersTable> = {}): UsersTable => ({
      id: `usr_bulk_${String(i).padStart(5, '0')}`,
      org_id: admin.organization.id,
      org_role: 'member',
      staff_role: null,
      email: `bulk${i}@example.com`,
      email_normalized: `bulk${i}@example.com`,
      name: `Member ${i}`,
      password_hash: null,
      email_verified_at: now,
      status: 'active',
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      username: null,
      uid_number: null,
      gid_number: null,
      home_directory: null,
      login_shell: null,
      created_at: now,
      updated_at: now,
      ...over,
    });
    // More than two batches of recipients, and a few who must not be told.
    const rows = Array.from({ length: 1100 }, (_, i) => member(i));
    rows.push(member(2000, { status: 'suspended' }), member(2001, { email_verified_at: null }), member(2002, { staff_role: 'support', org_id: null, org_role: null }));
    for (let i = 0; i < rows.length; i += 200) await t.app.db.insertInto('users').values(rows.slice(i, i + 200)).execute();
    await t.app.mailWorker.drain();
    const before = await t.app.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

    const v = await t.app.privacy.policies.publish(systemContext(), privacyStaff, { title: 'Big change', markdown: '# Policy', material: true, summary: 'Everything.' });
    expect(v.emailed).toBe(1100);

    const outbox = await t.app.db
      .selectFrom('mail_outbox')
      .select(['user_id', 'to_address', 'category'])
      .where('subject', '=', 'Changes to the Castellan privacy policy')
      .execute();
    expect(outbox).toHaveLength(1100);
    expect(new Set(outbox.map((m) => m.user_id)).size).toBe(1100);
    expect(outbox.every((m) => m.category === 'transactional')).toBe(true);
    expect(outbox.map((m) => m.to_address)).not.toContain('bulk2000@example.com');
    expect(outbox.map((m) => m.to_address)).not.toContain('bulk2001@example.com');
    expect(outbox.map((m) => m.to_address)).not.toContain('bulk2002@example.com');
    const after = await t.app.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1100);
    const notices = await t.app.db.selectFrom('policy_notices').select((eb) => eb.fn.countAll<number>().as('n')).where('version', '=', v.version).executeTakeFirstOrThrow();
    expect(Number(notices.n)).toBe(1100);
  });
});
