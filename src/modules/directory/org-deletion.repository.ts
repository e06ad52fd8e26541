import { lockForUpdate } from '../../db/dialect.ts';
import type { Executor } from '../../db/schema.ts';
import type { OrgDeletionsTable } from './org-deletion.tables.ts';

/** DSR-6: the directory's queries for an organization's deletion. Every function names the organization or the deletion. */

export const OPEN_STATES = ['scheduled', 'erasing'] as const;

export async function insertDeletion(ex: Executor, row: OrgDeletionsTable): Promise<void> {
  await ex.insertInto('org_deletions').values(row).execute();
}

/** The deletion under way for the organization (scheduled or erasing), if any. */
export async function findOpenDeletion(ex: Executor, orgId: string): Promise<OrgDeletionsTable | undefined> {
  return ex.selectFrom('org_deletions').selectAll().where('org_id', '=', orgId).where('state', 'in', [...OPEN_STATES]).executeTakeFirst();
}

export async function findDeletion(ex: Executor, id: string): Promise<OrgDeletionsTable | undefined> {
  return ex.selectFrom('org_deletions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Moves a deletion on from one of `from` only: false when another node or request moved it first. */
export async function updateDeletion(ex: Executor, id: string, from: readonly string[], patch: Partial<Omit<OrgDeletionsTable, 'id' | 'org_id'>>): Promise<boolean> {
  const r = await ex.updateTable('org_deletions').set(patch).where('id', '=', id).where('state', 'in', [...from]).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The organization's row, locked for the transaction; undefined when it is gone or its deletion has begun. */
export async function lockLiveOrganization(ex: Executor, orgId: string) {
  const o = await lockForUpdate(ex, ex.selectFrom('organizations').select(['id', 'name', 'deleted_at']).where('id', '=', orgId)).executeTakeFirst();
  return o && !o.deleted_at ? o : undefined;
}

/** The deletion's row, locked for the caller's transaction (SQLite serialises writers anyway). */
export async function lockDeletion(ex: Executor, id: string): Promise<OrgDeletionsTable | undefined> {
  return lockForUpdate(ex, ex.selectFrom('org_deletions').selectAll().where('id', '=', id)).executeTakeFirst();
}

/**
 * Moves the members' notice cursor from the page a job was given to the page it sends, in that
 * page's transaction: false when the page was sent already (a retry after a crash), so it is not
 * mailed twice. A first `cancelled` page follows whatever the `scheduled` notices reached.
 */
export async function advanceNoticeCursor(ex: Executor, id: string, notice: string, after: string | null, next: string): Promise<boolean> {
  const r = await ex
    .updateTable('org_deletions')
    .set({ notice_cursor: `${notice}:${next}` })
    .where('id', '=', id)
    .where((eb) =>
      after !== null
        ? eb('notice_cursor', '=', `${notice}:${after}`)
        : eb.or([eb('notice_cursor', 'is', null), ...(notice === 'scheduled' ? [] : [eb('notice_cursor', 'not like', `${notice}:%`)])]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The members told of a deletion (active, suspended and invited: every one), a page at a time in id order. */
export async function noticeRecipients(ex: Executor, orgId: string, after: string | null, limit: number) {
  return ex
    .selectFrom('memberships')
    .select(['id', 'email', 'name', 'account_id', 'status'])
    .where('org_id', '=', orgId)
    .$if(after !== null, (b) => b.where('id', '>', after as string))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * DSR-6, step one at the end of the wait: the organization is marked deleted (new binds to its
 * subtree find nothing; its slug stays on the tombstone so that no later organization is given it,
 * DIR-1), its access grants and service accounts go (bound connections lose every operation,
 * DIR-3), all in the caller's transaction.
 */
export async function closeOrganization(ex: Executor, orgId: string, at: string): Promise<{ bindings: number; service_accounts: number }> {
  await ex.updateTable('organizations').set({ deleted_at: at, updated_at: at }).where('id', '=', orgId).execute();
  const bindings = await ex.deleteFrom('bindings').where('org_id', '=', orgId).executeTakeFirst();
  const services = await ex.deleteFrom('service_accounts').where('org_id', '=', orgId).executeTakeFirst();
  return { bindings: Number(bindings.numDeletedRows), service_accounts: Number(services.numDeletedRows) };
}

/** The row that stays once the organization is erased: its id and dates, nothing that names it or anyone. */
export async function tombstoneOrganization(ex: Executor, orgId: string, name: string, at: string): Promise<number> {
  const r = await ex
    .updateTable('organizations')
    .set({ name, company_size: null, phone: null, address: null, require_mfa: 0, plan_ends_at: null, updated_at: at })
    .where('id', '=', orgId)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The organization's name, for mail (kept until the tombstone replaces it). */
export async function findOrganizationName(ex: Executor, orgId: string): Promise<string | undefined> {
  return (await ex.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirst())?.name;
}

/** The organization's name and LDAP slug, for mail and for scrubbing kept records (kept until the tombstone replaces the name). */
export async function findOrganizationNames(ex: Executor, orgId: string): Promise<{ name: string; slug: string } | undefined> {
  return ex.selectFrom('organizations').select(['name', 'slug']).where('id', '=', orgId).executeTakeFirst();
}

/** Every name, username and address the organization knows its members by: records kept de-identified have them replaced. */
export async function memberNeedles(ex: Executor, orgId: string): Promise<string[]> {
  const rows = await ex.selectFrom('memberships').select(['name', 'username', 'email_normalized']).where('org_id', '=', orgId).execute();
  return [...new Set(rows.flatMap((r) => [r.name, r.username ?? '', r.email_normalized]))].filter((n) => n.length >= 3);
}

/**
 * The addresses (lower-cased) of the organization's members without an account: its invitees. An
 * address another organization also holds is left out (DIR-1): its mail may be that organization's
 * invitation, which this deletion must not touch.
 */
export async function inviteeAddresses(ex: Executor, orgId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('memberships as m')
    .select('m.email_normalized')
    .where('m.org_id', '=', orgId)
    .where('m.account_id', 'is', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('memberships as o').select('o.id').whereRef('o.email_normalized', '=', 'm.email_normalized').where('o.org_id', '!=', orgId))))
    .execute();
  return rows.map((r) => r.email_normalized);
}
