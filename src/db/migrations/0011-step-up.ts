import type { Kysely } from 'kysely';

/**
 * ACC-5, ACC-7: a session remembers when its owner last re-entered their password (and code) with
 * `POST /api/v1/me/reauth`; security changes within five minutes of it need no second entry.
 * A single-use token may carry a sealed detail: the new address of an email change.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('reauthenticated_at', 'text').execute();
  await db.schema.alterTable('one_time_tokens').addColumn('detail_enc', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('one_time_tokens').dropColumn('detail_enc').execute();
  await db.schema.alterTable('sessions').dropColumn('reauthenticated_at').execute();
}
