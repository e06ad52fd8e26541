import type { Executor } from '../../db/schema.ts';
import type { SamlApplicationsTable, SamlIdpKeysTable, SamlPendingRequestsTable } from './saml.tables.ts';

/** PRO-5: queries of the SAML identity provider's own tables. */

export function findIdpKey(ex: Executor, id: string): Promise<SamlIdpKeysTable | undefined> {
  return ex.selectFrom('saml_idp_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Another node may have made the key first: its row wins, this one is dropped. */
export async function insertIdpKey(ex: Executor, row: SamlIdpKeysTable): Promise<void> {
  await ex.insertInto('saml_idp_keys').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export function findApplication(ex: Executor, resourceId: string): Promise<SamlApplicationsTable | undefined> {
  return ex.selectFrom('saml_applications').selectAll().where('resource_id', '=', resourceId).executeTakeFirst();
}

export function findOrgApplication(ex: Executor, orgId: string, resourceId: string): Promise<SamlApplicationsTable | undefined> {
  return ex.selectFrom('saml_applications').selectAll().where('org_id', '=', orgId).where('resource_id', '=', resourceId).executeTakeFirst();
}

export async function insertApplication(ex: Executor, row: SamlApplicationsTable): Promise<void> {
  await ex.insertInto('saml_applications').values(row).execute();
}

export async function setFetchedMetadata(ex: Executor, orgId: string, resourceId: string, xml: string | null, at: string): Promise<void> {
  await ex.updateTable('saml_applications').set({ fetched_metadata: xml, updated_at: at }).where('org_id', '=', orgId).where('resource_id', '=', resourceId).execute();
}

export async function deleteOrgApplication(ex: Executor, orgId: string, resourceId: string): Promise<void> {
  await ex.deleteFrom('saml_applications').where('org_id', '=', orgId).where('resource_id', '=', resourceId).execute();
}

export async function deleteOrgApplications(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.deleteFrom('saml_applications').where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function insertPending(ex: Executor, row: SamlPendingRequestsTable): Promise<void> {
  await ex.insertInto('saml_pending_requests').values(row).execute();
}

export function findPending(ex: Executor, resourceId: string, id: string, now: string): Promise<SamlPendingRequestsTable | undefined> {
  return ex.selectFrom('saml_pending_requests').selectAll().where('id', '=', id).where('resource_id', '=', resourceId).where('expires_at', '>', now).executeTakeFirst();
}

/** Single use: whether this call removed the row (a second, concurrent answer removes nothing). */
export async function deletePending(ex: Executor, resourceId: string, id: string, now: string): Promise<boolean> {
  const r = await ex.deleteFrom('saml_pending_requests').where('id', '=', id).where('resource_id', '=', resourceId).where('expires_at', '>', now).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Whether the request id is new for this application (and is now recorded). */
export async function recordSeen(ex: Executor, resourceId: string, requestId: string, expiresAt: string): Promise<boolean> {
  const r = await ex.insertInto('saml_seen_requests').values({ resource_id: resourceId, request_id: requestId, expires_at: expiresAt }).onConflict((oc) => oc.columns(['resource_id', 'request_id']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function sweepSaml(ex: Executor, now: string): Promise<number> {
  const a = await ex.deleteFrom('saml_pending_requests').where('expires_at', '<=', now).executeTakeFirst();
  const b = await ex.deleteFrom('saml_seen_requests').where('expires_at', '<=', now).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}
