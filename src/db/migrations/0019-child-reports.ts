import type { Kysely } from 'kysely';

/** DSR-8: reports of a suspected child's account, and each report's history. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('child_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('details', 'text')
    .addColumn('outcome', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('dismiss_reason', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('erase_at', 'text')
    .addColumn('erased_at', 'text')
    .addColumn('dismissed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The staff list: open reports first, newest first.
  await db.schema.createIndex('child_reports_list').on('child_reports').columns(['state', 'received_at', 'id']).execute();
  await db.schema.createIndex('child_reports_email').on('child_reports').columns(['email_normalized']).execute();
  await db.schema.createIndex('child_reports_account').on('child_reports').columns(['account_id']).execute();

  await db.schema
    .createTable('child_report_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('report_id', 'text', (c) => c.notNull().references('child_reports.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('note', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('child_report_events_report').on('child_report_events').columns(['report_id', 'seq']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('child_report_events').execute();
  await db.schema.dropTable('child_reports').execute();
}
