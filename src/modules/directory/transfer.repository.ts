import type { Executor } from '../../db/schema.ts';
import type { GroupsTable, MembershipsTable } from './directory.tables.ts';

// The bulk reads and writes of an import or export (DIR-5); each takes the organization id (DIR-1).

/** Of `emails` (normalized), those already a member of, or invited to, the organization. */
export async function emailsInOrg(ex: Executor, orgId: string, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await ex.selectFrom('memberships').select('email_normalized').where('org_id', '=', orgId).where('email_normalized', 'in', emails).execute();
  return new Set(rows.map((r) => r.email_normalized));
}

export async function usernamesInOrg(ex: Executor, orgId: string, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await ex.selectFrom('memberships').select('username').where('org_id', '=', orgId).where('username', 'in', names).execute();
  return new Set(rows.map((r) => r.username as string));
}

export async function groupsByName(ex: Executor, orgId: string, names: string[]): Promise<Array<{ id: string; name: string; gid_number: number }>> {
  if (names.length === 0) return [];
  return ex.selectFrom('groups').select(['id', 'name', 'gid_number']).where('org_id', '=', orgId).where('name', 'in', names).execute();
}

/** Of `uids`, the members that already have one: each uidNumber with its member's username. */
export async function membersByUid(ex: Executor, orgId: string, uids: number[]): Promise<Array<{ uid_number: number; username: string | null }>> {
  if (uids.length === 0) return [];
  const rows = await ex.selectFrom('memberships').select(['uid_number', 'username']).where('org_id', '=', orgId).where('uid_number', 'in', uids).execute();
  return rows.map((r) => ({ uid_number: Number(r.uid_number), username: r.username }));
}

/** Of `gids`, the groups that already have one, with their names. */
export async function groupsByGid(ex: Executor, orgId: string, gids: number[]): Promise<Array<{ gid_number: number; name: string }>> {
  if (gids.length === 0) return [];
  const rows = await ex.selectFrom('groups').select(['gid_number', 'name']).where('org_id', '=', orgId).where('gid_number', 'in', gids).execute();
  return rows.map((r) => ({ gid_number: Number(r.gid_number), name: r.name }));
}

/** Of `gids`, the members' private groups: members whose gidNumber is their own uidNumber. */
export async function privateGroupsByGid(ex: Executor, orgId: string, gids: number[]): Promise<Array<{ gid_number: number; username: string | null }>> {
  if (gids.length === 0) return [];
  const rows = await ex
    .selectFrom('memberships')
    .select(['gid_number', 'username'])
    .where('org_id', '=', orgId)
    .where('gid_number', 'in', gids)
    .whereRef('gid_number', '=', 'uid_number')
    .execute();
  return rows.map((r) => ({ gid_number: Number(r.gid_number), username: r.username }));
}

export async function insertGroups(ex: Executor, rows: GroupsTable[]): Promise<void> {
  if (rows.length > 0) await ex.insertInto('groups').values(rows).execute();
}

export async function insertMemberships(ex: Executor, rows: MembershipsTable[]): Promise<void> {
  if (rows.length > 0) await ex.insertInto('memberships').values(rows).execute();
}

export async function insertGroupMembers(ex: Executor, rows: Array<{ org_id: string; group_id: string; user_id: string; created_at: string }>): Promise<void> {
  if (rows.length > 0) await ex.insertInto('group_members').values(rows).execute();
}

/** Every member's group names, for an export. */
export async function groupNamesByMember(ex: Executor, orgId: string): Promise<Map<string, string[]>> {
  const rows = await ex
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['group_members.user_id', 'groups.name'])
    .where('group_members.org_id', '=', orgId)
    .orderBy('groups.name')
    .execute();
  const byMember = new Map<string, string[]>();
  for (const r of rows) byMember.set(r.user_id, [...(byMember.get(r.user_id) ?? []), r.name]);
  return byMember;
}

/** Every group of the organization, by name, for an export (empty ones included). */
export async function allGroups(ex: Executor, orgId: string): Promise<GroupsTable[]> {
  return ex.selectFrom('groups').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}
