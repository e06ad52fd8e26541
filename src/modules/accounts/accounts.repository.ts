import { sql } from 'kysely';
import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { AccountsTable } from './accounts.tables.ts';

export async function insertAccount(ex: Executor, row: AccountsTable): Promise<void> {
  await ex.insertInto('accounts').values(row).execute();
}

/** Sign-in, reset and invitations find an account by email before any organization is known: the one global lookup. */
const byEmail = statement<AccountsTable>('select * from accounts where email_normalized = ?');

/** Every sign-in asks this: one prepared statement. */
export async function findAccountByEmail(ex: Executor, emailNormalized: string): Promise<AccountsTable | undefined> {
  return byEmail.first(ex, [emailNormalized]);
}

const accountById = statement<AccountsTable>('select * from accounts where id = ?');
export async function findAccountById(ex: Executor, accountId: string): Promise<AccountsTable | undefined> {
  return accountById.first(ex, [accountId]);
}

export async function findAccountsByIds(ex: Executor, ids: readonly string[]): Promise<AccountsTable[]> {
  if (ids.length === 0) return [];
  return ex.selectFrom('accounts').selectAll().where('id', 'in', [...ids]).execute();
}

export async function updateAccount(ex: Executor, accountId: string, patch: Partial<Omit<AccountsTable, 'id' | 'created_at'>>): Promise<void> {
  await ex.updateTable('accounts').set(patch).where('id', '=', accountId).execute();
}

/** Records a TOTP time step as used, unless that step (or a later one) was used already. */
export async function claimTotpStep(ex: Executor, accountId: string, step: number): Promise<boolean> {
  const r = await ex
    .updateTable('accounts')
    .set({ totp_last_step: step })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Customer accounts (never staff), active, in id order after `after`; with `verifiedEmail`, only
 * those whose address was confirmed. For the lists other modules keep of people (PRV-7, PRV-8).
 */
export async function listCustomerAccounts(ex: Executor, opts: { verifiedEmail: boolean; after: string | null; limit: number }) {
  return ex
    .selectFrom('accounts')
    .select(['id', 'email', 'name', 'created_at'])
    .where('status', '=', 'active')
    .where('staff_role', 'is', null)
    .$if(opts.verifiedEmail, (q) => q.where('email_verified_at', 'is not', null))
    .$if(opts.after !== null, (q) => q.where('id', '>', opts.after as string))
    .orderBy('id')
    .limit(opts.limit)
    .execute();
}

export async function deleteAccount(ex: Executor, accountId: string): Promise<boolean> {
  const r = await ex.deleteFrom('accounts').where('id', '=', accountId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Marks the address proven, unless it was already. */
export async function markEmailVerified(ex: Executor, accountId: string, at: string): Promise<boolean> {
  const r = await ex.updateTable('accounts').set({ email_verified_at: at, updated_at: at }).where('id', '=', accountId).where('email_verified_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

const likeTerm = (q: string) => `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** Active staff accounts whose name or address contains `q` (any case), or whose id is `q`; by name. */
export async function searchStaffAccounts(ex: Executor, opts: { q: string; limit: number }) {
  const q = opts.q.trim();
  return ex
    .selectFrom('accounts')
    .select(['id', 'name', 'email', 'staff_role'])
    .where('status', '=', 'active')
    .where('staff_role', 'is not', null)
    .$if(q.length > 0, (b) =>
      b.where((eb) => eb.or([sql<boolean>`lower(name) like ${likeTerm(q)} escape '!'`, sql<boolean>`email_normalized like ${likeTerm(q)} escape '!'`, eb('id', '=', q)])),
    )
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(opts.limit)
    .execute();
}
