import type { Kysely } from 'kysely';

/**
 * PRO-2: an organization's own API clients, which get access tokens for the Castellan API by client
 * credentials from the OpenID Provider. The id is the OAuth client id; the secret is sealed with the
 * field-encryption key (oidc-provider compares the secret itself). They go with their organization.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_clients_org').on('api_clients').columns(['org_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_clients').execute();
}
