import type { Executor } from '../../db/schema.ts';
import type { OneTimeTokensTable, RecoveryCodesTable } from './accounts.tables.ts';

export type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

export async function insertToken(ex: Executor, row: OneTimeTokensTable): Promise<void> {
  await ex.insertInto('one_time_tokens').values(row).execute();
}

export async function findLiveToken(
  ex: Executor,
  purpose: TokenPurpose,
  tokenHash: string,
  now: string,
): Promise<OneTimeTokensTable | undefined> {
  return ex
    .selectFrom('one_time_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Marks a token used; true only for the one caller that used it first (single use across nodes). */
export async function consumeToken(ex: Executor, tokenId: string, now: string): Promise<boolean> {
  const r = await ex
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('id', '=', tokenId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function retireAccountTokens(ex: Executor, accountId: string, purpose: TokenPurpose, now: string): Promise<void> {
  await ex
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function replaceRecoveryCodes(ex: Executor, accountId: string, rows: RecoveryCodesTable[]): Promise<void> {
  await ex.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
  if (rows.length > 0) await ex.insertInto('recovery_codes').values(rows).execute();
}

export async function consumeRecoveryCode(ex: Executor, accountId: string, codeHash: string, now: string): Promise<boolean> {
  const r = await ex
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(ex: Executor, accountId: string): Promise<number> {
  const r = await ex
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Tokens that expired, or were used, before `cutoff`: nothing needs them any more. */
export async function deleteSpentTokens(ex: Executor, cutoff: string): Promise<number> {
  const r = await ex
    .deleteFrom('one_time_tokens')
    .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('used_at', '<', cutoff)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function hasLiveToken(ex: Executor, accountId: string, purpose: TokenPurpose, now: string): Promise<boolean> {
  const row = await ex
    .selectFrom('one_time_tokens')
    .select('id')
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}
