import { type Kysely, sql } from 'kysely';

/**
 * GOV-4: an account an organization administers (`account_controls`) changes its address only with
 * that organization's approval.
 * - `email_change_requests`: the request (the new address sealed with the field cipher, like a
 *   change link's `detail_enc`), its state (`pending`, `approved`, `denied`, `cancelled`,
 *   `completed`), who decided (an admin's membership id), when and why. At most one request of an
 *   account is pending at a time (partial unique index).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_change_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('email_enc', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_change_requests_org').on('email_change_requests').columns(['org_id', 'state', 'created_at', 'id']).execute();
  await db.schema
    .createIndex('email_change_requests_pending')
    .on('email_change_requests')
    .columns(['account_id'])
    .unique()
    .where(sql.ref('state'), '=', 'pending')
    .execute();
  await db.schema.createIndex('email_change_requests_account').on('email_change_requests').columns(['account_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_change_requests').execute();
}
