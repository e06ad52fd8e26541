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

/** A customer account with its organization's contact details (PRV-7: mailing and contact lists). */
export interface CustomerContact {
  id: string;
  name: string;
  email: string;
  status: string;
  email_verified: boolean;
  org_name: string;
  org_address: string | null;
  org_phone: string | null;
}

/**
 * The ids of every active customer account (never staff), oldest first; with
 * `verifiedEmail`, only those whose address was confirmed. Read-only, for the
 * privacy module's lists (PRV-7).
 */
export async function listActiveCustomerIds(ex: Executor, opts: { verifiedEmail: boolean }): Promise<string[]> {
  const rows = await ex
    .selectFrom('users')
    .select('id')
    .where('status', '=', 'active')
    .where('staff_role', 'is', null)
    .where('org_id', 'is not', null)
    .$if(opts.verifiedEmail, (q) => q.where('email_verified_at', 'is not', null))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Customer accounts by id, with their organization's name, address and phone; staff are never among them. */
export async function findCustomerContacts(ex: Executor, userIds: string[]): Promise<CustomerContact[]> {
  if (userIds.length === 0) return [];
  const rows = await ex
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.org_id')
    .select([
      'users.id',
      'users.name',
      'users.email',
      'users.status',
      'users.email_verified_at',
      'users.created_at',
      'organizations.name as org_name',
      'organizations.address as org_address',
      'organizations.phone as org_phone',
    ])
    .where('users.id', 'in', userIds)
    .where('users.staff_role', 'is', null)
    .orderBy('users.created_at')
    .orderBy('users.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    status: r.status,
    email_verified: r.email_verified_at !== null,
    org_name: r.org_name,
    org_address: r.org_address,
    org_phone: r.org_phone,
  }));
}
