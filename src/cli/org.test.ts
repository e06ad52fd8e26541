import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp, verifiedUser } from '../../test/helpers/app.ts';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { dialects } from '../../test/helpers/databases.ts';

/**
 * DIR-4: `castellan org plan`, the operator's way past the free plan's 10 users when no payment
 * provider is configured: billing's use case (the one `PATCH /api/v1/staff/orgs/{orgId}/plan`
 * calls), audited, on the database of a running Castellan.
 */
describe.each(dialects)('castellan org plan on $name', (dialect) => {
  let t: TestApp;
  // One server for the file: each test makes its own organization.
  beforeAll(async () => {
    t = await startTestApp(dialect, { realClock: true });
  });
  afterAll(() => t.close());

  const cli = (args: string[]) =>
    runCliInProcess([...args, '--data-dir', t.db.dataDir], { env: { ...(t.db.url ? { DATABASE_URL: t.db.url } : {}), CASTELLAN_LOG_LEVEL: 'warn' } });
  const org = (id: string) => t.app.db.selectFrom('organizations').select(['plan', 'plan_ends_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const planChanges = (id: string) =>
    t.app.db.selectFrom('audit_log').select(['actor_type', 'actor_id', 'details']).where('action', '=', 'billing.plan_changed').where('org_id', '=', id).orderBy('seq').execute();

  it('DIR-4: moves an organization to paid, jumpstart until a date, and back to free; each change audited like a staff change', async () => {
    const admin = await verifiedUser(t);
    const id = admin.organization.id as string;

    const paid = await cli(['org', 'plan', '--org', id, '--plan', 'paid']);
    expect(paid).toEqual({ code: 0, stdout: `Analytical Engines Ltd (${id}) is on the paid plan\n`, stderr: '' });
    expect(await org(id)).toEqual({ plan: 'paid', plan_ends_at: null });

    const ends = new Date(Date.now() + 30 * 86_400_000);
    ends.setUTCMilliseconds(0);
    const trial = await cli(['org', 'plan', '--org', id, '--plan', 'jumpstart', '--ends-at', ends.toISOString().replace('.000Z', 'Z')]);
    expect(trial.code, trial.stderr).toBe(0);
    expect(trial.stdout).toBe(`Analytical Engines Ltd (${id}) is on the jumpstart plan until ${ends.toISOString()}\n`);
    expect(await org(id)).toEqual({ plan: 'jumpstart', plan_ends_at: ends.toISOString() });

    const free = await cli(['org', 'plan', '--org', id, '--plan', 'free']);
    expect(free.code, free.stderr).toBe(0);
    expect(await org(id)).toEqual({ plan: 'free', plan_ends_at: null });

    const audit = await planChanges(id);
    expect(audit.map((a) => ({ actor: a.actor_type, details: JSON.parse(a.details) as unknown }))).toEqual([
      { actor: 'system', details: { from: 'free', to: 'paid', endsAt: null } },
      { actor: 'system', details: { from: 'paid', to: 'jumpstart', endsAt: ends.toISOString() } },
      { actor: 'system', details: { from: 'jumpstart', to: 'free', endsAt: null } },
    ]);
    // The organization's admins see the change in their own log, through the API.
    const log = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${id}/audit`, headers: admin.auth });
    expect(log.statusCode, log.body).toBe(200);
    expect((log.json() as { items: Array<{ action: string }> }).items.filter((e) => e.action === 'billing.plan_changed')).toHaveLength(3);
  });

  it('DIR-4: an unknown organization is named, exit 1', async () => {
    const r = await cli(['org', 'plan', '--org', 'org_nope', '--plan', 'paid']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'castellan: no organization org_nope\n' });
  });

  it.each([
    ['an unknown plan', ['--plan', 'gold'], /--plan.*gold/],
    ['a missing plan', [], /--plan/],
    ['a date without an offset', ['--plan', 'jumpstart', '--ends-at', '2030-01-01T00:00:00'], /offset or Z/],
    ['not a date', ['--plan', 'jumpstart', '--ends-at', 'next-month'], /offset or Z/],
    ['an end in the past', ['--plan', 'jumpstart', '--ends-at', '2020-01-01T00:00:00Z'], /end date in the future/],
    ['a trial without an end', ['--plan', 'jumpstart'], /--plan jumpstart needs --ends-at/],
    ['an end for a plan that has none', ['--plan', 'paid', '--ends-at', '2030-01-01T00:00:00Z'], /--ends-at is the end of a jumpstart trial; the paid plan has none/],
  ])('SEC-3: %s exits 2 with one line and changes nothing', async (_what, flags, message) => {
    const admin = await verifiedUser(t);
    const id = admin.organization.id as string;
    const r = await cli(['org', 'plan', '--org', id, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^castellan: .*\n$/);
    expect(r.stderr).toMatch(message);
    expect(await org(id)).toEqual({ plan: 'free', plan_ends_at: null });
    expect(await planChanges(id)).toEqual([]);
  });

  it('SEC-3: a missing --org exits 2', async () => {
    const r = await cli(['org', 'plan', '--plan', 'paid']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^castellan: .*--org/);
  });
});
