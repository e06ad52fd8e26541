import type { Executor } from '../../db/schema.ts';
import type { OidcModelsTable } from './federation.tables.ts';

/** Queries on `oidc_models`. Instance-wide: an artefact belongs to the installation's one issuer, not to an organization. */

export type OidcModelRow = OidcModelsTable;

/** Inserts the row, or replaces the one with the same model and id (oidc-provider's upsert). */
export async function upsertModel(ex: Executor, row: OidcModelRow): Promise<void> {
  const { model: _model, id: _id, ...rest } = row;
  await ex
    .insertInto('oidc_models')
    .values(row)
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(rest))
    .execute();
}

/** The unexpired row with this model and id digest. */
export function findModel(ex: Executor, model: string, id: string, now: string): Promise<OidcModelRow | undefined> {
  return ex
    .selectFrom('oidc_models')
    .selectAll()
    .where('model', '=', model)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
}

export function findModelBy(ex: Executor, model: string, column: 'uid' | 'user_code', value: string, now: string): Promise<OidcModelRow | undefined> {
  return ex
    .selectFrom('oidc_models')
    .selectAll()
    .where('model', '=', model)
    .where(column, '=', value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
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
