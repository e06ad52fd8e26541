import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { BindingsTable, GroupsTable, ResourcesTable, ServiceAccountsTable } from './directory.tables.ts';

// Every function takes the organization id and filters by it (DIR-1).

export async function insertGroup(ex: Executor, row: GroupsTable) {
  await ex.insertInto('groups').values(row).execute();
}

/** A group row with how many members it has (DIR-2). */
export type GroupWithCount = GroupsTable & { member_count: number };

/** Groups of one organization, each with its member count (one correlated count, on the group_members key). */
function groupsWithCount(ex: Executor, orgId: string) {
  return ex
    .selectFrom('groups')
    .selectAll('groups')
    .select((eb) =>
      eb
        .selectFrom('group_members')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('group_members.group_id', '=', 'groups.id')
        .where('group_members.org_id', '=', orgId)
        .as('member_count'),
    )
    .where('groups.org_id', '=', orgId);
}

const counted = (rows: (GroupsTable & { member_count: number | string | bigint | null })[]): GroupWithCount[] =>
  rows.map((r) => ({ ...r, member_count: Number(r.member_count ?? 0) }));

export async function findGroup(ex: Executor, orgId: string, groupId: string): Promise<GroupWithCount | undefined> {
  return counted(await groupsWithCount(ex, orgId).where('groups.id', '=', groupId).execute())[0];
}

/** The groups a user belongs to, by name (the user page shows them). */
export async function groupsOfMember(ex: Executor, orgId: string, userId: string): Promise<GroupWithCount[]> {
  const rows = await groupsWithCount(ex, orgId)
    .where('groups.id', 'in', (eb) => eb.selectFrom('group_members').select('group_id').where('org_id', '=', orgId).where('user_id', '=', userId))
    .orderBy('groups.name')
    .orderBy('groups.id')
    .execute();
  return counted(rows);
}

export async function listGroups(ex: Executor, orgId: string, opts: { after?: string | undefined; limit: number }): Promise<GroupWithCount[]> {
  const rows = await groupsWithCount(ex, orgId)
    .$if(opts.after !== undefined, (b) => b.where('groups.id', '>', opts.after as string))
    .orderBy('groups.id')
    .limit(opts.limit)
    .execute();
  return counted(rows);
}

export async function updateGroup(ex: Executor, orgId: string, groupId: string, patch: Partial<Pick<GroupsTable, 'name' | 'description' | 'updated_at'>>) {
  await ex.updateTable('groups').set(patch).where('org_id', '=', orgId).where('id', '=', groupId).execute();
}

export async function deleteGroup(ex: Executor, orgId: string, groupId: string): Promise<boolean> {
  const r = await ex.deleteFrom('groups').where('org_id', '=', orgId).where('id', '=', groupId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function addMember(ex: Executor, orgId: string, groupId: string, userId: string, at: string) {
  await ex.insertInto('group_members').values({ org_id: orgId, group_id: groupId, user_id: userId, created_at: at }).execute();
}

export async function removeMember(ex: Executor, orgId: string, groupId: string, userId: string): Promise<boolean> {
  const r = await ex
    .deleteFrom('group_members')
    .where('org_id', '=', orgId)
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The ids of the group's members. */
export async function memberIdsOfGroup(ex: Executor, orgId: string, groupId: string): Promise<string[]> {
  const rows = await ex.selectFrom('group_members').select('user_id').where('org_id', '=', orgId).where('group_id', '=', groupId).orderBy('user_id').execute();
  return rows.map((r) => r.user_id);
}

export async function listMembers(ex: Executor, orgId: string, groupId: string) {
  return ex
    .selectFrom('group_members')
    .innerJoin('memberships', 'memberships.id', 'group_members.user_id')
    .selectAll('memberships')
    .where('group_members.org_id', '=', orgId)
    .where('group_members.group_id', '=', groupId)
    .orderBy('memberships.id')
    .execute();
}

export async function insertResource(ex: Executor, row: ResourcesTable) {
  await ex.insertInto('resources').values(row).execute();
}

export async function findResource(ex: Executor, orgId: string, resourceId: string) {
  return ex.selectFrom('resources').selectAll().where('org_id', '=', orgId).where('id', '=', resourceId).executeTakeFirst();
}

export async function listResources(ex: Executor, orgId: string, opts: { kind?: string | undefined; after?: string | undefined; limit: number }) {
  return ex
    .selectFrom('resources')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(opts.kind !== undefined, (b) => b.where('kind', '=', opts.kind as string))
    .$if(opts.after !== undefined, (b) => b.where('id', '>', opts.after as string))
    .orderBy('id')
    .limit(opts.limit)
    .execute();
}

export async function updateResource(
  ex: Executor,
  orgId: string,
  resourceId: string,
  patch: Partial<Pick<ResourcesTable, 'name' | 'settings' | 'updated_at'>>,
) {
  await ex.updateTable('resources').set(patch).where('org_id', '=', orgId).where('id', '=', resourceId).execute();
}

export async function deleteResource(ex: Executor, orgId: string, resourceId: string): Promise<boolean> {
  const r = await ex.deleteFrom('resources').where('org_id', '=', orgId).where('id', '=', resourceId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function insertBinding(ex: Executor, row: BindingsTable) {
  await ex.insertInto('bindings').values(row).execute();
}

export async function listBindings(ex: Executor, orgId: string, resourceId: string) {
  return ex
    .selectFrom('bindings')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('resource_id', '=', resourceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function deleteBinding(ex: Executor, orgId: string, resourceId: string, bindingId: string): Promise<boolean> {
  const r = await ex
    .deleteFrom('bindings')
    .where('org_id', '=', orgId)
    .where('resource_id', '=', resourceId)
    .where('id', '=', bindingId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/**
 * DIR-3 in one statement, because every protocol asks it on every request: the
 * user's status, whether the resource is the organization's, and the bindings
 * that reach the user directly or through a group. No row with a status: the
 * user or the resource is not the organization's. The status row's binding is the
 * direct one, if any; the other rows are the group bindings, in no set order.
 */
export interface AccessRow {
  status: string | null;
  binding_id: string | null;
  user_id: string | null;
  group_id: string | null;
  group_name: string | null;
}

// Point lookups only, never a scan of the resource's bindings: the first part finds the user and
// the resource (both the organization's) and the direct binding through the (resource, user) key;
// the second, each of the user's groups through the (resource, group) key. CROSS JOIN (conditions
// in WHERE, which both dialects accept) keeps SQLite's planner to that order. The first part's
// row, with the status, is there exactly when both the user and the resource exist.
const access = statement<AccessRow>(`
  select u.status, b.id as binding_id, b.user_id, null as group_id, null as group_name
    from memberships u
    cross join resources r
    left join bindings b on b.resource_id = r.id and b.user_id = u.id
    where u.id = ? and u.org_id = ? and r.id = ? and r.org_id = ?
  union all
  select null, b.id, b.user_id, b.group_id, g.name
    from group_members m
    cross join bindings b
    cross join groups g
    where m.user_id = ? and m.org_id = ?
      and b.resource_id = ? and b.group_id = m.group_id and b.org_id = m.org_id
      and g.id = b.group_id`);

/** The rows of one access decision (DIR-3): one statement, asked on every decision. */
export async function accessRows(ex: Executor, orgId: string, userId: string, resourceId: string): Promise<AccessRow[]> {
  return access.all(ex, [userId, orgId, resourceId, orgId, userId, orgId, resourceId]);
}

/** Every binding that reaches `userId`, directly or through a group, with its resource. */
export async function bindingsReachingUser(ex: Executor, orgId: string, userId: string) {
  return ex
    .selectFrom('bindings')
    .innerJoin('resources', 'resources.id', 'bindings.resource_id')
    .leftJoin('groups', 'groups.id', 'bindings.group_id')
    .select(['bindings.id as binding_id', 'bindings.user_id', 'bindings.group_id', 'groups.name as group_name'])
    .selectAll('resources')
    .where('bindings.org_id', '=', orgId)
    .where((eb) =>
      eb.or([
        eb('bindings.user_id', '=', userId),
        eb('bindings.group_id', 'in', eb.selectFrom('group_members').select('group_id').where('org_id', '=', orgId).where('user_id', '=', userId)),
      ]),
    )
    .orderBy('resources.name')
    .orderBy('bindings.id')
    .execute();
}

/** Every member a resource's bindings reach: the users bound directly, and the members of bound groups. */
export async function usersReachedByResource(ex: Executor, orgId: string, resourceId: string) {
  const direct = ex
    .selectFrom('bindings')
    .select(['bindings.id as binding_id', 'bindings.user_id as reached_user_id', 'bindings.group_id'])
    .where('bindings.org_id', '=', orgId)
    .where('bindings.resource_id', '=', resourceId)
    .where('bindings.user_id', 'is not', null);
  const viaGroups = ex
    .selectFrom('bindings')
    .innerJoin('group_members', 'group_members.group_id', 'bindings.group_id')
    .select(['bindings.id as binding_id', 'group_members.user_id as reached_user_id', 'bindings.group_id'])
    .where('bindings.org_id', '=', orgId)
    .where('bindings.resource_id', '=', resourceId);
  return ex
    .selectFrom(direct.unionAll(viaGroups).as('r'))
    .innerJoin('memberships', 'memberships.id', 'r.reached_user_id')
    .leftJoin('groups', 'groups.id', 'r.group_id')
    .select(['r.binding_id', 'r.group_id', 'groups.name as group_name'])
    .selectAll('memberships')
    .where('memberships.org_id', '=', orgId)
    .orderBy('memberships.name')
    .orderBy('memberships.id')
    .orderBy('r.binding_id')
    .execute();
}

// ---- service accounts (PRO-1) ----

export async function insertServiceAccount(ex: Executor, row: ServiceAccountsTable) {
  await ex.insertInto('service_accounts').values(row).execute();
}

export async function listServiceAccounts(ex: Executor, orgId: string, resourceId: string) {
  return ex.selectFrom('service_accounts').selectAll().where('org_id', '=', orgId).where('resource_id', '=', resourceId).orderBy('name').execute();
}

export async function findServiceAccount(ex: Executor, orgId: string, id: string) {
  return ex.selectFrom('service_accounts').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function findServiceAccountByName(ex: Executor, orgId: string, name: string) {
  return ex.selectFrom('service_accounts').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
}

/** Deletes it; answers the deleted row, or undefined when it was not there. */
export async function deleteServiceAccount(ex: Executor, orgId: string, resourceId: string, id: string) {
  return ex.deleteFrom('service_accounts').where('org_id', '=', orgId).where('resource_id', '=', resourceId).where('id', '=', id).returning(['id', 'name']).executeTakeFirst();
}

/** PRO-2: the names of a member's groups in one organization (the OIDC `groups` claim), in name order. */
export async function groupNamesOfMember(ex: Executor, orgId: string, userId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select('groups.name')
    .where('group_members.org_id', '=', orgId)
    .where('groups.org_id', '=', orgId)
    .where('group_members.user_id', '=', userId)
    .orderBy('groups.name')
    .execute();
  return rows.map((r) => r.name);
}
