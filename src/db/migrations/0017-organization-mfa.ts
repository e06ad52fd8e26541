import type { Kysely } from 'kysely';

/**
 * ACC-5: an organization's admins can require two-step verification of every member. Stored as
 * 0 or 1 (SQLite has no boolean); existing organizations require nothing until an admin says so.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('organizations')
    .addColumn('require_mfa', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('require_mfa').execute();
}
