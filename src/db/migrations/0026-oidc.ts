import type { Kysely } from 'kysely';

/**
 * PRO-2: the OpenID Provider's state. `oidc_models` holds every artefact oidc-provider persists
 * (sessions, grants, codes, tokens, interactions, replay detection, ...), one row per model and
 * id, shared by every node of a cluster. Lookup keys that are bearer values (token and code ids,
 * session uids, user codes) are stored as SHA-256 digests, and the payload is sealed with the
 * field-encryption key (SEC-2), so a copy of the database hands out no token. `oidc_signing_keys`
 * holds the provider's signing keys, sealed the same way. `oidc_clients` makes an application
 * resource whose `settings.protocol` is "oidc" a client: its id is the resource's, and its secret
 * (none for a public client) is sealed, since oidc-provider compares the secret itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_models')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload_enc', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('account_id', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('consumed_at', 'text')
    .addPrimaryKeyConstraint('oidc_models_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_models_grant').on('oidc_models').columns(['grant_id']).execute();
  await db.schema.createIndex('oidc_models_uid').on('oidc_models').columns(['model', 'uid']).execute();
  await db.schema.createIndex('oidc_models_user_code').on('oidc_models').columns(['model', 'user_code']).execute();
  await db.schema.createIndex('oidc_models_account').on('oidc_models').columns(['account_id']).execute();
  await db.schema.createIndex('oidc_models_expires').on('oidc_models').columns(['expires_at']).execute();

  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('jwk_enc', 'text', (c) => c.notNull())
    // `current` (signs), `previous` (published in the JWKS only) or `retired` (neither).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema
    .createTable('oidc_clients')
    .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('secret_enc', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'text')
    .execute();
  await db.schema.createIndex('oidc_clients_org').on('oidc_clients').columns(['org_id']).execute();
  await db.schema.createIndex('oidc_signing_keys_state').on('oidc_signing_keys').columns(['state', 'alg']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_clients').execute();
  await db.schema.dropTable('oidc_signing_keys').execute();
  await db.schema.dropTable('oidc_models').execute();
}
