import type { Executor } from '../../db/schema.ts';
import type { MembershipsTable } from './directory.tables.ts';

/** DSR-1, DSR-5: the directory's rows about one person, for the personal-data registry. */

/** The memberships of the account, and the invitations to the address not yet accepted. */
export async function membershipsOf(ex: Executor, accountId: string | null, email: string | null): Promise<MembershipsTable[]> {
  if (!accountId && !email) return [];
  return ex
    .selectFrom('memberships')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(accountId ? [eb('account_id', '=', accountId)] : []),
        ...(email ? [eb.and([eb('email_normalized', '=', email), eb('account_id', 'is', null)])] : []),
      ]),
    )
    .orderBy('created_at')
    .execute();
}

export async function deleteMembership(ex: Executor, orgId: string, id: string): Promise<number> {
  const r = await ex.deleteFrom('memberships').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Keeps the organization's entry (its POSIX ids, groups and bindings) with nothing of the person left in it. */
export async function deidentifyMembership(ex: Executor, orgId: string, id: string, placeholder: { email: string; name: string; username: string | null }, now: string): Promise<number> {
  const r = await ex
    .updateTable('memberships')
    .set({
      account_id: null,
      email: placeholder.email,
      email_normalized: placeholder.email,
      name: placeholder.name,
      username: placeholder.username,
      home_directory: null,
      status: 'suspended',
      invite_token_hash: null,
      invite_expires_at: null,
      last_sign_in_at: null,
      imported_password_hash_enc: null,
      updated_at: now,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The account as the inviter of others, or the maker of a service account: the reference goes, the row stays. */
export async function clearAccountReferences(ex: Executor, accountId: string): Promise<{ memberships: number; service_accounts: number }> {
  const invited = await ex.updateTable('memberships').set({ invited_by: null }).where('invited_by', '=', accountId).executeTakeFirst();
  const made = await ex.updateTable('service_accounts').set({ created_by: null }).where('created_by', '=', accountId).executeTakeFirst();
  return { memberships: Number(invited.numUpdatedRows), service_accounts: Number(made.numUpdatedRows) };
}

export async function serviceAccountsMadeBy(ex: Executor, accountId: string) {
  return ex.selectFrom('service_accounts').selectAll().where('created_by', '=', accountId).orderBy('created_at').execute();
}
