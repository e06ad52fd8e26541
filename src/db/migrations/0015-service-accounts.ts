import type { Kysely } from 'kysely';

/**
 * PRO-1: service accounts, the identities systems and applications bind to LDAP with
 * (`uid=<name>,ou=services,o=<org>,<suffix>`). Each belongs to one LDAP application resource of one
 * organization and goes with it. Only a SHA-256 of the generated secret is kept: the secret is
 * shown once, when it is made.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_accounts_org_name_unique').on('service_accounts').columns(['org_id', 'name']).unique().execute();
  await db.schema.createIndex('service_accounts_resource_idx').on('service_accounts').columns(['resource_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_accounts').execute();
}
