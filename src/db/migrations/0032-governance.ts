import { type Kysely, sql } from 'kysely';

/**
 * GOV-1..GOV-3: organization governance.
 * - `domains`: the domains an organization adds (A-labels, lower case, no trailing dot), with the
 *   token of its TXT record (`castellan-verification=<token>`), when it was verified, last
 *   checked and last found (a verified domain whose lookups keep failing is un-verified once the
 *   record has not been found for 7 days). A verified name belongs to one organization only
 *   (partial unique index).
 * - `account_controls`: the organization that administers an account (GOV-3), since when, by whom
 *   and through which domain. One row per account: an account is administered by one organization
 *   at most. Keyed by the account's internal id, never by its address.
 * - `account_notices`: in-app notices shown to a person on their account page (GOV-3 and others),
 *   until they mark them read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    .addColumn('last_checked_at', 'text')
    .addColumn('last_verified_at', 'text')
    .addColumn('last_check_error', 'text')
    .execute();
  await db.schema.createIndex('domains_org_name').on('domains').columns(['org_id', 'name']).unique().execute();
  await db.schema.createIndex('domains_verified_name').on('domains').columns(['name']).unique().where(sql.ref('verified_at'), 'is not', null).execute();

  await db.schema
    .createTable('account_controls')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('domain_id', 'text', (c) => c.references('domains.id').onDelete('set null'))
    .addColumn('asserted_by', 'text')
    .addColumn('asserted_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_controls_org').on('account_controls').columns(['org_id', 'domain_id']).execute();

  await db.schema
    .createTable('account_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('org_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('account_notices_account').on('account_notices').columns(['account_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_notices').execute();
  await db.schema.dropTable('account_controls').execute();
  await db.schema.dropTable('domains').execute();
}
