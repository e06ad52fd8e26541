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

/** The members told of a deletion (active and invited), a page at a time in id order. */
export async function noticeRecipients(ex: Executor, orgId: string, after: string | null, limit: number) {
  return ex
    .selectFrom('memberships')
    .select(['id', 'email', 'name', 'account_id', 'status'])
    .where('org_id', '=', orgId)
    .where('status', 'in', ['active', 'invited'])
    .$if(after !== null, (b) => b.where('id', '>', after as string))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * DSR-6, step one at the end of the wait: the organization is marked deleted, its LDAP subtree's
 * name is given up (new binds find nothing), its access grants and service accounts go (bound
 * connections lose every operation, DIR-3), all in the caller's transaction.
 */
export async function closeOrganization(ex: Executor, orgId: string, tombstoneSlug: string, at: string): Promise<{ bindings: number; service_accounts: number }> {
  await ex.updateTable('organizations').set({ deleted_at: at, slug: tombstoneSlug, updated_at: at }).where('id', '=', orgId).execute();
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

/** Every name the organization knows its members by (distinct): records kept de-identified have them replaced. */
export async function memberNames(ex: Executor, orgId: string): Promise<string[]> {
  return (await ex.selectFrom('memberships').select('name').distinct().where('org_id', '=', orgId).execute()).map((r) => r.name);
}
