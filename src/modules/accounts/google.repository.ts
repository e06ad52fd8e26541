import type { Executor } from '../../db/schema.ts';
import type { AccountsTable } from './accounts.tables.ts';

/** ACC-4: the account a Google subject identifier is linked to (never found by address). */
export async function findAccountByGoogleSub(ex: Executor, sub: string): Promise<AccountsTable | undefined> {
  return ex.selectFrom('accounts').selectAll().where('google_sub', '=', sub).executeTakeFirst();
}

type GoogleColumns = Pick<AccountsTable, 'google_sub' | 'google_email' | 'google_given_name' | 'google_family_name' | 'google_linked_at'>;

/** Sets (or, with nulls, clears) what the account keeps of its Google account. */
export async function updateGoogleColumns(ex: Executor, accountId: string, columns: GoogleColumns): Promise<void> {
  await ex.updateTable('accounts').set(columns).where('id', '=', accountId).execute();
}

/** Links an account that has no Google link yet; answers whether it did. */
export async function linkGoogleColumns(ex: Executor, accountId: string, columns: GoogleColumns): Promise<boolean> {
  const r = await ex.updateTable('accounts').set(columns).where('id', '=', accountId).where('google_sub', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
