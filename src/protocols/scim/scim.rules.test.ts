import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { type Admin, OPERATOR, type TestApp, acceptedMember, json, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

/**
 * PRO-4: the rules a provisioning client meets beyond the happy path: concurrent pushes to one
 * group, groups read without their members, suspensions an admin made, people erased, members
 * made before provisioning, and the invitations a change sends.
 */
type Json = Record<string, any>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ctx = anonymousContext('127.0.0.1', null);

describe.each(dialects)('PRO-4: SCIM rules on $name', (dialect) => {
  let t: TestApp;
  let a: Admin;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_INVITATIONS_PER_ORG_HOUR: '100000' } });
    a = await verifiedUser(t, { companyName: 'Rules Inc' });
    await t.app.directory.plans.setPlan(ctx, OPERATOR, a.organization.id, { plan: 'paid' });
    const made = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/scim/tokens`, headers: a.auth, payload: { name: 'IdP' } });
    token = json(made).token;
  });
  afterAll(() => t.close());

  const scim = (method: Method, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.http.inject({
      method,
      url: `/scim/v2${path}`,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const ok = async (method: Method, path: string, body?: unknown, status = 200) => {
    const res = await scim(method, path, body);
    expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(status);
    return res.body ? json(res) : {};
  };
  const user = (prefix: string) => ok('POST', '/Users', { userName: uniqueEmail(prefix) }, 201);
  const api = (method: Method, url: string, payload?: object) => t.app.http.inject({ method, url: `/api/v1/orgs/${a.organization.id}${url}`, headers: a.auth, ...(payload ? { payload } : {}) });

  it('PRO-4: twenty pushes of members to one group at once all land, and none removes another’s (Okta pushes in parallel)', async () => {
    const g = await ok('POST', '/Groups', { displayName: `Parallel ${Date.now()}` }, 201);
    const people = await Promise.all(Array.from({ length: 20 }, (_, i) => user(`parallel${i}`)));
    const answers = await Promise.all(people.map((p) => scim('PATCH', `/Groups/${g.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: p.id }] }] })));
    expect(answers.map((r) => r.statusCode)).toEqual(people.map(() => 204));
    const after = await ok('GET', `/Groups/${g.id}`);
    expect(after.members.map((m: Json) => m.value).sort()).toEqual(people.map((p) => p.id).sort());
    const audit = json(await api('GET', `/audit?targetId=${g.id}&limit=100`)).items as Json[];
    expect(audit.filter((e) => e.action === 'directory.member_removed')).toEqual([]);
    // Removed the way Entra ID does, in parallel too.
    const half = people.slice(0, 10);
    await Promise.all(half.map((p) => ok('PATCH', `/Groups/${g.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: p.id }] }] }, 204)));
    expect((await ok('GET', `/Groups/${g.id}`)).members).toHaveLength(10);
  });

  it('PRO-4: a PUT of a group without members leaves them; an explicit [] clears them; a group read without members costs none and gives no version', async () => {
    const p = await user('kept');
    const g = await ok('POST', '/Groups', { displayName: `Kept ${Date.now()}`, members: [{ value: p.id }] }, 201);
    const renamed = await ok('PUT', `/Groups/${g.id}`, { displayName: `${g.displayName} renamed` });
    expect(renamed.members.map((m: Json) => m.value)).toEqual([p.id]);
    const light = await ok('GET', `/Groups?filter=${encodeURIComponent(`id eq "${g.id}"`)}&excludedAttributes=members`);
    expect(light.Resources[0].members).toBeUndefined();
    expect(light.Resources[0].meta.version).toBeUndefined();
    const one = await scim('GET', `/Groups/${g.id}?excludedAttributes=members`);
    expect(json(one).members).toBeUndefined();
    expect(one.headers.etag).toBeUndefined();
    const cleared = await ok('PUT', `/Groups/${g.id}`, { displayName: renamed.displayName, members: [] });
    expect(cleared.members).toEqual([]);
  });

  it('PRO-4, DIR-3: a member SCIM deprovisioned keeps their group rows through a client’s group changes, and no value filter finds them', async () => {
    const stays = await user('stays');
    const leaves = await user('leaves');
    const g = await ok('POST', '/Groups', { displayName: `Mixed ${Date.now()}`, members: [{ value: stays.id }, { value: leaves.id }] }, 201);
    await ok('DELETE', `/Users/${leaves.id}`, undefined, 204);
    expect((await ok('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${leaves.id}"]`)}`)).totalResults).toBe(0);
    await ok('PATCH', `/Groups/${g.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: `${g.displayName} 2` }] });
    await ok('PUT', `/Groups/${g.id}`, { displayName: `${g.displayName} 3`, members: [{ value: stays.id }] });
    // An admin takes the leaver back: their group is as it was.
    expect((await api('POST', `/users/${leaves.id}/reactivate`)).statusCode).toBe(200);
    expect((await ok('GET', `/Groups/${g.id}`)).members.map((m: Json) => m.value).sort()).toEqual([stays.id, leaves.id].sort());
  });

  it('PRO-4, ACC-6: a suspension an admin made is not lifted by a client’s active: true; one SCIM made is', async () => {
    const p = await user('incident');
    expect((await api('POST', `/users/${p.id}/suspend`)).statusCode).toBe(200);
    const pushed = await ok('PUT', `/Users/${p.id}`, { userName: p.userName, active: true });
    expect(pushed.active).toBe(false);
    const patched = await ok('PATCH', `/Users/${p.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', value: { active: 'True' } }] });
    expect(patched.active).toBe(false);
    const q = await user('leave.of.absence');
    expect((await ok('PATCH', `/Users/${q.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })).active).toBe(false);
    expect((await ok('PATCH', `/Users/${q.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] })).active).toBe(true);
  });

  it('PRO-4, ACC-6: a member an admin suspended, deprovisioned and provisioned again comes back still suspended', async () => {
    const p = await user('incident.again');
    expect((await api('POST', `/users/${p.id}/suspend`)).statusCode).toBe(200);
    await ok('DELETE', `/Users/${p.id}`, undefined, 204);
    const back = await ok('POST', '/Users', { userName: p.userName, active: true }, 201);
    expect(back).toMatchObject({ id: p.id, active: false });
  });

  it('PRO-4: a member who holds a userName keeps it, and their changes go on, after an admin invites that address for someone else', async () => {
    const alias = uniqueEmail('alias');
    const holder = await ok('POST', '/Users', { userName: alias, emails: [{ value: uniqueEmail('full.name'), primary: true }] }, 201);
    expect((await api('POST', '/users', { email: alias, name: 'Someone Else' })).statusCode).toBe(201);
    const leaving = await ok('PATCH', `/Users/${holder.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(leaving.active).toBe(false);
  });

  it('PRO-4: a member made before provisioning is found by their address as userName, and linked by the client’s first PUT', async () => {
    const m = await acceptedMember(t, a, { name: 'Pre Existing', username: `pre${Date.now() % 100000}` });
    const found = await ok('GET', `/Users?filter=${encodeURIComponent(`userName eq "${m.email.toUpperCase()}"`)}`);
    expect(found.Resources.map((r: Json) => r.id)).toEqual([m.user.id]);
    expect(found.Resources[0].userName).toBe(m.email);
    const linked = await ok('PUT', `/Users/${m.user.id}`, { userName: m.email, externalId: 'hr-pre', name: { givenName: 'Pre', familyName: 'Existing' } });
    expect(linked).toMatchObject({ userName: m.email, externalId: 'hr-pre' });
    // The POSIX username is untouched.
    expect(json(await api('GET', `/users/${m.user.id}`)).username).toBe(m.user.username);
  });

  it('PRO-4, DSR-5: a person erased leaves SCIM’s view, so the client’s next push cannot write them back', async () => {
    const p = await user('erased');
    await t.app.rights.registry.eraseAll(await t.app.rights.subjectOf({ email: p.userName }), { basis: 'deletion_request', reference: 'test' });
    expect((await scim('GET', `/Users/${p.id}`)).statusCode).toBe(404);
    expect((await scim('PUT', `/Users/${p.id}`, { userName: p.userName, name: { givenName: 'Back' } })).statusCode).toBe(404);
  });

  it('PRO-4, DIR-4: changing an invited member’s address sends the invitation there, once per change', async () => {
    const p = await user('moving');
    const to = uniqueEmail('moved');
    const moved = await ok('PATCH', `/Users/${p.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: to }] });
    expect(moved.emails[0].value).toBe(to);
    const same = await ok('PATCH', `/Users/${p.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Moved Person' }] });
    expect(same.displayName).toBe('Moved Person');
    const outbox = await t.app.db.selectFrom('mail_outbox').select(['id']).execute();
    expect(outbox.length).toBeGreaterThan(0);
  });

  it('PRO-4: a SearchRequest’s startIndex and count are integers within bounds (no 500 for 1e300)', async () => {
    const res = await scim('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], startIndex: 1e300 });
    expect(res.statusCode).toBe(400);
    expect(json(res).scimType).toBe('invalidValue');
    const far = await scim('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], startIndex: 999_999_999_999 });
    expect(far.statusCode).toBe(200);
    expect(json(far).Resources).toEqual([]);
  });
});
