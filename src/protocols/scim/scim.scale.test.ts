import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { ENTERPRISE, GROUP_SCHEMA, type Json, LIST_RESPONSE, inChunks, patchOf, q, scimHelpers } from '../../../test/helpers/scim.ts';

describe.each(dialects)('PRO-4: SCIM 2.0 at scale on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // 1,000 people provisioned in seconds: the organization's hourly invitation limit is raised, and
    // the invitations are queued but not sent (scim.test.ts follows invitations through to the inbox).
    t = await startTestApp(dialect, { env: { CASTELLAN_INVITATIONS_PER_ORG_HOUR: '100000', CASTELLAN_MAIL_WORKER: 'false' } });
  });
  afterAll(() => t.close());

  const { scim, newOrg, makeToken, userBody, createUser, apiUser, apiTotal, listOf } = scimHelpers(() => t);

  it('PRO-4, DIR-4, ACC-2, ACC-6: a client provisions 1,000 users and 50 groups of 20, updates them, deprovisions 100; SCIM and the API agree', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const a = await newOrg({ companyName: 'Scale Corp' });
    const { token } = await makeToken(a, 'HR sync');
    const stamp = Date.now();
    const N = 1000;
    const userNames = Array.from({ length: N }, (_, i) => `scale${String(i).padStart(4, '0')}.${stamp}@example.com`);

    const users = await inChunks(userNames, 8, (userName, i) =>
      createUser(token, userName, {
        externalId: `ext-${stamp}-${i}`,
        name: { givenName: `Given${i}`, familyName: `Family${i}` },
        [ENTERPRISE]: { employeeNumber: String(10_000 + i), department: `Dept ${i % 10}` },
      }),
    );
    const ids = users.map((u) => u.id as string);
    expect(new Set(ids).size).toBe(N);
    for (const u of users.slice(0, 3)) expect(u).toMatchObject({ active: true, [ENTERPRISE]: { employeeNumber: expect.any(String) } });
    const created = Date.now();

    // 50 groups of 20: group g holds users 20g … 20g+19.
    const groups = await inChunks(
      Array.from({ length: 50 }, (_, g) => g),
      8,
      async (g) => {
        const res = await scim(token, 'POST', '/Groups', {
          schemas: [GROUP_SCHEMA],
          displayName: `Team ${String(g).padStart(2, '0')} ${stamp}`,
          externalId: `grp-${stamp}-${g}`,
          members: ids.slice(g * 20, g * 20 + 20).map((value) => ({ value })),
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(json(res).members).toHaveLength(20);
        return json(res);
      },
    );
    const grouped = Date.now();
    // A page holds 1,000 at most, whatever count asks for.
    const full = await listOf(token, 'count=5000');
    expect(full).toMatchObject({ totalResults: 1 + N, startIndex: 1, itemsPerPage: 1000 });
    expect(full.Resources).toHaveLength(1000);
    const rest = await listOf(token, 'startIndex=1001&count=1000');
    expect(rest).toMatchObject({ totalResults: 1 + N, startIndex: 1001, itemsPerPage: 1 });
    const paged = [...full.Resources, ...rest.Resources] as Json[];
    expect(new Set(paged.map((r) => r.id))).toEqual(new Set([a.user.id, ...ids]));
    // Every provisioned user is in exactly their one group, on a page of 1,000.
    const groupOf = new Map(groups.flatMap((g, n) => ids.slice(n * 20, n * 20 + 20).map((id) => [id, g.id as string] as const)));
    for (const r of paged) expect(r.groups.map((g: Json) => g.value), r.userName).toEqual(r.id === a.user.id ? [] : [groupOf.get(r.id)]);

    // PATCH 100 (names and departments, Entra-style), PUT 100 (the whole person), DELETE 100.
    await inChunks(ids.slice(0, 100), 8, async (id, i) => {
      const res = await scim(
        token,
        'PATCH',
        `/Users/${id}`,
        patchOf({ op: 'Replace', path: 'name.givenName', value: `Renamed${i}` }, { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Patched' }, { op: 'replace', path: 'displayName', value: `Renamed${i} Family${i}` }),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res)).toMatchObject({ name: { givenName: `Renamed${i}` }, displayName: `Renamed${i} Family${i}`, [ENTERPRISE]: { department: 'Patched' } });
    });
    await inChunks(ids.slice(100, 200), 8, async (id, i) => {
      const n = 100 + i;
      const res = await scim(
        token,
        'PUT',
        `/Users/${id}`,
        userBody(userNames[n] as string, {
          externalId: `ext-${stamp}-${n}`,
          displayName: `Replaced ${n}`,
          name: { givenName: `Replaced`, familyName: `${n}` },
          [ENTERPRISE]: { employeeNumber: String(10_000 + n), department: 'Replaced' },
        }),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res)).toMatchObject({ displayName: `Replaced ${n}`, [ENTERPRISE]: { department: 'Replaced' } });
    });
    const deprovisioned = ids.slice(900);
    await inChunks(deprovisioned, 8, async (id) => {
      const res = await scim(token, 'DELETE', `/Users/${id}`);
      expect(res.statusCode, res.body).toBe(204);
    });
    const changed = Date.now();

    // Through SCIM: the admin who signed up is a member too, so the view holds 1 + 1000 − 100.
    const all = await listOf(token, 'count=0');
    expect(all).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 1 + N - 100, itemsPerPage: 0, Resources: [] });
    const patched = await listOf(token, `filter=${q(`userName eq "${(userNames[7] as string).toUpperCase()}"`)}`);
    expect(patched.totalResults).toBe(1);
    expect(patched.Resources[0]).toMatchObject({ id: ids[7], userName: userNames[7], name: { givenName: 'Renamed7', familyName: 'Family7' }, displayName: 'Renamed7 Family7', [ENTERPRISE]: { department: 'Patched' } });
    expect(patched.Resources[0].groups.map((g: Json) => g.value)).toEqual([groups[0]?.id]);
    const replaced = await listOf(token, `filter=${q(`externalId eq "ext-${stamp}-150"`)}`);
    expect(replaced.totalResults).toBe(1);
    expect(replaced.Resources[0]).toMatchObject({ id: ids[150], displayName: 'Replaced 150', name: { givenName: 'Replaced', familyName: '150' } });
    expect((await listOf(token, `count=0&filter=${q(`${ENTERPRISE}:department eq "Patched"`)}`)).totalResults).toBe(100);
    expect((await listOf(token, `count=0&filter=${q(`${ENTERPRISE}:department eq "Replaced"`)}`)).totalResults).toBe(100);
    // Users 200 … 899 keep their department: a tenth of them each.
    expect((await listOf(token, `count=0&filter=${q(`${ENTERPRISE}:department eq "Dept 3"`)}`)).totalResults).toBe(70);
    // A deprovisioned person is gone from SCIM, by every way of asking.
    expect((await listOf(token, `filter=${q(`userName eq "${userNames[950]}"`)}`)).totalResults).toBe(0);
    expect((await listOf(token, `filter=${q(`externalId eq "ext-${stamp}-950"`)}`)).totalResults).toBe(0);
    expect((await scim(token, 'GET', `/Users/${ids[950]}`)).statusCode).toBe(404);
    expect((await listOf(token, `count=0&filter=${q('active eq false')}`)).totalResults).toBe(0);
    expect((await listOf(token, `count=0&filter=${q('active eq true')}`)).totalResults).toBe(1 + N - 100);
    const page = await listOf(token, 'startIndex=1&count=1000&attributes=userName');
    expect(page).toMatchObject({ totalResults: 1 + N - 100, itemsPerPage: 901, startIndex: 1 });

    // Groups: 50; membership as provisioned; deprovisioned members are not shown.
    const groupList = await scim(token, 'GET', '/Groups?count=0');
    expect(json(groupList).totalResults).toBe(50);
    const g0 = json(await scim(token, 'GET', `/Groups/${groups[0]?.id}`));
    expect(g0.members.map((m: Json) => m.value).sort()).toEqual(ids.slice(0, 20).sort());
    expect(g0.members.find((m: Json) => m.value === ids[7]).display).toBe('Renamed7 Family7');
    const g45 = json(await scim(token, 'GET', `/Groups/${groups[45]?.id}`));
    expect(g45.members).toEqual([]);
    const byMember = await scim(token, 'GET', `/Groups?filter=${q(`members.value eq "${ids[305]}"`)}`);
    expect(json(byMember).totalResults).toBe(1);
    expect(json(byMember).Resources[0].id).toBe(groups[15]?.id);
    const byName = await scim(token, 'GET', `/Groups?filter=${q(`displayName eq "Team 07 ${stamp}"`)}`);
    expect(json(byName).Resources.map((g: Json) => g.id)).toEqual([groups[7]?.id]);

    // Through the API: 900 invited (ACC-2: nobody signed up), 100 suspended (ACC-6), the admin active.
    expect(await apiTotal(a, 'status=invited')).toBe(900);
    expect(await apiTotal(a, 'status=suspended')).toBe(100);
    expect(await apiTotal(a, 'status=active')).toBe(1);
    expect(json(await apiUser(a, ids[950] as string))).toMatchObject({ status: 'suspended' });
    expect(json(await apiUser(a, ids[150] as string))).toMatchObject({ status: 'invited', name: 'Replaced 150' });
    const done = Date.now();
    console.info(
      `[${dialect.name}] SCIM scale: 1000 users ${created - started} ms, 50 groups ${grouped - created} ms, 100 PATCH + 100 PUT + 100 DELETE ${changed - grouped} ms, checks ${done - changed} ms; total ${done - started} ms`,
    );
  });
});
