import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../core/context.ts';
import { type TestApp, signup, startTestApp } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import type { Caller } from '../../core/caller.ts';
import type { AccountsTable } from '../accounts/accounts.tables.ts';
import type { MembershipsTable } from '../directory/directory.tables.ts';

const privacyStaff: Caller = { kind: 'staff', accountId: 'acc_privacy_officer', sessionId: 'ses_test', staffRole: 'privacy', mfa: true };

describe.each(dialects)('policy notices at scale on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // The outbox is what is checked here: no worker sends the thousand messages.
    t = await startTestApp(dialect, { env: { CASTELLAN_MAIL_WORKER: 'false' }, starterPolicy: false });
  });
  afterAll(() => t.close());

  it('PRV-8: a material change reaches every user however many there are, one outbox message and one notice row each', async () => {
    // The admin signing up is not verified yet, so not a recipient.
    const admin = await signup(t);
    const now = t.clock.now().toISOString();
    const account = (i: number, over: Partial<AccountsTable> = {}): AccountsTable => ({
      id: `acc_bulk_${String(i).padStart(5, '0')}`,
      email: `bulk${i}@example.com`,
      email_normalized: `bulk${i}@example.com`,
      name: `Member ${i}`,
      password_hash: null,
      email_verified_at: now,
      status: 'active',
      staff_role: null,
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      created_at: now,
      updated_at: now,
      ...over,
    });
    const membership = (a: AccountsTable, status = 'active'): MembershipsTable => ({
      id: a.id.replace('acc_', 'usr_'),
      org_id: admin.organization.id,
      account_id: a.id,
      email: a.email,
      email_normalized: a.email_normalized,
      name: a.name,
      role: 'member',
      status,
      username: null,
      uid_number: null,
      gid_number: null,
      home_directory: null,
      login_shell: null,
      invite_token_hash: null,
      invite_expires_at: null,
      invited_by: null,
      invited_at: null,
      accepted_at: now,
      last_sign_in_at: null,
      created_at: now,
      updated_at: now,
    });
    // More than two batches of recipients, and a few who must not be told: suspended, unverified, staff.
    const accounts = Array.from({ length: 1100 }, (_, i) => account(i));
    const suspended = account(2000);
    const unverified = account(2001, { email_verified_at: null });
    const staff = account(2002, { staff_role: 'support' });
    accounts.push(suspended, unverified, staff);
    const memberships = accounts.filter((a) => a !== staff).map((a) => membership(a, a === suspended ? 'suspended' : 'active'));
    for (let i = 0; i < accounts.length; i += 200) await t.app.db.insertInto('accounts').values(accounts.slice(i, i + 200)).execute();
    for (let i = 0; i < memberships.length; i += 200) await t.app.db.insertInto('memberships').values(memberships.slice(i, i + 200)).execute();
    await t.app.jobRunner.drain();
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
