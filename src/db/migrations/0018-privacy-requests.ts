import type { Kysely } from 'kysely';

/**
 * DSR-1, DSR-4, DSR-5: data-subject requests with their deadlines, each request's history, and the
 * request log. The log keeps no personal data and no foreign key to the request, so it outlives
 * whatever a deletion removes (kept at least 24 months).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('privacy_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('regime', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('details', 'text')
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('entered_by', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('acknowledge_by', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('extended_at', 'text')
    .addColumn('extension_reason', 'text')
    .addColumn('outcome', 'text')
    .addColumn('outcome_reason', 'text')
    .addColumn('responded_at', 'text')
    .addColumn('overdue_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // DSR-4: the staff queue reads open requests by due date.
  await db.schema.createIndex('privacy_requests_queue').on('privacy_requests').columns(['state', 'due_at', 'id']).execute();
  await db.schema.createIndex('privacy_requests_email').on('privacy_requests').columns(['email_normalized']).execute();
  await db.schema.createIndex('privacy_requests_account').on('privacy_requests').columns(['account_id']).execute();

  await db.schema
    .createTable('privacy_request_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('privacy_requests.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('note', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('privacy_request_events_request').on('privacy_request_events').columns(['request_id', 'seq']).unique().execute();

  await db.schema
    .createTable('privacy_request_log')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('regime', 'text', (c) => c.notNull())
    .addColumn('responded_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('denial_reason', 'text')
    .execute();
  await db.schema.createIndex('privacy_request_log_received').on('privacy_request_log').columns(['received_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('privacy_request_log').execute();
  await db.schema.dropTable('privacy_request_events').execute();
  await db.schema.dropTable('privacy_requests').execute();
}
