import type { Executor } from '../../db/schema.ts';
import type { OidcClientsTable } from './federation.tables.ts';

export type OidcClientRow = OidcClientsTable;

export function findClient(ex: Executor, resourceId: string): Promise<OidcClientRow | undefined> {
  return ex.selectFrom('oidc_clients').selectAll().where('resource_id', '=', resourceId).executeTakeFirst();
}

export function findOrgClient(ex: Executor, orgId: string, resourceId: string): Promise<OidcClientRow | undefined> {
  return ex.selectFrom('oidc_clients').selectAll().where('org_id', '=', orgId).where('resource_id', '=', resourceId).executeTakeFirst();
}

export async function insertClient(ex: Executor, row: OidcClientRow): Promise<void> {
  await ex.insertInto('oidc_clients').values(row).execute();
}

export async function setSecret(ex: Executor, orgId: string, resourceId: string, secretEnc: string | null, at: string): Promise<void> {
  await ex.updateTable('oidc_clients').set({ secret_enc: secretEnc, secret_rotated_at: at }).where('org_id', '=', orgId).where('resource_id', '=', resourceId).execute();
}

export async function deleteOrgClient(ex: Executor, orgId: string, resourceId: string): Promise<void> {
  await ex.deleteFrom('oidc_clients').where('org_id', '=', orgId).where('resource_id', '=', resourceId).execute();
}

export async function deleteOrgClients(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.deleteFrom('oidc_clients').where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The client ids of an organization's OIDC applications. */
export async function orgClientIds(ex: Executor, orgId: string): Promise<string[]> {
  return (await ex.selectFrom('oidc_clients').select('resource_id').where('org_id', '=', orgId).orderBy('resource_id').execute()).map((r) => r.resource_id);
}
