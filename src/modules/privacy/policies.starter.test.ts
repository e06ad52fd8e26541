import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../core/context.ts';
import { type TestApp, json, staffMember, startTestApp } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { STARTER_POLICY_MARKER, STARTER_POLICY_TITLE } from './policies.starter.ts';
import { PURPOSES } from './purposes.ts';

describe.each(dialects)('the starter privacy policy on $name', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const versions = async (app: TestApp) => app.app.db.selectFrom('policy_versions').select(['version', 'title', 'published_by']).orderBy('version').execute();
  const starterAudits = async (app: TestApp) =>
    (await app.app.db.selectFrom('audit_log').select('details').where('action', '=', 'privacy.policy_published').execute()).filter((r) => String(r.details).includes('"starter":true'));

  it('PRV-8: a fresh install publishes a starter policy as version 1, in the operator\'s name, marked as a template to review, audited once', async () => {
    t = await startTestApp(dialect, {
      env: { CASTELLAN_SITE_NAME: 'Harbor Directory', CASTELLAN_PRIVACY_ADDRESS: '1 Quay Street\nPortsmouth, NH 03801', CASTELLAN_MAIL_PROVIDER_NAME: 'Relay Mail Inc.', CASTELLAN_MAIL_PROVIDER_ADDRESS: '100 Harbor Way, Oakland, CA' },
    });
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/privacy/policy' });
    expect(res.statusCode).toBe(200);
    const policy = json(res);
    expect(policy).toMatchObject({ version: 1, title: STARTER_POLICY_TITLE, status: 'in_force', material: false });
    const md: string = policy.markdown;
    expect(md.startsWith(STARTER_POLICY_MARKER)).toBe(true);
    expect(md).toContain('# Harbor Directory privacy policy');
    expect(md).toContain('write to Harbor Directory at 1 Quay Street, Portsmouth, NH 03801.');
    // Built from the rules Castellan enforces: every purpose with its rule, GPC, the ledger's mail provider, cards.
    for (const [name, p] of Object.entries(PURPOSES)) {
      const line = md.split('\n').find((l) => l.startsWith(`- **${name.replace(/_/g, ' ')}**`));
      expect(line, name).toContain(p.rule === 'opt_in' ? 'opt-in' : 'opt-out');
    }
    expect(md).toContain('Sec-GPC: 1');
    expect(md).toContain('Relay Mail Inc., 100 Harbor Way, Oakland, CA');
    expect(md).toContain('the last 4 digits');
    expect(md).toContain('16 or older');
    expect(await versions(t)).toEqual([{ version: 1, title: STARTER_POLICY_TITLE, published_by: null }]);
    expect(await starterAudits(t)).toHaveLength(1);
  });

  it('PRV-8: without CASTELLAN_PRIVACY_ADDRESS the template says what to fill in', async () => {
    t = await startTestApp(dialect);
    const md: string = json(await t.app.http.inject({ method: 'GET', url: '/api/v1/privacy/policies/1' })).markdown;
    expect(md).toContain('set CASTELLAN_PRIVACY_ADDRESS');
    expect(md).toContain('we deliver our email ourselves');
  });

  it('PRV-8: seeding is idempotent and safe when several nodes start at once: one version 1, one audit entry', async () => {
    t = await startTestApp(dialect, { starterPolicy: false });
    const policies = t.app.privacy.policies;
    const published = await Promise.all([policies.ensureStarter(systemContext()), policies.ensureStarter(systemContext()), policies.ensureStarter(systemContext())]);
    expect(published.filter(Boolean)).toHaveLength(1);
    expect(await policies.ensureStarter(systemContext())).toBe(false);
    expect((await versions(t)).map((v) => v.version)).toEqual([1]);
    expect(await starterAudits(t)).toHaveLength(1);
  });

  it('PRV-8: a database that already has a policy is left untouched', async () => {
    t = await startTestApp(dialect, { starterPolicy: false });
    const privacy = await staffMember(t, 'privacy');
    const mine = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/staff/privacy/policies',
      headers: privacy.auth,
      payload: { title: 'Our own policy', markdown: '# Ours\n\nWritten by us.', material: false },
    });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(await t.app.privacy.policies.ensureStarter(systemContext())).toBe(false);
    expect(await versions(t)).toEqual([{ version: 1, title: 'Our own policy', published_by: privacy.id }]);
    expect(await starterAudits(t)).toHaveLength(0);
  });
});
