import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { parseCsv, parseCsvRecords, parseLdif, toCsv, toLdif } from './transfer.formats.ts';

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
    expect(parseLdif(ldif).rows).toEqual([{ line: 3, email: 'z@x.io', name: 'Zoë Ünicode', username: 'zoe', groups: ['eng'] }]);
    const folded = 'dn: uid=a,ou=people,o=x\nobjectClass: inetOrgPerson\nuid: a\ncn: Ada Lo\n velace\nmail: a@x.io\n';
    expect(parseLdif(folded).rows[0]?.name).toBe('Ada Lovelace');
    expect(parseLdif('dn: x\nobjectClass: inetOrgPerson\nthis is not ldif\n').errors[0]?.line).toBe(3);
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
    expect(json(res)).toEqual({ created: 2, groupsCreated: 2 });
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
    expect(json(await importCall(b, { format: 'ldif', data: text }))).toEqual({ created: 2, groupsCreated: 2 });
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
      rows.groups.map((name, i) => ({ name, gidNumber: 20000 + i, description: null })),
    );
    expect(json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/users/import`, headers: b.auth, payload: { format: 'ldif', data: again } }))).toEqual({ created: 1, groupsCreated: 2 });
    const names = json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${b.organization.id}/groups`, headers: b.auth })).items.map((g: { name: string }) => g.name);
    expect(names.sort()).toEqual(['Nobody yet', 'R&D, West']);
  });
});
