import type { Kysely } from 'kysely';

/**
 * DSR-1, DSR-5: the fulfilment of data-subject requests: what a correction asks for, the answer
 * (know), the deletion certificate, and the requester's download links (hashes only). No table holds
 * a copy of the subject's data: an access archive is built when it is downloaded.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('privacy_request_fulfilments')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('privacy_requests.id').onDelete('cascade'))
    .addColumn('status', 'text')
    .addColumn('correction_field', 'text')
    .addColumn('correction_value', 'text')
    .addColumn('answer', 'text')
    .addColumn('certificate', 'text')
    .addColumn('certificate_digest', 'text')
    .addColumn('sweep_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('privacy_request_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('privacy_requests.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('privacy_request_links_token').on('privacy_request_links').columns(['token_hash']).unique().execute();
  await db.schema.createIndex('privacy_request_links_request').on('privacy_request_links').columns(['request_id', 'purpose']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('privacy_request_links').execute();
  await db.schema.dropTable('privacy_request_fulfilments').execute();
}
