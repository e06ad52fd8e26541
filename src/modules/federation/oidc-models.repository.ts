import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { OidcModelsTable } from './federation.tables.ts';

/** Queries on `oidc_models`. Instance-wide: an artefact belongs to the installation's one issuer, not to an organization. */

export type OidcModelRow = OidcModelsTable;

/*
 * Every token the provider issues is an upsert here, and every token, code and session it reads
 * back is a find: the hot statements are written once as SQL text (the same text for SQLite and
 * PostgreSQL) and run straight on the driver, prepared once on SQLite, past Kysely's query
 * building (see `statement` in src/db/database.ts). Inside a transaction they go through Kysely.
 */
const upsertRow = statement(
  `insert into oidc_models (model, id, payload_enc, grant_id, uid, user_code, account_id, client_id, expires_at, consumed_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (model, id) do update set payload_enc = excluded.payload_enc, grant_id = excluded.grant_id, uid = excluded.uid,
    user_code = excluded.user_code, account_id = excluded.account_id, client_id = excluded.client_id,
    expires_at = excluded.expires_at, consumed_at = excluded.consumed_at`,
);

const UNEXPIRED = '(expires_at is null or expires_at > ?)';
const byId = statement<OidcModelRow>(`select * from oidc_models where model = ? and id = ? and ${UNEXPIRED}`);
const byUid = statement<OidcModelRow>(`select * from oidc_models where model = ? and uid = ? and ${UNEXPIRED}`);
const byUserCode = statement<OidcModelRow>(`select * from oidc_models where model = ? and user_code = ? and ${UNEXPIRED}`);

/** Inserts the row, or replaces the one with the same model and id (oidc-provider's upsert). */
export async function upsertModel(ex: Executor, row: OidcModelRow): Promise<void> {
  await upsertRow.run(ex, [row.model, row.id, row.payload_enc, row.grant_id, row.uid, row.user_code, row.account_id, row.client_id, row.expires_at, row.consumed_at]);
}

/** The unexpired row with this model and id digest. */
export function findModel(ex: Executor, model: string, id: string, now: string): Promise<OidcModelRow | undefined> {
  return byId.first(ex, [model, id, now]);
}

export function findModelBy(ex: Executor, model: string, column: 'uid' | 'user_code', value: string, now: string): Promise<OidcModelRow | undefined> {
  return (column === 'uid' ? byUid : byUserCode).first(ex, [model, value, now]);
}

/** Marks a single-use artefact used; the payload is rewritten with `consumed` set by the caller. */
export async function consumeModel(ex: Executor, model: string, id: string, payloadEnc: string, at: string): Promise<void> {
  await ex.updateTable('oidc_models').set({ consumed_at: at, payload_enc: payloadEnc }).where('model', '=', model).where('id', '=', id).execute();
}

export async function destroyModel(ex: Executor, model: string, id: string): Promise<void> {
  await ex.deleteFrom('oidc_models').where('model', '=', model).where('id', '=', id).execute();
}

/** Removes every artefact of the grant, of any model (a revoked grant takes its codes and tokens with it). */
export async function destroyByGrant(ex: Executor, grantId: string): Promise<number> {
  const r = await ex.deleteFrom('oidc_models').where('grant_id', '=', grantId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Removes at most `limit` rows that lapsed at or before `now`; answers how many went. */
export async function deleteExpired(ex: Executor, now: string, limit: number): Promise<number> {
  const r = await ex
    .deleteFrom('oidc_models')
    .where((eb) => eb(eb.refTuple('model', 'id'), 'in', eb.selectFrom('oidc_models as lapsed').select(['lapsed.model', 'lapsed.id']).where('lapsed.expires_at', '<=', now).limit(limit).$asTuple('model', 'id')))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The artefacts about these members (DSR-1). */
export function modelsOfAccounts(ex: Executor, accountIds: readonly string[]): Promise<OidcModelRow[]> {
  if (accountIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('oidc_models').selectAll().where('account_id', 'in', accountIds).orderBy('model').orderBy('id').execute();
}

/** Removes the artefacts about these members, and every artefact of their grants (DSR-5, ACC-6). */
export async function deleteModelsOfAccounts(ex: Executor, accountIds: readonly string[]): Promise<number> {
  if (accountIds.length === 0) return 0;
  const grants = await ex.selectFrom('oidc_models').select('grant_id').distinct().where('account_id', 'in', accountIds).where('grant_id', 'is not', null).execute();
  let deleted = 0;
  for (const g of grants) if (g.grant_id) deleted += await destroyByGrant(ex, g.grant_id);
  const r = await ex.deleteFrom('oidc_models').where('account_id', 'in', accountIds).executeTakeFirst();
  return deleted + Number(r.numDeletedRows);
}

/** Which members hold grants for which of these applications (filtered to some members when named). */
export function grantHolders(ex: Executor, filter: { clientIds: readonly string[]; accountIds?: readonly string[] | undefined }): Promise<Array<{ account_id: string | null; client_id: string | null }>> {
  if (filter.clientIds.length === 0 || filter.accountIds?.length === 0) return Promise.resolve([]);
  let q = ex.selectFrom('oidc_models').select(['account_id', 'client_id']).distinct().where('model', '=', 'Grant').where('client_id', 'in', filter.clientIds).where('account_id', 'is not', null);
  if (filter.accountIds) q = q.where('account_id', 'in', filter.accountIds);
  return q.orderBy('account_id').orderBy('client_id').execute();
}

/** Removes a member's artefacts of one application, and every artefact of their grants for it. */
export async function deleteModelsOfMemberClient(ex: Executor, accountId: string, clientId: string): Promise<number> {
  const grants = await ex.selectFrom('oidc_models').select('grant_id').distinct().where('account_id', '=', accountId).where('client_id', '=', clientId).where('grant_id', 'is not', null).execute();
  let deleted = 0;
  for (const g of grants) if (g.grant_id) deleted += await destroyByGrant(ex, g.grant_id);
  const r = await ex.deleteFrom('oidc_models').where('account_id', '=', accountId).where('client_id', '=', clientId).executeTakeFirst();
  return deleted + Number(r.numDeletedRows);
}

/** Removes every artefact issued to these clients (an application deleted, or no longer an OIDC client). */
export async function deleteModelsOfClients(ex: Executor, clientIds: readonly string[]): Promise<number> {
  if (clientIds.length === 0) return 0;
  const grants = await ex.selectFrom('oidc_models').select('grant_id').distinct().where('client_id', 'in', clientIds).where('grant_id', 'is not', null).execute();
  let deleted = 0;
  for (const g of grants) if (g.grant_id) deleted += await destroyByGrant(ex, g.grant_id);
  const r = await ex.deleteFrom('oidc_models').where('client_id', 'in', clientIds).executeTakeFirst();
  return deleted + Number(r.numDeletedRows);
}
