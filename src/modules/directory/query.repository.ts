import { type CompiledQuery, type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Statement, statement } from '../../db/database.ts';
import { hasRowLocks } from '../../db/dialect.ts';
import type { Executor } from '../../db/schema.ts';

// The statements of the directory query language (query.ts): the LDAP view of an organization's
// users and groups, one page at a time, in the order of their ids (keyset paging). Compiled filters
// name the row being searched by its alias: `m` for a user (a membership), `g` for a group. Every
// statement and every fragment names the organization (DIR-1); values are bound, never spliced.

export type Condition = Expression<SqlBool>;

/**
 * DIR-3, the reach half of `decideFor`: a binding on one of `resourceIds` reaches the membership
 * `alias`, directly or through one of its groups. Each branch is a point lookup: the binding by
 * (resource, user), or the membership's groups by (user, organization) and then the binding by
 * (resource, group).
 */
function reached(alias: 'm' | 'vm', orgId: string, resourceIds: readonly string[]): RawBuilder<SqlBool> {
  const id = sql.ref(`${alias}.id`);
  const resources = sql.join(resourceIds);
  return sql<SqlBool>`(exists (select 1 from bindings vb
      where vb.user_id = ${id} and vb.org_id = ${orgId} and vb.resource_id in (${resources}))
    or exists (select 1 from group_members vgm join bindings vgb on vgb.group_id = vgm.group_id
      where vgm.user_id = ${id} and vgm.org_id = ${orgId} and vgb.org_id = ${orgId} and vgb.resource_id in (${resources})))`;
}

/**
 * A membership the LDAP view shows: DIR-3 as `decideFor` decides it (active, and reached by a
 * binding), with a username to name its entry by. An active membership has its account (accepting
 * links it) or, imported with its former directory's password, a kept hash to bind with.
 */
function visible(alias: 'm' | 'vm', orgId: string, resourceIds: readonly string[]): RawBuilder<SqlBool> {
  const col = (c: string) => sql.ref(`${alias}.${c}`);
  return sql<SqlBool>`(${col('org_id')} = ${orgId} and ${col('status')} = ${'active'} and ${col('username')} is not null
    and (${col('account_id')} is not null or ${col('imported_password_hash_enc')} is not null) and ${reached(alias, orgId, resourceIds)})`;
}

export interface PageQuery {
  /** The compiled filter, or true for every entry. */
  where: Condition | true;
  resourceIds: readonly string[];
  after?: string | undefined;
  limit: number;
}

// ---- running statements --------------------------------------------------------------------------
//
// Every LDAP operation runs these, so they go straight to the driver (`statement()`), past Kysely's
// executor, and their texts come in few variants so that each is prepared once:
// - LIMIT is written into the text, never bound: SQLite (built with STAT4) re-prepares a statement
//   every time a value its planner looked at is bound, LIMIT's among them, which cost more than
//   running it. It is rounded up to a power of two, and the rows beyond the limit dropped here.
// - Lists of ids (IN (…)) are padded to a power of two by repeating their last id, which changes
//   nothing in an IN list (long lists are left as they are: SQLite bounds a statement's parameters).

/** The LIMIT written into a statement for at most `limit` rows. */
function limitOf(limit: number): number {
  let n = 2;
  while (n < limit) n *= 2;
  return n;
}

/** Lists longer than this are not padded. */
const PAD_MAX = 1024;

/** `ids` padded to a power of two by repeating the last one (an IN list means the same). */
function padded(ids: readonly string[]): string[] {
  const out = [...ids];
  const last = ids.at(-1);
  if (last === undefined || ids.length > PAD_MAX) return out;
  let n = 1;
  while (n < out.length) n *= 2;
  while (out.length < n) out.push(last);
  return out;
}

/** Statements by their text: the general search path compiles its text per filter. */
const byText = new Map<string, Statement<unknown>>();
const BY_TEXT_MAX = 256;

async function rowsOf<R>(ex: Executor, q: CompiledQuery<R>): Promise<R[]> {
  let st = byText.get(q.sql);
  if (!st) {
    if (byText.size >= BY_TEXT_MAX) byText.delete(byText.keys().next().value as string);
    st = statement(q.sql, q.sql);
    byText.set(q.sql, st);
  }
  return (await st.all(ex, q.parameters)) as R[];
}

/**
 * A statement compiled once per shape: built with slots (marker strings) where the organization,
 * the resources, the cursor and the filter's values go, so that `visible` and the fragments below
 * stay the only text of the conditions; each run binds the values into the slots' places.
 */
interface Template {
  stmt: Statement<unknown>;
  /** For each parameter of the text: the slot it is filled from, or -1 for the constant the builder bound (in `constants`). */
  slots: number[];
  constants: unknown[];
}

const SLOT = '\u0000slot:';
const slot = (i: number) => `${SLOT}${i}`;
const templates = new Map<string, Template>();
/** Templates kept at most (then forgotten all at once): shapes × list lengths × limits stay far below it. */
const TEMPLATES_MAX = 1000;

/** The template of `key`, built by `build` over slots 0 to `slots` - 1 when it is not known yet. */
function template(ex: Executor, key: string, slots: number, build: () => { compile(): CompiledQuery<unknown> }): Template {
  const k = `${hasRowLocks(ex) ? 'postgres' : 'sqlite'}|${key}`;
  const hit = templates.get(k);
  if (hit) return hit;
  const q = build().compile();
  const filled = q.parameters.map((p) => (typeof p === 'string' && p.startsWith(SLOT) ? Number(p.slice(SLOT.length)) : -1));
  // Each slot must be bound as it was given, never written into the text or changed on the way.
  const bound = new Set(filled.filter((i) => i >= 0 && i < slots));
  if (q.sql.includes(SLOT) || bound.size !== slots) throw new Error(`statement template ${key} does not bind its slots as given`);
  const t: Template = { stmt: statement(q.sql, q.sql), slots: filled, constants: [...q.parameters] };
  if (templates.size >= TEMPLATES_MAX) templates.clear();
  templates.set(k, t);
  return t;
}

async function runTemplate<R>(ex: Executor, t: Template, values: readonly unknown[]): Promise<R[]> {
  const params = new Array<unknown>(t.slots.length);
  for (let i = 0; i < params.length; i++) {
    const from = t.slots[i] as number;
    params[i] = from >= 0 ? values[from] : t.constants[i];
  }
  return (await t.stmt.all(ex, params)) as R[];
}

/**
 * The slots of a page's statement, in this order: the organization, the resources (padded), the
 * cursor when there is one, then the filter's values; `values`, what to bind in them; `key`, what
 * the statement's text depends on besides the filter's shape.
 */
function pageSlots(orgId: string, q: Omit<PageQuery, 'where'>, filterValues: readonly unknown[]) {
  const resourceIds = padded(q.resourceIds);
  const values: unknown[] = [orgId, ...resourceIds, ...(q.after !== undefined ? [q.after] : []), ...filterValues];
  const marks = () => {
    let i = 0;
    return {
      orgId: slot(i++),
      resourceIds: resourceIds.map(() => slot(i++)),
      after: q.after !== undefined ? slot(i++) : undefined,
      values: filterValues.map(() => slot(i++)),
    };
  };
  return { marks, values, key: `${resourceIds.length}|${q.after !== undefined}|${limitOf(q.limit)}` };
}

/** A filter of a shape compiled once: `key` names the shape, `where` builds its condition over the slots given. */
export interface Shape {
  key: string;
  where(s: { orgId: string; resourceIds: readonly string[]; values: readonly string[] }): Condition;
}

// ---- the searches --------------------------------------------------------------------------------

const USER_COLUMNS = ['m.id', 'm.account_id', 'm.username', 'm.name', 'm.email', 'm.uid_number', 'm.gid_number', 'm.home_directory', 'm.login_shell'] as const;

/** The statement of one page of visible users matching the filter (exported for the plan checks of the tests). */
export function userSearch(ex: Executor, orgId: string, q: PageQuery) {
  return ex
    .selectFrom('memberships as m')
    .select(USER_COLUMNS)
    .where(visible('m', orgId, q.resourceIds))
    .$if(q.where !== true, (b) => b.where(q.where as Condition))
    .$if(q.after !== undefined, (b) => b.where('m.id', '>', q.after as string))
    .orderBy('m.id')
    .limit(sql.lit(limitOf(q.limit)));
}

type UserRow = Awaited<ReturnType<ReturnType<typeof userSearch>['execute']>>[number];

export async function searchUserRows(ex: Executor, orgId: string, q: PageQuery): Promise<UserRow[]> {
  const rows = await rowsOf(ex, userSearch(ex, orgId, { ...q, resourceIds: padded(q.resourceIds) }).compile());
  return rows.slice(0, q.limit);
}

/** As searchUserRows, for a filter of a shape compiled once, with its values. */
export async function searchUserRowsShaped(ex: Executor, orgId: string, shape: Shape, filterValues: readonly string[], q: Omit<PageQuery, 'where'>): Promise<UserRow[]> {
  const page = pageSlots(orgId, q, filterValues);
  const t = template(ex, `users|${shape.key}|${page.key}`, page.values.length, () => {
    const marks = page.marks();
    return userSearch(ex, marks.orgId, { where: shape.where(marks), resourceIds: marks.resourceIds, after: marks.after, limit: q.limit });
  });
  return (await runTemplate<UserRow>(ex, t, page.values)).slice(0, q.limit);
}

/**
 * The statement of one page of the organization's groups matching the filter. Groups are in view
 * once one of `resourceIds` is the organization's (another organization's resource shows nothing).
 */
export function groupSearch(ex: Executor, orgId: string, q: PageQuery) {
  return ex
    .selectFrom('groups as g')
    .select(['g.id', 'g.name', 'g.description', 'g.gid_number'])
    .where('g.org_id', '=', orgId)
    .where(sql<SqlBool>`exists (select 1 from resources vr where vr.org_id = ${orgId} and vr.id in (${sql.join(q.resourceIds)}))`)
    .$if(q.where !== true, (b) => b.where(q.where as Condition))
    .$if(q.after !== undefined, (b) => b.where('g.id', '>', q.after as string))
    .orderBy('g.id')
    .limit(sql.lit(limitOf(q.limit)));
}

type GroupRow = Awaited<ReturnType<ReturnType<typeof groupSearch>['execute']>>[number];

export async function searchGroupRows(ex: Executor, orgId: string, q: PageQuery): Promise<GroupRow[]> {
  const rows = await rowsOf(ex, groupSearch(ex, orgId, { ...q, resourceIds: padded(q.resourceIds) }).compile());
  return rows.slice(0, q.limit);
}

/** As searchGroupRows, for a filter of a shape compiled once, with its values. */
export async function searchGroupRowsShaped(ex: Executor, orgId: string, shape: Shape, filterValues: readonly string[], q: Omit<PageQuery, 'where'>): Promise<GroupRow[]> {
  const page = pageSlots(orgId, q, filterValues);
  const t = template(ex, `groups|${shape.key}|${page.key}`, page.values.length, () => {
    const marks = page.marks();
    return groupSearch(ex, marks.orgId, { where: shape.where(marks), resourceIds: marks.resourceIds, after: marks.after, limit: q.limit });
  });
  return (await runTemplate<GroupRow>(ex, t, page.values)).slice(0, q.limit);
}

/** The names of the groups of each of `userIds` (memberOf), for one page of users: one statement. */
export async function groupNamesOfUsers(ex: Executor, orgId: string, userIds: readonly string[]): Promise<Array<{ user_id: string; name: string }>> {
  if (userIds.length === 0) return [];
  const ids = padded(userIds);
  const t = template(ex, `memberOf|${ids.length}`, 1 + ids.length, () =>
    ex
      .selectFrom('group_members as gm')
      // CROSS JOIN keeps SQLite to this order: the page's users' rows by key, then each group by id.
      .crossJoin('groups as g')
      .select(['gm.user_id', 'g.name'])
      .whereRef('g.id', '=', 'gm.group_id')
      .where('gm.org_id', '=', slot(0))
      .where('g.org_id', '=', slot(0))
      .where('gm.user_id', 'in', ids.map((_, i) => slot(i + 1))),
  );
  return runTemplate(ex, t, [orgId, ...ids]);
}

/** The visible members of each of `groupIds` (member, memberUid), for one page of groups: one statement. */
export async function visibleMembersOfGroups(ex: Executor, orgId: string, resourceIds: readonly string[], groupIds: readonly string[]): Promise<Array<{ group_id: string; username: string | null }>> {
  if (groupIds.length === 0) return [];
  const resources = padded(resourceIds);
  const ids = padded(groupIds);
  const marks = { resources: resources.map((_, i) => slot(i + 1)), ids: ids.map((_, i) => slot(i + 1 + resources.length)) };
  const t = template(ex, `members|${resources.length}|${ids.length}`, 1 + resources.length + ids.length, () =>
    ex
      .selectFrom('group_members as mgm')
      // As above: the page's groups' rows by key, then each member by id.
      .crossJoin('memberships as vm')
      .select(['mgm.group_id', 'vm.username'])
      .whereRef('vm.id', '=', 'mgm.user_id')
      .where('mgm.org_id', '=', slot(0))
      .where('mgm.group_id', 'in', marks.ids)
      .where(visible('vm', slot(0), marks.resources)),
  );
  return runTemplate(ex, t, [orgId, ...resources, ...ids]);
}

// ---- the LDAP applications -----------------------------------------------------------------------

/** How many application resources of one organization are looked at for `settings.protocol`. */
export const MAX_APPLICATIONS = 10_000;

/** Asked before every LDAP operation: the organization's application resources and their settings. */
const applications = statement<{ id: string; settings: string }>(
  `select id, settings from resources where org_id = ? and kind = 'application' order by id limit ${MAX_APPLICATIONS}`,
);

/** The organization's application resources (the first MAX_APPLICATIONS by id), with their settings. */
export async function applicationResources(ex: Executor, orgId: string): Promise<Array<{ id: string; settings: string }>> {
  return applications.all(ex, [orgId]);
}

/**
 * A row of `ldapAccessRows`: an application (`settings` set) with the member's status and the
 * binding that reaches the member directly, if any; or (`settings` null) a binding that reaches the
 * member through one of their groups, for whichever resource.
 */
export interface LdapAccessRow {
  resource_id: string;
  settings: string | null;
  status: string | null;
  binding_id: string | null;
  group_id: string | null;
}

// The rows `accessRows` (directory.repository.ts) gives for one resource, for all the applications
// of `applicationResources` at once: the first part has a row per application exactly when the
// member is the organization's, with the direct binding through the (resource, user) key; the
// second, the member's group bindings through the (user, organization) and group keys.
const ldapAccess = statement<LdapAccessRow>(`
  select r.id as resource_id, r.settings, u.status, b.id as binding_id, null as group_id
    from (select id, settings from resources where org_id = ? and kind = 'application' order by id limit ${MAX_APPLICATIONS}) r
    cross join memberships u
    left join bindings b on b.resource_id = r.id and b.user_id = u.id
    where u.id = ? and u.org_id = ?
  union all
  select b.resource_id, null, null, b.id, b.group_id
    from group_members m
    cross join bindings b
    cross join groups g
    where m.user_id = ? and m.org_id = ?
      and b.group_id = m.group_id and b.org_id = m.org_id
      and g.id = b.group_id`);

/** What DIR-3 needs to decide whether a member may use any of the organization's applications: one statement, asked before every LDAP operation. */
export async function ldapAccessRows(ex: Executor, orgId: string, membershipId: string): Promise<LdapAccessRow[]> {
  return ldapAccess.all(ex, [orgId, membershipId, orgId, membershipId, orgId]);
}

// ---- fragments the compiler puts in filters ------------------------------------------------------

/** memberOf: the user `m` is in a group of the organization whose name equals `name`, ignoring case (cn is caseIgnoreMatch). */
export function userInGroupNamed(orgId: string, name: string): Condition {
  return sql<SqlBool>`${sql.ref('m.id')} in (select sgm.user_id from groups sg join group_members sgm on sgm.group_id = sg.id
    where sg.org_id = ${orgId} and lower(sg.name) = lower(${name}) and sgm.org_id = ${orgId})`;
}

/** memberOf present: the user `m` is in some group. */
export function userInSomeGroup(orgId: string): Condition {
  return sql<SqlBool>`exists (select 1 from group_members sgm where sgm.user_id = ${sql.ref('m.id')} and sgm.org_id = ${orgId})`;
}

/** The alias of the member row in `groupHasVisibleMember`'s condition. */
export const MEMBER_USERNAME = sql.ref('vm.username') as Expression<string>;

/**
 * member, memberUid: the group `g` has a visible member (one the users' search would show) for
 * whom `condition` (over MEMBER_USERNAME) holds; any visible member when there is no condition.
 * With a condition, the members it selects are found once (by the username index for an equality,
 * as nslcd asks on every login) and their groups looked up, rather than every group's members
 * walked in turn (CROSS JOIN keeps SQLite to that order).
 */
export function groupHasVisibleMember(orgId: string, resourceIds: readonly string[], condition?: Condition): Condition {
  if (!condition) {
    return sql<SqlBool>`exists (select 1 from group_members mgm join memberships vm on vm.id = mgm.user_id
    where mgm.group_id = ${sql.ref('g.id')} and mgm.org_id = ${orgId} and ${visible('vm', orgId, resourceIds)})`;
  }
  return sql<SqlBool>`${sql.ref('g.id')} in (select mgm.group_id from memberships vm cross join group_members mgm
    where mgm.user_id = vm.id and mgm.org_id = ${orgId} and ${visible('vm', orgId, resourceIds)} and ${condition})`;
}

// ---- the SCIM view (PRO-4) -----------------------------------------------------------------------

/** groups.value: the user `m` is in a group for which `condition` (over `sgm`) holds; in some group without one. */
export function userInGroups(orgId: string, condition?: Condition): Condition {
  return sql<SqlBool>`exists (select 1 from group_members sgm where sgm.user_id = ${sql.ref('m.id')} and sgm.org_id = ${orgId}${condition ? sql` and ${condition}` : sql``})`;
}

/** groups.display: the user `m` is in a group whose name (`sg.name`) satisfies `condition`. */
export function userInGroupsNamed(orgId: string, condition?: Condition): Condition {
  return sql<SqlBool>`exists (select 1 from group_members sgm join groups sg on sg.id = sgm.group_id
    where sgm.user_id = ${sql.ref('m.id')} and sgm.org_id = ${orgId} and sg.org_id = ${orgId}${condition ? sql` and ${condition}` : sql``})`;
}

/** members.value: the group `g` has a member (`sgm.user_id`, one SCIM shows) for whom `condition` holds; some member without one. */
export function groupHasMember(orgId: string, condition?: Condition): Condition {
  return sql<SqlBool>`exists (select 1 from group_members sgm join memberships sm on sm.id = sgm.user_id
    where sgm.group_id = ${sql.ref('g.id')} and sgm.org_id = ${orgId} and sm.org_id = ${orgId} and sm.scim_deleted_at is null${condition ? sql` and ${condition}` : sql``})`;
}

/** members.display: the group `g` has a member whose name (`sm.name`) satisfies `condition`. */
export function groupHasMemberNamed(orgId: string, condition?: Condition): Condition {
  return sql<SqlBool>`exists (select 1 from group_members sgm join memberships sm on sm.id = sgm.user_id
    where sgm.group_id = ${sql.ref('g.id')} and sgm.org_id = ${orgId} and sm.org_id = ${orgId} and sm.scim_deleted_at is null${condition ? sql` and ${condition}` : sql``})`;
}
