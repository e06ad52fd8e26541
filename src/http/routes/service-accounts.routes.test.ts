import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

describe.each(dialects)('PRO-1: LDAP service accounts over the API on $name', (dialect) => {
  let t: TestApp;
  let a: Admin;
  let b: Admin;
  let ldapApp: string;
  let wiki: string;
  const call = (method: string, url: string, auth: Record<string, string>, payload?: unknown) =>
    t.app.http.inject({ method: method as 'GET', url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const base = (admin: Admin) => `/api/v1/orgs/${admin.organization.id}/resources`;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    a = await verifiedUser(t, { companyName: 'Service Co' });
    b = await verifiedUser(t, { companyName: 'Other Co' });
    ldapApp = json(await call('POST', base(a), a.auth, { kind: 'application', name: 'hosts', settings: { protocol: 'ldap' } })).id;
    wiki = json(await call('POST', base(a), a.auth, { kind: 'application', name: 'wiki', settings: { protocol: 'oidc', grantTypes: ['client_credentials'] } })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('PRO-1: an admin makes one (201, the secret this once), lists it without its secret, and deletes it', async () => {
    const res = await call('POST', `${base(a)}/${ldapApp}/service-accounts`, a.auth, { name: 'jenkins' });
    expect(res.statusCode).toBe(201);
    const created = json(res);
    expect(created).toMatchObject({ name: 'jenkins', resourceId: ldapApp, dn: `uid=jenkins,ou=services,o=${a.organization.slug},dc=castellan` });
    expect(created.secret).toMatch(/^csa_[A-Za-z0-9_-]{43}$/);
    const list = await call('GET', `${base(a)}/${ldapApp}/service-accounts`, a.auth);
    expect(list.statusCode).toBe(200);
    expect(json(list).items).toEqual([{ id: created.id, name: 'jenkins', resourceId: ldapApp, dn: created.dn, createdAt: created.createdAt }]);
    expect(list.body).not.toContain(created.secret);
    const row = await t.app.db.selectFrom('service_accounts').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.secret);
    expect((await call('POST', `${base(a)}/${ldapApp}/service-accounts`, a.auth, { name: 'jenkins' })).statusCode).toBe(409);
    expect((await call('DELETE', `${base(a)}/${ldapApp}/service-accounts/${created.id}`, a.auth)).statusCode).toBe(204);
    expect((await call('DELETE', `${base(a)}/${ldapApp}/service-accounts/${created.id}`, a.auth)).statusCode).toBe(404);
  });

  it('PRO-1: bad input is refused with a problem and changes nothing', async () => {
    for (const body of [{ name: 'Has Spaces' }, { name: '' }, { name: 'x'.repeat(33) }, { name: '9lives' }, {}, { name: 'ok', extra: 1 }, { name: 42 }]) {
      const res = await call('POST', `${base(a)}/${ldapApp}/service-accounts`, a.auth, body);
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const notLdap = await call('POST', `${base(a)}/${wiki}/service-accounts`, a.auth, { name: 'wiki-bot' });
    expect(notLdap.statusCode).toBe(422);
    expect(json(notLdap).code).toBe('directory.not_ldap_application');
    expect(json(await call('GET', `${base(a)}/${ldapApp}/service-accounts`, a.auth)).items).toEqual([]);
  });

  it("PRO-1, DIR-1: another organization's admin gets 404 for this organization's service accounts", async () => {
    expect((await call('POST', `${base(a)}/${ldapApp}/service-accounts`.replace(a.organization.id, b.organization.id), b.auth, { name: 'intruder' })).statusCode).toBe(404);
    expect((await call('GET', `${base(a)}/${ldapApp}/service-accounts`, b.auth)).statusCode).toBe(404);
    expect((await call('POST', `${base(a)}/${ldapApp}/service-accounts`, b.auth, { name: 'intruder' })).statusCode).toBe(404);
  });
});
