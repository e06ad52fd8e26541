import { CompiledQuery } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, GOOD_PASSWORD, OPERATOR, type TestApp, callerOfToken, inviteTokenFor, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import type { Caller } from '../../core/caller.ts';
import { anonymousContext } from '../../core/context.ts';
import { escapeDnValue, parseDn } from '../../core/dn.ts';
import { isAppError } from '../../core/errors.ts';
import type { DirectoryFilter } from './filter.ts';
import { acceptMembership, updateMembership } from './memberships.repository.ts';
import { type SearchOptions, compileUserFilter } from './query.ts';
import { userSearch } from './query.repository.ts';

// ---- RFC 4515 filters as text, so that the tests read like what clients send ---------------------

/** The string representation of a search filter (RFC 4515), extensible matches aside. */
function parseFilter(text: string): DirectoryFilter {
  let i = 0;
  const fail = (): never => {
    throw new Error(`not a filter at ${i}: ${text}`);
  };
  // RFC 4515 §3: \XX escapes are bytes of UTF-8.
  const value = (raw: string) => decodeURIComponent(raw.replace(/%/g, '%25').replace(/\\([0-9a-fA-F]{2})/g, '%$1'));
  const item = (s: string): DirectoryFilter => {
    const m = /^([^=~<>]+)(~=|>=|<=|=)(.*)$/s.exec(s) ?? fail();
    const [, attribute = '', op, raw = ''] = m;
    if (op === '~=') return { type: 'approx', attribute, value: value(raw) };
    if (op === '>=') return { type: 'greaterOrEqual', attribute, value: value(raw) };
    if (op === '<=') return { type: 'lessOrEqual', attribute, value: value(raw) };
    if (raw === '*') return { type: 'present', attribute };
    if (!raw.includes('*')) return { type: 'equal', attribute, value: value(raw) };
    const parts = raw.split('*');
    const [first = '', last = ''] = [parts[0], parts.at(-1)];
    return { type: 'substrings', attribute, initial: first ? value(first) : undefined, any: parts.slice(1, -1).filter(Boolean).map(value), final: last ? value(last) : undefined };
  };
  const node = (): DirectoryFilter => {
    if (text[i] !== '(') fail();
    i++;
    const c = text[i];
    let f: DirectoryFilter;
    if (c === '&' || c === '|') {
      i++;
      const filters: DirectoryFilter[] = [];
      while (text[i] === '(') filters.push(node());
      f = { type: c === '&' ? 'and' : 'or', filters };
    } else if (c === '!') {
      i++;
      f = { type: 'not', filter: node() };
    } else {
      const end = text.indexOf(')', i);
      if (end < 0) fail();
      f = item(text.slice(i, end));
      i = end;
    }
    if (text[i] !== ')') fail();
    i++;
    return f;
  };
  const f = node();
  if (i !== text.length) fail();
  return f;
}

const ctx = anonymousContext('127.0.0.1', null);

describe.each(dialects)('directory query language on $name', (dialect) => {
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

  /** An organization on the paid plan (no user limit), and its admin as a caller. */
  async function newOrg(companyName: string): Promise<Org> {
    const admin = await verifiedUser(t, { name: 'Org Admin', companyName });
    const id = admin.organization.id as string;
    await t.app.directory.plans.setPlan(ctx, OPERATOR, id, { plan: 'paid' });
    return { admin, id, caller: await callerOfToken(t, admin.token, id) };
  }

  /** A member invited by the admin; accepted (an account of their own) unless `invited`; then suspended if asked. */
  async function person(o: Org, p: { name: string; username: string; email?: string; state?: 'active' | 'invited' | 'suspended' }): Promise<string> {
    const email = p.email ?? uniqueEmail(p.username);
    const u = await t.app.directory.users.invite(ctx, o.caller, o.id, { email, name: p.name, username: p.username });
    const state = p.state ?? 'active';
    if (state !== 'invited') await t.app.directory.invitations.acceptWithPassword(ctx, await inviteTokenFor(t, u.id), { password: GOOD_PASSWORD });
    if (state === 'suspended') await t.app.directory.users.suspend(ctx, o.caller, o.id, u.id);
    return u.id;
  }

  const group = async (o: Org, name: string, description?: string) => (await t.app.directory.groups.create(ctx, o.caller, o.id, { name, ...(description ? { description } : {}) })).id;
  const resource = async (o: Org, name: string) => (await t.app.directory.resources.create(ctx, o.caller, o.id, { kind: 'application', name })).id as string;
  const bind = (o: Org, resourceId: string, subject: { userId: string } | { groupId: string }) => t.app.directory.resources.bind(ctx, o.caller, o.id, resourceId, subject);
  const join = (o: Org, groupId: string, userId: string) => t.app.directory.groups.addMember(ctx, o.caller, o.id, groupId, userId);

  /** Every page of a search, `limit` at a time. */
  async function everyPage<T extends { id: string }>(
    search: (orgId: string, f: DirectoryFilter, opts: SearchOptions) => Promise<{ items: T[]; nextAfter: string | null }>,
    orgId: string,
    filter: DirectoryFilter,
    opts: Omit<SearchOptions, 'limit' | 'after'> & { limit?: number },
  ): Promise<T[]> {
    const out: T[] = [];
    let after: string | undefined;
    for (let n = 0; n < 1000; n++) {
      const page = await search(orgId, filter, { limit: 100, ...opts, after });
      expect(page.items.length).toBeLessThanOrEqual(opts.limit ?? 100);
      out.push(...page.items);
      if (page.nextAfter === null) return out;
      expect(page.nextAfter).toBe(page.items.at(-1)?.id);
      after = page.nextAfter;
    }
    throw new Error('paging never ended');
  }

  // ---- one organization, and another beside it ---------------------------------------------------

  let a: Org;
  let b: Org;
  /** a's resources: r1 (most people), r2 (pct only); b's: rb. */
  const r: Record<'r1' | 'r2' | 'rb', string> = { r1: '', r2: '', rb: '' };
  const ids: Record<string, string> = {};
  const gids: Record<string, string> = {};
  let adaEmail = '';

  beforeAll(async () => {
    a = await newOrg('Analytical Engines');
    b = await newOrg('Difference Engines');
    r.r1 = await resource(a, 'ldap-app');
    r.r2 = await resource(a, 'second-app');
    r.rb = await resource(b, 'their-app');
    adaEmail = uniqueEmail('Ada.Lovelace');
    ids.ada = await person(a, { name: 'Ada Lovelace', username: 'ada', email: adaEmail });
    ids.grace = await person(a, { name: 'Grace Brewster Hopper', username: 'grace' });
    ids.edgar = await person(a, { name: 'Edgar F. Codd', username: 'edgar' });
    ids.linus = await person(a, { name: 'Linus', username: 'linus' });
    ids.pct = await person(a, { name: 'Wild 100%_Card\\Name!', username: 'pct' });
    ids.nora = await person(a, { name: 'Nora Access', username: 'nora' });
    ids.susan = await person(a, { name: 'Susan Suspended', username: 'susan', state: 'suspended' });
    ids.ivan = await person(a, { name: 'Ivan Invited', username: 'ivan', state: 'invited' });
    gids.engineers = await group(a, 'Engineers', 'Builds things');
    gids.ops = await group(a, 'Ops');
    gids.rd = await group(a, 'R&D, West', '50% of_us');
    gids.empty = await group(a, 'Empty');
    for (const u of ['grace', 'edgar', 'susan']) await join(a, gids.engineers as string, ids[u] as string);
    for (const u of ['ada', 'nora', 'ivan']) await join(a, gids.ops as string, ids[u] as string);
    await join(a, gids.rd as string, ids.pct as string);
    await bind(a, r.r1, { groupId: gids.engineers as string });
    for (const u of ['ada', 'edgar', 'linus', 'susan', 'ivan']) await bind(a, r.r1, { userId: ids[u] as string });
    await bind(a, r.r2, { userId: ids.pct as string });
    // POSIX values as they may be: ids below 1000 and above, a home directory never set (before
    // defaults existed), the default shell left unset, a shell of one's own.
    await updateMembership(t.app.db, a.id, ids.ada as string, { uid_number: 999 });
    await updateMembership(t.app.db, a.id, ids.grace as string, { uid_number: 1000, home_directory: null });
    await updateMembership(t.app.db, a.id, ids.edgar as string, { uid_number: 20000, login_shell: null });
    await updateMembership(t.app.db, a.id, ids.pct as string, { uid_number: 5 });
    await updateMembership(t.app.db, a.id, ids.linus as string, { home_directory: '/srv/[x]?*' });
    await t.app.directory.users.update(ctx, a.caller, a.id, ids.ada as string, { loginShell: '/bin/zsh' });
    // The other organization: an "ada" too, in an "Engineers" group of its own, and a group named Foreign.
    ids.bAda = await person(b, { name: 'Ada Lovelace', username: 'ada' });
    gids.bEngineers = await group(b, 'Engineers');
    gids.foreign = await group(b, 'Foreign');
    await join(b, gids.bEngineers as string, ids.bAda as string);
    await bind(b, r.rb, { groupId: gids.bEngineers as string });
  }, 60_000);

  const BOTH = () => [r.r1, r.r2];
  const VISIBLE = ['ada', 'edgar', 'grace', 'linus', 'pct'];
  const GROUPS = ['Empty', 'Engineers', 'Ops', 'R&D, West'];

  const users = async (filter: string | DirectoryFilter, resourceIds = BOTH(), orgId = a.id) =>
    (await everyPage(t.app.directory.query.searchUsers, orgId, typeof filter === 'string' ? parseFilter(filter) : filter, { resourceIds })).map((u) => u.username).sort();
  const groups = async (filter: string | DirectoryFilter, resourceIds = BOTH(), orgId = a.id) =>
    (await everyPage(t.app.directory.query.searchGroups, orgId, typeof filter === 'string' ? parseFilter(filter) : filter, { resourceIds })).map((g) => g.name).sort();
  const except = (...names: string[]) => VISIBLE.filter((n) => !names.includes(n));

  async function expectUsers(cases: Array<[string, string[]]>) {
    for (const [filter, want] of cases) expect(await users(filter), filter).toEqual([...want].sort());
  }
  async function expectGroups(cases: Array<[string, string[]]>) {
    for (const [filter, want] of cases) expect(await groups(filter), filter).toEqual([...want].sort());
  }

  it('PRO-1, DIR-3: only active members a binding reaches, directly or through a group, are in view', async () => {
    expect(await users('(objectClass=*)')).toEqual(VISIBLE);
    // Susan is suspended, Ivan never accepted, Nora has no binding, the admin neither: never in view.
    expect(await users('(|(uid=susan)(uid=ivan)(uid=nora)(cn=Org Admin))')).toEqual([]);
    expect(await users('(objectClass=*)', [r.r1])).toEqual(['ada', 'edgar', 'grace', 'linus']);
    expect(await users('(objectClass=*)', [r.r2])).toEqual(['pct']);
    // Grace is reached only through Engineers; Edgar both ways, and appears once.
    expect(await users('(|(uid=grace)(uid=edgar))', [r.r1])).toEqual(['edgar', 'grace']);
    // Without resources nothing is in view, groups included.
    expect(await users('(objectClass=*)', [])).toEqual([]);
    expect(await groups('(objectClass=*)', [])).toEqual([]);
    // Suspending takes a member out of view at once; reactivating brings them back.
    await t.app.directory.users.suspend(ctx, a.caller, a.id, ids.linus as string);
    expect(await users('(uid=linus)')).toEqual([]);
    await t.app.directory.users.reactivate(ctx, a.caller, a.id, ids.linus as string);
    expect(await users('(uid=linus)')).toEqual(['linus']);
  });

  it('DIR-1: another organization’s members and groups never appear, whatever the filter or the resources named', async () => {
    expect(await users('(uid=ada)', [r.rb])).toEqual([]);
    expect(await groups('(objectClass=*)', [r.rb])).toEqual([]);
    expect(await users('(uid=ada)', [r.r1], b.id)).toEqual([]);
    expect(await groups('(objectClass=*)', [r.r1], b.id)).toEqual([]);
    const found = await t.app.directory.query.searchUsers(a.id, parseFilter('(uid=ada)'), { resourceIds: [r.r1, r.rb], limit: 10 });
    expect(found.items.map((u) => u.id)).toEqual([ids.ada]);
    expect(await users('(memberOf=cn=Foreign,ou=groups,o=difference-engines,dc=castellan)')).toEqual([]);
    expect(await users('(uid=ada)', [r.rb], b.id)).toEqual(['ada']);
    expect(await groups('(memberUid=ada)', [r.rb], b.id)).toEqual(['Engineers']);
    expect(await groups('(cn=Foreign)')).toEqual([]);
  });

  it('PRO-1: entries carry what the LDAP edge shows, with the POSIX defaults filled in', async () => {
    const page = await t.app.directory.query.searchUsers(a.id, parseFilter('(objectClass=*)'), { resourceIds: BOTH(), limit: 10, withMemberOf: true });
    const by = new Map(page.items.map((u) => [u.username, u]));
    expect(by.get('ada')).toMatchObject({ id: ids.ada, name: 'Ada Lovelace', email: adaEmail, uidNumber: 999, homeDirectory: '/home/ada', loginShell: '/bin/zsh', groups: ['Ops'] });
    expect(typeof by.get('ada')?.accountId).toBe('string');
    expect(by.get('ada')?.gidNumber).toBeGreaterThanOrEqual(10000);
    expect(by.get('grace')).toMatchObject({ uidNumber: 1000, homeDirectory: '/home/grace', loginShell: '/bin/bash', groups: ['Engineers'] });
    expect(by.get('edgar')).toMatchObject({ loginShell: '/bin/bash', groups: ['Engineers'] });
    expect(by.get('pct')?.groups).toEqual(['R&D, West']);
    expect(by.get('linus')?.groups).toEqual([]);
    const plain = await t.app.directory.query.searchUsers(a.id, parseFilter('(uid=ada)'), { resourceIds: BOTH(), limit: 10 });
    expect(plain.items[0]).not.toHaveProperty('groups');

    const gs = await t.app.directory.query.searchGroups(a.id, parseFilter('(objectClass=*)'), { resourceIds: BOTH(), limit: 10, withMembers: true });
    const members = Object.fromEntries(gs.items.map((g) => [g.name, g.members?.map((m) => m.username)]));
    // Only members in view: not Susan (suspended), Nora (no access) or Ivan (invited).
    expect(members).toEqual({ Engineers: ['edgar', 'grace'], Ops: ['ada'], 'R&D, West': ['pct'], Empty: [] });
    expect(gs.items.find((g) => g.name === 'Engineers')).toMatchObject({ description: 'Builds things', gidNumber: expect.any(Number) });
    const r1Only = await t.app.directory.query.searchGroups(a.id, parseFilter('(cn=R&D*)'), { resourceIds: [r.r1], limit: 10, withMembers: true });
    expect(r1Only.items.map((g) => g.members)).toEqual([[]]);
  });

  it('PRO-1: objectClass, uid, cn, displayName, sn, givenName and mail, ignoring case where the schema does', async () => {
    await expectUsers([
      ['(objectClass=inetOrgPerson)', VISIBLE],
      ['(OBJECTCLASS=posixaccount)', VISIBLE],
      ['(objectClass=top)', VISIBLE],
      ['(objectClass=person)', VISIBLE],
      ['(objectClass=organizationalPerson)', VISIBLE],
      ['(objectClass=shadowAccount)', VISIBLE],
      ['(objectClass=groupOfNames)', []],
      ['(!(objectClass=posixGroup))', VISIBLE],
      ['(&(objectClass=posixAccount)(uid=ada))', ['ada']],
      ['(uid=ADA)', ['ada']],
      ['(Uid=ad*)', ['ada']],
      ['(uid=*A*)', ['ada', 'edgar', 'grace']],
      ['(uid~=Grace)', ['grace']],
      ['(uid=susan)', []],
      ['(cn=ada lovelace)', ['ada']],
      ['(CN=ADA LOVELACE)', ['ada']],
      ['(cn=*hop*)', ['grace']],
      ['(displayName=grace brewster hopper)', ['grace']],
      ['(sn=LOVELACE)', ['ada']],
      ['(sn=Hopper)', ['grace']],
      ['(sn=brewster)', []],
      ['(sn=linus)', ['linus']],
      ['(sn=100%_card\\5cname!)', ['pct']],
      ['(sn=*d)', ['edgar']],
      ['(givenName=ada)', ['ada']],
      ['(GIVENNAME=edgar)', ['edgar']],
      ['(givenName=linus)', []],
      ['(givenName=*)', except('linus')],
      ['(!(givenName=*))', ['linus']],
      ['(!(givenName=ada))', except('ada')],
      [`(mail=${adaEmail.toUpperCase()})`, ['ada']],
      ['(mail=*@EXAMPLE.com)', VISIBLE],
      ['(mail=ada.lovelace*)', ['ada']],
      ['(mail=*)', VISIBLE],
    ]);
  });

  it('PRO-1: substrings take %, _, ! and \\ literally', async () => {
    await expectUsers([
      ['(cn=*%*)', ['pct']],
      ['(cn=*_*)', ['pct']],
      ['(cn=*\\5c*)', ['pct']],
      ['(cn=*!)', ['pct']],
      ['(cn=*0%_c*)', ['pct']],
      // Were _ or % wildcards, these would match "Wild 100%_Card\Name!".
      ['(cn=*0__c*)', []],
      ['(cn=w%d*)', []],
      ['(cn=*1_0*)', []],
      ['(cn=wild*card*name!)', ['pct']],
      ['(cn=wild*name*card*)', []],
      // initial, any and final never overlap: "ab*b" needs two b's.
      ['(uid=ad*da)', []],
      ['(uid=a*a)', ['ada']],
    ]);
  });

  it('PRO-1: uidNumber and gidNumber compare as integers; an assertion that is not one matches nothing', async () => {
    const { items } = await t.app.directory.query.searchUsers(a.id, parseFilter('(uid=ada)'), { resourceIds: BOTH(), limit: 1 });
    const adaGid = items[0]?.gidNumber;
    await expectUsers([
      ['(uidNumber=999)', ['ada']],
      ['(uidNumber=0999)', ['ada']],
      // As text, "999" and "5" would sort after "1000".
      ['(uidNumber>=1000)', ['edgar', 'grace', 'linus']],
      ['(uidNumber<=999)', ['ada', 'pct']],
      ['(uidNumber>=20000)', ['edgar']],
      ['(!(uidNumber>=1000))', ['ada', 'pct']],
      ['(uidNumber=abc)', []],
      ['(!(uidNumber=abc))', []],
      ['(uidNumber>=1e3)', []],
      ['(uidNumber=)', []],
      ['(gidNumber=)', []],
      ['(!(gidNumber=))', []],
      ['(uidNumber=*9*)', []],
      ['(uidNumber<=99999999999999999999999)', VISIBLE],
      ['(uidNumber>=99999999999999999999999)', []],
      ['(uidNumber>=-99999999999999999999999)', VISIBLE],
      ['(uidNumber=3000000000)', []],
      [`(uidNumber<=${'9'.repeat(400)})`, VISIBLE],
      [`(uidNumber<=-${'9'.repeat(400)})`, []],
      ['(uidNumber<=-0)', []],
      ['(uidNumber>=-0)', VISIBLE],
      [`(gidNumber=${adaGid})`, ['ada']],
      ['(gidNumber=*)', VISIBLE],
    ]);
  });

  it('PRO-1: homeDirectory and loginShell match exactly, defaults included', async () => {
    await expectUsers([
      ['(homeDirectory=/home/grace)', ['grace']],
      ['(homeDirectory=/home/ada)', ['ada']],
      ['(homeDirectory=/HOME/ada)', []],
      ['(homeDirectory=/home/*)', except('linus')],
      ['(homeDirectory=/Home/*)', []],
      // GLOB's wildcards are literal too.
      ['(homeDirectory=/srv/[x]?\\2a)', ['linus']],
      ['(homeDirectory=/srv/[*)', ['linus']],
      ['(homeDirectory=*?*)', ['linus']],
      ['(homeDirectory=*\\2a)', ['linus']],
      ['(homeDirectory=/srv/[?]*)', []],
      ['(loginShell=/bin/zsh)', ['ada']],
      ['(loginShell=/bin/bash)', except('ada')],
      ['(loginShell=/BIN/BASH)', []],
      ['(loginShell=*sh)', VISIBLE],
      ['(loginShell>=/bin/c)', ['ada']],
    ]);
  });

  it('PRO-1: memberOf names a group of the organization by DN, whatever the case; member and memberUid the other way, with members in view only', async () => {
    await expectUsers([
      ['(memberOf=cn=engineers,ou=groups,o=analytical-engines,dc=castellan)', ['edgar', 'grace']],
      ['(memberOf=CN=Ops,OU=Groups,O=anything,dc=example,dc=com)', ['ada']],
      ['(memberOf=cn=R&D\\5c, West,ou=groups,o=x,dc=castellan)', ['pct']],
      ['(memberOf=cn=R&D\\5c2C West,ou=groups,o=x,dc=castellan)', ['pct']],
      ['(memberOf=cn=Empty,ou=groups,o=x,dc=castellan)', []],
      ['(memberOf=*)', ['ada', 'edgar', 'grace', 'pct']],
      ['(!(memberOf=*))', ['linus']],
      ['(!(memberOf=cn=engineers,ou=groups,o=x,dc=castellan))', ['ada', 'linus', 'pct']],
      // A DN of another shape names no group: FALSE. A value that is no DN: Undefined, even negated.
      ['(memberOf=uid=ada,ou=people,o=x,dc=castellan)', []],
      ['(!(memberOf=uid=ada,ou=people,o=x,dc=castellan))', VISIBLE],
      ['(memberOf=cn=Ops,ou=people,o=x,dc=castellan)', []],
      ['(memberOf=not a dn)', []],
      ['(!(memberOf=not a dn))', []],
      ['(memberOf=cn=Ops*)', []],
    ]);
    await expectGroups([
      ['(member=uid=grace,ou=people,o=analytical-engines,dc=castellan)', ['Engineers']],
      ['(member=UID=EDGAR,OU=People,O=x,DC=castellan)', ['Engineers']],
      ['(member=uid=susan,ou=people,o=x,dc=castellan)', []],
      ['(member=uid=nora,ou=people,o=x,dc=castellan)', []],
      ['(member=cn=Ops,ou=groups,o=x,dc=castellan)', []],
      ['(!(member=cn=Ops,ou=groups,o=x,dc=castellan))', GROUPS],
      ['(member=garbage)', []],
      ['(!(member=garbage))', []],
      ['(member=*)', ['Engineers', 'Ops', 'R&D, West']],
      ['(memberUid=grace)', ['Engineers']],
      ['(memberUid=GRACE)', ['Engineers']],
      ['(memberUid=ada)', ['Ops']],
      ['(memberUid=ivan)', []],
      ['(memberUid=susan)', []],
      ['(memberUid=nora)', []],
      ['(memberUid=gr*)', ['Engineers']],
      ['(memberUid=*)', ['Engineers', 'Ops', 'R&D, West']],
      ['(!(memberUid=*))', ['Empty']],
      ['(!(memberUid=ada))', ['Empty', 'Engineers', 'R&D, West']],
    ]);
    expect(await groups('(memberUid=pct)', [r.r1])).toEqual([]);
  });

  it('PRO-1: groups by objectClass, cn, description and gidNumber; an absent description is FALSE, so NOT of it is TRUE', async () => {
    const all = await t.app.directory.query.searchGroups(a.id, parseFilter('(objectClass=*)'), { resourceIds: BOTH(), limit: 10 });
    const gid = all.items.find((g) => g.name === 'Engineers')?.gidNumber;
    await expectGroups([
      ['(objectClass=*)', GROUPS],
      ['(objectClass=posixGroup)', GROUPS],
      ['(objectclass=GROUPOFNAMES)', GROUPS],
      ['(objectClass=inetOrgPerson)', []],
      ['(cn=engineers)', ['Engineers']],
      ['(cn=r&d*)', ['R&D, West']],
      ['(cn>=o)', ['Ops', 'R&D, West']],
      ['(description=*)', ['Engineers', 'R&D, West']],
      ['(!(description=*))', ['Empty', 'Ops']],
      ['(description=builds THINGS)', ['Engineers']],
      ['(!(description=builds things))', ['Empty', 'Ops', 'R&D, West']],
      ['(description=50%*)', ['R&D, West']],
      ['(description=*f_us)', ['R&D, West']],
      ['(description=*f%us)', []],
      [`(gidNumber=${gid})`, ['Engineers']],
      ['(gidNumber>=1)', GROUPS],
      ['(gidNumber=x)', []],
      ['(uid=ada)', []],
      ['(!(uid=ada))', []],
    ]);
  });

  it('PRO-1: three-valued logic (RFC 4511 §4.5.1.7): an unknown attribute is Undefined, and stays so under NOT; AND and OR combine as Kleene’s', async () => {
    await expectUsers([
      ['(foo=bar)', []],
      ['(!(foo=bar))', []],
      ['(foo=*)', []],
      ['(!(foo=*))', []],
      ['(!(!(foo=bar)))', []],
      ['(&(uid=ada)(foo=bar))', []],
      // FALSE for everyone but Ada (uid=ada is FALSE), Undefined for Ada: NOT of it is TRUE for the others only.
      ['(!(&(uid=ada)(foo=bar)))', except('ada')],
      ['(|(uid=ada)(foo=bar))', ['ada']],
      ['(!(|(uid=ada)(foo=bar)))', []],
      ['(|(foo=bar)(!(uid=ada)))', except('ada')],
      ['(&(objectClass=*)(!(foo=x)))', []],
      ['(&)', VISIBLE],
      ['(|)', []],
      ['(!(&))', []],
      ['(!(|))', VISIBLE],
      ['(objectClass>=a)', []],
      ['(!(objectClass>=a))', []],
      ['(objectClass=*ccount)', []],
      ['(!(objectClass=*ccount))', []],
      ['(entryUUID=*)', VISIBLE],
      ['(entryUUID=8b8e2b3c-0000-5000-8000-000000000000)', []],
      ['(!(entryUUID=8b8e2b3c-0000-5000-8000-000000000000))', []],
      ['(cn;lang-en=ada lovelace)', []],
    ]);
    // A value no stored text can hold (NUL) is Undefined too, rather than an error from PostgreSQL.
    expect(await users({ type: 'not', filter: { type: 'equal', attribute: 'cn', value: 'a\u0000b' } })).toEqual([]);
  });

  it('PRO-1: paging by id goes through every entry once, whatever the page size', async () => {
    const p = await newOrg('Paging Inc');
    const res = await resource(p, 'ldap');
    const team = await group(p, 'team');
    await bind(p, res, { groupId: team });
    const want: string[] = [];
    for (let i = 0; i < 14; i++) {
      const state = i % 7 === 3 ? 'suspended' : i % 7 === 5 ? 'invited' : 'active';
      const id = await person(p, { name: `Pager ${i}`, username: `pager${i}`, state });
      if (i % 2 === 0) await join(p, team, id);
      else await bind(p, res, { userId: id });
      if (state === 'active') want.push(`pager${i}`);
    }
    for (let i = 0; i < 5; i++) await group(p, `extra-${i}`);
    const whole = await t.app.directory.query.searchUsers(p.id, parseFilter('(uid=pager*)'), { resourceIds: [res], limit: 1000 });
    expect(whole.nextAfter).toBeNull();
    expect(whole.items.map((u) => u.username).sort()).toEqual(want.sort());
    for (const limit of [1, 2, 3, 5, 7, 10, 11]) {
      const got = await everyPage(t.app.directory.query.searchUsers, p.id, parseFilter('(uid=pager*)'), { resourceIds: [res], limit });
      expect(got.map((u) => u.id), `limit ${limit}`).toEqual(whole.items.map((u) => u.id));
      const gs = await everyPage(t.app.directory.query.searchGroups, p.id, parseFilter('(objectClass=*)'), { resourceIds: [res], limit, withMembers: true });
      expect(gs.map((g) => g.name).sort(), `limit ${limit}`).toEqual(['extra-0', 'extra-1', 'extra-2', 'extra-3', 'extra-4', 'team']);
      expect(new Set(gs.map((g) => g.id)).size).toBe(6);
    }
    // The last page says so; a page after the last id is empty.
    const last = whole.items.at(-1)?.id as string;
    expect(await t.app.directory.query.searchUsers(p.id, parseFilter('(objectClass=*)'), { resourceIds: [res], limit: 5, after: last })).toEqual({ items: [], nextAfter: null });
    const exact = await t.app.directory.query.searchUsers(p.id, parseFilter('(objectClass=*)'), { resourceIds: [res], limit: want.length });
    expect(exact.nextAfter).toBeNull();
  });

  it('PRO-1: extensible matches, oversized and overdeep filters are refused with directory.unsupported_filter', async () => {
    const refused = async (filter: DirectoryFilter, which: 'users' | 'groups' = 'users', label = JSON.stringify(filter).slice(0, 100)) => {
      const search = which === 'users' ? t.app.directory.query.searchUsers : t.app.directory.query.searchGroups;
      const e: unknown = await search(a.id, filter, { resourceIds: BOTH(), limit: 10 }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isAppError(e) && e.code, label).toBe('directory.unsupported_filter');
      expect(isAppError(e) && e.kind).toBe('invalid');
    };
    const extensible: DirectoryFilter = { type: 'extensible', attribute: 'cn', matchingRule: '2.5.13.5', value: 'x', dnAttributes: false };
    await refused(extensible);
    await refused({ type: 'or', filters: [parseFilter('(uid=ada)'), extensible] }, 'groups');
    // Refused even where nothing could be in view.
    await expect(t.app.directory.query.searchUsers(a.id, extensible, { resourceIds: [], limit: 10 })).rejects.toMatchObject({ code: 'directory.unsupported_filter' });

    const leaves = (n: number): DirectoryFilter => ({ type: 'or', filters: Array.from({ length: n }, (_, i) => ({ type: 'equal', attribute: 'uid', value: `u${i}` })) });
    expect(await users(leaves(999))).toEqual([]);
    await refused(leaves(1000));
    await refused({ type: 'substrings', attribute: 'cn', any: Array.from({ length: 1000 }, () => 'a') });
    const nested = (depth: number): DirectoryFilter => {
      let f: DirectoryFilter = { type: 'equal', attribute: 'uid', value: 'ada' };
      for (let i = 1; i < depth; i++) f = { type: 'not', filter: f };
      return f;
    };
    expect(await users(nested(32))).toEqual(except('ada'));
    await refused(nested(33));
    // Far deeper than any stack would take: refused, not a crash.
    await refused(nested(200_000), 'groups', 'nested 200,000 deep');
    await expect(t.app.directory.query.searchUsers(a.id, parseFilter('(uid=ada)'), { resourceIds: BOTH(), limit: 0 })).rejects.toMatchObject({ code: 'common.invalid' });
  });

  // ---- the reference model -----------------------------------------------------------------------

  type Kind = 'ci' | 'exact' | 'int' | 'oc' | 'groupDn' | 'userDn' | 'uuid';
  type Entry = Map<string, { kind: Kind; values: string[] }>;

  const substringsMatch = (v: string, s: { initial?: string | undefined; any: string[]; final?: string | undefined }) => {
    let at = 0;
    if (s.initial !== undefined) {
      if (!v.startsWith(s.initial)) return false;
      at = s.initial.length;
    }
    for (const part of s.any) {
      const i = v.indexOf(part, at);
      if (i < 0) return false;
      at = i + part.length;
    }
    return s.final === undefined || (v.length - s.final.length >= at && v.endsWith(s.final));
  };

  /** RFC 4511 §4.5.1.7 over one entry, written from the schema: true, false or undefined (Undefined). */
  function evaluate(f: DirectoryFilter, e: Entry): boolean | undefined {
    switch (f.type) {
      case 'and':
      case 'or': {
        const rs = f.filters.map((s) => evaluate(s, e));
        const decisive = f.type === 'and' ? false : true;
        return rs.includes(decisive) ? decisive : rs.includes(undefined) ? undefined : !decisive;
      }
      case 'not': {
        const x = evaluate(f.filter, e);
        return x === undefined ? undefined : !x;
      }
      case 'extensible':
        throw new Error('not generated');
    }
    const a = e.get(f.attribute.toLowerCase());
    if (!a) return undefined;
    const fold = (v: string) => (a.kind === 'exact' ? v : v.toLowerCase());
    if (f.type === 'present') return a.kind === 'uuid' || a.values.length > 0;
    if (f.type === 'substrings') {
      if (a.kind !== 'ci' && a.kind !== 'exact') return undefined;
      const s = { initial: f.initial === undefined ? undefined : fold(f.initial), any: f.any.map(fold), final: f.final === undefined ? undefined : fold(f.final) };
      return a.values.some((v) => substringsMatch(fold(v), s));
    }
    const value = f.value;
    if (a.kind === 'uuid') return undefined;
    if (a.kind === 'int') {
      if (!/^-?\d+$/.test(value)) return undefined;
      const n = BigInt(value);
      return a.values.some((v) => (f.type === 'greaterOrEqual' ? BigInt(v) >= n : f.type === 'lessOrEqual' ? BigInt(v) <= n : BigInt(v) === n));
    }
    if (f.type === 'greaterOrEqual' || f.type === 'lessOrEqual') {
      if (a.kind !== 'ci' && a.kind !== 'exact') return undefined;
      return a.values.some((v) => (f.type === 'greaterOrEqual' ? fold(v) >= fold(value) : fold(v) <= fold(value)));
    }
    if (a.kind === 'groupDn' || a.kind === 'userDn') {
      const rdns = parseDn(value);
      if (!rdns) return undefined;
      const [entry, ou, o] = rdns;
      const [type, unit] = a.kind === 'groupDn' ? ['cn', 'groups'] : ['uid', 'people'];
      if (!entry || !ou || !o || entry.type !== type || ou.type !== 'ou' || ou.value.toLowerCase() !== unit || o.type !== 'o') return false;
      return a.values.some((v) => v.toLowerCase() === entry.value.toLowerCase());
    }
    return a.values.some((v) => fold(v) === fold(value));
  }

  interface MUser {
    id: string;
    username: string;
    name: string;
    email: string;
    status: string;
    uid: number | null;
    gid: number | null;
    home: string | null;
    shell: string | null;
    groups: Set<number>;
    resources: Set<number>;
  }
  interface MGroup {
    id: string;
    name: string;
    description: string | null;
    gid: number;
    resources: Set<number>;
  }
  interface Model {
    users: MUser[];
    groups: MGroup[];
    resources: string[];
  }

  const reaches = (m: Model, u: MUser, rs: Set<number>) => [...u.resources].some((r) => rs.has(r)) || [...u.groups].some((g) => [...(m.groups[g]?.resources ?? [])].some((r) => rs.has(r)));
  const visibleUsers = (m: Model, rs: Set<number>) => m.users.filter((u) => u.status === 'active' && reaches(m, u, rs));

  function userEntry(m: Model, u: MUser): Entry {
    const words = u.name.split(' ');
    return new Map<string, { kind: Kind; values: string[] }>([
      ['objectclass', { kind: 'oc', values: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'posixAccount', 'shadowAccount'] }],
      ['uid', { kind: 'ci', values: [u.username] }],
      ['cn', { kind: 'ci', values: [u.name] }],
      ['displayname', { kind: 'ci', values: [u.name] }],
      ['sn', { kind: 'ci', values: [words.at(-1) || u.name] }],
      ['givenname', { kind: 'ci', values: u.name.indexOf(' ') > 0 ? [words[0] as string] : [] }],
      ['mail', { kind: 'ci', values: [u.email] }],
      ['uidnumber', { kind: 'int', values: u.uid === null ? [] : [String(u.uid)] }],
      ['gidnumber', { kind: 'int', values: u.gid === null ? [] : [String(u.gid)] }],
      ['homedirectory', { kind: 'exact', values: [u.home ?? `/home/${u.username}`] }],
      ['loginshell', { kind: 'exact', values: [u.shell ?? '/bin/bash'] }],
      ['memberof', { kind: 'groupDn', values: [...u.groups].map((g) => m.groups[g]?.name as string) }],
      ['entryuuid', { kind: 'uuid', values: [] }],
    ]);
  }

  function groupEntry(m: Model, g: MGroup, rs: Set<number>): Entry {
    const gi = m.groups.indexOf(g);
    const members = visibleUsers(m, rs)
      .filter((u) => u.groups.has(gi))
      .map((u) => u.username);
    return new Map<string, { kind: Kind; values: string[] }>([
      ['objectclass', { kind: 'oc', values: ['top', 'groupOfNames', 'posixGroup'] }],
      ['cn', { kind: 'ci', values: [g.name] }],
      ['description', { kind: 'ci', values: g.description === null ? [] : [g.description] }],
      ['gidnumber', { kind: 'int', values: [String(g.gid)] }],
      ['member', { kind: 'userDn', values: members }],
      ['memberuid', { kind: 'ci', values: members }],
      ['entryuuid', { kind: 'uuid', values: [] }],
    ]);
  }

  // ---- random directories and random filters -----------------------------------------------------

  /** Words of names, with LIKE's and GLOB's special characters, and near misses of them (a_b and aXb, x%y and xqqy). */
  const WORDS = ['Ada', 'ada', 'LOVELACE', 'Grace', 'hopper', 'de', 'x%y', 'xqqy', 'a_b', 'aXb', 'q\\r', 'O!k', 'Zed', 'li*[?'];
  /** uidNumbers given instead of the allocated ones (which start at 10000), one per user. */
  const UIDS = [5, 999, 1000, 123456, 7];

  interface Plan {
    users: Array<{ words: number[]; state: 'active' | 'invited' | 'suspended'; uid: 'keep' | 'none' | 'pool'; gidNone: boolean; home: 'keep' | 'none' | 'custom'; shell: 'keep' | 'none' | 'custom' }>;
    groups: Array<{ words: number[]; description: number[] | null }>;
    resources: number;
    members: Array<[number, number]>;
    userBindings: Array<[number, number]>;
    groupBindings: Array<[number, number]>;
    seed: number;
  }
  const idx = fc.nat({ max: 20 });
  const words = fc.array(fc.nat({ max: WORDS.length - 1 }), { minLength: 1, maxLength: 3 });
  const planArb: fc.Arbitrary<Plan> = fc.record({
    users: fc.array(
      fc.record({
        words,
        state: fc.constantFrom('active' as const, 'active' as const, 'active' as const, 'active' as const, 'invited' as const, 'suspended' as const),
        uid: fc.constantFrom('keep' as const, 'none' as const, 'pool' as const),
        gidNone: fc.nat({ max: 3 }).map((n) => n === 0),
        home: fc.constantFrom('keep' as const, 'none' as const, 'custom' as const),
        shell: fc.constantFrom('keep' as const, 'none' as const, 'custom' as const),
      }),
      { minLength: 3, maxLength: 5 },
    ),
    groups: fc.array(fc.record({ words, description: fc.option(words, { nil: null }) }), { minLength: 1, maxLength: 3 }),
    resources: fc.integer({ min: 1, max: 3 }),
    members: fc.array(fc.tuple(idx, idx), { minLength: 2, maxLength: 10 }),
    userBindings: fc.array(fc.tuple(idx, idx), { minLength: 1, maxLength: 8 }),
    groupBindings: fc.array(fc.tuple(idx, idx), { minLength: 1, maxLength: 4 }),
    seed: fc.integer(),
  });

  async function build(plan: Plan, run: number): Promise<{ org: Org; model: Model }> {
    const org = await newOrg(`Model ${run}`);
    const model: Model = { users: [], groups: [], resources: [] };
    const ids = [org.admin.user.id as string];
    for (const [i, u] of plan.users.entries()) {
      const name = u.words.map((w) => WORDS[w]).join(' ');
      const id = await person(org, { name, username: `${'zyxwv'[i % 5]}${i}`, email: uniqueEmail(WORDS[u.words[0] ?? 0]?.replace(/[^A-Za-z]/g, '') || 'M'), state: u.state });
      ids.push(id);
      const posix = {
        ...(u.uid === 'none' ? { uid_number: null } : u.uid === 'pool' ? { uid_number: UIDS[i] as number } : {}),
        ...(u.gidNone ? { gid_number: null } : {}),
        ...(u.home === 'none' ? { home_directory: null } : u.home === 'custom' ? { home_directory: `/Srv/${i}/a_b[x]?*%` } : {}),
        ...(u.shell === 'none' ? { login_shell: null } : {}),
      };
      if (Object.keys(posix).length > 0) await updateMembership(t.app.db, org.id, id, posix);
      if (u.shell === 'custom') await t.app.directory.users.update(ctx, org.caller, org.id, id, { loginShell: '/bin/Zsh' });
    }
    for (let r = 0; r < plan.resources; r++) model.resources.push(await resource(org, `res-${r}`));
    const groupIds: string[] = [];
    for (const [i, g] of plan.groups.entries()) {
      groupIds.push(await group(org, `${g.words.map((w) => WORDS[w]).join(' ')} ${i}`, g.description?.map((w) => WORDS[w]).join(' ')));
    }
    const memberOf = new Map<string, Set<number>>(ids.map((id) => [id, new Set()]));
    const userRes = new Map<string, Set<number>>(ids.map((id) => [id, new Set()]));
    const groupRes = groupIds.map(() => new Set<number>());
    if (groupIds.length > 0) {
      for (const [g, u] of plan.members) {
        const [gi, id] = [g % groupIds.length, ids[u % ids.length] as string];
        if (memberOf.get(id)?.has(gi)) continue;
        await join(org, groupIds[gi] as string, id);
        memberOf.get(id)?.add(gi);
      }
      for (const [rr, g] of plan.groupBindings) {
        const [ri, gi] = [rr % plan.resources, g % groupIds.length];
        if (groupRes[gi]?.has(ri)) continue;
        await bind(org, model.resources[ri] as string, { groupId: groupIds[gi] as string });
        groupRes[gi]?.add(ri);
      }
    }
    for (const [rr, u] of plan.userBindings) {
      const [ri, id] = [rr % plan.resources, ids[u % ids.length] as string];
      if (userRes.get(id)?.has(ri)) continue;
      await bind(org, model.resources[ri] as string, { userId: id });
      userRes.get(id)?.add(ri);
    }
    // What the model needs of each member and group, as the directory's own reads show it.
    for (const id of ids) {
      const v = await t.app.directory.users.get(org.caller, org.id, id);
      const groupsOf = memberOf.get(id) ?? new Set<number>();
      model.users.push({ id, username: v.username as string, name: v.name, email: v.email, status: v.status, uid: v.uidNumber, gid: v.gidNumber, home: v.homeDirectory, shell: v.loginShell, groups: groupsOf, resources: userRes.get(id) ?? new Set() });
    }
    for (const [i, id] of groupIds.entries()) {
      const v = await t.app.directory.groups.get(org.caller, org.id, id);
      model.groups.push({ id, name: v.name, description: v.description, gid: v.gidNumber, resources: groupRes[i] ?? new Set() });
    }
    return { org, model };
  }

  /** Random filters over the model's own values (and near misses), attribute names in any case. */
  function filterArb(m: Model, kind: 'users' | 'groups'): fc.Arbitrary<DirectoryFilter> {
    const text = [...m.users.flatMap((u) => [u.username, u.name, u.email, u.home ?? '/home/', u.shell ?? '/bin/bash']), ...m.groups.flatMap((g) => [g.name, g.description ?? '']), ...WORDS, 'zz', ''];
    const numbers = [...m.users.flatMap((u) => [u.uid, u.gid]), ...m.groups.map((g) => g.gid)].filter((n): n is number => n !== null).flatMap((n) => [String(n), String(n + 1)]);
    const dn = (type: string, value: string, unit: string) => `${type}=${escapeDnValue(value)},ou=${unit},o=model,dc=castellan`;
    const dns = {
      memberof: [...m.groups.map((g) => dn('cn', g.name, 'groups')), ...m.groups.map((g) => dn('CN', g.name.toUpperCase(), 'Groups')), dn('uid', 'z0', 'people'), 'not a dn'],
      member: [...m.users.map((u) => dn('uid', u.username, 'people')), ...m.users.map((u) => dn('UID', u.username.toUpperCase(), 'PEOPLE')), dn('cn', 'x', 'groups'), 'garbage'],
    };
    const names = m.users.map((u) => u.name);
    const usernames = m.users.map((u) => u.username);
    const pools: Record<string, string[]> = {
      uid: usernames,
      memberuid: usernames,
      cn: kind === 'users' ? names : m.groups.map((g) => g.name),
      displayname: names,
      sn: [...names, ...names.flatMap((n) => n.split(' '))],
      givenname: [...names, ...names.flatMap((n) => n.split(' '))],
      mail: m.users.map((u) => u.email),
      homedirectory: [...m.users.map((u) => u.home ?? `/home/${u.username}`), '/home/'],
      loginshell: [...m.users.map((u) => u.shell ?? '/bin/bash'), '/bin/zsh'],
      description: [...m.groups.flatMap((g) => (g.description === null ? [] : [g.description])), ...WORDS],
      objectclass: ['top', 'inetOrgPerson', 'POSIXGROUP', 'groupOfNames', 'posixAccount', 'nothing'],
      uidnumber: [...numbers, '1000', '999', 'abc', '', '-1', '99999999999999999999999'],
      gidnumber: [...numbers, '1000', 'abc', ''],
      ...dns,
    };
    const attrs =
      kind === 'users'
        ? ['objectClass', 'uid', 'cn', 'displayName', 'sn', 'givenName', 'mail', 'uidNumber', 'gidNumber', 'homeDirectory', 'loginShell', 'memberOf', 'entryUUID', 'foo']
        : ['objectClass', 'cn', 'description', 'gidNumber', 'member', 'memberUid', 'entryUUID', 'uid'];
    const anyCase = (s: string) => fc.constantFrom(s, s.toUpperCase(), s.toLowerCase());
    const valueOf = (attr: string) => {
      const own = pools[attr.toLowerCase()] ?? [];
      // Mostly the attribute's own values, sometimes any text of the directory.
      const pick = own.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...own), weight: 3 }, { arbitrary: fc.constantFrom(...text), weight: 1 }) : fc.constantFrom(...text);
      const whole = pick.chain(anyCase);
      const slice = fc.tuple(pick, fc.nat(), fc.nat()).map(([v, x, y]) => v.slice(Math.min(x, y) % (v.length + 1), Math.max(x, y) % (v.length + 1)));
      const piece = fc.oneof(slice, fc.constantFrom('_', '%', '*', '?', '[', '\\', '!', 'a_b', 'x%y'));
      return { whole, piece: fc.oneof(piece, piece.chain(anyCase)) };
    };
    const leaf = fc.constantFrom(...attrs).chain((name) => {
      const v = valueOf(name);
      return fc.tuple(anyCase(name), v.whole, v.piece, fc.option(v.piece, { nil: undefined }), fc.array(v.piece, { maxLength: 2 }), fc.option(v.piece, { nil: undefined }), fc.nat({ max: 5 })).map(
        ([attribute, whole, piece, initial, any, final, op]): DirectoryFilter =>
          op === 0
            ? { type: 'present', attribute }
            : op === 1
              ? { type: 'approx', attribute, value: whole }
              : op === 2
                ? { type: 'greaterOrEqual', attribute, value: piece }
                : op === 3
                  ? { type: 'lessOrEqual', attribute, value: piece }
                  : op === 4
                    ? { type: 'substrings', attribute, initial, any, final: final ?? (initial === undefined && any.length === 0 ? piece : undefined) }
                    : { type: 'equal', attribute, value: whole },
      );
    });
    return fc.letrec<{ f: DirectoryFilter }>((tie) => ({
      f: fc.oneof(
        { maxDepth: 3, depthIdentifier: 'filter' },
        { arbitrary: leaf, weight: 4 },
        { arbitrary: fc.record({ type: fc.constant('and' as const), filters: fc.array(tie('f'), { maxLength: 3 }) }), weight: 1 },
        { arbitrary: fc.record({ type: fc.constant('or' as const), filters: fc.array(tie('f'), { maxLength: 3 }) }), weight: 1 },
        { arbitrary: fc.record({ type: fc.constant('not' as const), filter: tie('f') }), weight: 2 },
      ),
    })).f;
  }

  const FILTERS_PER_RUN = 25;

  it(
    'PRO-1, DIR-1, DIR-3: searches match a reference evaluator on random directories and random filters',
    async () => {
      let run = 0;
      let compared = 0;
      /** Comparisons where the filter kept some entries, and where it kept some and dropped others. */
      let kept = 0;
      let decisive = 0;
      /** The previous run's organization: its resources must show nothing here (DIR-1). */
      let foreign: string | undefined;
      await fc.assert(
        fc.asyncProperty(planArb, async (plan) => {
          run++;
          const { org, model } = await build(plan, run);
          const all = model.resources.map((_, i) => i);
          const someResources = fc.oneof({ arbitrary: fc.subarray(all, { minLength: 1 }), weight: 5 }, { arbitrary: fc.subarray(all), weight: 1 });
          const rng = fc.sample(fc.tuple(someResources, fc.integer({ min: 1, max: 4 }), fc.boolean()), { seed: plan.seed, numRuns: FILTERS_PER_RUN * 2 });
          const filters = [
            ...fc.sample(filterArb(model, 'users'), { seed: plan.seed, numRuns: FILTERS_PER_RUN }).map((f) => ['users', f] as const),
            ...fc.sample(filterArb(model, 'groups'), { seed: plan.seed + 1, numRuns: FILTERS_PER_RUN }).map((f) => ['groups', f] as const),
          ];
          for (const [n, [kind, filter]] of filters.entries()) {
            const [chosen, limit, withLists] = rng[n] as [number[], number, boolean];
            const rs = new Set(chosen);
            const resourceIds = [...chosen.map((i) => model.resources[i] as string), ...(foreign && withLists ? [foreign] : [])];
            const label = `${kind} ${JSON.stringify(filter)} resources ${JSON.stringify(chosen)}`;
            if (kind === 'users') {
              const candidates = rs.size === 0 ? [] : visibleUsers(model, rs);
              const want = candidates.filter((u) => evaluate(filter, userEntry(model, u)) === true);
              if (want.length > 0) kept++;
              if (want.length > 0 && want.length < candidates.length) decisive++;
              const got = await everyPage(t.app.directory.query.searchUsers, org.id, filter, { resourceIds, limit, withMemberOf: withLists });
              expect(got.map((u) => u.id).sort(), label).toEqual(want.map((u) => u.id).sort());
              if (withLists) {
                for (const u of got) expect(u.groups, label).toEqual([...(model.users.find((x) => x.id === u.id)?.groups ?? [])].map((g) => model.groups[g]?.name).sort());
              }
            } else {
              const candidates = rs.size === 0 ? [] : model.groups;
              const want = candidates.filter((g) => evaluate(filter, groupEntry(model, g, rs)) === true);
              if (want.length > 0) kept++;
              if (want.length > 0 && want.length < candidates.length) decisive++;
              const got = await everyPage(t.app.directory.query.searchGroups, org.id, filter, { resourceIds, limit, withMembers: withLists });
              expect(got.map((g) => g.id).sort(), label).toEqual(want.map((g) => g.id).sort());
              if (withLists) {
                for (const g of got) {
                  const gi = model.groups.findIndex((x) => x.id === g.id);
                  const members = visibleUsers(model, rs).filter((u) => u.groups.has(gi)).map((u) => u.username).sort();
                  expect(g.members?.map((x) => x.username), label).toEqual(members);
                }
              }
            }
            compared++;
          }
          foreign = model.resources[0];
        }),
        { numRuns: 20 },
      );
      expect(compared).toBeGreaterThanOrEqual(20 * FILTERS_PER_RUN * 2);
      // The filters are not all trivially empty or full (runs find entries in about a third of the
      // searches, and 50 to 80 of 1,000 both find and leave some: the floors sit well below that).
      expect(kept).toBeGreaterThan(compared / 5);
      expect(decisive).toBeGreaterThan(compared / 40);
      console.log(`${compared} searches compared: ${kept} found entries, ${decisive} of them found some and left others`);
    },
    300_000,
  );
});

// ---- query plans ---------------------------------------------------------------------------------

const sqlite = dialects.find((d) => d.name === 'sqlite');

describe.runIf(sqlite)('query plans on sqlite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(sqlite as (typeof dialects)[number]);
  });
  afterAll(() => t.close());

  /** An organization of `n` users in 50 groups, imported (the module's bulk path) and then accepted. */
  async function bigOrg(name: string, n: number) {
    const admin = await verifiedUser(t, { companyName: name });
    const orgId = admin.organization.id as string;
    await t.app.directory.plans.setPlan(ctx, OPERATOR, orgId, { plan: 'paid' });
    const lines = Array.from({ length: n }, (_, i) => `bulk${i}.${orgId}@example.com,Bulk User ${i},bulk${i},team-${i % 50}`);
    await t.app.directory.transfer.importUsers(ctx, OPERATOR, orgId, { format: 'csv', text: `email,name,username,groups\n${lines.join('\n')}\n` });
    // Accepting ten thousand invitations one by one would create ten thousand accounts: the
    // memberships are linked to the admin's account instead, as acceptance would link them.
    const rows = await t.app.db.selectFrom('memberships').select(['id', 'email']).where('org_id', '=', orgId).where('status', '=', 'invited').execute();
    await t.app.db.transaction().execute(async (trx) => {
      for (const row of rows) await acceptMembership(trx, row.id, admin.accountId, row.email, new Date().toISOString());
    });
    const caller = await callerOfToken(t, admin.token, orgId);
    const res = await t.app.directory.resources.create(ctx, caller, orgId, { kind: 'application', name: 'ldap' });
    // Half the teams have access: team-0 to team-24.
    const teams = await t.app.directory.groups.list(caller, orgId, { limit: 100 });
    for (const g of teams.items.filter((x) => Number(x.name.slice(5)) < 25)) await t.app.directory.resources.bind(ctx, caller, orgId, res.id, { groupId: g.id });
    return { orgId, resourceId: res.id as string };
  }

  it('PRO-1, DIR-1: a uid search and a memberOf search among 10,000 users read indexes, never other organizations’ rows', async () => {
    await bigOrg('Neighbour', 2000);
    const { orgId, resourceId } = await bigOrg('Big', 10_000);
    const scope = { dialect: 'sqlite' as const, orgId, resourceIds: [resourceId] };
    for (const [text, expected] of [
      ['(&(objectClass=posixAccount)(uid=bulk4321))', 1],
      ['(&(objectClass=posixAccount)(uid=bulk4330))', 0],
      ['(memberOf=cn=TEAM-7,ou=groups,o=big,dc=castellan)', 100],
      ['(memberOf=cn=team-30,ou=groups,o=big,dc=castellan)', 0],
    ] as const) {
      const filter = parseFilter(text);
      const where = compileUserFilter(filter, scope);
      if (typeof where === 'boolean') throw new Error('expected a condition');
      const q = userSearch(t.app.db, orgId, { where, resourceIds: [resourceId], limit: 101 }).compile();
      const plan = (await t.app.db.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows as Array<{ detail: string }>;
      const lines = plan.map((p) => p.detail);
      // No table is scanned whole; the memberships are found by the organization's keys.
      expect(lines.filter((l) => /^SCAN /.test(l)), `${text}\n${lines.join('\n')}`).toEqual([]);
      expect(lines.some((l) => /^SEARCH m USING (COVERING )?INDEX \w+ \(org_id=\?/.test(l)), lines.join('\n')).toBe(true);
      const started = performance.now();
      const page = await t.app.directory.query.searchUsers(orgId, filter, { resourceIds: [resourceId], limit: 100 });
      const ms = performance.now() - started;
      expect(page.items.length, text).toBe(expected);
      console.log(`${text}: ${page.items.length} entries in ${ms.toFixed(1)} ms\n  ${lines.join('\n  ')}`);
    }
  }, 120_000);
});
