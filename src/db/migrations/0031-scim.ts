import { type Kysely, sql } from 'kysely';

/**
 * PRO-4: SCIM 2.0 provisioning.
 * - `scim_tokens`: an organization's provisioning tokens (SHA-256 of the token; the token is shown
 *   once), each the actor of the changes made with it.
 * - memberships get what an HR system or identity provider keeps about a person beyond the
 *   directory's own fields: its `userName` (as sent, and lower-cased for uniqueness, which is
 *   case-insensitive in SCIM), `externalId`, the name's parts, the enterprise extension's employee
 *   number, department and manager, and `scim_deleted_at`, set when SCIM deprovisioned the member
 *   (suspended at once, hidden from SCIM), and `scim_remove_at`, when the membership is removed, per
 *   the organization's setting when it was deprovisioned (null: not automatically), and
 *   `suspended_by_scim`, set when SCIM suspended the member (SCIM lifts only its own suspensions).
 * - groups get an `externalId`.
 * - organizations get `scim_remove_after_days`: how long a deprovisioned member stays suspended
 *   before the membership is removed (0: at once; null: until an admin removes it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scim_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('scim_tokens_org').on('scim_tokens').columns(['org_id', 'created_at']).execute();

  for (const column of ['scim_user_name', 'scim_user_name_normalized', 'external_id', 'given_name', 'family_name', 'employee_number', 'department', 'manager_id', 'scim_deleted_at', 'scim_remove_at', 'suspended_by_scim']) {
    await db.schema.alterTable('memberships').addColumn(column, 'text').execute();
  }
  await db.schema
    .createIndex('memberships_scim_user_name')
    .on('memberships')
    .columns(['org_id', 'scim_user_name_normalized'])
    .unique()
    .where(sql.ref('scim_user_name_normalized'), 'is not', null)
    .execute();
  await db.schema.createIndex('memberships_external_id').on('memberships').columns(['org_id', 'external_id']).where(sql.ref('external_id'), 'is not', null).execute();
  await db.schema.createIndex('memberships_scim_remove').on('memberships').columns(['scim_remove_at']).where(sql.ref('scim_remove_at'), 'is not', null).execute();
  await db.schema.alterTable('groups').addColumn('external_id', 'text').execute();
  await db.schema.alterTable('organizations').addColumn('scim_remove_after_days', 'integer', (c) => c.defaultTo(30)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('scim_remove_after_days').execute();
  await db.schema.alterTable('groups').dropColumn('external_id').execute();
  await db.schema.dropIndex('memberships_scim_remove').execute();
  await db.schema.dropIndex('memberships_external_id').execute();
  await db.schema.dropIndex('memberships_scim_user_name').execute();
  for (const column of ['suspended_by_scim', 'scim_remove_at', 'scim_deleted_at', 'manager_id', 'department', 'employee_number', 'family_name', 'given_name', 'external_id', 'scim_user_name_normalized', 'scim_user_name']) {
    await db.schema.alterTable('memberships').dropColumn(column).execute();
  }
  await db.schema.dropTable('scim_tokens').execute();
}
