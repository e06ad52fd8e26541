import { type RawBuilder, sql } from 'kysely';
import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { MembershipsTable } from './directory.tables.ts';
import { normalizeEmail } from '../accounts/index.ts';
import { posixDefaults } from './posix.ts';

/**
 * A membership made now and nobody's yet (no account is created, looked up or linked: DIR-1,
 * ACC-2): invited, imported or provisioned; its POSIX ids given, its home and shell the defaults
 * unless given. The caller adds what is particular to its way in.
 */
export function newMembershipRow(f: { id: string; orgId: string; email: string; name: string; status: string; username: string; uid: number; gid?: number | undefined; home?: string | undefined; shell?: string | undefined; now: string }): MembershipsTable {
  const defaults = posixDefaults(f.username);
  return {
    id: f.id,
    org_id: f.orgId,
    account_id: null,
    email: f.email,
    email_normalized: normalizeEmail(f.email),
    name: f.name,
    role: 'member',
    status: f.status,
    username: f.username,
    uid_number: f.uid,
    gid_number: f.gid ?? f.uid,
    home_directory: f.home ?? defaults.home_directory,
    login_shell: f.shell ?? defaults.login_shell,
    invite_token_hash: null,
    invite_expires_at: null,
    invited_by: null,
    invited_at: f.now,
    accepted_at: null,
    last_sign_in_at: null,
    created_at: f.now,
    updated_at: f.now,
  };
}

// Every function that reads an organization's members takes the organization id (DIR-1).

export async function insertMembership(ex: Executor, row: MembershipsTable): Promise<void> {
  await ex.insertInto('memberships').values(row).execute();
}

export async function findMembership(ex: Executor, orgId: string, membershipId: string): Promise<MembershipsTable | undefined> {
  return ex.selectFrom('memberships').selectAll().where('org_id', '=', orgId).where('id', '=', membershipId).executeTakeFirst();
}

export async function updateMembership(ex: Executor, orgId: string, membershipId: string, patch: Partial<Omit<MembershipsTable, 'id' | 'org_id' | 'created_at'>>): Promise<void> {
  await ex.updateTable('memberships').set(patch).where('org_id', '=', orgId).where('id', '=', membershipId).execute();
}

/** PRO-4: the members whose manager (enterprise extension) was this membership have none. */
export async function clearManager(ex: Executor, orgId: string, managerId: string): Promise<void> {
  await ex.updateTable('memberships').set({ manager_id: null }).where('org_id', '=', orgId).where('manager_id', '=', managerId).execute();
}

export async function deleteMembership(ex: Executor, orgId: string, membershipId: string): Promise<boolean> {
  const r = await ex.deleteFrom('memberships').where('org_id', '=', orgId).where('id', '=', membershipId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** DIR-4: the members a plan's limit counts: active ones and pending invitations. */
export async function countSeats(ex: Executor, orgId: string): Promise<number> {
  const r = await ex
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('status', 'in', ['active', 'invited'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Seats taken (active and invited members) in each of the organizations. */
export async function countSeatsOf(ex: Executor, orgIds: readonly string[]): Promise<Map<string, number>> {
  if (orgIds.length === 0) return new Map();
  const rows = await ex
    .selectFrom('memberships')
    .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', 'in', [...orgIds])
    .where('status', 'in', ['active', 'invited'])
    .groupBy('org_id')
    .execute();
  return new Map(rows.map((r) => [r.org_id, Number(r.n)]));
}

/** A search term taken literally by LIKE: its own % and _ match only themselves. */
const likeTerm = (q: string) => `%${q.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** The orders a member list can take (DIR-2); each ends with the id, so the order is total. */
export type MemberSort = 'name' | 'email' | 'status' | 'created';

/** The expressions each order sorts on, in turn, before the id. */
const SORT_SQL: Record<MemberSort, RawBuilder<string>[]> = {
  name: [sql<string>`lower(name)`],
  email: [sql<string>`email_normalized`],
  status: [sql<string>`status`, sql<string>`lower(name)`],
  created: [sql<string>`created_at`],
};

/** How many values a cursor of this order holds: its sort expressions, then the id. */
export const memberCursorWidth = (sort: MemberSort) => SORT_SQL[sort].length + 1;

export interface MemberFilter {
  q?: string | undefined;
  status?: string | undefined;
}

function filtered(ex: Executor, orgId: string, filter: MemberFilter) {
  const q = filter.q?.trim().toLowerCase();
  const term = likeTerm(q ?? '');
  return ex
    .selectFrom('memberships')
    .where('org_id', '=', orgId)
    .$if(filter.status !== undefined, (b) => b.where('status', '=', filter.status as string))
    .$if(Boolean(q), (b) =>
      b.where((eb) =>
        eb.or([
          sql<boolean>`lower(name) like ${term} escape '!'`,
          sql<boolean>`email_normalized like ${term} escape '!'`,
          sql<boolean>`username like ${term} escape '!'`,
        ]),
      ),
    );
}

/**
 * A page of members in the asked order (keyset paging: the rows after `after`, the cursor's
 * values). The tuple comparison is spelled out, as an OR of prefixes, so both dialects read it alike.
 */
export async function listMemberships(
  ex: Executor,
  orgId: string,
  opts: MemberFilter & { sort?: MemberSort; order?: 'asc' | 'desc'; after?: string[] | undefined; limit: number },
): Promise<{ row: MembershipsTable; cursor: string[] }[]> {
  const sort = opts.sort ?? 'name';
  const desc = opts.order === 'desc';
  const keys: RawBuilder<string>[] = [...SORT_SQL[sort], sql<string>`id`];
  const after = opts.after;
  // The sort values come back from the database itself, so a cursor compares exactly as the ORDER BY did.
  let query = filtered(ex, orgId, opts)
    .selectAll()
    .select(SORT_SQL[sort].map((key, i) => key.as(`sort_${i}`)));
  if (after && after.length === keys.length) {
    const cmp = sql.raw(desc ? '<' : '>');
    const alternatives = keys.map((key, i) => {
      const equal = keys.slice(0, i).map((k, j) => sql`${k} = ${after[j]}`);
      return sql`(${sql.join([...equal, sql`${key} ${cmp} ${after[i]}`], sql` and `)})`;
    });
    query = query.where(sql<boolean>`(${sql.join(alternatives, sql` or `)})`);
  }
  for (const key of keys) query = query.orderBy(key, desc ? 'desc' : 'asc');
  const rows = (await query.limit(opts.limit).execute()) as (MembershipsTable & Record<string, unknown>)[];
  return rows.map((r) => {
    const cursor = SORT_SQL[sort].map((_, i) => String(r[`sort_${i}`]));
    const row = { ...r };
    for (let i = 0; i < SORT_SQL[sort].length; i++) delete row[`sort_${i}`];
    return { row: row as MembershipsTable, cursor: [...cursor, r.id] };
  });
}

/** How many members match a filter: the list's total. */
export async function countMemberships(ex: Executor, orgId: string, filter: MemberFilter): Promise<number> {
  const r = await filtered(ex, orgId, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Every member of an organization, for exports: in uidNumber order. */
export async function allMemberships(ex: Executor, orgId: string): Promise<MembershipsTable[]> {
  return ex.selectFrom('memberships').selectAll().where('org_id', '=', orgId).orderBy('uid_number').orderBy('id').execute();
}

/** A person's memberships, with their organization's name: for /me and the organization switcher. */
const ofAccount = statement<MembershipsTable & { org_name: string; org_plan: string; org_slug: string; org_require_mfa: number }>(`
  select m.*, o.name as org_name, o.plan as org_plan, o.slug as org_slug, o.require_mfa as org_require_mfa
  from memberships m join organizations o on o.id = m.org_id
  where m.account_id = ? and o.deleted_at is null
  order by o.name, m.id`);

/** A person's memberships with their organizations' names and plans: every sign-in and /me read this. */
export async function membershipsOfAccount(ex: Executor, accountId: string) {
  return ofAccount.all(ex, [accountId]);
}

/** What a caller is in one organization, and whether it requires MFA (ACC-5): the (account, organization) index and the organization's key, on every request. */
const membershipOfAccount = statement<{ id: string; role: string; status: string; require_mfa: number }>(
  // DSR-6: an organization whose deletion began has no members any more, to the console and every API.
  'select m.id, m.role, m.status, o.require_mfa from memberships m join organizations o on o.id = m.org_id where m.account_id = ? and m.org_id = ? and o.deleted_at is null',
);

export async function roleOf(ex: Executor, accountId: string, orgId: string) {
  return membershipOfAccount.first(ex, [accountId, orgId]);
}

/** Asked on every LDAP bind and RADIUS request: straight to the driver, prepared once. */
const byUsername = statement<{ id: string; account_id: string | null; status: string; require_mfa: number; has_kept_password: number }>(
  'select m.id, m.account_id, m.status, o.require_mfa, case when m.imported_password_hash_enc is null then 0 else 1 end as has_kept_password from memberships as m inner join organizations as o on o.id = m.org_id where m.org_id = ? and m.username = ? and o.deleted_at is null',
);
/** The membership an organization's username names, for a bind (LDAP, RADIUS). */
export async function findByUsername(ex: Executor, orgId: string, username: string) {
  return byUsername.first(ex, [orgId, username]);
}

/** Pending invitations to an address, newest first: shown to its owner once the address is proven. */
export async function pendingInvitationsFor(ex: Executor, emailNormalized: string, now: string) {
  return ex
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.org_id')
    .selectAll('memberships')
    .select(['organizations.name as org_name'])
    .where('memberships.email_normalized', '=', emailNormalized)
    .where('memberships.status', '!=', 'suspended')
    .where('memberships.account_id', 'is', null)
    .where('memberships.invite_expires_at', '>', now)
    .where('organizations.deleted_at', 'is', null)
    .orderBy('memberships.invited_at', 'desc')
    .execute();
}

/** DSR-6: an invitation to an organization whose deletion began leads nowhere (and names nothing of it). */
export async function findByInviteToken(ex: Executor, tokenHash: string): Promise<MembershipsTable | undefined> {
  return ex
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.org_id')
    .selectAll('memberships')
    .where('memberships.invite_token_hash', '=', tokenHash)
    .where('organizations.deleted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Links an invited membership to its account, once: false when it was accepted, revoked or
 * suspended meanwhile. An imported member active in the directory (a kept password) accepts too;
 * the account's own password replaces the kept one from then on (ACC-2).
 */
export async function acceptMembership(ex: Executor, membershipId: string, accountId: string, email: string, at: string): Promise<boolean> {
  const r = await ex
    .updateTable('memberships')
    .set({ account_id: accountId, email, email_normalized: email.toLowerCase(), status: 'active', invite_token_hash: null, invite_expires_at: null, accepted_at: at, updated_at: at, imported_password_hash_enc: null })
    .where('id', '=', membershipId)
    .where('status', '!=', 'suspended')
    .where('account_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** How many of an account's memberships are in each status. DSR-6: an organization whose deletion began counts for nothing. */
const standing = statement<{ org_id: string; status: string }>(
  'select m.org_id, m.status from memberships m join organizations o on o.id = m.org_id where m.account_id = ? and o.deleted_at is null order by m.org_id',
);

export async function statusesOfAccount(ex: Executor, accountId: string): Promise<string[]> {
  return (await standing.all(ex, [accountId])).map((r) => r.status);
}

/** The organizations of an account's memberships (in the order of the organizations' ids) and each one's status. */
export async function standingOfAccount(ex: Executor, accountId: string): Promise<Array<{ org_id: string; status: string }>> {
  return standing.all(ex, [accountId]);
}

/** Keeps the copy of an account's address on its memberships in step. */
export async function setAccountEmail(ex: Executor, accountId: string, email: string, at: string): Promise<void> {
  await ex.updateTable('memberships').set({ email, email_normalized: email.toLowerCase(), updated_at: at }).where('account_id', '=', accountId).execute();
}

const touchActive = statement("update memberships set last_sign_in_at = ? where account_id = ? and status = 'active'");
const touchActiveIn = statement("update memberships set last_sign_in_at = ? where account_id = ? and status = 'active' and org_id = ?");

export async function touchSignIn(ex: Executor, accountId: string, at: string, orgId?: string): Promise<void> {
  if (orgId === undefined) await touchActive.run(ex, [at, accountId]);
  else await touchActiveIn.run(ex, [at, accountId, orgId]);
}

/** Accounts among `accountIds` with at least one active membership: the customers privacy writes to. */
export async function accountsWithActiveMembership(ex: Executor, accountIds: readonly string[]): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await ex.selectFrom('memberships').select('account_id').distinct().where('account_id', 'in', [...accountIds]).where('status', '=', 'active').execute();
  return new Set(rows.map((r) => r.account_id as string));
}

export async function findByEmail(ex: Executor, orgId: string, emailNormalized: string): Promise<MembershipsTable | undefined> {
  return ex.selectFrom('memberships').selectAll().where('org_id', '=', orgId).where('email_normalized', '=', emailNormalized).executeTakeFirst();
}

/** The organizations an account is a member of (whatever the status), but for those whose deletion began (DSR-6). */
export async function orgIdsOfAccount(ex: Executor, accountId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.org_id')
    .select('memberships.org_id')
    .where('memberships.account_id', '=', accountId)
    .where('organizations.deleted_at', 'is', null)
    .orderBy('memberships.org_id')
    .execute();
  return rows.map((r) => r.org_id);
}

/** A person renamed themselves: the memberships still showing their old name show the new one; names an admin chose stay. */
export async function renameAccount(ex: Executor, accountId: string, name: { from: string; to: string }, at: string): Promise<void> {
  await ex.updateTable('memberships').set({ name: name.to, updated_at: at }).where('account_id', '=', accountId).where('name', '=', name.from).execute();
}
