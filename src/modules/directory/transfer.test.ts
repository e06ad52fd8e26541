import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, json, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { sql } from 'kysely';
import { AD_EXPORT, LEGACY_PASSWORD, OPENLDAP_EXPORT, OPENLDAP_HASHES } from '../../../test/helpers/ldif-exports.ts';
import { fastHasher } from '../../../test/helpers/hasher.ts';
import { parseCsv, parseCsvRecords, toCsv } from './transfer.formats.ts';
import { normalizeDn, parseLdif, toLdif } from './transfer.ldif.ts';
import { verifyLegacyHash } from '../accounts/index.ts';

describe('DIR-5: file formats', () => {
  it('CSV: quoted fields, doubled quotes, CRLF and line numbers of records', () => {
    const text = 'email,name,username,groups\r\na@x.io,"Lovelace, Ada",ada,eng;ops\r\n"b@x.io","Say ""hi""\nthere",,\r\nc@x.io,C,c,\n';
    const recs = parseCsvRecords(text);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 5]);
    const { rows, errors } = parseCsv(text);
    expect(errors).toEqual([]);
    expect(rows[0]).toEqual({ line: 2, email: 'a@x.io', name: 'Lovelace, Ada', username: 'ada', groups: ['eng', 'ops'] });
    expect(rows[1]).toMatchObject({ line: 3, name: 'Say "hi"\nthere', username: undefined, groups: [] });
    expect(parseCsv(toCsv([{ email: 'a@x.io', name: 'Lovelace, Ada', username: 'ada', uidNumber: 1, gidNumber: 1, homeDirectory: null, loginShell: null, status: 'active', groups: ['eng'] }])).rows[0]).toMatchObject({ name: 'Lovelace, Ada', groups: ['eng'] });
  });

  it('CSV: a bad header or a short row is reported with its line', () => {
    expect(parseCsv('mail,name\nx,y\n').errors[0]).toMatchObject({ line: 1 });
    expect(parseCsv('email,name\na@x.io\n').errors).toEqual([{ line: 2, message: 'Expected 2 fields, found 1.' }]);
  });

  it('LDIF: folded lines, base64 values, memberOf, round trip', () => {
    const users = [{ email: 'z@x.io', name: 'Zoë Ünicode', username: 'zoe', uidNumber: 10001, gidNumber: 10001, homeDirectory: '/home/zoe', loginShell: '/bin/sh', status: 'active', groups: ['eng'] }];
    const ldif = toLdif(users, 'org_1');
    expect(ldif).toContain('objectClass: inetOrgPerson');
    expect(ldif).toContain('cn:: ');
    expect(parseLdif(ldif).rows).toEqual([
      {
        line: 3,
        email: 'z@x.io',
        name: 'Zoë Ünicode',
        username: 'zoe',
        groups: ['eng'],
        posix: { uidNumber: '10001', gidNumber: '10001', homeDirectory: '/home/zoe', loginShell: '/bin/sh' },
        passwords: [],
      },
    ]);
    const folded = 'dn: uid=a,ou=people,o=x\nobjectClass: inetOrgPerson\nuid: a\ncn: Ada Lo\n velace\nmail: a@x.io\n';
    expect(parseLdif(folded).rows[0]?.name).toBe('Ada Lovelace');
    expect(parseLdif('dn: uid=x,o=y\nobjectClass: inetOrgPerson\nthis is not ldif\n').errors).toEqual([{ line: 3, message: 'Not an LDIF attribute line: "this is not ldif"' }]);
  });

  it('LDIF: a line that is not LDIF is a problem by line, and a password line is never quoted', () => {
    const bad = [
      'dn: uid=a,o=x', // 1
      'objectClass: inetOrgPerson',
      'userPassword {SSHA}qIYR4LJk9U16Iw1wHZeMrlrwA0ZTugNT', // 3: no colon
      'cn:: not*base64', // 4
      'jpegPhoto:< file:///tmp/a.jpg', // 5
      '',
      'objectClass: person', // 7: no dn
      '',
      'dn: not a dn', // 9
      'objectClass: inetOrgPerson',
      '',
      'dn: uid=b,o=x', // 12
      'changetype: modify',
    ].join('\n');
    const { errors } = parseLdif(bad);
    expect(errors.map((e) => [e.line, e.field])).toEqual([[3, undefined], [4, 'cn'], [5, 'jpegphoto'], [7, undefined], [9, 'dn'], [12, 'changetype']]);
    expect(JSON.stringify(errors)).not.toContain('qIYR4');
    expect(errors[0]?.message).toBe('Not an LDIF attribute line: (a password attribute; its value is not shown)');
  });

  it('DNs are compared as LDAP compares them: without case, escapes decoded, spaces collapsed', () => {
    expect(normalizeDn('UID=Grace, OU=People,  DC=Example,DC=Com')).toBe(normalizeDn('uid=grace,ou=people,dc=example,dc=com'));
    expect(normalizeDn('cn=R\\26D\\2C West,o=x')).toBe(normalizeDn('CN=r&d\\, west,O=X'));
    expect(normalizeDn('cn=a\\,b,o=x')).not.toBe(normalizeDn('cn=a,b=,o=x'));
    expect(normalizeDn('no equals sign')).toBeUndefined();
  });

  it('DIR-5: an OpenLDAP export gives its users with their POSIX identities and hashes, its groups with their gidNumbers and members, and counts the rest', () => {
    const parsed = parseLdif(OPENLDAP_EXPORT);
    expect(parsed.errors).toEqual([]);
    expect(parsed.skipped).toBe(4); // the base, cn=admin, ou=people, ou=groups
    const byUid = Object.fromEntries(parsed.rows.map((r) => [r.username, r]));
    expect(byUid.ada).toMatchObject({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      groups: ['staff', 'developers'],
      posix: { uidNumber: '2001', gidNumber: '3000', homeDirectory: '/home/ada', loginShell: '/bin/zsh' },
      passwords: [OPENLDAP_HASHES.ada],
    });
    // A folded base64 value, and a member DN in another case and spacing.
    expect(byUid.grace).toMatchObject({ groups: ['developers'], passwords: [OPENLDAP_HASHES.grace], posix: { uidNumber: '12000', homeDirectory: '/srv/home/grace' } });
    // A base64 name; memberUid and a uniqueMember with its optional #'…'B.
    expect(byUid.linus).toMatchObject({ name: 'Linus Törnqvist', groups: ['staff', 'ops'], posix: { loginShell: '/usr/bin/fish' } });
    expect(parsed.groups.map((g) => [g.name, g.gidNumber])).toEqual([['staff', '3000'], ['developers', '3001'], ['ops', undefined]]);
  });

  it('DIR-5: a JumpCloud export: users and their groups side by side under ou=Users', () => {
    const base = 'ou=Users,o=5f1e9c2b7a6d4e0012345678,dc=jumpcloud,dc=com';
    const text = [
      `dn: ${base}`,
      'objectClass: organizationalUnit',
      'ou: Users',
      '',
      `dn: uid=jdoe,${base}`,
      ...['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'shadowAccount', 'posixAccount', 'jumpcloudUser'].map((c) => `objectClass: ${c}`),
      'uid: jdoe',
      'cn: Jane Doe',
      'mail: jane.doe@example.com',
      'uidNumber: 5001',
      'gidNumber: 5001',
      'homeDirectory: /home/jdoe',
      'loginShell: /bin/bash',
      '',
      `dn: cn=Engineering,${base}`,
      'objectClass: top',
      'objectClass: groupOfNames',
      'objectClass: posixGroup',
      'objectClass: jumpcloudGroup',
      'cn: Engineering',
      'gidNumber: 5100',
      `member: uid=jdoe,${base}`,
      'memberUid: jdoe',
      '',
    ].join('\n');
    const parsed = parseLdif(text);
    expect(parsed).toMatchObject({ errors: [], skipped: 1, groups: [{ name: 'Engineering', gidNumber: '5100' }] });
    expect(parsed.rows).toMatchObject([{ username: 'jdoe', groups: ['Engineering'], posix: { uidNumber: '5001', gidNumber: '5001' } }]);
  });

  it('DIR-5: an Active Directory ldifde export: sAMAccountName, mail or userPrincipalName, unixHomeDirectory; computers and OUs skipped', () => {
    const parsed = parseLdif(AD_EXPORT);
    expect(parsed.errors).toEqual([]);
    expect(parsed.skipped).toBe(4); // the domain, two OUs, the computer
    expect(parsed.rows.map((r) => ({ username: r.username, email: r.email, name: r.name, groups: r.groups, home: r.posix?.homeDirectory }))).toEqual([
      { username: 'alovelace', email: 'ada.lovelace@example.com', name: 'Ada King, Countess of Lovelace', groups: ['engineers'], home: '/home/alovelace' },
      { username: 'aturing', email: 'aturing@corp.example.com', name: 'Alan Turing', groups: ['engineers'], home: undefined },
    ]);
    expect(parsed.groups).toEqual([{ line: expect.any(Number), name: 'engineers', gidNumber: '20000' }]);
  });
});

describe.each(dialects)('DIR-5: import and export on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const importCall = (a: Awaited<ReturnType<typeof verifiedUser>>, payload: object) =>
    t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/users/import`, headers: a.auth, payload });
  const countUsers = async (orgId: string) =>
    Number((await t.app.db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()).n);

  it('DIR-5: an import creates users and groups with memberships, and the export gives them back in both formats', async () => {
    const a = await verifiedUser(t);
    const e1 = uniqueEmail('imp');
    const e2 = uniqueEmail('imp');
    const csv = `email,name,username,groups\n${e1},Ada One,adaone,eng;ops\n${e2},"Two, Bea",,eng\n`;
    const res = await importCall(a, { format: 'csv', data: csv });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ created: 2, groupsCreated: 2, skipped: 0, passwordHashesKept: 0, passwordHashesIgnored: 0 });
    const users = json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/users?q=imp`, headers: a.auth })).items;
    const uids = users.map((u: { uidNumber: number }) => u.uidNumber);
    expect(new Set(uids).size).toBe(2);
    expect(Math.min(...uids)).toBeGreaterThan(10000);

    const exported = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/users/export?format=csv`, headers: a.auth });
    expect(exported.headers['content-type']).toContain('text/csv');
    expect(exported.body).toContain(`${e1},Ada One,adaone,eng;ops`);
    expect(exported.body).toContain(`"Two, Bea"`);
    const ldif = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/users/export?format=ldif`, headers: a.auth });
    const back = parseLdif(ldif.body).rows.find((r) => r.email === e1);
    expect(back).toMatchObject({ username: 'adaone', groups: ['eng', 'ops'] });

    // The LDIF goes back into another organization unchanged.
    const b = await verifiedUser(t);
    const again = parseLdif(ldif.body).rows.filter((r) => r.email !== a.body.email);
    const text = toLdif(
      again.map((r) => ({ ...r, email: r.email.replace('@', '+copy@'), username: r.username ?? null, uidNumber: null, gidNumber: null, homeDirectory: null, loginShell: null, status: 'active' })),
      b.organization.id,
    );
    expect(json(await importCall(b, { format: 'ldif', data: text }))).toEqual({ created: 2, groupsCreated: 2, skipped: 0, passwordHashesKept: 0, passwordHashesIgnored: 0 });
  });

  it('DIR-5: an import with bad rows imports nothing and names every bad row by line', async () => {
    const a = await verifiedUser(t);
    const before = await countUsers(a.organization.id);
    const good = uniqueEmail('ok');
    const csv = [
      'email,name,username,groups',
      `${good},Good Row,goodrow,`,
      'not-an-email,Bad Email,,',
      `${uniqueEmail()},,noname,`,
      `${good},Duplicate,dup,`,
      `${uniqueEmail()},Bad Username,9lives,`,
      `${a.body.email},Existing,,`,
    ].join('\n');
    const res = await importCall(a, { format: 'csv', data: csv });
    expect(res.statusCode).toBe(422);
    const p = json(res);
    expect(p.code).toBe('directory.import_invalid');
    // Line 7 is wrong twice: its email and the username it implies both exist already.
    expect(p.problems.map((x: { line: number }) => x.line)).toEqual([3, 4, 5, 6, 7, 7]);
    expect(p.problems[0]).toMatchObject({ line: 3, field: 'email' });
    expect(await countUsers(a.organization.id)).toBe(before);
  });

  it('DIR-4 and DIR-5: an import beyond the free plan’s 10 users is refused before the file is read, and imports nothing', async () => {
    const a = await verifiedUser(t);
    const csv = ['email,name', ...Array.from({ length: 10 }, (_, i) => `${uniqueEmail('many')},User ${i}`)].join('\n');
    const res = await importCall(a, { format: 'csv', data: csv });
    expect(res.statusCode).toBe(403);
    expect(json(res).code).toBe('directory.user_limit_reached');
    expect(json(res).detail).toMatch(/at most 10 users; the file has 10 and there is room for 9/);
    expect(await countUsers(a.organization.id)).toBe(1);
    // A large file on a limited plan is refused for its size alone.
    const big = `email,name\n${'x'.repeat(70 * 1024)}`;
    const tooLarge = await importCall(a, { format: 'csv', data: big });
    expect(json(tooLarge).code).toBe('directory.import_too_large');
  });

  it('DIR-5: exported CSV cells never run as spreadsheet formulas, and read back as they were', async () => {
    const a = await verifiedUser(t);
    const csv = `email,name,username,groups\n${uniqueEmail('f')},=HYPERLINK("http://evil"),formula,+ops;@team\n`;
    expect((await importCall(a, { format: 'csv', data: csv })).statusCode).toBe(200);
    const exported = (await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/users/export?format=csv`, headers: a.auth })).body;
    const line = exported.split('\n').find((l) => l.includes('formula')) as string;
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
    for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    const back = parseCsv(exported).rows.find((r) => r.username === 'formula');
    expect(back).toMatchObject({ name: '=HYPERLINK("http://evil")', groups: ['+ops', '@team'] });
  });

  it('DIR-5: LDIF escapes DN values (a group named "R&D, West"), and carries group entries, so an empty group survives the round trip', async () => {
    const a = await verifiedUser(t);
    const base = `/api/v1/orgs/${a.organization.id}`;
    const call = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.http.inject({ method, url, headers: a.auth, ...(payload ? { payload } : {}) });
    const group = json(await call('POST', `${base}/groups`, { name: 'R&D, West' }));
    await call('POST', `${base}/groups`, { name: 'Nobody yet' });
    const u = json(await call('POST', `${base}/users`, { email: uniqueEmail('ldif'), name: 'Ada Comma', username: 'ada' }));
    expect((await call('POST', `${base}/groups/${group.id}/members`, { userId: u.id })).statusCode).toBe(204);
    const ldif = (await call('GET', `${base}/users/export?format=ldif`)).body;
    expect(ldif).toContain('memberOf: cn=R&D\\, West,ou=groups,');
    expect(ldif).toContain('dn: cn=Nobody yet,ou=groups,');

    const b = await verifiedUser(t);
    const rows = parseLdif(ldif);
    const again = toLdif(
      rows.rows.filter((r) => r.username === 'ada').map((r) => ({ ...r, username: r.username ?? null, uidNumber: null, gidNumber: null, homeDirectory: null, loginShell: null, status: 'active' })),
      b.organization.id,
      rows.groups.map((g, i) => ({ name: g.name, gidNumber: 20000 + i, description: null })),
    );
    expect(json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/users/import`, headers: b.auth, payload: { format: 'ldif', data: again } }))).toEqual({ created: 1, groupsCreated: 2, skipped: 0, passwordHashesKept: 0, passwordHashesIgnored: 0 });
    const names = json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${b.organization.id}/groups`, headers: b.auth })).items.map((g: { name: string }) => g.name);
    expect(names.sort()).toEqual(['Nobody yet', 'R&D, West']);
  });

  const countOf = async (table: 'memberships' | 'groups', orgId: string) =>
    Number((await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()).n);
  const usersOf = async (a: Admin) =>
    json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/users?limit=100`, headers: a.auth })).items as Array<Record<string, any>>;
  const groupsOf = async (a: Admin) =>
    json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/groups?limit=100`, headers: a.auth })).items as Array<Record<string, any>>;
  const exportOf = async (a: Admin) => (await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/users/export?format=ldif`, headers: a.auth })).body;
  /** The line of the file an entry starts on. */
  const lineOf = (text: string, dn: string) => text.split('\n').indexOf(`dn: ${dn}`) + 1;

  it('DIR-5: an organization imports its OpenLDAP export and every uidNumber, gidNumber, home and shell survives, into the export too', async () => {
    const a = await verifiedUser(t);
    const res = await importCall(a, { format: 'ldif', data: OPENLDAP_EXPORT });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ created: 3, groupsCreated: 3, skipped: 4, passwordHashesKept: 0, passwordHashesIgnored: 3 });
    const users = Object.fromEntries((await usersOf(a)).map((u) => [u.username, u]));
    expect(users.ada).toMatchObject({ uidNumber: 2001, gidNumber: 3000, homeDirectory: '/home/ada', loginShell: '/bin/zsh', status: 'invited' });
    expect(users.grace).toMatchObject({ uidNumber: 12000, gidNumber: 12000, homeDirectory: '/srv/home/grace', loginShell: '/bin/bash' });
    expect(users.linus).toMatchObject({ uidNumber: 2003, gidNumber: 3000, homeDirectory: '/home/linus', loginShell: '/usr/bin/fish', name: 'Linus Törnqvist' });
    const groups = Object.fromEntries((await groupsOf(a)).map((g) => [g.name, g]));
    expect(groups.staff).toMatchObject({ gidNumber: 3000, memberCount: 2 });
    expect(groups.developers).toMatchObject({ gidNumber: 3001, memberCount: 2 });
    // A group without a gidNumber gets the next id, past every id the file kept (12000).
    expect(groups.ops).toMatchObject({ gidNumber: 12001, memberCount: 1 });

    const exported = await exportOf(a);
    const back = Object.fromEntries(parseLdif(exported).rows.map((r) => [r.username, r]));
    expect(back.ada).toMatchObject({ groups: ['developers', 'staff'], posix: { uidNumber: '2001', gidNumber: '3000', homeDirectory: '/home/ada', loginShell: '/bin/zsh' } });
    expect(back.grace?.posix).toEqual({ uidNumber: '12000', gidNumber: '12000', homeDirectory: '/srv/home/grace', loginShell: '/bin/bash' });
    expect(parseLdif(exported).groups.map((g) => [g.name, g.gidNumber]).sort()).toEqual([['developers', '3001'], ['ops', '12001'], ['staff', '3000']]);
    expect(exported).not.toMatch(/userPassword/i);

    // The counter never hands out an imported id: the next user and group come after them.
    const invited = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/users`, headers: a.auth, payload: { email: uniqueEmail('after'), name: 'After' } }));
    const group = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/groups`, headers: a.auth, payload: { name: 'after' } }));
    expect([invited.uidNumber, group.gidNumber].sort()).toEqual([12002, 12003]);
  });

  it('DIR-5, ACC-2: with keepPasswordHashes, {SSHA} and {CRYPT}$6$ hashes are kept encrypted and counted; {MD5} is not; none is ever exported, answered, logged or audited', async () => {
    const a = await verifiedUser(t);
    const res = await importCall(a, { format: 'ldif', data: OPENLDAP_EXPORT, keepPasswordHashes: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ created: 3, groupsCreated: 3, skipped: 4, passwordHashesKept: 2, passwordHashesIgnored: 1 });
    const rows = await t.app.db.selectFrom('memberships').select(['id', 'username', 'imported_password_hash_enc']).where('org_id', '=', a.organization.id).execute();
    const byName = Object.fromEntries(rows.map((r) => [r.username, r]));
    expect(byName.linus?.imported_password_hash_enc).toBeNull();
    expect(byName[a.user.username]?.imported_password_hash_enc).toBeNull();
    for (const name of ['ada', 'grace'] as const) {
      const sealed = byName[name]?.imported_password_hash_enc as string;
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain(OPENLDAP_HASHES[name].slice(8, 30));
      const kept = await t.app.directory.importedPasswords.find(a.organization.id, byName[name]?.id as string);
      expect(kept?.value).toBe(OPENLDAP_HASHES[name]);
      expect(await verifyLegacyHash(kept?.legacy as NonNullable<typeof kept>['legacy'] & object, LEGACY_PASSWORD)).toBe(true);
    }
    // Another organization's id finds nothing (DIR-1).
    const other = await verifiedUser(t);
    expect(await t.app.directory.importedPasswords.find(other.organization.id, byName.ada?.id as string)).toBeUndefined();

    const everything = [
      res.body,
      await exportOf(a),
      (await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/users/export?format=csv`, headers: a.auth })).body,
      JSON.stringify(await usersOf(a)),
      JSON.stringify((await sql`select * from audit_log`.execute(t.app.db)).rows),
      t.logs.join('\n'),
    ].join('\n');
    for (const hash of Object.values(OPENLDAP_HASHES)) expect(everything).not.toContain(hash.slice(7, 27));
    expect(everything).not.toMatch(/userPassword|\{SSHA\}|\{CRYPT\}/i);

    // The credential check replaces a kept hash with the server's own after a good password, or drops it.
    const ada = byName.ada?.id as string;
    await t.app.directory.importedPasswords.replace(a.organization.id, ada, await fastHasher.hash(LEGACY_PASSWORD));
    const replaced = await t.app.directory.importedPasswords.find(a.organization.id, ada);
    expect(replaced?.legacy).toBeNull();
    expect(await fastHasher.verify(replaced?.value as string, LEGACY_PASSWORD)).toBe(true);
    await expect(t.app.directory.importedPasswords.replace(a.organization.id, ada, OPENLDAP_HASHES.ada)).rejects.toThrow();
    await expect(t.app.directory.importedPasswords.replace(other.organization.id, ada, await fastHasher.hash('x'))).rejects.toThrow();
    await t.app.directory.importedPasswords.drop(a.organization.id, ada);
    expect(await t.app.directory.importedPasswords.find(a.organization.id, ada)).toBeUndefined();
  });

  it('DIR-5: an Active Directory export imports its users by sAMAccountName with their POSIX ids, its group with its gidNumber and members', async () => {
    const a = await verifiedUser(t);
    const res = await importCall(a, { format: 'ldif', data: AD_EXPORT, keepPasswordHashes: true });
    expect(json(res)).toEqual({ created: 2, groupsCreated: 1, skipped: 4, passwordHashesKept: 0, passwordHashesIgnored: 0 });
    const users = Object.fromEntries((await usersOf(a)).map((u) => [u.username, u]));
    expect(users.alovelace).toMatchObject({ email: 'ada.lovelace@example.com', uidNumber: 20001, gidNumber: 20000, homeDirectory: '/home/alovelace' });
    expect(users.aturing).toMatchObject({ email: 'aturing@corp.example.com', homeDirectory: '/home/aturing', loginShell: '/bin/bash' });
    expect(users.aturing.uidNumber).toBeGreaterThan(20001);
    expect(await groupsOf(a)).toEqual([expect.objectContaining({ name: 'engineers', gidNumber: 20000, memberCount: 2 })]);
  });

  it('DIR-5: POSIX ids that collide, in the file or with the organization, are refused line by line, and nothing is written', async () => {
    const a = await verifiedUser(t);
    expect((await importCall(a, { format: 'ldif', data: OPENLDAP_EXPORT })).statusCode).toBe(200);
    const admin = a.user as { uidNumber: number };
    const person = (uid: string, attrs: string[]) =>
      [`dn: uid=${uid},ou=people,dc=two,dc=com`, 'objectClass: inetOrgPerson', 'objectClass: posixAccount', `uid: ${uid}`, `cn: ${uid}`, `mail: ${uid}@two.example.com`, ...attrs, ''].join('\n');
    const group = (cn: string, gid: number) => [`dn: cn=${cn},ou=groups,dc=two,dc=com`, 'objectClass: posixGroup', `cn: ${cn}`, `gidNumber: ${gid}`, ''].join('\n');
    const text = [
      person('takenuid', ['uidNumber: 2001', 'gidNumber: 5000']), // ada's uidNumber
      person('twice1', ['uidNumber: 5001', 'gidNumber: 5000']),
      person('twice2', ['uidNumber: 5001', 'gidNumber: 5000']), // the line above's
      person('adminsgroup', ['uidNumber: 5002', `gidNumber: ${admin.uidNumber}`]), // the admin's private group
      person('badvalues', ['uidNumber: 999', 'gidNumber: 12x', 'homeDirectory: home/x', 'loginShell: /bin/sh:x']),
      group('staff', 3999), // exists with 3000
      group('newgroup', 3001), // developers'
      group('upg', 12000), // grace's private group
      group('dup1', 4000),
      group('dup2', 4000), // the line above's
      group('fine', 4001),
    ].join('\n');
    const before = { users: await countOf('memberships', a.organization.id), groups: await countOf('groups', a.organization.id) };
    const counter = await t.app.db.selectFrom('posix_counters').select('next_id').where('org_id', '=', a.organization.id).executeTakeFirstOrThrow();
    const res = await importCall(a, { format: 'ldif', data: text });
    expect(res.statusCode).toBe(422);
    const problems = (json(res).problems as Array<{ line: number; field?: string; message: string }>).map((p) => ({ ...p }));
    const at = (dn: string) => lineOf(text, dn);
    expect(problems).toEqual([
      { line: at('uid=takenuid,ou=people,dc=two,dc=com'), field: 'uidNumber', message: 'uidNumber 2001 is already used by the member "ada".' },
      { line: at('uid=twice2,ou=people,dc=two,dc=com'), field: 'uidNumber', message: `uidNumber 5001 is also used by "twice1" on line ${at('uid=twice1,ou=people,dc=two,dc=com')}.` },
      { line: at('uid=adminsgroup,ou=people,dc=two,dc=com'), field: 'gidNumber', message: `gidNumber ${admin.uidNumber} is the private group of the member "${a.user.username}".` },
      { line: at('uid=badvalues,ou=people,dc=two,dc=com'), field: 'uidNumber', message: expect.stringMatching(/^uidNumber "999" is not a whole number from 1000/) },
      { line: at('uid=badvalues,ou=people,dc=two,dc=com'), field: 'gidNumber', message: expect.stringMatching(/^gidNumber "12x"/) },
      { line: at('uid=badvalues,ou=people,dc=two,dc=com'), field: 'homeDirectory', message: expect.stringMatching(/absolute path/) },
      { line: at('uid=badvalues,ou=people,dc=two,dc=com'), field: 'loginShell', message: expect.stringMatching(/without ":"/) },
      { line: at('cn=staff,ou=groups,dc=two,dc=com'), field: 'gidNumber', message: 'The group "staff" already exists with gidNumber 3000; the file gives 3999.' },
      { line: at('cn=newgroup,ou=groups,dc=two,dc=com'), field: 'gidNumber', message: 'gidNumber 3001 is already used by the group "developers".' },
      { line: at('cn=upg,ou=groups,dc=two,dc=com'), field: 'gidNumber', message: 'gidNumber 12000 is the private group of the member "grace".' },
      { line: at('cn=dup2,ou=groups,dc=two,dc=com'), field: 'gidNumber', message: `gidNumber 4000 is also used by the group "dup1" on line ${at('cn=dup1,ou=groups,dc=two,dc=com')}.` },
    ]);
    expect({ users: await countOf('memberships', a.organization.id), groups: await countOf('groups', a.organization.id) }).toEqual(before);
    expect(await t.app.db.selectFrom('posix_counters').select('next_id').where('org_id', '=', a.organization.id).executeTakeFirstOrThrow()).toEqual(counter);
  });
});
