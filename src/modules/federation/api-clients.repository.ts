import type { Executor } from '../../db/schema.ts';
import type { ApiClientsTable } from './api-clients.tables.ts';

/** Queries on `api_clients`; every one but the provider's lookup by client id names the organization (DIR-1). */

export type ApiClientRow = ApiClientsTable;

/** The client by its id alone: the OpenID Provider and the API's bearer check know no organization yet. */
export function findApiClient(ex: Executor, id: string): Promise<ApiClientRow | undefined> {
  return ex.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApiClients(ex: Executor, orgId: string): Promise<ApiClientRow[]> {
  return ex.selectFrom('api_clients').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
}

export async function countApiClients(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.selectFrom('api_clients').select((eb) => eb.fn.countAll<number | string>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertApiClient(ex: Executor, row: ApiClientRow): Promise<void> {
  await ex.insertInto('api_clients').values(row).execute();
}

/** Deletes the organization's client; answers the row that went, or undefined. */
export async function deleteApiClient(ex: Executor, orgId: string, id: string): Promise<ApiClientRow | undefined> {
  const row = await ex.selectFrom('api_clients').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  await ex.deleteFrom('api_clients').where('org_id', '=', orgId).where('id', '=', id).execute();
  return row;
}

/** DSR-6: every API client of the organization (their tokens stop counting with them); answers how many went. */
export async function deleteOrgApiClients(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.deleteFrom('api_clients').where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
