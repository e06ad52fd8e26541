import type { Kysely } from 'kysely';

/**
 * PRO-2, DIR-3: revocation and key rotation. `oidc_models.client_id` names the application an
 * artefact was issued to (the client id is the resource id), so that a member's loss of access to
 * one application, or the application's deletion, removes that application's grants and tokens at
 * once. `oidc_signing_keys.superseded_at` is when a key stopped signing: it is retired once the
 * longest lifetime of a token it could have signed has passed since then.
 *
 * The lookup indexes of `oidc_models` become partial: most rows (client-credentials tokens) have
 * no grant, uid, user code or account, and every such row cost an entry in each index on the token
 * endpoint's hot write. The lookups are equalities, which imply "is not null", so both databases
 * still use them.
 */
const PARTIAL = [
  ['oidc_models_grant', ['grant_id'], 'grant_id'],
  ['oidc_models_uid', ['model', 'uid'], 'uid'],
  ['oidc_models_user_code', ['model', 'user_code'], 'user_code'],
  ['oidc_models_account', ['account_id'], 'account_id'],
] as const;
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oidc_models').addColumn('client_id', 'text').execute();
  await db.schema.createIndex('oidc_models_client').on('oidc_models').columns(['client_id', 'account_id']).execute();
  await db.schema.alterTable('oidc_signing_keys').addColumn('superseded_at', 'text').execute();
  for (const [name, columns, column] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('oidc_models').columns([...columns]).where(column, 'is not', null).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, columns] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('oidc_models').columns([...columns]).execute();
  }
  await db.schema.alterTable('oidc_signing_keys').dropColumn('superseded_at').execute();
  await db.schema.dropIndex('oidc_models_client').execute();
  await db.schema.alterTable('oidc_models').dropColumn('client_id').execute();
}
