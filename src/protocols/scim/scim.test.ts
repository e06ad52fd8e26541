import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { GOOD_PASSWORD, type TestApp, acceptedMember, json, signIn, startTestApp, uniqueEmail } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { ENTERPRISE, GROUP_SCHEMA, type Json, LIST_RESPONSE, USER_SCHEMA, inChunks, patchOf, q, scimHelpers } from '../../../test/helpers/scim.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const DAY = 86_400_000;

describe.each(dialects)('PRO-4: SCIM 2.0 on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // The scale test provisions 1,000 people in seconds: the organization's hourly invitation limit is raised.
    t = await startTestApp(dialect, { env: { CASTELLAN_INVITATIONS_PER_ORG_HOUR: '100000' } });
  });
  afterAll(() => t.close());

  const { scim, api, orgBase, newOrg, makeToken, userBody, createUser, apiUser, apiTotal, listOf } = scimHelpers(() => t);
  const expectScimError = (res: LightMyRequestResponse, status: number, scimType?: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    const body = json(res);
    expect(body.schemas).toEqual([ERROR]);
    expect(body.status).toBe(String(status));
    if (scimType) expect(body.scimType).toBe(scimType);
    return body;
  };

  it('PRO-4: what Okta and Entra send: lookup before create, "Replace" without a path, "False", the manager as a bare id, members[value eq], emails[type eq "work"].value; userName unique in any case', async () => {
    const a = await newOrg();
    const { token } = await makeToken(a, 'Entra ID');
    const userName = uniqueEmail('okta');

    // The lookup every client makes before it creates someone: an empty list, not a 404.
    const before = await scim(token, 'GET', `/Users?filter=${q(`userName eq "${userName}"`)}`);
    expect(before.statusCode).toBe(200);
    expect(before.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(json(before)).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const res = await scim(token, 'POST', '/Users', userBody(userName, { externalId: 'okta-00u1' }));
    expect(res.statusCode, res.body).toBe(201);
    const u = json(res);
    expect(res.headers.location).toBe(`http://castellan.test/scim/v2/Users/${u.id}`);
    expect(u).toMatchObject({ schemas: [USER_SCHEMA], userName, externalId: 'okta-00u1', active: true, emails: [{ value: userName, type: 'work', primary: true }], meta: { resourceType: 'User', location: res.headers.location } });
    expect(json(await scim(token, 'GET', `/Users?filter=${q(`userName eq "${userName}"`)}`)).Resources.map((r: Json) => r.id)).toEqual([u.id]);

    // userName is unique in the organization, whatever its case (409 uniqueness); so is the address.
    expectScimError(await scim(token, 'POST', '/Users', userBody(userName.toUpperCase(), { emails: [{ value: uniqueEmail('other'), primary: true }] })), 409, 'uniqueness');
    expectScimError(await scim(token, 'POST', '/Users', userBody('someone-else', { emails: [{ value: userName, primary: true }] })), 409, 'uniqueness');
    expect(await apiTotal(a, '')).toBe(2);

    // Entra: {"op":"Replace","value":{"active":"False"}}, no path.
    const off = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'Replace', value: { active: 'False' } }));
    expect(off.statusCode, off.body).toBe(200);
    expect(json(off).active).toBe(false);
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'suspended' });
    const on = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'Replace', path: 'active', value: 'True' }));
    expect(on.statusCode, on.body).toBe(200);
    expect(json(on).active).toBe(true);
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'invited' });

    // Entra: the manager as a bare id.
    const boss = await createUser(token, uniqueEmail('boss'), { displayName: 'Big Boss' });
    const managed = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'Add', path: `${ENTERPRISE}:manager`, value: boss.id }));
    expect(managed.statusCode, managed.body).toBe(200);
    expect(json(managed)[ENTERPRISE].manager).toMatchObject({ value: boss.id, displayName: 'Big Boss' });
    expect(json(managed).schemas).toContain(ENTERPRISE);
    expect(json(await scim(token, 'GET', `/Users?filter=${q(`${ENTERPRISE}:manager.value eq "${boss.id}"`)}`)).Resources.map((r: Json) => r.id)).toEqual([u.id]);

    // Okta: the work address replaced through a value filter (the person has not signed up yet).
    const newAddress = uniqueEmail('moved');
    const moved = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', path: 'emails[type eq "work"].value', value: newAddress }));
    expect(moved.statusCode, moved.body).toBe(200);
    expect(json(moved).emails).toEqual([{ value: newAddress, type: 'work', primary: true }]);
    expect(json(await apiUser(a, u.id))).toMatchObject({ email: newAddress, status: 'invited' });
    // The invitation follows the new address.
    await t.smtp.waitFor((m) => m.to === newAddress && m.subject.includes('Invitation'));

    // Groups: members removed by a value filter.
    const third = await createUser(token, uniqueEmail('third'));
    const g = await scim(token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: u.id }, { value: boss.id }, { value: third.id }] });
    expect(g.statusCode, g.body).toBe(201);
    const gid = json(g).id as string;
    // Member pushes are answered 204 (RFC 7644 §3.5.2): their cost is the members they name.
    const removed = await scim(token, 'PATCH', `/Groups/${gid}`, patchOf({ op: 'Remove', path: `members[value eq "${boss.id}"]` }));
    expect(removed.statusCode, removed.body).toBe(204);
    expect(json(await scim(token, 'GET', `/Groups/${gid}`)).members.map((m: Json) => m.value).sort()).toEqual([u.id, third.id].sort());
    const added = await scim(token, 'PATCH', `/Groups/${gid}`, patchOf({ op: 'Add', path: 'members', value: [{ value: boss.id, display: 'Big Boss' }] }));
    expect(added.statusCode, added.body).toBe(204);
    expect(json(await scim(token, 'GET', `/Groups/${gid}`)).members.map((m: Json) => m.value).sort()).toEqual([u.id, boss.id, third.id].sort());
    // A PATCH that empties the members the general way (with a rename) empties them.
    const emptied = await scim(token, 'PATCH', `/Groups/${gid}`, patchOf({ op: 'Replace', path: 'displayName', value: 'Engineering' }, { op: 'replace', path: 'members', value: [] }));
    expect(emptied.statusCode, emptied.body).toBe(200);
    expect(json(emptied).members ?? []).toEqual([]);
    expect((await scim(token, 'PATCH', `/Groups/${gid}`, patchOf({ op: 'Add', path: 'members', value: [{ value: boss.id }] }))).statusCode).toBe(204);
    expect(json(await scim(token, 'GET', `/Users/${boss.id}`)).groups).toEqual([expect.objectContaining({ value: gid, display: 'Engineering' })]);

    // A filter on an attribute SCIM does not know is refused, not answered empty.
    expectScimError(await scim(token, 'GET', `/Users?filter=${q('favouriteColour eq "blue"')}`), 400, 'invalidFilter');
    expectScimError(await scim(token, 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 501);
  });

  it('PRO-4, ACC-6, ACC-2: a member who accepted is suspended by PATCH active false at once (session refused, sign-in refused) and let back in by active true', async () => {
    const a = await newOrg();
    const { token } = await makeToken(a);
    const email = uniqueEmail('worker');
    const u = await createUser(token, email);
    const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    const accept = await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: tokenFrom(mail.text, '/invitations'), password: GOOD_PASSWORD } });
    expect(accept.statusCode, accept.body).toBe(200);
    const session = await signIn(t, email, GOOD_PASSWORD);
    const auth = { authorization: `Bearer ${session.token}` };
    expect((await api('GET', '/api/v1/me', auth)).statusCode).toBe(200);
    expect(json(await scim(token, 'GET', `/Users/${u.id}`)).active).toBe(true);
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'active' });

    const off = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', path: 'active', value: false }));
    expect(off.statusCode, off.body).toBe(200);
    expect(json(off).active).toBe(false);
    expect((await api('GET', '/api/v1/me', auth)).statusCode).toBe(401);
    expect((await api('GET', `${orgBase(a)}/users/${u.id}`, auth)).statusCode).toBe(401);
    const refused = await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password: GOOD_PASSWORD } });
    expect(json(refused).code).toBe('accounts.account_suspended');
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'suspended' });
    // Still in the SCIM view, as inactive (suspension is not deprovisioning).
    expect(json(await scim(token, 'GET', `/Users?filter=${q('active eq false')}`)).Resources.map((r: Json) => r.id)).toEqual([u.id]);

    const on = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', value: { active: true } }));
    expect(on.statusCode, on.body).toBe(200);
    expect(json(on).active).toBe(true);
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'active' });
    const again = await signIn(t, email, GOOD_PASSWORD);
    expect((await api('GET', '/api/v1/me', { authorization: `Bearer ${again.token}` })).statusCode).toBe(200);
  });

  it('PRO-4: ETag is meta.version; If-None-Match answers 304; PUT, PATCH and DELETE with a stale If-Match answer 412 and change nothing', async () => {
    const a = await newOrg();
    const { token } = await makeToken(a);
    const u = await createUser(token, uniqueEmail('etag'), { displayName: 'First Name' });
    const got = await scim(token, 'GET', `/Users/${u.id}`);
    expect(got.statusCode).toBe(200);
    const v1 = got.headers.etag as string;
    expect(v1).toMatch(/^W\/".+"$/);
    expect(v1).toBe(json(got).meta.version);
    expect(got.headers['cache-control']).toBe('no-store');

    const notModified = await scim(token, 'GET', `/Users/${u.id}`, undefined, { 'if-none-match': v1 });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(notModified.headers.etag).toBe(v1);
    expect((await scim(token, 'GET', `/Users/${u.id}`, undefined, { 'if-none-match': 'W/"other"' })).statusCode).toBe(200);

    const changed = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', path: 'displayName', value: 'Second Name' }), { 'if-match': v1 });
    expect(changed.statusCode, changed.body).toBe(200);
    const v2 = changed.headers.etag as string;
    expect(v2).toBe(json(changed).meta.version);
    expect(v2).not.toBe(v1);

    const current = async () => json(await scim(token, 'GET', `/Users/${u.id}`));
    expectScimError(await scim(token, 'PUT', `/Users/${u.id}`, userBody(u.userName, { displayName: 'Lost Update' }), { 'if-match': v1 }), 412);
    expectScimError(await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', path: 'displayName', value: 'Lost Update' }), { 'if-match': v1 }), 412);
    expectScimError(await scim(token, 'DELETE', `/Users/${u.id}`, undefined, { 'if-match': v1 }), 412);
    const after = await current();
    expect(after).toMatchObject({ displayName: 'Second Name', active: true, meta: { version: v2 } });
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'invited', name: 'Second Name' });

    // The current version goes through.
    const put = await scim(token, 'PUT', `/Users/${u.id}`, userBody(u.userName, { displayName: 'Third Name' }), { 'if-match': v2 });
    expect(put.statusCode, put.body).toBe(200);
    expect(json(put).displayName).toBe('Third Name');
    expect((await scim(token, 'DELETE', `/Users/${u.id}`, undefined, { 'if-match': put.headers.etag as string })).statusCode).toBe(204);

    // Groups too.
    const g = json(await scim(token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Versioned' }));
    const gv = (await scim(token, 'GET', `/Groups/${g.id}`)).headers.etag as string;
    expect(gv).toBe(g.meta.version);
    expect((await scim(token, 'GET', `/Groups/${g.id}`, undefined, { 'if-none-match': gv })).statusCode).toBe(304);
    expect((await scim(token, 'PATCH', `/Groups/${g.id}`, patchOf({ op: 'replace', path: 'displayName', value: 'Renamed' }), { 'if-match': gv })).statusCode).toBe(200);
    expectScimError(await scim(token, 'PATCH', `/Groups/${g.id}`, patchOf({ op: 'replace', path: 'displayName', value: 'Stale' }), { 'if-match': gv }), 412);
    expectScimError(await scim(token, 'DELETE', `/Groups/${g.id}`, undefined, { 'if-match': gv }), 412);
    expect(json(await scim(token, 'GET', `/Groups/${g.id}`)).displayName).toBe('Renamed');
  });

  it('PRO-4: lists page with startIndex and count, sort by userName descending, and return only the attributes asked for', async () => {
    const a = await newOrg();
    const { token } = await makeToken(a);
    const stamp = Date.now();
    const names = Array.from({ length: 25 }, (_, i) => `srt${String(i).padStart(2, '0')}x${stamp}@example.com`);
    await inChunks(names, 5, (n) => createUser(token, n));
    const total = 26; // and the admin

    const seen: string[] = [];
    for (const startIndex of [1, 11, 21]) {
      const page = await listOf(token, `startIndex=${startIndex}&count=10`);
      expect(page).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: total, startIndex, itemsPerPage: Math.min(10, total - startIndex + 1) });
      expect(page.Resources).toHaveLength(page.itemsPerPage);
      seen.push(...page.Resources.map((r: Json) => r.id));
    }
    expect(new Set(seen).size).toBe(total);
    expect(await listOf(token, 'startIndex=27&count=10')).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
    expect(await listOf(token, 'startIndex=0&count=2')).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
    expectScimError(await scim(token, 'GET', '/Users?count=ten'), 400, 'invalidValue');

    const sorted = await listOf(token, `filter=${q('userName sw "srt"')}&sortBy=userName&sortOrder=descending&count=100`);
    expect(sorted.totalResults).toBe(25);
    expect(sorted.Resources.map((r: Json) => r.userName)).toEqual([...names].reverse());
    const ascending = await listOf(token, `filter=${q('userName sw "srt"')}&sortBy=userName&count=3`);
    expect(ascending.Resources.map((r: Json) => r.userName)).toEqual(names.slice(0, 3));
    expectScimError(await scim(token, 'GET', '/Users?sortBy=password'), 400, 'invalidValue');

    const slim = await listOf(token, `filter=${q(`userName eq "${names[3]}"`)}&attributes=userName`);
    expect(slim.Resources).toHaveLength(1);
    expect(slim.Resources[0]).toEqual({ schemas: [USER_SCHEMA], id: expect.any(String), userName: names[3], meta: { resourceType: 'User' } });
    const noEmails = await listOf(token, `filter=${q(`userName eq "${names[4]}"`)}&excludedAttributes=emails`);
    expect(noEmails.Resources[0]).not.toHaveProperty('emails');
    expect(noEmails.Resources[0]).toMatchObject({ userName: names[4], name: { givenName: 'Test' }, active: true });
    const one = await scim(token, 'GET', `/Users/${slim.Resources[0].id}?attributes=userName,name.givenName`);
    expect(json(one)).toEqual({ schemas: [USER_SCHEMA], id: slim.Resources[0].id, userName: names[3], name: { givenName: 'Test' }, meta: { resourceType: 'User' } });

    // POST /Users/.search: the same search in a body.
    const searched = await scim(token, 'POST', '/Users/.search', { schemas: [SEARCH_REQUEST], filter: 'userName sw "srt"', sortBy: 'userName', sortOrder: 'descending', startIndex: 1, count: 5, attributes: ['userName'] });
    expect(searched.statusCode, searched.body).toBe(200);
    expect(json(searched)).toMatchObject({ totalResults: 25, itemsPerPage: 5 });
    expect(json(searched).Resources.map((r: Json) => r.userName)).toEqual([...names].reverse().slice(0, 5));
    expect(Object.keys(json(searched).Resources[0]).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
  });

  it('PRO-4, DIR-1: admins make SCIM tokens (shown once); revoked ones stop at once; sessions and API-client tokens are refused; another organization’s token sees nothing here', async () => {
    const a = await newOrg({ companyName: 'Alpha' });
    const b = await newOrg({ companyName: 'Beta' });
    const made = await makeToken(a, 'Okta production');
    expect(made).toMatchObject({ id: expect.stringMatching(/^sct_/), name: 'Okta production', token: expect.stringMatching(/^scim_[\w-]{43}$/) });
    const list = await api('GET', `${orgBase(a)}/scim/tokens`, a.auth);
    expect(list.statusCode).toBe(200);
    expect(json(list).items).toEqual([{ id: made.id, name: 'Okta production', createdAt: made.createdAt, lastUsedAt: null }]);
    expect(list.body).not.toContain(made.token);
    expect(list.body).not.toContain('token_hash');

    const u = await createUser(made.token, uniqueEmail('alpha'));
    const g = json(await scim(made.token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Alpha team', members: [{ value: u.id }] }));
    expect(json(await api('GET', `${orgBase(a)}/scim/tokens`, a.auth)).items[0].lastUsedAt).not.toBeNull();

    // Nothing but a SCIM token opens /scim/v2.
    const unauthenticated = await t.app.http.inject({ method: 'GET', url: '/scim/v2/Users' });
    expectScimError(unauthenticated, 401);
    expect(unauthenticated.headers['www-authenticate']).toMatch(/^Bearer/);
    expectScimError(await scim(a.token, 'GET', '/Users'), 401);
    expectScimError(await t.app.http.inject({ method: 'GET', url: '/scim/v2/Users', headers: { cookie: `castellan_session=${a.token}` } }), 401);
    expectScimError(await scim(`scim_${'A'.repeat(43)}`, 'GET', '/Users'), 401);
    const client = await api('POST', `${orgBase(a)}/api-clients`, a.auth, { name: 'script', scopes: ['directory:read', 'directory:write'] });
    expect(client.statusCode, client.body).toBe(201);
    const { clientId, clientSecret } = json(client);
    const issued = await t.app.http.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&scope=directory:read directory:write',
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const clientToken = json(issued).access_token as string;
    expect((await api('GET', `${orgBase(a)}/users`, { authorization: `Bearer ${clientToken}` })).statusCode).toBe(200);
    expectScimError(await scim(clientToken, 'GET', '/Users'), 401);
    expectScimError(await scim(clientToken, 'POST', '/Users', userBody(uniqueEmail('via-client'))), 401);

    // DIR-1: another organization's token.
    const other = await makeToken(b, 'Beta IdP');
    const own = await createUser(other.token, uniqueEmail('beta'));
    expectScimError(await scim(other.token, 'GET', `/Users/${u.id}`), 404);
    expectScimError(await scim(other.token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', path: 'active', value: false })), 404);
    expectScimError(await scim(other.token, 'PUT', `/Users/${u.id}`, userBody(u.userName, { displayName: 'Hijacked' })), 404);
    expectScimError(await scim(other.token, 'DELETE', `/Users/${u.id}`), 404);
    expectScimError(await scim(other.token, 'GET', `/Groups/${g.id}`), 404);
    expectScimError(await scim(other.token, 'PATCH', `/Groups/${g.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: own.id }] })), 404);
    expectScimError(await scim(other.token, 'DELETE', `/Groups/${g.id}`), 404);
    // Nor can it put this organization's people in its own group.
    expectScimError(await scim(other.token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Poach', members: [{ value: u.id }] }), 400, 'invalidValue');
    const theirs = await listOf(other.token, 'count=1000');
    expect(theirs.totalResults).toBe(2);
    expect(theirs.Resources.map((r: Json) => r.id)).not.toContain(u.id);
    expect(theirs.Resources.map((r: Json) => r.id)).toContain(own.id);
    expect((await listOf(other.token, `filter=${q(`userName eq "${u.userName}"`)}`)).totalResults).toBe(0);
    expect((await listOf(other.token, `filter=${q(`id eq "${u.id}"`)}`)).totalResults).toBe(0);
    expect(json(await scim(other.token, 'GET', '/Groups')).totalResults).toBe(0);
    expect(json(await scim(made.token, 'GET', `/Users/${u.id}`))).toMatchObject({ active: true, displayName: 'Test Person', groups: [expect.objectContaining({ value: g.id })] });
    expect(json(await scim(made.token, 'GET', `/Groups/${g.id}`)).members.map((m: Json) => m.value)).toEqual([u.id]);

    // Who may make tokens: the organization's admins only.
    const member = await acceptedMember(t, a);
    expect((await api('POST', `${orgBase(a)}/scim/tokens`, member.auth, { name: 'mine' })).statusCode).toBe(403);
    expect((await api('GET', `${orgBase(a)}/scim/tokens`, member.auth)).statusCode).toBe(403);
    expect((await api('DELETE', `${orgBase(a)}/scim/tokens/${made.id}`, member.auth)).statusCode).toBe(403);
    expect((await api('POST', `${orgBase(a)}/scim/tokens`, b.auth, { name: 'theirs' })).statusCode).toBe(404);
    expect((await api('GET', `${orgBase(a)}/scim/tokens`, b.auth)).statusCode).toBe(404);
    expect((await api('DELETE', `${orgBase(a)}/scim/tokens/${made.id}`, b.auth)).statusCode).toBe(404);
    expect((await api('DELETE', `${orgBase(b)}/scim/tokens/${made.id}`, b.auth)).statusCode).toBe(404);
    expect((await api('POST', `${orgBase(a)}/scim/tokens`, { authorization: `Bearer ${clientToken}` }, { name: 'minted' })).statusCode).toBe(403);

    // Revoked: refused on the very next request.
    expect((await scim(made.token, 'GET', '/Users')).statusCode).toBe(200);
    expect((await api('DELETE', `${orgBase(a)}/scim/tokens/${made.id}`, a.auth)).statusCode).toBe(204);
    expectScimError(await scim(made.token, 'GET', '/Users'), 401);
    expectScimError(await scim(made.token, 'POST', '/Users', userBody(uniqueEmail('late'))), 401);
    expect(json(await api('GET', `${orgBase(a)}/scim/tokens`, a.auth)).items).toEqual([]);
    expect((await scim(other.token, 'GET', '/Users')).statusCode).toBe(200);
  });

  it('PRO-4, SEC-1: a SCIM change is audited with the token as the actor, named', async () => {
    const a = await newOrg();
    const made = await makeToken(a, 'Entra provisioning');
    const u = await createUser(made.token, uniqueEmail('audited'));
    const off = await scim(made.token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', path: 'active', value: false }));
    expect(off.statusCode).toBe(200);
    const res = await api('GET', `${orgBase(a)}/audit?targetId=${u.id}`, a.auth);
    expect(res.statusCode, res.body).toBe(200);
    const entries = json(res).items as Json[];
    const invited = entries.find((e) => e.action === 'directory.user_invited');
    expect(invited).toMatchObject({ orgId: a.organization.id, actor: { type: 'client', id: made.id }, target: { type: 'user', id: u.id }, details: { via: 'scim' } });
    expect(entries.filter((e) => e.action !== 'directory.user_invited').length).toBeGreaterThan(0);
    for (const e of entries) expect(e.actor).toEqual({ type: 'client', id: made.id });
    const byToken = json(await api('GET', `${orgBase(a)}/audit?actorId=${made.id}`, a.auth)).items as Json[];
    expect(byToken.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());
    const createdEntry = (json(await api('GET', `${orgBase(a)}/audit?action=scim.token_created`, a.auth)).items as Json[])[0];
    expect(createdEntry).toMatchObject({ actor: { id: a.accountId }, target: { type: 'scim_token', id: made.id }, details: { name: 'Entra provisioning' } });
    expect(JSON.stringify(json(await api('GET', `${orgBase(a)}/audit?limit=200`, a.auth)))).not.toContain(made.token);
    // The log names its actors (people, API clients): the token by its name.
    expect(invited?.actorName).toBe('Entra provisioning');
  });

  it('PRO-4, DIR-4: on the free plan the 11th seat is refused with a SCIM 403 naming the limit, and nothing is created', async () => {
    const a = await newOrg({ free: true });
    const { token } = await makeToken(a);
    // The admin holds one seat; nine more fill the plan.
    await inChunks(
      Array.from({ length: 9 }, () => uniqueEmail('seat')),
      3,
      (n) => createUser(token, n),
    );
    expect(await apiTotal(a, '')).toBe(10);
    const eleventh = uniqueEmail('eleventh');
    const refused = await scim(token, 'POST', '/Users', userBody(eleventh));
    const body = expectScimError(refused, 403);
    expect(body.detail).toMatch(/10 users/);
    expect(body.detail).toMatch(/free plan/i);
    expect(await apiTotal(a, '')).toBe(10);
    expect((await listOf(token, `filter=${q(`userName eq "${eleventh}"`)}`)).totalResults).toBe(0);
    expect((await listOf(token, 'count=0')).totalResults).toBe(10);
    // No invitation went out for the refused one.
    await new Promise((r) => setTimeout(r, 200));
    expect(t.smtp.messages.some((m) => m.to === eleventh)).toBe(false);
  });

  it('PRO-4, ACC-2: a password sent in a SCIM body sets nothing: the person stays invited, with no account, and gets the invitation', async () => {
    const a = await newOrg();
    const { token } = await makeToken(a);
    const email = uniqueEmail('nopass');
    const secret = 'provisioned-Secret-123!';
    const res = await scim(token, 'POST', '/Users', userBody(email, { password: secret }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toMatch(/password/i);
    expect(res.body).not.toContain(secret);
    const u = json(res);
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'invited' });
    expect(await t.app.accounts.factsByEmail(t.app.db, email)).toBeUndefined();
    expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password: secret } })).statusCode).toBe(401);
    const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    expect(tokenFrom(mail.text, '/invitations')).toBeTruthy();
    expect(mail.raw).not.toContain(secret);

    // Nor through PUT or PATCH.
    const put = await scim(token, 'PUT', `/Users/${u.id}`, userBody(email, { password: secret }));
    expect([200, 400]).toContain(put.statusCode);
    expect(put.body).not.toContain(secret);
    const patched = await scim(token, 'PATCH', `/Users/${u.id}`, patchOf({ op: 'replace', path: 'password', value: secret }));
    expect([200, 400]).toContain(patched.statusCode);
    expect(patched.body).not.toContain(secret);
    expect(await t.app.accounts.factsByEmail(t.app.db, email)).toBeUndefined();
    expect(json(await apiUser(a, u.id))).toMatchObject({ status: 'invited' });
    expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password: secret } })).statusCode).toBe(401);
  });

  // Near the end: it moves the clock 31 days on.
  it('PRO-4, ACC-6: DELETE deprovisions: 204, then 404 and suspended at once; removed at once with scimRemoveAfterDays 0, else by the job after 30 days; the userName can be provisioned again', async () => {
    // scimRemoveAfterDays: 0: the membership goes with the DELETE.
    const now = await newOrg();
    const setting = await api('PATCH', orgBase(now), now.auth, { scimRemoveAfterDays: 0 });
    expect(setting.statusCode, setting.body).toBe(200);
    expect(json(setting).scimRemoveAfterDays).toBe(0);
    const nowToken = (await makeToken(now)).token;
    const gone = await createUser(nowToken, uniqueEmail('gone'));
    expect((await scim(nowToken, 'DELETE', `/Users/${gone.id}`)).statusCode).toBe(204);
    expectScimError(await scim(nowToken, 'GET', `/Users/${gone.id}`), 404);
    expect((await apiUser(now, gone.id)).statusCode).toBe(404);
    expectScimError(await scim(nowToken, 'DELETE', `/Users/${gone.id}`), 404);

    // The default: 30 days.
    const a = await newOrg();
    expect(json(await api('GET', orgBase(a), a.auth)).scimRemoveAfterDays).toBe(30);
    const { token } = await makeToken(a);
    const email = uniqueEmail('leaver');
    const leaver = await createUser(token, email, { externalId: 'hr-42' });
    const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: tokenFrom(mail.text, '/invitations'), password: GOOD_PASSWORD } });
    const session = await signIn(t, email, GOOD_PASSWORD);
    const g = json(await scim(token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Leavers', members: [{ value: leaver.id }] }));

    const del = await scim(token, 'DELETE', `/Users/${leaver.id}`);
    expect(del.statusCode, del.body).toBe(204);
    expect(del.body).toBe('');
    expectScimError(await scim(token, 'GET', `/Users/${leaver.id}`), 404);
    expectScimError(await scim(token, 'PATCH', `/Users/${leaver.id}`, patchOf({ op: 'replace', path: 'active', value: true })), 404);
    expect((await listOf(token, `filter=${q(`userName eq "${email}"`)}`)).totalResults).toBe(0);
    expect((await listOf(token, `filter=${q('externalId eq "hr-42"')}`)).totalResults).toBe(0);
    expect(json(await scim(token, 'GET', `/Groups/${g.id}`)).members).toEqual([]);
    expect(json(await apiUser(a, leaver.id))).toMatchObject({ status: 'suspended' });
    expect((await api('GET', '/api/v1/me', { authorization: `Bearer ${session.token}` })).statusCode).toBe(401);

    // Another leaver, provisioned again right away with the same address: the same person, whose
    // membership (POSIX ids, groups) comes back rather than a second one being made.
    const email2 = uniqueEmail('returner');
    const first = await createUser(token, email2);
    const firstPosix = json(await apiUser(a, first.id)).uidNumber;
    expect((await scim(token, 'DELETE', `/Users/${first.id}`)).statusCode).toBe(204);
    const back = await createUser(token, email2.toUpperCase(), { emails: [{ value: email2, primary: true }] });
    expect(back.id).toBe(first.id);
    expect(back.active).toBe(true);
    expect((await listOf(token, `filter=${q(`userName eq "${email2}"`)}`)).Resources.map((r: Json) => r.id)).toEqual([back.id]);
    expect(json(await apiUser(a, back.id))).toMatchObject({ status: 'invited', email: email2, uidNumber: firstPosix });
    // Someone else under a deprovisioned member's userName waits until that membership is removed.
    const taken = await scim(token, 'POST', '/Users', { userName: email, emails: [{ value: uniqueEmail('someone.else'), primary: true }] });
    expect(taken.statusCode).toBe(409);
    expect(json(taken).scimType).toBe('uniqueness');

    // Not removed before its time…
    const clock = t.clock as ManualClock;
    clock.advance(29 * DAY);
    await t.app.jobRunner.drain();
    const admin = { authorization: `Bearer ${(await signIn(t, a.body.email, GOOD_PASSWORD)).token}` };
    expect(json(await api('GET', `${orgBase(a)}/users/${leaver.id}`, admin))).toMatchObject({ status: 'suspended' });
    // …and removed by the job once it has come.
    clock.advance(2 * DAY);
    await t.app.jobRunner.drain();
    expect((await api('GET', `${orgBase(a)}/users/${leaver.id}`, admin)).statusCode).toBe(404);
    expect(json(await api('GET', `${orgBase(a)}/users/${back.id}`, admin))).toMatchObject({ status: 'invited' });
    const removals = json(await api('GET', `${orgBase(a)}/audit?targetId=${leaver.id}`, admin)).items as Json[];
    expect(removals.map((e) => e.action)).toContain('directory.user_deprovisioned');
    // The same userName can be provisioned once more after the removal.
    const again = await createUser(token, email, { externalId: 'hr-42' });
    expect(again.id).not.toBe(leaver.id);
    expect((await listOf(token, `filter=${q('externalId eq "hr-42"')}`)).Resources.map((r: Json) => r.id)).toEqual([again.id]);
  });
});
