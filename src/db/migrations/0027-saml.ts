import type { Kysely } from 'kysely';

/**
 * PRO-5: the SAML identity provider's state, shared by every node of a cluster. `saml_idp_keys`
 * holds the installation's signing key (sealed with the field-encryption key, SEC-2) and its
 * self-signed certificate. `saml_applications` makes an application resource whose
 * `settings.protocol` is "saml" a service provider (and keeps the metadata fetched from its URL).
 * `saml_pending_requests` holds an AuthnRequest between the sign-in form and the answer, under the
 * digest of an unguessable id; `saml_seen_requests` the digests of request ids already accepted,
 * so a replayed request is refused. Both expire in minutes and are swept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('saml_idp_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('certificate', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('saml_applications')
    .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('fetched_metadata', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('saml_applications_org').on('saml_applications').columns(['org_id']).execute();
  await db.schema
    .createTable('saml_pending_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('request_id', 'text')
    .addColumn('acs_url', 'text', (c) => c.notNull())
    .addColumn('relay_state', 'text')
    // 1 when the request asked for ForceAuthn: the person types their password even with a web session.
    .addColumn('force_authn', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('saml_pending_requests_expires').on('saml_pending_requests').columns(['expires_at']).execute();
  await db.schema.createIndex('saml_pending_requests_resource').on('saml_pending_requests').columns(['resource_id']).execute();
  await db.schema
    .createTable('saml_seen_requests')
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('saml_seen_requests_pk', ['resource_id', 'request_id'])
    .execute();
  await db.schema.createIndex('saml_seen_requests_expires').on('saml_seen_requests').columns(['expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saml_seen_requests').execute();
  await db.schema.dropTable('saml_pending_requests').execute();
  await db.schema.dropTable('saml_applications').execute();
  await db.schema.dropTable('saml_idp_keys').execute();
}
