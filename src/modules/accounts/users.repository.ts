import type { Executor } from '../../db/schema.ts';
import type { OrganizationsTable, UsersTable } from './accounts.tables.ts';

export async function insertOrganization(ex: Executor, row: OrganizationsTable): Promise<void> {
  await ex.insertInto('organizations').values(row).execute();
}

export async function findOrganization(ex: Executor, orgId: string): Promise<OrganizationsTable | undefined> {
  return ex.selectFrom('organizations').selectAll().where('id', '=', orgId).executeTakeFirst();
}

export async function insertUser(ex: Executor, row: UsersTable): Promise<void> {
  await ex.insertInto('users').values(row).execute();
}

/** Sign-in and reset find an account by email before any tenant is known: the one global lookup. */
export async function findUserByEmail(ex: Executor, emailNormalized: string): Promise<UsersTable | undefined> {
  return ex.selectFrom('users').selectAll().where('email_normalized', '=', emailNormalized).executeTakeFirst();
}

/** The signed-in principal's own row, by the id its session names. */
export async function findUserById(ex: Executor, userId: string): Promise<UsersTable | undefined> {
  return ex.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function updateUser(
  ex: Executor,
  userId: string,
  patch: Partial<Omit<UsersTable, 'id' | 'org_id' | 'created_at'>>,
): Promise<void> {
  await ex.updateTable('users').set(patch).where('id', '=', userId).execute();
}

/** Records a TOTP time step as used, unless that step (or a later one) was used already. */
export async function claimTotpStep(ex: Executor, userId: string, step: number): Promise<boolean> {
  const r = await ex
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
