import type { Kysely } from 'kysely';

/**
 * DSR-6: the members' notices of an organization's deletion keep a page cursor on the deletion
 * (`<notice>:<last membership id>`, or `<notice>:end`), advanced by compare-and-set in each page's
 * transaction, so a page retried after a crash is never mailed twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('org_deletions').addColumn('notice_cursor', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('org_deletions').dropColumn('notice_cursor').execute();
}
