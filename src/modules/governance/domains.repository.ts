import { hasRowLocks } from '../../db/dialect.ts';
import type { Executor } from '../../db/schema.ts';
import type { DomainsTable } from './governance.tables.ts';

/** GOV-2: the queries on `domains`. Every one but the re-check sweep names the organization (DIR-1). */

export async function insertDomain(ex: Executor, row: DomainsTable): Promise<void> {
  await ex.insertInto('domains').values(row).execute();
}

export async function findDomain(ex: Executor, orgId: string, domainId: string): Promise<DomainsTable | undefined> {
  return ex.selectFrom('domains').selectAll().where('org_id', '=', orgId).where('id', '=', domainId).executeTakeFirst();
}

export async function findDomainByName(ex: Executor, orgId: string, name: string): Promise<DomainsTable | undefined> {
  return ex.selectFrom('domains').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
}

/** Whether another organization holds this name verified (the answer names no organization). */
export async function verifiedElsewhere(ex: Executor, orgId: string, name: string): Promise<boolean> {
  const row = await ex.selectFrom('domains').select('id').where('name', '=', name).where('org_id', '!=', orgId).where('verified_at', 'is not', null).executeTakeFirst();
  return row !== undefined;
}

export async function listDomains(ex: Executor, orgId: string, opts: { after?: string | undefined; limit: number }): Promise<DomainsTable[]> {
  return ex
    .selectFrom('domains')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(opts.after !== undefined, (q) => q.where('name', '>', opts.after as string))
    .orderBy('name')
    .limit(opts.limit)
    .execute();
}

export async function countDomains(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.selectFrom('domains').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The organization's verified names: the domains whose accounts it may see and claim. */
export async function verifiedDomainsOf(ex: Executor, orgId: string): Promise<DomainsTable[]> {
  return ex.selectFrom('domains').selectAll().where('org_id', '=', orgId).where('verified_at', 'is not', null).orderBy('name').execute();
}

export async function recordCheck(ex: Executor, orgId: string, domainId: string, patch: Pick<DomainsTable, 'verified_at' | 'last_checked_at' | 'last_check_error' | 'last_verified_at'>): Promise<void> {
  await ex.updateTable('domains').set(patch).where('org_id', '=', orgId).where('id', '=', domainId).execute();
}

export async function deleteDomain(ex: Executor, orgId: string, domainId: string): Promise<boolean> {
  const res = await ex.deleteFrom('domains').where('org_id', '=', orgId).where('id', '=', domainId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** The daily re-check: verified domains last checked before `before`, oldest first, a batch at a time. */
export async function verifiedDueForCheck(ex: Executor, before: string, limit: number): Promise<DomainsTable[]> {
  return ex
    .selectFrom('domains')
    .selectAll()
    .where('verified_at', 'is not', null)
    .where((eb) => eb.or([eb('last_checked_at', 'is', null), eb('last_checked_at', '<', before)]))
    .orderBy('last_checked_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Locks the row for the rest of the transaction on PostgreSQL (SQLite's one writer serializes anyway). */
export async function lockDomain(ex: Executor, orgId: string, domainId: string): Promise<DomainsTable | undefined> {
  const q = ex.selectFrom('domains').selectAll().where('org_id', '=', orgId).where('id', '=', domainId);
  return (hasRowLocks(ex) ? q.forUpdate() : q).executeTakeFirst();
}

/** DSR-6: the organization's domains go with it. */
export async function deleteDomainsOf(ex: Executor, orgId: string): Promise<number> {
  const res = await ex.deleteFrom('domains').where('org_id', '=', orgId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
