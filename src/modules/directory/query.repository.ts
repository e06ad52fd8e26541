import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
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
 * binding), with a username to name its entry by. An active membership always has its account
 * (accepting links it), so the account id is there too.
 */
function visible(alias: 'm' | 'vm', orgId: string, resourceIds: readonly string[]): RawBuilder<SqlBool> {
  const col = (c: string) => sql.ref(`${alias}.${c}`);
  return sql<SqlBool>`(${col('org_id')} = ${orgId} and ${col('status')} = ${'active'} and ${col('username')} is not null
    and ${col('account_id')} is not null and ${reached(alias, orgId, resourceIds)})`;
}

export interface PageQuery {
  /** The compiled filter, or true for every entry. */
  where: Condition | true;
  resourceIds: readonly string[];
  after?: string | undefined;
  limit: number;
}

/** The statement of one page of visible users matching the filter (exported for the plan checks of the tests). */
export function userSearch(ex: Executor, orgId: string, q: PageQuery) {
  return ex
    .selectFrom('memberships as m')
    .select(['m.id', 'm.account_id', 'm.username', 'm.name', 'm.email', 'm.uid_number', 'm.gid_number', 'm.home_directory', 'm.login_shell'])
    .where(visible('m', orgId, q.resourceIds))
    .$if(q.where !== true, (b) => b.where(q.where as Condition))
    .$if(q.after !== undefined, (b) => b.where('m.id', '>', q.after as string))
    .orderBy('m.id')
    .limit(q.limit);
}

export async function searchUserRows(ex: Executor, orgId: string, q: PageQuery) {
  return userSearch(ex, orgId, q).execute();
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
    .limit(q.limit);
}

export async function searchGroupRows(ex: Executor, orgId: string, q: PageQuery) {
  return groupSearch(ex, orgId, q).execute();
}

/** The names of the groups of each of `userIds` (memberOf), for one page of users: one statement. */
export async function groupNamesOfUsers(ex: Executor, orgId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return ex
    .selectFrom('group_members as gm')
    // CROSS JOIN keeps SQLite to this order: the page's users' rows by key, then each group by id.
    .crossJoin('groups as g')
    .select(['gm.user_id', 'g.name'])
    .whereRef('g.id', '=', 'gm.group_id')
    .where('gm.org_id', '=', orgId)
    .where('g.org_id', '=', orgId)
    .where('gm.user_id', 'in', [...userIds])
    .execute();
}

/** The visible members of each of `groupIds` (member, memberUid), for one page of groups: one statement. */
export async function visibleMembersOfGroups(ex: Executor, orgId: string, resourceIds: readonly string[], groupIds: readonly string[]) {
  if (groupIds.length === 0) return [];
  return ex
    .selectFrom('group_members as mgm')
    // As above: the page's groups' rows by key, then each member by id.
    .crossJoin('memberships as vm')
    .select(['mgm.group_id', 'vm.username'])
    .whereRef('vm.id', '=', 'mgm.user_id')
    .where('mgm.org_id', '=', orgId)
    .where('mgm.group_id', 'in', [...groupIds])
    .where(visible('vm', orgId, resourceIds))
    .execute();
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
 */
export function groupHasVisibleMember(orgId: string, resourceIds: readonly string[], condition?: Condition): Condition {
  return sql<SqlBool>`exists (select 1 from group_members mgm join memberships vm on vm.id = mgm.user_id
    where mgm.group_id = ${sql.ref('g.id')} and mgm.org_id = ${orgId} and ${visible('vm', orgId, resourceIds)}${condition ? sql` and ${condition}` : sql``})`;
}
