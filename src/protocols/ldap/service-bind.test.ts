import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

/**
 * PRO-1, ACC-7: a service account's secret is checked by the one credential check, so guessing it
 * is throttled and locked out like a member's password, and every failure is in the audit log.
 */
describe.each(dialects)('service-account binds on $name', (dialect) => {
  let t: TestApp;
  let admin: Admin;
  let ldapsPort: number;
  let ca: Buffer;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0', CASTELLAN_SIGNIN_MAX_FAILURES: '3' } });
    admin = await verifiedUser(t, { companyName: 'Guarded Hosts' });
    ({ ldapsPort } = await t.app.startLdap());
    ca = readFileSync(path.join(t.db.dataDir, 'ldap-ca.pem'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await t.app.http.inject({ method, url, headers: admin.auth, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return json(res);
  };
  /** One bind on a connection of its own: the LDAP result code (0 for success). */
  async function bind(dn: string, secret: string): Promise<{ code: number; message: string }> {
    const client = new Client({ url: `ldaps://127.0.0.1:${ldapsPort}`, tlsOptions: { ca: [ca] } });
    try {
      await client.bind(dn, secret);
      return { code: 0, message: '' };
    } catch (e) {
      const err = e as { code?: number; message?: string };
      return { code: err.code ?? -1, message: err.message ?? '' };
    } finally {
      await client.unbind().catch(() => {});
    }
  }

  it('PRO-1, ACC-7: guessing a service account’s secret is throttled by the one credential check: after the limit the right secret is refused too, and every failure is audited', async () => {
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const app = await call('POST', `${orgUrl}/resources`, { kind: 'application', name: 'Linux hosts', settings: { protocol: 'ldap' } });
    const svc = await call('POST', `${orgUrl}/resources/${app.id}/service-accounts`, { name: 'sssd' });
    expect((await bind(svc.dn, svc.secret)).code).toBe(0);

    // Each wrong guess is the secret with a character more, so none can be right by chance.
    const wrong = (i: number) => `${svc.secret}${i}`;
    for (let i = 0; i < 3; i++) expect((await bind(svc.dn, wrong(i))).code).toBe(49);
    const locked = await bind(svc.dn, svc.secret);
    expect(locked.code).toBe(49);
    expect(locked.message).toContain('Too many failed attempts');

    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'target_type', 'target_id', 'details']).where('org_id', '=', admin.organization.id).where('action', 'in', ['auth.signin_failed', 'auth.lockout']).execute();
    expect(audit.filter((a) => a.action === 'auth.signin_failed')).toHaveLength(3);
    for (const a of audit) expect([a.target_type, a.target_id]).toEqual(['service_account', svc.id]);
    expect(JSON.parse(audit.find((a) => a.action === 'auth.lockout')?.details ?? '{}')).toMatchObject({ scope: 'service_account', channel: 'ldap' });
    // The secret never reaches the log.
    expect(JSON.stringify(audit)).not.toContain(svc.secret.slice(0, 12));

    // An unknown service name is throttled the same way, and recorded by a keyed reference, never by its name.
    for (let i = 0; i < 3; i++) expect((await bind(`uid=ghost,ou=services,o=${admin.organization.slug},dc=castellan`, 'x')).code).toBe(49);
    const ghost = await bind(`uid=ghost,ou=services,o=${admin.organization.slug},dc=castellan`, 'x');
    expect(ghost.message).toContain('Too many failed attempts');
    const unknown = await t.app.db.selectFrom('audit_log').select(['details', 'target_id']).where('org_id', '=', admin.organization.id).where('action', '=', 'auth.signin_failed').where('target_id', 'is', null).execute();
    expect(unknown.length).toBeGreaterThanOrEqual(3);
    for (const u of unknown) expect(JSON.parse(u.details)).toMatchObject({ reason: 'invalid_credentials', channel: 'ldap', ref: expect.any(String) });
    expect(JSON.stringify(unknown)).not.toContain('ghost');
  });
});
