import { type Kysely, sql } from 'kysely';

/**
 * DSR-6: an organization's deletion. `organizations.deleted_at` marks an organization whose
 * deletion has begun: from then on no protocol, no console and no sign-in reaches it, and once its
 * data is erased the row stays as a tombstone (no name, no contact, a slug no one else can be
 * given) so that the records kept under an exception still point at something. `org_deletions`
 * holds each request: who asked, when it takes effect, and what the erasure did.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('deleted_at', 'text').execute();

  await db.schema
    .createTable('org_deletions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('requested_by_email', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('delete_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_by', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('org_deletions_org').on('org_deletions').columns(['org_id', 'requested_at']).execute();
  // One deletion under way per organization, whatever two admins do at the same instant.
  await db.schema
    .createIndex('org_deletions_one_open')
    .on('org_deletions')
    .column('org_id')
    .unique()
    .where(sql<boolean>`state in ('scheduled', 'erasing')`)
    .execute();
  await db.schema.createIndex('org_deletions_requested_by').on('org_deletions').column('requested_by').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('org_deletions').execute();
  await db.schema.alterTable('organizations').dropColumn('deleted_at').execute();
}
