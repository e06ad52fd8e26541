import type { StaffRole } from '../../core/caller.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import { type TestApp, GOOD_PASSWORD, acceptedMember, json, signIn, startTestApp, uniqueEmail, verifiedUser, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Admin = Awaited<ReturnType<typeof verifiedUser>>;

describe.each(dialects)('directory on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, auth: Record<string, string>, payload?: object) =>
    t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const base = (a: Admin) => `/api/v1/orgs/${a.organization.id}`;

  async function addUser(a: Admin, overrides: Record<string, unknown> = {}) {
    const res = await call('POST', `${base(a)}/users`, a.auth, { email: uniqueEmail('member'), name: 'Grace Hopper', ...overrides });
    if (res.statusCode !== 201) throw new Error(`create user: ${res.statusCode} ${res.body}`);
    return json(res);
  }

  async function staffAuth(role: string) {
    return (await staffMember(t, role as StaffRole)).auth;
  }

  it('DIR-2: a created user gets a username, unique POSIX ids from 10000, and an invitation to set their own password (ACC-2)', async () => {
    const a = await verifiedUser(t);
    expect(a.user).toMatchObject({ uidNumber: 10000, gidNumber: 10000, loginShell: '/bin/bash' });
    const email = uniqueEmail('grace');
    const u = await addUser(a, { email, username: 'grace' });
    expect(u).toMatchObject({ email, username: 'grace', uidNumber: 10001, gidNumber: 10001, homeDirectory: '/home/grace', orgRole: 'member', status: 'invited', emailVerified: false });
    const taken = await call('POST', `${base(a)}/users`, a.auth, { email: uniqueEmail(), name: 'Other', username: 'grace' });
    expect(taken.statusCode).toBe(409);
    expect(json(taken).code).toBe('directory.username_taken');

    const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    const token = tokenFrom(mail.text, '/invitations');
    expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password: GOOD_PASSWORD } })).statusCode).toBe(401);
    const accept = await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: GOOD_PASSWORD } });
    expect(accept.statusCode).toBe(200);
    expect(json(accept).emailVerified).toBe(true);
    expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: GOOD_PASSWORD } })).statusCode).toBe(422);
    expect((await signIn(t, email, GOOD_PASSWORD)).user.id).toBe(u.id);
  });

  it('DIR-2: admins search and page through users; a plain user sees only themselves', async () => {
    const a = await verifiedUser(t);
    for (const name of ['Alan Turing', 'Alonzo Church', 'Kurt Gödel']) await addUser(a, { name });
    const found = json(await call('GET', `${base(a)}/users?q=al`, a.auth));
    expect(found.items.map((u: { name: string }) => u.name).sort()).toEqual(['Alan Turing', 'Alonzo Church']);
    // Wildcards in a search are taken literally.
    expect(json(await call('GET', `${base(a)}/users?q=%25`, a.auth)).items).toEqual([]);
    expect(json(await call('GET', `${base(a)}/users?q=_`, a.auth)).items).toEqual([]);
    const page1 = json(await call('GET', `${base(a)}/users?limit=2`, a.auth));
    expect(page1.items).toHaveLength(2);
    const page2 = json(await call('GET', `${base(a)}/users?limit=2&cursor=${page1.nextCursor}`, a.auth));
    expect(page2.items).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();

    const email = uniqueEmail('plain');
    const plain = await addUser(a, { email });
    const mail = await t.smtp.waitFor((m) => m.to === email);
    await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: tokenFrom(mail.text, '/invitations'), password: GOOD_PASSWORD } });
    const auth = { authorization: `Bearer ${(await signIn(t, email, GOOD_PASSWORD)).token}` };
    const mine = json(await call('GET', `${base(a)}/users`, auth));
    expect(mine.items.map((u: { id: string }) => u.id)).toEqual([plain.id]);
    expect((await call('GET', `${base(a)}/users/${plain.id}`, auth)).statusCode).toBe(200);
    expect((await call('GET', `${base(a)}/users/${a.user.id}`, auth)).statusCode).toBe(403);
    expect((await call('POST', `${base(a)}/users`, auth, { email: uniqueEmail(), name: 'X' })).statusCode).toBe(403);
  });

  it('DIR-2: users are sorted by name by default, sort by name, email, status or created either way, filter by status, and carry the total', async () => {
    const a = await verifiedUser(t);
    await call('PATCH', `${base(a)}/users/${a.user.id}`, a.auth, { name: 'mallory admin' });
    const people = [
      { name: 'delta', email: uniqueEmail('b-delta') },
      { name: 'Alpha', email: uniqueEmail('d-alpha') },
      { name: 'charlie', email: uniqueEmail('a-charlie') },
      { name: 'Bravo', email: uniqueEmail('c-bravo') },
    ];
    const made: Record<string, string> = {};
    for (const p of people) {
      (t.clock as ManualClock).advance(1000);
      made[p.name] = (await addUser(a, p)).id as string;
    }
    expect((await call('POST', `${base(a)}/users/${made.charlie}/suspend`, a.auth)).statusCode).toBe(200);
    const names = async (query: string) => {
      const body = json(await call('GET', `${base(a)}/users?${query}`, a.auth));
      return { names: body.items.map((u: { name: string }) => u.name), total: body.total, nextCursor: body.nextCursor };
    };
    expect(await names('')).toEqual({ names: ['Alpha', 'Bravo', 'charlie', 'delta', 'mallory admin'], total: 5, nextCursor: null });
    expect((await names('sort=name&order=desc')).names).toEqual(['mallory admin', 'delta', 'charlie', 'Bravo', 'Alpha']);
    expect((await names('sort=email')).names.slice(0, 4)).toEqual(['charlie', 'delta', 'Bravo', 'Alpha']);
    expect((await names('sort=created')).names).toEqual(['mallory admin', 'delta', 'Alpha', 'charlie', 'Bravo']);
    expect((await names('sort=created&order=desc')).names).toEqual(['Bravo', 'charlie', 'Alpha', 'delta', 'mallory admin']);
    // By status, then by name within each status.
    expect((await names('sort=status')).names).toEqual(['mallory admin', 'Alpha', 'Bravo', 'delta', 'charlie']);
    expect(await names('status=invited')).toEqual({ names: ['Alpha', 'Bravo', 'delta'], total: 3, nextCursor: null });
    expect(await names('status=suspended')).toEqual({ names: ['charlie'], total: 1, nextCursor: null });
    expect((await names('status=invited&q=a')).total).toBe(3);
    expect((await names('q=alp')).total).toBe(1);

    // Paging keeps the order and the total, in both directions and for every sort.
    for (const query of ['sort=name', 'sort=name&order=desc', 'sort=status', 'sort=email&order=desc', 'sort=created']) {
      const whole = (await names(query)).names;
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await names(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.total, query).toBe(5);
        paged.push(...page.names);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged, query).toEqual(whole);
    }
    expect((await call('GET', `${base(a)}/users?sort=age`, a.auth)).statusCode).toBe(400);
    // A cursor is opaque: a made-up one, or one of another order, is refused and names the field.
    const nameCursor = (await names('limit=1')).nextCursor as string;
    for (const cursor of ['not-a-cursor', nameCursor]) {
      const res = await call('GET', `${base(a)}/users?sort=status&cursor=${cursor}`, a.auth);
      expect(res.statusCode).toBe(422);
      expect(json(res).errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });

  it('DIR-2: the user page shows the user’s groups, and every group its member count', async () => {
    const a = await verifiedUser(t);
    const u = await addUser(a, { name: 'Member One' });
    const ops = json(await call('POST', `${base(a)}/groups`, a.auth, { name: 'ops' }));
    const dev = json(await call('POST', `${base(a)}/groups`, a.auth, { name: 'dev' }));
    json(await call('POST', `${base(a)}/groups`, a.auth, { name: 'empty' }));
    expect(ops.memberCount).toBe(0);
    for (const [g, id] of [[ops, u.id], [dev, u.id], [ops, a.user.id]] as const) {
      expect((await call('POST', `${base(a)}/groups/${g.id}/members`, a.auth, { userId: id })).statusCode).toBe(204);
    }
    const mine = json(await call('GET', `${base(a)}/users/${u.id}/groups`, a.auth));
    expect(mine.items.map((g: { name: string; memberCount: number }) => [g.name, g.memberCount])).toEqual([
      ['dev', 1],
      ['ops', 2],
    ]);
    const list = json(await call('GET', `${base(a)}/groups`, a.auth));
    expect(Object.fromEntries(list.items.map((g: { name: string; memberCount: number }) => [g.name, g.memberCount]))).toEqual({ ops: 2, dev: 1, empty: 0 });
    expect(json(await call('GET', `${base(a)}/groups/${ops.id}`, a.auth)).memberCount).toBe(2);
    const user = json(await call('GET', `${base(a)}/users/${a.user.id}`, a.auth));
    expect(user).toHaveProperty('lastSignInAt');
    expect(user.lastSignInAt).not.toBeNull();
  });

  it('SEC-3: a second invitation of one address is named for its email, not for the username it suggested; a suggested username that is taken gets a number', async () => {
    const a = await verifiedUser(t);
    const email = uniqueEmail('twice');
    const first = await addUser(a, { email });
    const again = await call('POST', `${base(a)}/users`, a.auth, { email, name: 'Again' });
    expect(again.statusCode).toBe(409);
    expect(json(again)).toMatchObject({ code: 'directory.already_in_organization', errors: [{ field: 'email' }] });
    // Another address with the same local part: the username it suggests is taken, so it gets the next free one.
    const sameLocal = `${email.split('@')[0]}@other.example.org`;
    const second = await addUser(a, { email: sameLocal });
    expect(second.username).toBe(`${first.username}2`);
    const chosen = await call('POST', `${base(a)}/users`, a.auth, { email: uniqueEmail(), name: 'Chosen', username: first.username });
    expect(json(chosen)).toMatchObject({ code: 'directory.username_taken', errors: [{ field: 'username' }] });
  });

  it('DIR-2: renaming a username moves the home directory only when the admin asks', async () => {
    const a = await verifiedUser(t);
    const u = await addUser(a, { username: 'grace' });
    expect(u.homeDirectory).toBe('/home/grace');
    const kept = json(await call('PATCH', `${base(a)}/users/${u.id}`, a.auth, { username: 'ghopper' }));
    expect(kept).toMatchObject({ username: 'ghopper', homeDirectory: '/home/grace' });
    const moved = json(await call('PATCH', `${base(a)}/users/${u.id}`, a.auth, { username: 'hopper', moveHomeDirectory: true }));
    expect(moved).toMatchObject({ username: 'hopper', homeDirectory: '/home/hopper' });
    // Without a new username there is nothing to follow.
    expect(json(await call('PATCH', `${base(a)}/users/${u.id}`, a.auth, { name: 'G', moveHomeDirectory: true })).homeDirectory).toBe('/home/hopper');
  });

  it('DIR-1: another organization’s users, groups and resources answer 404, and nothing changes', async () => {
    const a = await verifiedUser(t);
    const b = await verifiedUser(t);
    const bUser = await addUser(b);
    const bGroup = json(await call('POST', `${base(b)}/groups`, b.auth, { name: 'ops' }));
    const bRes = json(await call('POST', `${base(b)}/resources`, b.auth, { kind: 'system', name: 'db1' }));
    for (const [method, url, body] of [
      ['GET', `${base(b)}/users`],
      ['GET', `${base(b)}/users/${bUser.id}`],
      ['GET', `${base(b)}/users/${bUser.id}/groups`],
      ['GET', `${base(a)}/users/${bUser.id}/groups`],
      ['PATCH', `${base(b)}/users/${bUser.id}`, { name: 'Hacked' }],
      ['POST', `${base(b)}/users/${bUser.id}/suspend`],
      ['DELETE', `${base(b)}/users/${bUser.id}`],
      ['GET', `${base(b)}/groups/${bGroup.id}`],
      ['POST', `${base(b)}/groups/${bGroup.id}/members`, { userId: a.user.id }],
      ['DELETE', `${base(b)}/resources/${bRes.id}`],
      ['POST', `${base(b)}/resources/${bRes.id}/bindings`, { userId: bUser.id }],
      ['GET', `${base(b)}/access?userId=${bUser.id}&resourceId=${bRes.id}`],
      // Another org's ids through one's own organization: not found either.
      ['GET', `${base(a)}/users/${bUser.id}`],
      ['POST', `${base(a)}/groups/${bGroup.id}/members`, { userId: bUser.id }],
    ] as const) {
      const res = await call(method, url, a.auth, body as object | undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body).not.toContain(bUser.email);
    }
    const mine = json(await call('POST', `${base(a)}/groups`, a.auth, { name: 'mine' }));
    expect((await call('POST', `${base(a)}/groups/${mine.id}/members`, a.auth, { userId: bUser.id })).statusCode).toBe(404);
    expect(json(await call('GET', `${base(b)}/users/${bUser.id}`, b.auth)).name).toBe('Grace Hopper');
  });

  it('DIR-3: access is granted directly or through a group, and `via` says which', async () => {
    const a = await verifiedUser(t);
    const u = (await acceptedMember(t, a)).user;
    const other = (await acceptedMember(t, a)).user;
    const res = json(await call('POST', `${base(a)}/resources`, a.auth, { kind: 'application', name: 'wiki', settings: { url: 'https://wiki' } }));
    const g = json(await call('POST', `${base(a)}/groups`, a.auth, { name: 'engineers' }));
    const access = async (userId: string) => json(await call('GET', `${base(a)}/access?userId=${userId}&resourceId=${res.id}`, a.auth));
    expect(await access(u.id)).toEqual({ allowed: false, via: [] });

    expect((await call('POST', `${base(a)}/groups/${g.id}/members`, a.auth, { userId: u.id })).statusCode).toBe(204);
    const viaGroup = json(await call('POST', `${base(a)}/resources/${res.id}/bindings`, a.auth, { groupId: g.id }));
    expect(await access(u.id)).toEqual({ allowed: true, via: [{ type: 'group', bindingId: viaGroup.id, groupId: g.id, groupName: 'engineers' }] });
    expect((await access(other.id)).allowed).toBe(false);

    const direct = json(await call('POST', `${base(a)}/resources/${res.id}/bindings`, a.auth, { userId: u.id }));
    expect((await access(u.id)).via).toHaveLength(2);
    const dup = await call('POST', `${base(a)}/resources/${res.id}/bindings`, a.auth, { userId: u.id });
    expect(json(dup).code).toBe('directory.binding_exists');

    const byUser = json(await call('GET', `${base(a)}/users/${u.id}/access`, a.auth));
    expect(byUser.items).toHaveLength(1);
    expect(byUser.items[0]).toMatchObject({ resource: { id: res.id, name: 'wiki' }, allowed: true });
    expect(byUser.items[0].via).toHaveLength(2);
    const byResource = json(await call('GET', `${base(a)}/resources/${res.id}/access`, a.auth));
    expect(byResource.items.map((i: { user: { id: string } }) => i.user.id)).toEqual([u.id]);
    expect(json(await call('GET', `${base(a)}/users/${other.id}/access`, a.auth)).items).toEqual([]);

    expect((await call('DELETE', `${base(a)}/groups/${g.id}/members/${u.id}`, a.auth)).statusCode).toBe(204);
    expect((await access(u.id)).via).toEqual([{ type: 'user', bindingId: direct.id }]);
    expect((await call('DELETE', `${base(a)}/resources/${res.id}/bindings/${direct.id}`, a.auth)).statusCode).toBe(204);
    expect((await access(u.id)).allowed).toBe(false);
    expect(json(await call('GET', `${base(a)}/resources/${res.id}/bindings`, a.auth)).items).toHaveLength(1);
  });

  it('ACC-6, GOV-1 and DIR-3: suspension (termination of access) ends every session at once and allows nothing; reactivation restores access', async () => {
    const a = await verifiedUser(t);
    const email = uniqueEmail('suspended');
    const u = await addUser(a, { email });
    const mail = await t.smtp.waitFor((m) => m.to === email);
    await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: tokenFrom(mail.text, '/invitations'), password: GOOD_PASSWORD } });
    const session = await signIn(t, email, GOOD_PASSWORD);
    const res = json(await call('POST', `${base(a)}/resources`, a.auth, { kind: 'network', name: 'vpn' }));
    await call('POST', `${base(a)}/resources/${res.id}/bindings`, a.auth, { userId: u.id });

    const suspended = await call('POST', `${base(a)}/users/${u.id}/suspend`, a.auth);
    expect(json(suspended).status).toBe('suspended');
    expect((await call('GET', '/api/v1/me', { authorization: `Bearer ${session.token}` })).statusCode).toBe(401);
    const refused = await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password: GOOD_PASSWORD } });
    expect(json(refused).code).toBe('accounts.account_suspended');
    const decision = json(await call('GET', `${base(a)}/access?userId=${u.id}&resourceId=${res.id}`, a.auth));
    expect(decision).toMatchObject({ allowed: false, reason: 'suspended' });
    expect(await t.app.directory.access.canAccess(a.organization.id, u.id, res.id)).toMatchObject({ allowed: false });

    expect(json(await call('POST', `${base(a)}/users/${u.id}/reactivate`, a.auth)).status).toBe('active');
    expect((await t.app.directory.access.canAccess(a.organization.id, u.id, res.id)).allowed).toBe(true);
    expect((await call('POST', `${base(a)}/users/${a.user.id}/suspend`, a.auth)).statusCode).toBe(403);
  });

  it('DIR-4: the free plan refuses the 11th active user with directory.user_limit_reached, creating nothing', async () => {
    const a = await verifiedUser(t);
    for (let i = 0; i < 9; i++) await addUser(a);
    const before = json(await call('GET', `${base(a)}/users?limit=200`, a.auth)).items.length;
    const refused = await call('POST', `${base(a)}/users`, a.auth, { email: uniqueEmail(), name: 'Eleventh' });
    expect(refused.statusCode).toBe(403);
    expect(json(refused).type).toBe('urn:castellan:problem:directory.user_limit_reached');
    expect(json(await call('GET', `${base(a)}/users?limit=200`, a.auth)).items.length).toBe(before);

    // Suspending one frees a seat; reactivating it while full is refused the same way.
    const users = json(await call('GET', `${base(a)}/users?limit=200`, a.auth)).items.filter((u: { id: string }) => u.id !== a.user.id);
    await call('POST', `${base(a)}/users/${users[0].id}/suspend`, a.auth);
    await addUser(a);
    expect(json(await call('POST', `${base(a)}/users/${users[0].id}/reactivate`, a.auth)).code).toBe('directory.user_limit_reached');
  });

  it('DIR-4: paid has no limit; a jumpstart trial has none until it ends, then existing users stay and new ones are refused', async () => {
    const a = await verifiedUser(t);
    for (let i = 0; i < 9; i++) await addUser(a);
    const billing = await staffAuth('billing');
    const endsAt = new Date(t.clock.now().getTime() + 2 * 86_400_000).toISOString();
    const plan = await call('PATCH', `/api/v1/staff/orgs/${a.organization.id}/plan`, billing, { plan: 'jumpstart', endsAt });
    expect(plan.statusCode).toBe(200);
    expect(json(plan)).toMatchObject({ plan: 'jumpstart', planEndsAt: endsAt });
    await addUser(a);
    await addUser(a);
    (t.clock as ManualClock).advance(3 * 86_400_000);
    expect(json(await call('POST', `${base(a)}/users`, a.auth, { email: uniqueEmail(), name: 'Late' })).code).toBe('directory.user_limit_reached');
    expect(json(await call('GET', `${base(a)}/users?limit=200`, a.auth)).items).toHaveLength(12);
    expect((await call('PATCH', `/api/v1/staff/orgs/${a.organization.id}/plan`, billing, { plan: 'paid' })).statusCode).toBe(200);
    await addUser(a);
  });

  it('DIR-4: only billing and owner staff set a plan; admins and other staff cannot', async () => {
    const a = await verifiedUser(t);
    for (const auth of [a.auth, await staffAuth('support'), await staffAuth('privacy')]) {
      expect((await call('PATCH', `/api/v1/staff/orgs/${a.organization.id}/plan`, auth, { plan: 'paid' })).statusCode).toBe(403);
    }
    expect((await call('PATCH', `/api/v1/staff/orgs/${a.organization.id}/plan`, await staffAuth('owner'), { plan: 'paid' })).statusCode).toBe(200);
    const bad = await call('PATCH', `/api/v1/staff/orgs/${a.organization.id}/plan`, await staffAuth('billing'), { plan: 'jumpstart' });
    expect(json(bad).errors[0].field).toBe('endsAt');
  });

  it('SUP-6: no staff role can bind anyone to a resource, enforced in the service', async () => {
    const a = await verifiedUser(t);
    const u = await addUser(a);
    const res = json(await call('POST', `${base(a)}/resources`, a.auth, { kind: 'system', name: 'build-server' }));
    for (const role of ['owner', 'support', 'privacy', 'billing']) {
      const auth = await staffAuth(role);
      expect((await call('POST', `${base(a)}/resources/${res.id}/bindings`, auth, { userId: u.id })).statusCode, role).toBe(403);
      const me = json(await call('GET', '/api/v1/me', auth));
      const caller = { kind: 'staff' as const, accountId: me.account.id, sessionId: 'ses_x', staffRole: role as 'owner', mfa: true };
      await expect(t.app.directory.resources.bind(systemContext(), caller, a.organization.id, res.id, { userId: u.id })).rejects.toMatchObject({
        code: 'common.forbidden',
      });
    }
    expect(json(await call('GET', `${base(a)}/resources/${res.id}/bindings`, a.auth)).items).toEqual([]);
  });

  it('SEC-1: directory changes are audited', async () => {
    const a = await verifiedUser(t);
    const u = await addUser(a);
    const g = json(await call('POST', `${base(a)}/groups`, a.auth, { name: 'audited' }));
    await call('POST', `${base(a)}/groups/${g.id}/members`, a.auth, { userId: u.id });
    await call('PATCH', `${base(a)}/users/${u.id}`, a.auth, { name: 'Renamed', loginShell: '/bin/zsh' });
    await call('DELETE', `${base(a)}/users/${u.id}`, a.auth);
    const actions = json(await call('GET', `${base(a)}/audit?limit=20`, a.auth)).items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['directory.user_invited', 'directory.group_created', 'directory.member_added', 'directory.user_updated', 'directory.user_deleted']),
    );
  });
});
