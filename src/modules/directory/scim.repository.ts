import { type SqlBool, type Expression, sql } from 'kysely';
import { type Statement, statement } from '../../db/database.ts';
import { hasRowLocks } from '../../db/dialect.ts';
import type { Executor } from '../../db/schema.ts';
import type { GroupsTable, MembershipsTable } from './directory.tables.ts';

// PRO-4: the statements of the SCIM view. Users are the organization's memberships that SCIM has
// not deprovisioned; groups, all its groups. Every statement names the organization (DIR-1).
// Compiled filters (query.ts) name the row by its alias: `m` for a user, `g` for a group.

export type Where = Expression<SqlBool> | true;

/** The sort keys SCIM may ask for (sortBy), as columns of `m` or `g`; ties go by id. */
const USER_SORT: Record<string, string> = {
  username: 'coalesce(m.scim_user_name_normalized, m.email_normalized)',
  displayname: 'lower(m.name)',
  'name.formatted': 'lower(m.name)',
  // Absent values sort as empty text, first, on both databases (they place NULLs apart).
  'name.givenname': "coalesce(lower(m.given_name), '')",
  'name.familyname': "coalesce(lower(m.family_name), '')",
  externalid: "coalesce(m.external_id, '')",
  emails: 'm.email_normalized',
  'emails.value': 'm.email_normalized',
  'meta.created': 'm.created_at',
  'meta.lastmodified': 'm.updated_at',
  id: 'm.id',
};
const GROUP_SORT: Record<string, string> = {
  displayname: 'lower(g.name)',
  externalid: "coalesce(g.external_id, '')",
  'meta.created': 'g.created_at',
  'meta.lastmodified': 'g.updated_at',
  id: 'g.id',
};
export const SCIM_SORT_KEYS = { users: Object.keys(USER_SORT), groups: Object.keys(GROUP_SORT) };

export interface Window {
  /** 0-based. */
  offset: number;
  limit: number;
  sortBy?: string | undefined;
  descending?: boolean | undefined;
}

function orderOf(table: Record<string, string>, alias: 'm' | 'g', w: Window) {
  const dir = sql.raw(w.descending ? 'desc' : 'asc');
  // Default: the order of creation (a provisioning client pages through a stable list).
  const key = sql.raw(table[w.sortBy ?? ''] ?? `${alias}.created_at`);
  return sql`${key} ${dir}, ${sql.ref(`${alias}.id`)} ${dir}`;
}

/**
 * totalResults: a first page shorter than asked is the whole result (the lookup by userName or
 * externalId a client makes before every create), so it is counted only when it may not be.
 */
async function totalOf(found: number, w: Window, count: () => Promise<{ n: number | string | bigint }>): Promise<number> {
  if (w.offset === 0 && found < w.limit) return found;
  return Number((await count()).n);
}

export async function searchScimUsers(ex: Executor, orgId: string, where: Where, w: Window): Promise<{ rows: MembershipsTable[]; total: number }> {
  const base = ex
    .selectFrom('memberships as m')
    .where('m.org_id', '=', orgId)
    .where('m.scim_deleted_at', 'is', null)
    .$if(where !== true, (q) => q.where(where as Expression<SqlBool>));
  const rows = w.limit === 0 ? [] : ((await base.selectAll('m').orderBy(orderOf(USER_SORT, 'm', w)).limit(w.limit).offset(w.offset).execute()) as MembershipsTable[]);
  return { rows, total: await totalOf(rows.length, w, () => base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()) };
}

export async function searchScimGroups(ex: Executor, orgId: string, where: Where, w: Window): Promise<{ rows: GroupsTable[]; total: number }> {
  const base = ex
    .selectFrom('groups as g')
    .where('g.org_id', '=', orgId)
    .$if(where !== true, (q) => q.where(where as Expression<SqlBool>));
  const rows = w.limit === 0 ? [] : ((await base.selectAll('g').orderBy(orderOf(GROUP_SORT, 'g', w)).limit(w.limit).offset(w.offset).execute()) as GroupsTable[]);
  return { rows, total: await totalOf(rows.length, w, () => base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()) };
}

/**
 * The lookup every provisioning client makes before it creates someone, `userName eq "…"` (first
 * page, default order), as one statement prepared once per page size: the two index probes of the
 * userName, without a query builder on the way (it cost as much as the lookup). LIMIT is written
 * into the text (SQLite re-plans a statement whose LIMIT is bound).
 */
const byUserName = new Map<number, Statement<MembershipsTable>>();
export async function scimUsersByUserName(ex: Executor, orgId: string, normalized: string, limit: number): Promise<MembershipsTable[]> {
  let st = byUserName.get(limit);
  if (!st) {
    st = statement<MembershipsTable>(`select m.* from memberships m where m.org_id = ? and m.scim_deleted_at is null
      and (m.scim_user_name_normalized = ? or (m.scim_user_name_normalized is null and m.email_normalized = ?))
      order by m.created_at, m.id limit ${Math.max(1, Math.trunc(limit))}`);
    // Page sizes are 1 to 1000: bounded.
    byUserName.set(limit, st);
  }
  return st.all(ex, [orgId, normalized, normalized]);
}

/** One member's groups, the case of a lookup: from the member's rows to their groups. */
const GROUPS_OF_ONE = statement<{ user_id: string; id: string; name: string }>(`select gm.user_id, g.id, g.name from group_members gm cross join groups g
  where g.id = gm.group_id and gm.org_id = ? and g.org_id = ? and gm.user_id = ? order by g.name`);

/** A member in the SCIM view (not deprovisioned). */
export async function findScimUser(ex: Executor, orgId: string, id: string): Promise<MembershipsTable | undefined> {
  return ex.selectFrom('memberships').selectAll().where('org_id', '=', orgId).where('id', '=', id).where('scim_deleted_at', 'is', null).executeTakeFirst();
}

/**
 * Who holds this userName or this address in the organization: a SCIM userName, or the address of
 * a member no SCIM one was given to (SCIM shows it as the userName); deprovisioned members included.
 */
export async function holdersOf(ex: Executor, orgId: string, userName: string, email: string): Promise<MembershipsTable[]> {
  return ex
    .selectFrom('memberships')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) =>
      eb.or([eb('scim_user_name_normalized', '=', userName), eb('email_normalized', '=', email), eb.and([eb('scim_user_name_normalized', 'is', null), eb('email_normalized', '=', userName)])]),
    )
    .execute();
}

/** The group's members SCIM shows (deprovisioned ones are left as they are by a client's changes). */
export async function visibleMemberIdsOfGroup(ex: Executor, orgId: string, groupId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('group_members as gm')
    .innerJoin('memberships as m', 'm.id', 'gm.user_id')
    .select('gm.user_id')
    .where('gm.org_id', '=', orgId)
    .where('m.org_id', '=', orgId)
    .where('gm.group_id', '=', groupId)
    .where('m.scim_deleted_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Which of `userIds` are in the group (any of them: deprovisioned members too). */
export async function membersAmong(ex: Executor, orgId: string, groupId: string, userIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < userIds.length; i += 500) {
    const slice = userIds.slice(i, i + 500);
    if (slice.length === 0) break;
    const rows = await ex.selectFrom('group_members').select('user_id').where('org_id', '=', orgId).where('group_id', '=', groupId).where('user_id', 'in', slice).execute();
    out.push(...rows.map((r) => r.user_id));
  }
  return out;
}

/** A group, locked for the rest of the transaction (PostgreSQL; SQLite has one writer). */
export async function lockGroup(ex: Executor, orgId: string, groupId: string): Promise<boolean> {
  const q = ex.selectFrom('groups').select('id').where('org_id', '=', orgId).where('id', '=', groupId);
  return (await (hasRowLocks(ex) ? q.forUpdate() : q).executeTakeFirst()) !== undefined;
}

/** The groups of these members, by member: id and name. */
export async function groupsOfUsers(ex: Executor, orgId: string, userIds: readonly string[]): Promise<Array<{ user_id: string; id: string; name: string }>> {
  if (userIds.length === 0) return [];
  if (userIds.length === 1) return GROUPS_OF_ONE.all(ex, [orgId, orgId, userIds[0]]);
  // From the members' rows to their groups (CROSS JOIN keeps SQLite to that order: starting from
  // the organization's groups, it would probe every one of them for each member).
  return ex
    .selectFrom('group_members as gm')
    .crossJoin('groups as g')
    .whereRef('g.id', '=', 'gm.group_id')
    .select(['gm.user_id', 'g.id', 'g.name'])
    .where('gm.org_id', '=', orgId)
    .where('g.org_id', '=', orgId)
    .where('gm.user_id', 'in', [...userIds])
    .orderBy('g.name')
    .execute();
}

/** Names of these members (managers, group members), by id; deprovisioned ones too. */
export async function namesOfMembers(ex: Executor, orgId: string, ids: readonly string[]): Promise<Array<{ id: string; name: string; scim_deleted_at: string | null }>> {
  if (ids.length === 0) return [];
  const out: Array<{ id: string; name: string; scim_deleted_at: string | null }> = [];
  // SQLite bounds a statement's parameters: large groups are read in slices.
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    out.push(
      ...((await ex.selectFrom('memberships').select(['id', 'name', 'scim_deleted_at']).where('org_id', '=', orgId).where('id', 'in', slice).execute()) as Array<{
        id: string;
        name: string;
        scim_deleted_at: string | null;
      }>),
    );
  }
  return out;
}

/** The members of these groups, by group: member id and name (deprovisioned members are not shown). */
export async function membersOfGroups(ex: Executor, orgId: string, groupIds: readonly string[]): Promise<Array<{ group_id: string; id: string; name: string }>> {
  if (groupIds.length === 0) return [];
  return ex
    .selectFrom('group_members as gm')
    .innerJoin('memberships as m', 'm.id', 'gm.user_id')
    .select(['gm.group_id', 'm.id', 'm.name'])
    .where('gm.org_id', '=', orgId)
    .where('m.org_id', '=', orgId)
    .where('m.scim_deleted_at', 'is', null)
    .where('gm.group_id', 'in', [...groupIds])
    .orderBy('m.id')
    .execute();
}

export async function setGroupExternalId(ex: Executor, orgId: string, groupId: string, externalId: string | null, at: string): Promise<void> {
  await ex.updateTable('groups').set({ external_id: externalId, updated_at: at }).where('org_id', '=', orgId).where('id', '=', groupId).execute();
}

export async function touchGroup(ex: Executor, orgId: string, groupId: string, at: string): Promise<void> {
  await ex.updateTable('groups').set({ updated_at: at }).where('org_id', '=', orgId).where('id', '=', groupId).execute();
}

/** PRO-4: the members SCIM deprovisioned whose time to be removed has come, a batch at a time. */
export async function deprovisionedDue(ex: Executor, now: string, limit: number): Promise<Array<{ id: string; org_id: string }>> {
  return ex
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['m.id', 'm.org_id'])
    .where('m.scim_remove_at', 'is not', null)
    .where('m.scim_remove_at', '<=', now)
    .where('m.scim_deleted_at', 'is not', null)
    // An organization being deleted has its own erasure.
    .where('o.deleted_at', 'is', null)
    .orderBy('m.scim_remove_at')
    .limit(limit)
    .execute();
}
