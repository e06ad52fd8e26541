import type { ManualClock } from '../../core/clock.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, acceptedMember, json, startTestApp, totpCode, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

describe.each(dialects)('ACC-5, DIR-1: the organization over the API on $name', (dialect) => {
  let t: TestApp;
  let a: Admin;
  let b: Admin;
  const call = (method: string, url: string, auth: Record<string, string>, payload?: unknown) =>
    t.app.http.inject({ method: method as 'GET', url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const orgUrl = (admin: Admin) => `/api/v1/orgs/${admin.organization.id}`;
  const turnOnTotp = async (auth: Record<string, string>, password: string) => {
    const { secret } = json(await call('POST', '/api/v1/me/mfa/totp', auth, { password }));
    expect((await call('POST', '/api/v1/me/mfa/totp/confirm', auth, { code: totpCode(secret, t.clock) })).statusCode).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    a = await verifiedUser(t, { companyName: 'Acme Rockets' });
    b = await verifiedUser(t, { companyName: 'Other Co' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('DIR-1: members read their organization, admins rename it (the LDAP slug stays), audited; another organization answers 404', async () => {
    const member = await acceptedMember(t, a, { name: 'Mo Member' });
    const seen = await call('GET', orgUrl(a), member.auth);
    expect(seen.statusCode).toBe(200);
    expect(json(seen)).toMatchObject({ id: a.organization.id, name: 'Acme Rockets', slug: a.organization.slug, requireMfa: false });
    expect((await call('PATCH', orgUrl(a), member.auth, { name: 'Mine Now' })).statusCode).toBe(403);

    const renamed = await call('PATCH', orgUrl(a), a.auth, { name: '  Acme Rocketry ' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(json(renamed)).toMatchObject({ name: 'Acme Rocketry', slug: a.organization.slug });
    const audit = await t.app.db.selectFrom('audit_log').select(['details']).where('action', '=', 'directory.organization_updated').where('org_id', '=', a.organization.id).execute();
    expect(audit.map((r) => JSON.parse(r.details as string).fields)).toEqual([['name']]);

    for (const [method, payload] of [['GET', undefined], ['PATCH', { name: 'Taken Over' }]] as const) {
      const res = await call(method, orgUrl(a), b.auth, payload);
      expect(res.statusCode).toBe(404);
    }
    expect((await call('PATCH', orgUrl(a), a.auth, { name: '   ' })).statusCode).toBe(422);
    expect(json(await call('GET', orgUrl(a), a.auth)).name).toBe('Acme Rocketry');
  });

  it('ACC-5: requiring MFA needs the admin\'s own first; then an admin without it loses the console\'s capabilities until they turn it on', async () => {
    const second = await acceptedMember(t, b, { name: 'Sam Second' });
    expect((await call('PATCH', `${orgUrl(b)}/users/${second.user.id}`, b.auth, { orgRole: 'admin' })).statusCode).toBe(200);

    const early = await call('PATCH', orgUrl(b), b.auth, { requireMfa: true });
    expect(early.statusCode).toBe(409);
    expect(json(early)).toMatchObject({ code: 'directory.own_mfa_first', errors: [{ field: 'requireMfa' }] });
    expect(json(await call('GET', orgUrl(b), b.auth)).requireMfa).toBe(false);

    await turnOnTotp(b.auth, b.body.password);
    const on = await call('PATCH', orgUrl(b), b.auth, { requireMfa: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(json(on).requireMfa).toBe(true);
    expect((await call('GET', `${orgUrl(b)}/users`, b.auth)).statusCode).toBe(200);

    const refused = await call('GET', `${orgUrl(b)}/users`, second.auth);
    expect(refused.statusCode).toBe(403);
    expect(json(refused).code).toBe('directory.mfa_required');
    const me = json(await call('GET', '/api/v1/me', second.auth));
    expect(me.memberships.find((m: { organization: { id: string } }) => m.organization.id === b.organization.id).organization.requireMfa).toBe(true);

    (t.clock as ManualClock).advance(30_000);
    await turnOnTotp(second.auth, second.password);
    expect((await call('GET', `${orgUrl(b)}/users`, second.auth)).statusCode).toBe(200);
    // While the organization requires it, the second factor stays on.
    const disable = await call('POST', '/api/v1/me/mfa/totp/disable', second.auth, { password: second.password });
    expect(disable.statusCode).toBe(409);
    expect(json(disable)).toMatchObject({ code: 'accounts.mfa_required_by_organization', detail: 'Other Co requires two-step verification, so it cannot be turned off while you belong to it.' });
  });
});
