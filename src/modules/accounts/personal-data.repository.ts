import { sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';

/** DSR-1, DSR-5: the accounts module's rows about one account, for the personal-data registry. */

export async function findAccountFor(ex: Executor, who: { accountId?: string | null; email?: string | null }) {
  if (who.accountId) return ex.selectFrom('accounts').select(['id', 'email_normalized', 'name']).where('id', '=', who.accountId).executeTakeFirst();
  if (who.email) return ex.selectFrom('accounts').select(['id', 'email_normalized', 'name']).where('email_normalized', '=', who.email).executeTakeFirst();
  return undefined;
}

export async function accountRows(ex: Executor, accountId: string) {
  const [accounts, sessions, tokens, codes] = await Promise.all([
    ex.selectFrom('accounts').selectAll().where('id', '=', accountId).execute(),
    ex.selectFrom('sessions').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute(),
    ex.selectFrom('one_time_tokens').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute(),
    ex.selectFrom('recovery_codes').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute(),
  ]);
  return { accounts, sessions, one_time_tokens: tokens, recovery_codes: codes };
}

/** Removes the account and what hangs on it; each count is the rows removed. */
export async function deleteAccountRows(ex: Executor, accountId: string) {
  const sessions = await ex.deleteFrom('sessions').where('account_id', '=', accountId).executeTakeFirst();
  const tokens = await ex.deleteFrom('one_time_tokens').where('account_id', '=', accountId).executeTakeFirst();
  const codes = await ex.deleteFrom('recovery_codes').where('account_id', '=', accountId).executeTakeFirst();
  const accounts = await ex.deleteFrom('accounts').where('id', '=', accountId).executeTakeFirst();
  return {
    accounts: Number(accounts.numDeletedRows),
    sessions: Number(sessions.numDeletedRows),
    one_time_tokens: Number(tokens.numDeletedRows),
    recovery_codes: Number(codes.numDeletedRows),
  };
}

/** DSR-6: the rate-limit counters named after the organization (its invitations' hourly count). */
export async function deleteOrgThrottles(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.deleteFrom('throttles').where('key', '=', `invite:org:${orgId}`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A throttle key that ends with `:<name>`. */
const namedAfter = (name: string) => {
  const suffix = `:${name}`;
  return sql<boolean>`length(key) > ${sql.lit(suffix.length)} and substr(key, length(key) - ${sql.lit(suffix.length - 1)}) = ${suffix}`;
};

/** DSR-1: the rate-limit counters whose key ends with `:<address>` or `:<account id>`, as erasure finds them. */
export async function throttlesNamedAfter(ex: Executor, names: readonly string[]) {
  const rows = [];
  for (const name of names) rows.push(...(await ex.selectFrom('throttles').selectAll().where(namedAfter(name)).orderBy('key').execute()));
  return rows;
}

/** DSR-5: the rate-limit counters whose key ends with `:<address>` or `:<account id>` (e.g. `rights.request:address:<address>`). */
export async function deleteThrottlesNamedAfter(ex: Executor, names: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const name of names) deleted += Number((await ex.deleteFrom('throttles').where(namedAfter(name)).executeTakeFirst()).numDeletedRows);
  return deleted;
}
