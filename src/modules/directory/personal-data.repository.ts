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
  // PRO-4: whom they managed has no manager now.
  await ex.updateTable('memberships').set({ manager_id: null }).where('org_id', '=', orgId).where('manager_id', '=', id).execute();
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
      scim_user_name: null,
      scim_user_name_normalized: null,
      external_id: null,
      given_name: null,
      family_name: null,
      employee_number: null,
      department: null,
      // Out of SCIM's view: a provisioning client's next push must not write the person back (DSR-5).
      scim_deleted_at: now,
      scim_remove_at: null,
      suspended_by_scim: null,
      // Who managed them, and whom they managed, is about them too.
      manager_id: null,
      updated_at: now,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  await ex.updateTable('memberships').set({ manager_id: null }).where('org_id', '=', orgId).where('manager_id', '=', id).execute();
  return Number(r.numUpdatedRows);
}

/** The account as the inviter of others, or the maker of a service account: the reference goes, the row stays. */
export async function clearAccountReferences(ex: Executor, accountId: string): Promise<{ memberships: number; service_accounts: number; scim_tokens: number }> {
  const invited = await ex.updateTable('memberships').set({ invited_by: null }).where('invited_by', '=', accountId).executeTakeFirst();
  const made = await ex.updateTable('service_accounts').set({ created_by: null }).where('created_by', '=', accountId).executeTakeFirst();
  const tokens = await ex.updateTable('scim_tokens').set({ created_by: null }).where('created_by', '=', accountId).executeTakeFirst();
  return { memberships: Number(invited.numUpdatedRows), service_accounts: Number(made.numUpdatedRows), scim_tokens: Number(tokens.numUpdatedRows) };
}

export async function serviceAccountsMadeBy(ex: Executor, accountId: string) {
  return ex.selectFrom('service_accounts').selectAll().where('created_by', '=', accountId).orderBy('created_at').execute();
}

/** PRO-4: the SCIM tokens the person made (never their hashes: withheld). */
export async function scimTokensMadeBy(ex: Executor, accountId: string) {
  return ex.selectFrom('scim_tokens').selectAll().where('created_by', '=', accountId).orderBy('created_at').execute();
}

// ---- DSR-6: an organization's rows, erased with the organization ------------------------------

/**
 * Up to `limit` of the organization's members, removed with their group memberships and direct
 * grants (in the caller's transaction): the ids are read first, so each batch is a bounded amount
 * of work whatever the organization's size.
 */
export async function deleteMembersBatch(ex: Executor, orgId: string, limit: number): Promise<{ memberships: number; group_members: number; bindings: number }> {
  const ids = (await ex.selectFrom('memberships').select('id').where('org_id', '=', orgId).limit(limit).execute()).map((r) => r.id);
  const out = { memberships: 0, group_members: 0, bindings: 0 };
  // IN lists of at most IN_CHUNK ids: SQLite takes at most 32,766 bound values in a statement.
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    out.group_members += Number((await ex.deleteFrom('group_members').where('org_id', '=', orgId).where('user_id', 'in', chunk).executeTakeFirst()).numDeletedRows);
    out.bindings += Number((await ex.deleteFrom('bindings').where('org_id', '=', orgId).where('user_id', 'in', chunk).executeTakeFirst()).numDeletedRows);
    out.memberships += Number((await ex.deleteFrom('memberships').where('org_id', '=', orgId).where('id', 'in', chunk).executeTakeFirst()).numDeletedRows);
  }
  return out;
}

const IN_CHUNK = 5000;

/** Everything else the organization holds in the directory, once its members are gone: few rows. */
export async function deleteOrganizationRest(ex: Executor, orgId: string) {
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const groupMembers = count(await ex.deleteFrom('group_members').where('org_id', '=', orgId).executeTakeFirstOrThrow());
  const bindings = count(await ex.deleteFrom('bindings').where('org_id', '=', orgId).executeTakeFirstOrThrow());
  const serviceAccounts = count(await ex.deleteFrom('service_accounts').where('org_id', '=', orgId).executeTakeFirstOrThrow());
  const scimTokens = count(await ex.deleteFrom('scim_tokens').where('org_id', '=', orgId).executeTakeFirstOrThrow());
  const groups = count(await ex.deleteFrom('groups').where('org_id', '=', orgId).executeTakeFirstOrThrow());
  const resources = count(await ex.deleteFrom('resources').where('org_id', '=', orgId).executeTakeFirstOrThrow());
  const counters = count(await ex.deleteFrom('posix_counters').where('org_id', '=', orgId).executeTakeFirstOrThrow());
  return { group_members: groupMembers, bindings, service_accounts: serviceAccounts, scim_tokens: scimTokens, groups, resources, posix_counters: counters };
}

/** The deletion requests the person made or cancelled (DSR-1). */
export async function orgDeletionsOf(ex: Executor, accountId: string) {
  return ex
    .selectFrom('org_deletions')
    .selectAll()
    .where((eb) => eb.or([eb('requested_by', '=', accountId), eb('cancelled_by', '=', accountId)]))
    .orderBy('requested_at')
    .execute();
}

/** DSR-5: the person's references on deletion requests go; the requests (the organization's record) stay. */
export async function clearOrgDeletionReferences(ex: Executor, accountId: string): Promise<number> {
  const asked = await ex.updateTable('org_deletions').set({ requested_by: null, requested_by_email: null }).where('requested_by', '=', accountId).executeTakeFirst();
  const cancelled = await ex.updateTable('org_deletions').set({ cancelled_by: null }).where('cancelled_by', '=', accountId).executeTakeFirst();
  return Number(asked.numUpdatedRows) + Number(cancelled.numUpdatedRows);
}
