import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, acceptedMember, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { ldapCaCertificate, ldapTls } from '../../protocols/ldap/index.ts';

describe.each(dialects)("PRO-1: the console's LDAP page over the API on $name", (dialect) => {
  let t: TestApp;
  let a: Admin;
  let b: Admin;
  let member: Awaited<ReturnType<typeof acceptedMember>>;
  let hosts: string;
  let ports: { port: number; ldapsPort: number };
  const call = (method: string, url: string, auth: Record<string, string>, payload?: unknown) =>
    t.app.http.inject({ method: method as 'GET', url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const org = (admin: Admin) => `/api/v1/orgs/${admin.organization.id}`;

  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0' } });
    a = await verifiedUser(t, { companyName: 'Directory Works' });
    b = await verifiedUser(t, { companyName: 'Elsewhere Inc' });
    member = await acceptedMember(t, a);
    hosts = json(await call('POST', `${org(a)}/resources`, a.auth, { kind: 'application', name: 'Linux hosts', settings: { protocol: 'ldap' } })).id;
    await call('POST', `${org(a)}/resources`, a.auth, { kind: 'application', name: 'Wiki', settings: { protocol: 'oidc', grantTypes: ['client_credentials'] } });
    await call('POST', `${org(a)}/resources`, a.auth, { kind: 'system', name: 'Build farm', settings: { protocol: 'ldap' } });
    ports = await t.app.startLdap();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("PRO-1: an admin sees the organization's DNs, the host, the ports the running listeners are bound to, and its LDAP applications", async () => {
    const res = await call('GET', `${org(a)}/ldap`, a.auth);
    expect(res.statusCode).toBe(200);
    const slug = a.organization.slug as string;
    expect(slug).toMatch(/^directory-works/);
    expect(json(res)).toEqual({
      enabled: true,
      host: 'castellan.test',
      port: ports.port,
      ldapsPort: ports.ldapsPort,
      plainBindAllowed: false,
      suffix: 'dc=castellan',
      baseDn: `o=${slug},dc=castellan`,
      peopleDn: `ou=people,o=${slug},dc=castellan`,
      groupsDn: `ou=groups,o=${slug},dc=castellan`,
      servicesDn: `ou=services,o=${slug},dc=castellan`,
      caCertificate: true,
      applications: [{ id: hosts, name: 'Linux hosts' }],
    });
    expect(ports.port).toBeGreaterThan(0);
    expect(ports.ldapsPort).not.toBe(ports.port);
    // The other organization has its own subtree, and no LDAP application yet.
    const theirs = json(await call('GET', `${org(b)}/ldap`, b.auth));
    expect(theirs.baseDn).toBe(`o=${b.organization.slug},dc=castellan`);
    expect(theirs.applications).toEqual([]);
  });

  it('PRO-1: the CA certificate downloads as a PEM file: a CA that signed the server certificate, and no key', async () => {
    const res = await call('GET', `${org(a)}/ldap/ca.pem`, a.auth);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-pem-file');
    expect(res.headers['content-disposition']).toBe('attachment; filename="castellan-ldap-ca.pem"');
    expect(res.body).not.toContain('PRIVATE KEY');
    const ca = new X509Certificate(res.body);
    expect(ca.ca).toBe(true);
    expect(res.body.trim()).toBe(readFileSync(path.join(t.db.dataDir, 'ldap-ca.pem'), 'utf8').trim());
    const server = new X509Certificate(readFileSync(path.join(t.db.dataDir, 'ldap.pem'), 'utf8'));
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('castellan.test')).toBe('castellan.test');
  });

  it("DIR-1: another organization's admin gets 404, a plain member 403, and nobody signed in 401", async () => {
    for (const url of [`${org(a)}/ldap`, `${org(a)}/ldap/ca.pem`]) {
      const other = await call('GET', url, b.auth);
      expect(other.statusCode, url).toBe(404);
      expect(json(other).code).toBe('common.not_found');
      const plain = await call('GET', url, member.auth);
      expect(plain.statusCode, url).toBe(403);
      expect(plain.headers['content-type']).toContain('application/problem+json');
      expect((await call('GET', url, {})).statusCode, url).toBe(401);
    }
    expect((await call('GET', '/api/v1/orgs/org_XXXXXXXXXXXXXXXX/ldap', a.auth)).statusCode).toBe(404);
  });

  it('SEC-3: a malformed organization id is refused with a problem', async () => {
    for (const url of [`/api/v1/orgs/${'x'.repeat(101)}/ldap`, `/api/v1/orgs/${'x'.repeat(101)}/ldap/ca.pem`, '/api/v1/orgs/%E0%A4%A/ldap']) {
      const res = await call('GET', url, a.auth);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
  });
});

describe.each(dialects)('PRO-1: with LDAP turned off on $name', (dialect) => {
  let t: TestApp;
  let a: Admin;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_LDAP_ENABLED: 'false' } });
    a = await verifiedUser(t, { companyName: 'Quiet Co' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('PRO-1: the page says LDAP is off, and there is no CA certificate to download', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/ldap`, headers: a.auth });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ enabled: false, caCertificate: false, port: 3389, ldapsPort: 6636, baseDn: `o=${a.organization.slug},dc=castellan`, applications: [] });
    const ca = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/ldap/ca.pem`, headers: a.auth });
    expect(ca.statusCode).toBe(404);
    expect(ca.headers['content-type']).toContain('application/problem+json');
    expect(json(ca).code).toBe('ldap.no_ca_certificate');
  });
});

describe("PRO-1: the CA certificate of the operator's own files", () => {
  let dir: string;
  let chain: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'castellan-ldap-ca-'));
    await ldapTls({ dataDir: dir, hostnames: ['ldap.example.com'] });
    chain = readFileSync(path.join(dir, 'ldap.pem'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('PRO-1: the last certificate of the chain file when it is a CA; none when the file holds only the server certificate; never a key', () => {
    const file = path.join(dir, 'operator.pem');
    // A file with the key in it too, and text around the blocks, as operators' files can be.
    writeFileSync(file, `server certificate\n${chain}\n${readFileSync(path.join(dir, 'ldap.key'), 'utf8')}`);
    const pem = ldapCaCertificate({ dataDir: '/nonexistent', cert: file });
    expect(pem).toBeDefined();
    expect(pem).not.toContain('PRIVATE KEY');
    expect(new X509Certificate(pem as string).ca).toBe(true);
    expect(new X509Certificate(pem as string).fingerprint256).toBe(new X509Certificate(readFileSync(path.join(dir, 'ldap-ca.pem'), 'utf8')).fingerprint256);

    const leafOnly = chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length);
    writeFileSync(file, leafOnly);
    expect(ldapCaCertificate({ dataDir: dir, cert: file })).toBeUndefined();
    expect(ldapCaCertificate({ dataDir: dir, cert: path.join(dir, 'missing.pem') })).toBeUndefined();
    // Without the operator's files: the generated CA of the data directory, if there is one yet.
    expect(ldapCaCertificate({ dataDir: dir })).toBe(new X509Certificate(readFileSync(path.join(dir, 'ldap-ca.pem'), 'utf8')).toString());
    expect(ldapCaCertificate({ dataDir: path.join(dir, 'nothing-here') })).toBeUndefined();
  });
});
