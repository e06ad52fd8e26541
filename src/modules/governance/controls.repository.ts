import type { Executor } from '../../db/schema.ts';
import type { AccountControlsTable } from './governance.tables.ts';

/**
 * GOV-3: which organization administers an account. One row per account, keyed by the account's
 * internal id (never its address); these are the only queries on `account_controls`.
 */

/** The organization that administers the account, or null when none does (GOV-1, GOV-4). */
export async function controllerOf(ex: Executor, accountId: string): Promise<{ orgId: string } | null> {
  const row = await ex.selectFrom('account_controls').select('org_id').where('account_id', '=', accountId).executeTakeFirst();
  return row ? { orgId: row.org_id } : null;
}

/** Of these accounts, the ones some organization already controls, with that organization. */
export async function controlsOf(ex: Executor, accountIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < accountIds.length; i += 500) {
    const chunk = accountIds.slice(i, i + 500);
    const rows = await ex.selectFrom('account_controls').select(['account_id', 'org_id']).where('account_id', 'in', chunk).execute();
    for (const r of rows) out.set(r.account_id, r.org_id);
  }
  return out;
}

/** Inserts control rows; an account already controlled (by anyone) is left as it is. Returns the ids taken. */
export async function insertControls(ex: Executor, rows: readonly AccountControlsTable[]): Promise<string[]> {
  const taken: string[] = [];
  for (const row of rows) {
    const res = await ex.insertInto('account_controls').values(row).onConflict((oc) => oc.column('account_id').doNothing()).executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) taken.push(row.account_id);
  }
  return taken;
}

/** Deletes the controls an organization holds through one domain; returns the released account ids. */
export async function releaseByDomain(ex: Executor, orgId: string, domainId: string): Promise<string[]> {
  const rows = await ex.deleteFrom('account_controls').where('org_id', '=', orgId).where('domain_id', '=', domainId).returning('account_id').execute();
  return rows.map((r) => r.account_id);
}

/** Every account an organization controls (used when it is deleted, and by its own pages). */
export async function listControlledIds(ex: Executor, orgId: string): Promise<string[]> {
  const rows = await ex.selectFrom('account_controls').select('account_id').where('org_id', '=', orgId).execute();
  return rows.map((r) => r.account_id);
}

export async function findControl(ex: Executor, accountId: string): Promise<AccountControlsTable | undefined> {
  return ex.selectFrom('account_controls').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The verified domain an account is now controlled through (its address moved to another of the organization's domains). */
export async function setControlDomain(ex: Executor, accountId: string, orgId: string, domainId: string): Promise<void> {
  await ex.updateTable('account_controls').set({ domain_id: domainId }).where('account_id', '=', accountId).where('org_id', '=', orgId).execute();
}

export async function deleteControlsOfAccount(ex: Executor, accountId: string): Promise<number> {
  const res = await ex.deleteFrom('account_controls').where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** DSR-6: an organization's control over accounts ends with it. */
export async function deleteControlsOfOrganization(ex: Executor, orgId: string): Promise<number> {
  const res = await ex.deleteFrom('account_controls').where('org_id', '=', orgId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
