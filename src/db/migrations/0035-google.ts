import { type Kysely, sql } from 'kysely';

/**
 * ACC-4: Sign in with Google. An account linked to a Google account keeps what ACC-4 allows and
 * nothing more: Google's stable subject identifier (`google_sub`, the key: never the address),
 * the address Google gave and the given and family names, and when the link was made. Google's
 * picture, locale and hosted domain have no column, so they cannot be kept by mistake.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('google_sub', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('google_email', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('google_given_name', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('google_family_name', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('google_linked_at', 'text').execute();
  // One account per Google subject; accounts without a link are many.
  await db.schema.createIndex('accounts_google_sub').on('accounts').column('google_sub').unique().where(sql.ref('google_sub'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('accounts_google_sub').execute();
  for (const column of ['google_linked_at', 'google_family_name', 'google_given_name', 'google_email', 'google_sub']) {
    await db.schema.alterTable('accounts').dropColumn(column).execute();
  }
}
