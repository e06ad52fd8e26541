/**
 * PRO-1 with real clients: OpenLDAP's ldapsearch, ldapwhoami and ldapcompare (Debian ldap-utils)
 * against Castellan's LDAP listeners, over plain LDAP, StartTLS and LDAPS with the generated
 * certificate, on each database.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'ldapts';
import type { ManualClock } from '../../core/clock.ts';
import { anonymousContext } from '../../core/context.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/helpers/databases.ts';
import { type Admin, GOOD_PASSWORD, type TestApp, acceptedMember, inviteTokenFor, json, startTestApp, totpCode, verifiedUser } from '../../../test/helpers/app.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** ldif output as {dn: {attribute: values}} (ldapsearch -LLL, lines unwrapped with -o ldif-wrap=no). */
function entries(out: string): Record<string, Record<string, string[]>> {
  const result: Record<string, Record<string, string[]>> = {};
  for (const block of out.trim().split(/\n\n+/)) {
    let dn = '';
    const attrs: Record<string, string[]> = {};
    for (const line of block.split('\n')) {
      const m = /^([^:]+):(:?) ?(.*)$/.exec(line);
      if (!m) continue;
      const value = m[2] === ':' ? Buffer.from(m[3] ?? '', 'base64').toString('utf8') : (m[3] ?? '');
      if (m[1] === 'dn') dn = value;
      else (attrs[m[1] as string] ??= []).push(value);
    }
    if (dn || Object.keys(attrs).length > 0) result[dn] = attrs;
  }
  return result;
}

describe.each(dialects)('PRO-1: LDAP with real clients on $name', (dialect) => {
  let t: TestApp;
  let admin: Admin;
  let port: number;
  let ldapsPort: number;
  let slug: string;
  let tlsEnv: Record<string, string>;
  let alice: { email: string; password: string; user: { id: string; username: string } };
  let bob: { email: string; password: string; user: { id: string; username: string } };
  let carol: { email: string; password: string; user: { id: string; username: string } };
  const base = () => `o=${slug},dc=castellan`;
  const dnOf = (username: string) => `uid=${username},ou=people,${base()}`;
  const url = () => `ldap://127.0.0.1:${port}`;
  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await t.app.http.inject({ method: method as 'POST', url, headers: admin.auth, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.body ? json(res) : {};
  };
  const search = (args: string[], who = alice) =>
    run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', '-H', url(), '-ZZ', '-x', '-D', dnOf(who.user.username), '-w', who.password, ...args], tlsEnv);

  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0' } });
    admin = await verifiedUser(t, { companyName: 'Acme Rockets' });
    slug = admin.organization.slug;
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    alice = await acceptedMember(t, admin, { name: 'Alice Liddell', username: 'alice' });
    bob = await acceptedMember(t, admin, { name: 'Bob Ross', username: 'bob' });
    carol = await acceptedMember(t, admin, { name: 'Carol Danvers', username: 'carol' });
    const app = await call('POST', `${orgUrl}/resources`, { kind: 'application', name: 'Linux hosts', settings: { protocol: 'ldap' } });
    const engineers = await call('POST', `${orgUrl}/groups`, { name: 'engineers', description: 'People who build' });
    await call('POST', `${orgUrl}/groups/${engineers.id}/members`, { userId: alice.user.id });
    await call('POST', `${orgUrl}/groups/${engineers.id}/members`, { userId: bob.user.id });
    // Alice and Bob reach the LDAP application through their group; Carol has no access.
    await call('POST', `${orgUrl}/resources/${app.id}/bindings`, { groupId: engineers.id });
    const address = await t.app.startLdap();
    port = address.port;
    ldapsPort = address.ldapsPort;
    tlsEnv = { LDAPTLS_CACERT: path.join(t.db.dataDir, 'ldap-ca.pem'), LDAPTLS_REQCERT: 'demand' };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('PRO-1: the root DSE names the suffix, LDAPv3, StartTLS, WhoAmI and paged results to an anonymous client', async () => {
    const r = await run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', '-H', url(), '-x', '-s', 'base', '-b', '', '+'], tlsEnv);
    expect(r.code, r.stderr).toBe(0);
    const dse = entries(r.stdout)[''] ?? {};
    expect(dse.namingContexts).toEqual(['dc=castellan']);
    expect(dse.supportedLDAPVersion).toEqual(['3']);
    expect(dse.supportedExtension).toEqual(expect.arrayContaining(['1.3.6.1.4.1.1466.20037', '1.3.6.1.4.1.4203.1.11.3']));
    expect(dse.supportedControl).toContain('1.2.840.113556.1.4.319');
    expect(dse.subschemaSubentry).toEqual(['cn=Subschema']);
    const schema = await run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', '-H', url(), '-x', '-s', 'base', '-b', 'cn=Subschema', '(objectClass=*)', 'objectClasses', 'attributeTypes'], tlsEnv);
    expect(schema.code, schema.stderr).toBe(0);
    expect(schema.stdout).toContain("NAME 'posixAccount'");
    expect(schema.stdout).toContain("NAME 'uidNumber'");
  });

  it('PRO-1: an anonymous client sees nothing of the tree', async () => {
    const r = await run('ldapsearch', ['-LLL', '-H', url(), '-x', '-b', 'dc=castellan', '(objectClass=*)'], tlsEnv);
    expect(r.code).toBe(50);
    expect(r.stdout).toBe('');
  });

  it('PRO-1: a simple bind without TLS is refused with confidentialityRequired; StartTLS and LDAPS bind with the generated certificate', async () => {
    const plain = await run('ldapwhoami', ['-H', url(), '-x', '-D', dnOf('alice'), '-w', alice.password], tlsEnv);
    expect(plain.code).toBe(13);
    const startTls = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf('alice'), '-w', alice.password], tlsEnv);
    expect(startTls.code, startTls.stderr).toBe(0);
    expect(startTls.stdout.trim()).toBe(`dn:${dnOf('alice')}`);
    const ldaps = await run('ldapwhoami', ['-H', `ldaps://127.0.0.1:${ldapsPort}`, '-x', '-D', dnOf('bob'), '-w', bob.password], tlsEnv);
    expect(ldaps.code, ldaps.stderr).toBe(0);
    expect(ldaps.stdout.trim()).toBe(`dn:${dnOf('bob')}`);
    // A client that does not trust the certificate does not connect.
    const untrusted = await run('ldapwhoami', ['-H', `ldaps://127.0.0.1:${ldapsPort}`, '-x', '-D', dnOf('bob'), '-w', bob.password], { LDAPTLS_CACERT: '/etc/ssl/certs/ca-certificates.crt', LDAPTLS_REQCERT: 'demand' });
    expect(untrusted.code).not.toBe(0);
  });

  it('PRO-1, ACC-7: wrong passwords, unknown users and members without access all get invalidCredentials; an unauthenticated bind is refused', async () => {
    for (const [dn, password] of [
      [dnOf('alice'), 'not the password'],
      [dnOf('nobody'), GOOD_PASSWORD],
      [dnOf('carol'), carol.password],
      [`uid=alice,ou=people,o=no-such-org,dc=castellan`, alice.password],
      ['cn=admin,dc=castellan', 'secret'],
    ]) {
      const r = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dn as string, '-w', password as string], tlsEnv);
      expect(r.code, `${dn}: ${r.stderr}`).toBe(49);
    }
    const unauthenticated = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf('alice')], { ...tlsEnv });
    expect(unauthenticated.code).not.toBe(0);
  });

  it('PRO-1: users are inetOrgPerson + posixAccount with their POSIX ids, and only members with access appear', async () => {
    const r = await search(['-b', base(), '(objectClass=posixAccount)', '*', '+']);
    expect(r.code, r.stderr).toBe(0);
    const found = entries(r.stdout);
    expect(Object.keys(found).sort()).toEqual([dnOf('alice'), dnOf('bob')]);
    const a = found[dnOf('alice')] ?? {};
    expect(a.objectClass).toEqual(expect.arrayContaining(['inetOrgPerson', 'posixAccount']));
    expect(a.uid).toEqual(['alice']);
    expect(a.cn).toEqual(['Alice Liddell']);
    expect(a.sn).toEqual(['Liddell']);
    expect(a.givenName).toEqual(['Alice']);
    expect(a.mail).toEqual([alice.email]);
    expect(Number(a.uidNumber?.[0])).toBeGreaterThanOrEqual(1000);
    expect(a.homeDirectory).toEqual(['/home/alice']);
    expect(a.memberOf).toEqual([`cn=engineers,ou=groups,${base()}`]);
    expect(a.entryUUID?.[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('PRO-1: groups are groupOfNames + posixGroup with member and memberUid; filters, scopes and attribute selection', async () => {
    const g = await search(['-b', `ou=groups,${base()}`, '-s', 'one', '(&(objectClass=posixGroup)(cn=ENGINEERS))']);
    expect(g.code, g.stderr).toBe(0);
    const group = entries(g.stdout)[`cn=engineers,ou=groups,${base()}`] ?? {};
    expect(group.member?.sort()).toEqual([dnOf('alice'), dnOf('bob')]);
    expect(group.memberUid?.sort()).toEqual(['alice', 'bob']);
    expect(group.gidNumber?.[0]).toMatch(/^\d+$/);

    const or = await search(['-b', base(), '(|(uid=bob)(cn=ALICE*))', 'uid']);
    expect(Object.values(entries(or.stdout)).map((e) => e.uid?.[0]).sort()).toEqual(['alice', 'bob']);
    const not = await search(['-b', `ou=people,${base()}`, '(!(uid=bob))', '1.1']);
    expect(Object.keys(entries(not.stdout))).toEqual([dnOf('alice')]);
    const unknown = await search(['-b', base(), '(noSuchAttribute=x)']);
    expect(unknown.code).toBe(0);
    expect(unknown.stdout.trim()).toBe('');
    const baseScope = await search(['-b', dnOf('bob'), '-s', 'base', '(objectClass=*)', 'cn']);
    expect(entries(baseScope.stdout)).toEqual({ [dnOf('bob')]: { cn: ['Bob Ross'] } });
    const missing = await search(['-b', dnOf('carol'), '-s', 'base', '(objectClass=*)']);
    expect(missing.code).toBe(32);
    // Extensible match is refused cleanly; an unknown critical control too; a bad base is no DN.
    expect((await search(['-b', base(), '(cn:caseExactMatch:=Bob Ross)'])).code).toBe(53);
    expect((await search(['-b', base(), '-e', '!1.2.3.4.5', '(uid=bob)'])).code).toBe(12);
    expect((await search(['-b', 'not a dn', '(uid=bob)'])).code).toBe(34);
    expect((await search(['-b', base(), '(gidNumber=)', '1.1'])).code).toBe(0);
  });

  it('PRO-1: paged results walk every entry once (RFC 2696), and a size limit is honoured', async () => {
    const paged = await search(['-b', base(), '-E', 'pr=1/noprompt', '(objectClass=*)', '1.1']);
    expect(paged.code, paged.stderr).toBe(0);
    const dns = paged.stdout.split('\n').filter((l) => l.startsWith('dn: ')).map((l) => l.slice(4));
    expect(dns.sort()).toEqual([base(), `ou=groups,${base()}`, `ou=people,${base()}`, dnOf('alice'), dnOf('bob'), `cn=engineers,ou=groups,${base()}`].sort());
    const limited = await search(['-b', base(), '-z', '2', '(objectClass=*)', '1.1']);
    expect(limited.code).toBe(4);
  });

  it('PRO-1, DIR-1: another organization\'s subtree does not exist for this member', async () => {
    const other = await verifiedUser(t, { companyName: 'Other Org' });
    const r = await search(['-b', `o=${other.organization.slug},dc=castellan`, '(objectClass=*)']);
    expect(r.code).toBe(32);
    const suffix = await search(['-b', 'dc=castellan', '-s', 'one', '(objectClass=*)', 'o']);
    expect(Object.keys(entries(suffix.stdout))).toEqual([base()]);
  });

  it('PRO-1: compare, and writes refused with unwillingToPerform', async () => {
    const yes = await run('ldapcompare', ['-H', url(), '-ZZ', '-x', '-D', dnOf('alice'), '-w', alice.password, dnOf('bob'), 'cn:bob ross'], tlsEnv);
    expect(yes.code, yes.stderr).toBe(6);
    const no = await run('ldapcompare', ['-H', url(), '-ZZ', '-x', '-D', dnOf('alice'), '-w', alice.password, dnOf('bob'), 'cn:Someone Else'], tlsEnv);
    expect(no.code).toBe(5);
    const del = await run('ldapdelete', ['-H', url(), '-ZZ', '-x', '-D', dnOf('alice'), '-w', alice.password, dnOf('bob')], tlsEnv);
    expect(del.code).toBe(53);
  });

  it('PRO-1: a malformed message ends only its own connection, with a notice of disconnection', async () => {
    const bad = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    bad.on('data', (c) => got.push(c));
    await new Promise((r) => bad.once('connect', r));
    bad.write(Buffer.from([0x30, 0x05, 0x02, 0x01, 0x01, 0x77, 0x00]));
    await new Promise((r) => bad.once('close', r));
    // An ExtendedResponse (0x78) with messageID 0 naming 1.3.6.1.4.1.1466.20036.
    expect(Buffer.concat(got).toString('latin1')).toContain('1.3.6.1.4.1.1466.20036');
    const after = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf('alice'), '-w', alice.password], tlsEnv);
    expect(after.code, after.stderr).toBe(0);
  });

  it('PRO-1: a service account binds and searches its organization (as nslcd does), and deleting it revokes an open connection at once', async () => {
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const apps = await call('GET', `${orgUrl}/resources?kind=application`);
    const ldapApp = apps.items.find((r: { settings: { protocol?: string } }) => r.settings.protocol === 'ldap');
    const svc = await call('POST', `${orgUrl}/resources/${ldapApp.id}/service-accounts`, { name: 'nslcd' });
    expect(svc.dn).toBe(`uid=nslcd,ou=services,${base()}`);
    const r = await run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', '-H', url(), '-ZZ', '-x', '-D', svc.dn, '-w', svc.secret, '-b', base(), '(&(objectClass=posixGroup)(memberUid=alice))', 'cn'], tlsEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(entries(r.stdout))).toEqual([`cn=engineers,ou=groups,${base()}`]);
    const wrong = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', svc.dn, '-w', `${svc.secret}x`], tlsEnv);
    expect(wrong.code).toBe(49);

    const client = new Client({ url: `ldaps://127.0.0.1:${ldapsPort}`, tlsOptions: { ca: [readFileSync(tlsEnv.LDAPTLS_CACERT as string)] } });
    try {
      await client.bind(svc.dn, svc.secret);
      expect((await client.search(`ou=people,${base()}`, { filter: '(uid=*)', attributes: ['uid'] })).searchEntries.length).toBeGreaterThan(0);
      await call('DELETE', `${orgUrl}/resources/${ldapApp.id}/service-accounts/${svc.id}`);
      await expect(client.search(`ou=people,${base()}`, { filter: '(uid=*)', attributes: ['uid'] })).rejects.toMatchObject({ code: 50 });
    } finally {
      await client.unbind().catch(() => {});
    }
  });

  it('PRO-1: malformed and truncated messages on many connections never disturb a healthy connection beside them', async () => {
    const healthy = new Client({ url: `ldaps://127.0.0.1:${ldapsPort}`, tlsOptions: { ca: [readFileSync(tlsEnv.LDAPTLS_CACERT as string)] } });
    await healthy.bind(dnOf('alice'), alice.password);
    // A valid search request, then mutated: flipped bytes, cut short, lengths broken, random bytes.
    const valid = Buffer.from('3025020107632004000a01000a0100020100020100010100870b6f626a656374436c6173733000', 'hex');
    let seed = 20261207;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const mutate = (): Buffer => {
      const b = Buffer.from(valid);
      switch (rand(4)) {
        case 0:
          for (let i = 0; i < 1 + rand(4); i++) b[rand(b.length)] = rand(256);
          return b;
        case 1:
          return b.subarray(0, rand(b.length));
        case 2:
          b[1] = rand(256);
          return b;
        default:
          return Buffer.from(Array.from({ length: 1 + rand(64) }, () => rand(256)));
      }
    };
    const attack = async () => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('data', () => {});
      await new Promise((r) => s.once('connect', r));
      for (let i = 0; i < 5; i++) s.write(mutate());
      s.end();
      await new Promise((r) => s.once('close', r));
    };
    try {
      for (let round = 0; round < 20; round++) {
        await Promise.all(Array.from({ length: 20 }, attack));
        const r = await healthy.search(base(), { filter: '(uid=bob)', attributes: ['uid'] });
        expect(r.searchEntries.map((e) => e.uid)).toEqual(['bob']);
      }
    } finally {
      await healthy.unbind().catch(() => {});
    }
    expect(t.app.ldap?.connections()).toBeLessThanOrEqual(1);
  });

  it('PRO-1: suspension takes effect on the next operation of an open connection, and binds are audited per connection', async () => {
    const client = new Client({ url: `ldaps://127.0.0.1:${ldapsPort}`, tlsOptions: { ca: [readFileSync(tlsEnv.LDAPTLS_CACERT as string)] } });
    try {
      await client.bind(dnOf('bob'), bob.password);
      const before = await client.search(base(), { filter: '(uid=alice)', attributes: ['uid'] });
      expect(before.searchEntries.map((e) => e.uid)).toEqual(['alice']);
      await call('POST', `/api/v1/orgs/${admin.organization.id}/users/${bob.user.id}/suspend`);
      await expect(client.search(base(), { filter: '(uid=alice)', attributes: ['uid'] })).rejects.toMatchObject({ code: 50 });
    } finally {
      await client.unbind().catch(() => {});
    }
    const again = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf('bob'), '-w', bob.password], tlsEnv);
    expect(again.code).toBe(49);
    await expect.poll(async () => (await t.app.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'ldap.session').execute()).length).toBeGreaterThan(0);
  });

  it('PRO-1: Password Modify (RFC 3062) changes one\'s own password with the password rules, through ldappasswd', async () => {
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const dave = await acceptedMember(t, admin, { name: 'Dave Bowman', username: 'dave' });
    const groups = await call('GET', `${orgUrl}/groups`);
    const engineers = groups.items.find((g: { name: string }) => g.name === 'engineers');
    await call('POST', `${orgUrl}/groups/${engineers.id}/members`, { userId: dave.user.id });
    const as = (password: string, extra: string[]) => run('ldappasswd', ['-H', url(), '-ZZ', '-x', '-D', dnOf('dave'), '-w', password, ...extra], tlsEnv);
    const weak = await as(dave.password, ['-a', dave.password, '-s', 'short']);
    // ldappasswd exits 1 on any refusal; the result code is in what it prints.
    expect(weak.stdout + weak.stderr).toContain('Constraint violation (19)');
    const wrongOld = await as(dave.password, ['-a', 'not my password', '-s', 'a-much-better-passphrase-9']);
    expect(wrongOld.stdout + wrongOld.stderr).toContain('Invalid credentials (49)');
    const someoneElse = await run('ldappasswd', ['-H', url(), '-ZZ', '-x', '-D', dnOf('dave'), '-w', dave.password, '-a', dave.password, '-s', 'a-much-better-passphrase-9', dnOf('alice')], tlsEnv);
    expect(someoneElse.stdout + someoneElse.stderr).toContain('(50)');
    const ok = await as(dave.password, ['-a', dave.password, '-s', 'a-much-better-passphrase-9']);
    expect(ok.code, ok.stderr).toBe(0);
    const after = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf('dave'), '-w', 'a-much-better-passphrase-9'], tlsEnv);
    expect(after.code, after.stderr).toBe(0);
    const old = await run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf('dave'), '-w', dave.password], tlsEnv);
    expect(old.code).toBe(49);
  });

  it('PRO-1, ACC-5: once the organization requires MFA, a bind takes the TOTP code right after the password', async () => {
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const as = async (auth: Record<string, string>, method: string, url: string, payload?: unknown) => t.app.http.inject({ method: method as 'POST', url, headers: auth, ...(payload ? { payload } : {}) });
    const turnOnTotp = async (auth: Record<string, string>, password: string) => {
      const { secret } = json(await as(auth, 'POST', '/api/v1/me/mfa/totp', { password }));
      const confirmed = await as(auth, 'POST', '/api/v1/me/mfa/totp/confirm', { code: totpCode(secret, t.clock) });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      return secret as string;
    };
    const erin = await acceptedMember(t, admin, { name: 'Erin Hannon', username: 'erin' });
    const frank = await acceptedMember(t, admin, { name: 'Frank Poole', username: 'frank' });
    const engineers = (await call('GET', `${orgUrl}/groups`)).items.find((g: { name: string }) => g.name === 'engineers');
    for (const who of [erin, frank]) await call('POST', `${orgUrl}/groups/${engineers.id}/members`, { userId: who.user.id });
    const secret = await turnOnTotp(erin.auth, erin.password);

    // An admin turns it on only with their own second factor on.
    const early = await as(admin.auth, 'PATCH', orgUrl, { requireMfa: true });
    expect(early.statusCode).toBe(409);
    expect(json(early).code).toBe('directory.own_mfa_first');
    await turnOnTotp(admin.auth, admin.body.password);
    const on = await as(admin.auth, 'PATCH', orgUrl, { requireMfa: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(json(on).requireMfa).toBe(true);

    const whoami = (username: string, password: string) => run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf(username), '-w', password], tlsEnv);
    const bare = await whoami('erin', erin.password);
    expect(bare.code).toBe(49);
    expect(bare.stderr).toContain('type the code right after the password');
    (t.clock as ManualClock).advance(30_000);
    const code = totpCode(secret, t.clock);
    const ok = await whoami('erin', `${erin.password}${code}`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe(`dn:${dnOf('erin')}`);
    // A code works once; a wrong one is a failed attempt like a wrong password.
    expect((await whoami('erin', `${erin.password}${code}`)).code).toBe(49);
    expect((await whoami('erin', `${erin.password}000000`)).code).toBe(49);
    // Frank has no second factor: his right password gets him told to turn it on, and nothing else.
    const unenrolled = await whoami('frank', frank.password);
    expect(unenrolled.code).toBe(49);
    expect(unenrolled.stderr).toContain('turn it on in your account first');
    expect((await whoami('frank', 'not the password')).stderr).not.toContain('two-step');
    // His console for the organization stays closed to admin work until he turns it on (he is no admin: 403 either way), and the flag is his to read.
    expect(json(await as(frank.auth, 'GET', orgUrl)).requireMfa).toBe(true);

    const off = await as(admin.auth, 'PATCH', orgUrl, { requireMfa: false });
    expect(off.statusCode, off.body).toBe(200);
    const plain = await whoami('erin', erin.password);
    expect(plain.code, plain.stderr).toBe(0);
  });

  it('PRO-1, DIR-5, ACC-2: a member imported with an {SSHA} hash binds with the old password at once; the hash becomes argon2id on that bind and goes when they accept', async () => {
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const salt = randomBytes(8);
    const ssha = `{SSHA}${Buffer.concat([createHash('sha1').update('old directory pw').update(salt).digest(), salt]).toString('base64')}`;
    const ldif = [
      'dn: uid=ivan,ou=people,dc=example,dc=com',
      'objectClass: inetOrgPerson',
      'objectClass: posixAccount',
      'uid: ivan',
      'cn: Ivan Ilyich',
      'sn: Ilyich',
      'mail: ivan@example.com',
      'uidNumber: 23001',
      'gidNumber: 23001',
      'homeDirectory: /home/ivan',
      'loginShell: /bin/zsh',
      `userPassword:: ${Buffer.from(ssha).toString('base64')}`,
      '',
      'dn: cn=movers,ou=groups,dc=example,dc=com',
      'objectClass: posixGroup',
      'cn: movers',
      'gidNumber: 23500',
      'memberUid: ivan',
      '',
    ].join('\n');
    const imported = await call('POST', `${orgUrl}/users/import`, { format: 'ldif', data: ldif, keepPasswordHashes: true });
    expect(imported).toMatchObject({ created: 1, passwordHashesKept: 1 });
    const ldapApp = (await call('GET', `${orgUrl}/resources`)).items.find((r: { name: string }) => r.name === 'Linux hosts');
    const movers = (await call('GET', `${orgUrl}/groups`)).items.find((g: { name: string }) => g.name === 'movers');
    await call('POST', `${orgUrl}/resources/${ldapApp.id}/bindings`, { groupId: movers.id });
    const ivan = (await call('GET', `${orgUrl}/users?q=ivan`)).items.find((u: { username: string }) => u.username === 'ivan');
    expect(ivan.status).toBe('active');
    expect(JSON.stringify(await call('GET', `${orgUrl}/users/${ivan.id}`))).not.toMatch(/SSHA|userPassword|hash/i);

    // Hosts see him with his old ids before he has an account, and he binds with his old password.
    const seen = entries((await search(['-b', base(), '(uid=ivan)', 'uidNumber', 'gidNumber', 'loginShell'])).stdout);
    expect(seen[dnOf('ivan')]).toMatchObject({ uidNumber: ['23001'], gidNumber: ['23001'], loginShell: ['/bin/zsh'] });
    const whoami = (password: string) => run('ldapwhoami', ['-H', url(), '-ZZ', '-x', '-D', dnOf('ivan'), '-w', password], tlsEnv);
    expect((await whoami('not the old password')).code).toBe(49);
    const first = await whoami('old directory pw');
    expect(first.code, first.stderr).toBe(0);
    const kept = await t.app.directory.importedPasswords.find(admin.organization.id, ivan.id);
    expect(kept?.legacy).toBeNull();
    expect(kept?.value.startsWith('{')).toBe(false);
    expect((await whoami('old directory pw')).code).toBe(0);

    // Accepting the invitation gives him an account with a password of his own; the kept one goes.
    await t.app.directory.invitations.acceptWithPassword(anonymousContext('127.0.0.1', null), await inviteTokenFor(t, ivan.id), { password: 'ivan-chose-this-one-9' });
    expect(await t.app.directory.importedPasswords.find(admin.organization.id, ivan.id)).toBeUndefined();
    expect((await whoami('old directory pw')).code).toBe(49);
    const own = await whoami('ivan-chose-this-one-9');
    expect(own.code, own.stderr).toBe(0);
  });
});
