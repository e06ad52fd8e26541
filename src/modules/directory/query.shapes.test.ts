/**
 * PRO-1, DIR-1, DIR-3: the ways the LDAP view takes for speed answer exactly as the general ones.
 *
 * - The filters clients send on every lookup ((uid=x), (&(objectClass=posixAccount)(uid=x)),
 *   (memberUid=x), (gidNumber=n), (cn=x)…) run a statement compiled once per shape; every other
 *   filter is compiled in full. `(|F)` means what `F` means but is never such a shape, so each
 *   filter is searched both ways and the answers compared, on values that test case folding,
 *   characters LIKE and GLOB treat specially, integers written oddly, and another organization
 *   holding the same names.
 * - memberOf and the members of groups are read for a page at once (their id lists padded).
 * - `mayUse` reads every LDAP application's access rows in one statement: it must answer as
 *   `canAccess` does for each application.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, GOOD_PASSWORD, OPERATOR, type TestApp, callerOfToken, inviteTokenFor, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import type { Caller } from '../../core/caller.ts';
import { anonymousContext } from '../../core/context.ts';
import type { DirectoryFilter } from './filter.ts';
import { updateMembership } from './memberships.repository.ts';
import { type DirectoryGroupEntry, type DirectoryUserEntry, shapedAttribute } from './query.ts';

const ctx = anonymousContext('127.0.0.1', null);

const eq = (attribute: string, value: string): DirectoryFilter => ({ type: 'equal', attribute, value });
const and = (...filters: DirectoryFilter[]): DirectoryFilter => ({ type: 'and', filters });
/** The same filter, never a shape: compiled in full. */
const general = (f: DirectoryFilter): DirectoryFilter => ({ type: 'or', filters: [f] });

describe.each(dialects)('the LDAP view’s fast paths on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  interface Org {
    admin: Admin;
    id: string;
    caller: Caller;
  }

  async function newOrg(companyName: string): Promise<Org> {
    const admin = await verifiedUser(t, { name: 'Org Admin', companyName });
    const id = admin.organization.id as string;
    await t.app.directory.plans.setPlan(ctx, OPERATOR, id, { plan: 'paid' });
    return { admin, id, caller: await callerOfToken(t, admin.token, id) };
  }

  async function person(o: Org, p: { name: string; username: string; state?: 'active' | 'invited' | 'suspended' }): Promise<string> {
    const u = await t.app.directory.users.invite(ctx, o.caller, o.id, { email: uniqueEmail(p.username), name: p.name, username: p.username });
    const state = p.state ?? 'active';
    if (state !== 'invited') await t.app.directory.invitations.acceptWithPassword(ctx, await inviteTokenFor(t, u.id), { password: GOOD_PASSWORD });
    if (state === 'suspended') await t.app.directory.users.suspend(ctx, o.caller, o.id, u.id);
    return u.id;
  }

  const group = async (o: Org, name: string) => (await t.app.directory.groups.create(ctx, o.caller, o.id, { name })).id as string;
  const app = async (o: Org, name: string, settings: Record<string, unknown>) =>
    (await t.app.directory.resources.create(ctx, o.caller, o.id, { kind: 'application', name, settings } as never)).id as string;
  const bind = (o: Org, resourceId: string, subject: { userId: string } | { groupId: string }) => t.app.directory.resources.bind(ctx, o.caller, o.id, resourceId, subject);
  const join = (o: Org, groupId: string, userId: string) => t.app.directory.groups.addMember(ctx, o.caller, o.id, groupId, userId);

  let a: Org;
  let b: Org;
  const ids: Record<string, string> = {};
  const gids: Record<string, string> = {};
  const res: Record<string, string> = {};
  const gidNumbers: Record<string, number> = {};

  beforeAll(async () => {
    a = await newOrg('Shapes Inc');
    b = await newOrg('Other Shapes');
    res.ldap = await app(a, 'hosts', { protocol: 'ldap' });
    res.ldap2 = await app(a, 'more hosts', { protocol: 'ldap' });
    res.web = await app(a, 'wiki', { protocol: 'oidc', grantTypes: ['client_credentials'] });
    res.bLdap = await app(b, 'their hosts', { protocol: 'ldap' });
    for (const u of ['ada', 'a_b', 'a.b', 'percent', 'star', 'nogroup', 'direct2', 'webonly', 'loner']) ids[u] = await person(a, { name: `The ${u}`, username: u });
    ids.susan = await person(a, { name: 'Susan Suspended', username: 'susan', state: 'suspended' });
    ids.ivan = await person(a, { name: 'Ivan Invited', username: 'ivan', state: 'invited' });
    // Group names with what LIKE, GLOB and DNs treat specially, and letters whose case folds.
    for (const g of ['Engineers', '100%_Done', 'Star*[x]?', 'Équipe', 'Back\\slash', 'Empty']) gids[g] = await group(a, g);
    for (const u of ['ada', 'a_b', 'susan', 'ivan']) await join(a, gids.Engineers as string, ids[u] as string);
    for (const u of ['percent', 'a.b']) await join(a, gids['100%_Done'] as string, ids[u] as string);
    for (const u of ['star', 'ada']) await join(a, gids['Star*[x]?'] as string, ids[u] as string);
    await join(a, gids['Équipe'] as string, ids.webonly as string);
    await join(a, gids['Back\\slash'] as string, ids.ada as string);
    for (const g of ['Engineers', '100%_Done', 'Star*[x]?']) await bind(a, res.ldap as string, { groupId: gids[g] as string });
    await bind(a, res.ldap2 as string, { userId: ids.direct2 as string });
    await bind(a, res.ldap as string, { userId: ids.nogroup as string });
    await bind(a, res.web as string, { userId: ids.webonly as string });
    await updateMembership(t.app.db, a.id, ids.ada as string, { uid_number: 5 });
    await updateMembership(t.app.db, a.id, ids.star as string, { uid_number: null, gid_number: null });
    // The other organization: the same usernames and group names, the same numbers.
    for (const u of ['ada', 'star', 'percent']) ids[`b.${u}`] = await person(b, { name: `Their ${u}`, username: u });
    for (const g of ['Engineers', 'Équipe']) gids[`b.${g}`] = await group(b, g);
    for (const u of ['ada', 'star', 'percent']) await join(b, gids['b.Engineers'] as string, ids[`b.${u}`] as string);
    await bind(b, res.bLdap as string, { groupId: gids['b.Engineers'] as string });
    await updateMembership(t.app.db, b.id, ids['b.ada'] as string, { uid_number: 5 });
    const list = await t.app.directory.groups.list(a.caller, a.id, { limit: 100 });
    for (const g of list.items) gidNumbers[g.name] = g.gidNumber as number;
  }, 60_000);

  const scopeOf = (resourceIds: string[], orgId = a.id) => ({ dialect: dialect.name, orgId, resourceIds });

  /** Every page of a search, `limit` at a time. */
  async function all<T extends { id: string }>(search: (o: string, f: DirectoryFilter, opts: { resourceIds: string[]; limit: number; after?: string; withMemberOf?: boolean; withMembers?: boolean }) => Promise<{ items: T[]; nextAfter: string | null }>, orgId: string, filter: DirectoryFilter, opts: { resourceIds: string[]; limit: number; withMemberOf?: boolean; withMembers?: boolean }): Promise<T[]> {
    const out: T[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await search(orgId, filter, { ...opts, ...(after ? { after } : {}) });
      out.push(...page.items);
      if (page.nextAfter === null) return out;
      after = page.nextAfter;
    }
  }

  /** Searches `filter` both ways (as a shape, and compiled in full) with several page sizes; returns the one answer. */
  async function bothWays(kind: 'users' | 'groups', filter: DirectoryFilter, opts: { resourceIds?: string[]; orgId?: string; withMemberOf?: boolean; withMembers?: boolean; shaped?: boolean } = {}) {
    const resourceIds = opts.resourceIds ?? [res.ldap as string, res.ldap2 as string];
    const orgId = opts.orgId ?? a.id;
    expect(shapedAttribute(kind, filter, scopeOf(resourceIds, orgId)) !== undefined, JSON.stringify(filter)).toBe(opts.shaped ?? true);
    expect(shapedAttribute(kind, general(filter), scopeOf(resourceIds, orgId))).toBeUndefined();
    const search = kind === 'users' ? t.app.directory.query.searchUsers : t.app.directory.query.searchGroups;
    const extra = { ...(opts.withMemberOf ? { withMemberOf: true } : {}), ...(opts.withMembers ? { withMembers: true } : {}) };
    const answers: Array<Array<DirectoryUserEntry | DirectoryGroupEntry>> = [];
    for (const limit of [1, 2, 3, 500]) {
      answers.push(await all<DirectoryUserEntry | DirectoryGroupEntry>(search, orgId, filter, { resourceIds, limit, ...extra }));
      answers.push(await all<DirectoryUserEntry | DirectoryGroupEntry>(search, orgId, general(filter), { resourceIds, limit, ...extra }));
    }
    for (const other of answers.slice(1)) expect(other, JSON.stringify(filter)).toEqual(answers[0]);
    return answers[0] as Array<DirectoryUserEntry & DirectoryGroupEntry>;
  }
  const usernames = (xs: Array<{ username: string }>) => xs.map((x) => x.username).sort();
  const names = (xs: Array<{ name: string }>) => xs.map((x) => x.name).sort();

  it('PRO-1, DIR-1, DIR-3: (uid=x) and its objectClass forms answer as the general compiler does, folding case, never another organization’s entry', async () => {
    const cases: Array<[string, string[]]> = [
      ['ada', ['ada']],
      ['ADA', ['ada']],
      ['Ada', ['ada']],
      ['a_b', ['a_b']],
      ['a.b', ['a.b']],
      ['a%b', []],
      ['a*', []],
      ['a\\b', []],
      ['(ada)', []],
      ['susan', []],
      ['ivan', []],
      ['webonly', []],
      ['loner', []],
      ['direct2', ['direct2']],
      ['nogroup', ['nogroup']],
      ['', []],
      ['ädä', []],
      ['percent', ['percent']],
    ];
    for (const [value, want] of cases) {
      expect(usernames(await bothWays('users', eq('uid', value))), value).toEqual(want);
      expect(usernames(await bothWays('users', eq('UID', value))), value).toEqual(want);
      expect(usernames(await bothWays('users', { type: 'approx', attribute: 'uid', value })), value).toEqual(want);
      expect(usernames(await bothWays('users', and(eq('objectClass', 'posixAccount'), eq('uid', value)))), value).toEqual(want);
      expect(usernames(await bothWays('users', and(eq('uid', value), eq('objectclass', 'INETORGPERSON'), { type: 'present', attribute: 'objectClass' })))).toEqual(want);
      expect(usernames(await bothWays('users', and(and(eq('objectClass', 'shadowAccount')), eq('uid', value), { type: 'present', attribute: 'uid' })))).toEqual(want);
    }
    // Another organization's search never sees a's members, and a's resources show b nothing.
    expect(usernames(await bothWays('users', eq('uid', 'ada'), { orgId: b.id, resourceIds: [res.bLdap as string] }))).toEqual(['ada']);
    expect((await bothWays('users', eq('uid', 'ada'), { orgId: b.id, resourceIds: [res.ldap as string] })).map((u) => u.id)).toEqual([]);
    expect((await bothWays('users', eq('uid', 'ada'), { resourceIds: [res.bLdap as string] })).map((u) => u.id)).toEqual([]);
    const [theirs] = await bothWays('users', eq('uid', 'ada'), { orgId: b.id, resourceIds: [res.bLdap as string, res.ldap as string] });
    expect(theirs?.id).toBe(ids['b.ada']);
    // Shapes that are no shapes: a class users do not have, two keys, a NUL, a NOT, an OR.
    expect(await bothWays('users', and(eq('objectClass', 'posixGroup'), eq('uid', 'ada')), { shaped: false })).toEqual([]);
    expect(usernames(await bothWays('users', and(eq('uid', 'ada'), eq('uidNumber', '5')), { shaped: false }))).toEqual(['ada']);
    expect(await bothWays('users', eq('uid', 'ada\u0000'), { shaped: false })).toEqual([]);
    expect(usernames(await bothWays('users', { type: 'not', filter: eq('uid', 'ada') }, { shaped: false }))).not.toContain('ada');
    // givenName may be absent: its presence is a condition, not TRUE of every entry.
    expect(usernames(await bothWays('users', and(eq('uid', 'ada'), { type: 'present', attribute: 'givenName' }), { shaped: false }))).toEqual(['ada']);
  });

  it('PRO-1: (uidNumber=n) and the other keyed user attributes answer as the general compiler does', async () => {
    for (const [value, want] of [
      ['5', ['ada']],
      ['005', ['ada']],
      ['-0', []],
      ['5.0', []],
      [' 5', []],
      ['99999999999999999999999', []],
      ['-99999999999999999999999', []],
    ] as Array<[string, string[]]>) {
      const shaped = /^-?\d{1,19}$/.test(value);
      expect(usernames(await bothWays('users', eq('uidNumber', value), { shaped })), value).toEqual(want);
      expect(usernames(await bothWays('users', and(eq('objectClass', 'posixAccount'), eq('uidnumber', value)), { shaped })), value).toEqual(want);
    }
    // star has no uidNumber: never equal to anything.
    const [star] = await bothWays('users', eq('uid', 'star'));
    expect(star?.uidNumber).toBeNull();
    expect(usernames(await bothWays('users', eq('cn', 'THE ADA')))).toEqual(['ada']);
    expect(usernames(await bothWays('users', eq('displayName', 'the a_b')))).toEqual(['a_b']);
    // With memberOf, read for the whole page at once.
    const [ada] = await bothWays('users', eq('uid', 'ada'), { withMemberOf: true });
    expect(ada?.groups).toEqual(['Back\\slash', 'Engineers', 'Star*[x]?']);
    const everyone = await bothWays('users', { type: 'present', attribute: 'objectClass' }, { withMemberOf: true, shaped: false });
    expect(usernames(everyone)).toEqual(['a.b', 'a_b', 'ada', 'direct2', 'nogroup', 'percent', 'star']);
    expect(Object.fromEntries(everyone.map((u) => [u.username, u.groups]))).toEqual({
      'a.b': ['100%_Done'],
      a_b: ['Engineers'],
      ada: ['Back\\slash', 'Engineers', 'Star*[x]?'],
      direct2: [],
      nogroup: [],
      percent: ['100%_Done'],
      star: ['Star*[x]?'],
    });
  });

  it('PRO-1, DIR-1, DIR-3: (memberUid=x), (gidNumber=n) and (cn=x) on groups answer as the general compiler does', async () => {
    const groups = (f: DirectoryFilter, opts: Parameters<typeof bothWays>[2] = {}) => bothWays('groups', f, opts).then(names);
    for (const [value, want] of [
      ['ada', ['Back\\slash', 'Engineers', 'Star*[x]?']],
      ['ADA', ['Back\\slash', 'Engineers', 'Star*[x]?']],
      ['a_b', ['Engineers']],
      ['a%b', []],
      ['susan', []],
      ['ivan', []],
      ['webonly', []],
      ['star', ['Star*[x]?']],
      ['nobody', []],
    ] as Array<[string, string[]]>) {
      expect(await groups(eq('memberUid', value)), value).toEqual(want);
      expect(await groups(and(eq('objectClass', 'posixGroup'), eq('memberuid', value))), value).toEqual(want);
    }
    for (const [value, want] of [
      ['engineers', ['Engineers']],
      ['ENGINEERS', ['Engineers']],
      ['100%_done', ['100%_Done']],
      ['100%', []],
      ['Star*[x]?', ['Star*[x]?']],
      ['star*', []],
      ['Équipe', ['Équipe']],
      ['Back\\slash', ['Back\\slash']],
      ['Foreign', []],
    ] as Array<[string, string[]]>) {
      expect(await groups(eq('cn', value)), value).toEqual(want);
      expect(await groups(and(eq('objectClass', 'groupOfNames'), eq('cn', value))), value).toEqual(want);
    }
    // Letters beyond ASCII fold as the database's lower() folds them, the same both ways.
    await groups(eq('cn', 'équipe'));
    for (const [name, gid] of Object.entries(gidNumbers)) {
      expect(await groups(eq('gidNumber', String(gid))), name).toEqual([name]);
      expect(await groups(and(eq('objectClass', 'posixGroup'), eq('gidNumber', `000${gid}`))), name).toEqual([name]);
    }
    expect(await groups(eq('gidNumber', 'x1'), { shaped: false })).toEqual([]);
    // Another organization's groups and members stay its own.
    expect(await groups(eq('cn', 'Engineers'), { orgId: b.id, resourceIds: [res.bLdap as string] })).toEqual(['Engineers']);
    expect(await groups(eq('memberUid', 'ada'), { orgId: b.id, resourceIds: [res.bLdap as string] })).toEqual(['Engineers']);
    expect(await groups(eq('memberUid', 'a_b'), { orgId: b.id, resourceIds: [res.bLdap as string] })).toEqual([]);
    expect(await groups(eq('cn', 'Engineers'), { orgId: b.id, resourceIds: [res.ldap as string] })).toEqual([]);
    expect(await groups(eq('cn', 'Engineers'), { resourceIds: [res.bLdap as string] })).toEqual([]);
    // Members, read for the whole page at once: the visible ones only.
    const withMembers = await bothWays('groups', { type: 'present', attribute: 'cn' }, { withMembers: true, shaped: false });
    expect(Object.fromEntries(withMembers.map((g) => [g.name, g.members?.map((m) => m.username)]))).toEqual({
      '100%_Done': ['a.b', 'percent'],
      'Back\\slash': ['ada'],
      Empty: [],
      Engineers: ['a_b', 'ada'],
      'Star*[x]?': ['ada', 'star'],
      Équipe: [],
    });
  });

  it('PRO-1, DIR-3: mayUse answers as canAccess does for each LDAP application, in one statement', async () => {
    const ldap = t.app.directory.ldap;
    const apps = await ldap.resourceIds(a.id);
    expect([...apps].sort()).toEqual([res.ldap, res.ldap2].sort());
    const everyone = [...Object.entries(ids)];
    const check = async (orgId: string) => {
      const resourceIds = await ldap.resourceIds(orgId);
      for (const [name, id] of everyone) {
        let want = false;
        for (const r of resourceIds) if ((await t.app.directory.access.canAccess(orgId, id, r)).allowed) want = true;
        expect(await ldap.mayUse(orgId, id), `${name} in ${orgId === a.id ? 'a' : 'b'}`).toBe(want);
      }
    };
    await check(a.id);
    await check(b.id);
    expect(await ldap.mayUse(a.id, ids.ada as string)).toBe(true);
    expect(await ldap.mayUse(a.id, ids.webonly as string)).toBe(false);
    expect(await ldap.mayUse(a.id, ids.susan as string)).toBe(false);
    expect(await ldap.mayUse(b.id, ids.ada as string)).toBe(false);
    expect(await ldap.mayUse(a.id, ids['b.ada'] as string)).toBe(false);
    // Settings that stop naming LDAP take the access away at once; malformed settings name nothing.
    await t.app.directory.resources.update(ctx, a.caller, a.id, res.ldap2 as string, { settings: { protocol: 'radius' } } as never);
    expect(await ldap.mayUse(a.id, ids.direct2 as string)).toBe(false);
    await t.app.db.updateTable('resources').set({ settings: '{not json' }).where('id', '=', res.ldap2 as string).execute();
    expect(await ldap.mayUse(a.id, ids.direct2 as string)).toBe(false);
    expect(await ldap.resourceIds(a.id)).toEqual([res.ldap]);
    await t.app.db.updateTable('resources').set({ settings: JSON.stringify({ protocol: 'ldap' }) }).where('id', '=', res.ldap2 as string).execute();
    expect(await ldap.mayUse(a.id, ids.direct2 as string)).toBe(true);
    await check(a.id);
  });
});
