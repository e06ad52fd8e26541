import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Privacy (PRV-1 to PRV-9): consent events, site analytics, visitor links,
 * policy versions and their acknowledgements, the disclosure ledger, and what
 * marketing mail needs in the outbox.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // An ever-increasing sequence number orders a subject's events exactly, even within one millisecond.
  const seq = postgres ? sql`bigint generated always as identity primary key` : sql`integer primary key`;

  // PRV-4: append-only; the current state of a subject's consent is derived from these rows.
  await db.schema
    .createTable('consent_events')
    .addColumn('seq', seq)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('granted', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Covering: a subject's current state is read from adjacent index entries alone, never from rows spread over the table.
  await db.schema
    .createIndex('consent_events_subject_idx')
    .on('consent_events')
    .columns(['subject_id', 'subject_type', 'purpose', 'seq', 'granted', 'source', 'policy_version', 'created_at'])
    .execute();
  for (const statement of ['update', 'delete']) {
    if (postgres) {
      await sql`create or replace function consent_events_append_only() returns trigger language plpgsql as $$
        begin raise exception 'consent_events is append-only'; end $$`.execute(db);
      await sql.raw(`create trigger consent_events_no_${statement} before ${statement} on consent_events
        for each row execute function consent_events_append_only()`).execute(db);
    } else {
      await sql.raw(`create trigger consent_events_no_${statement} before ${statement} on consent_events
        begin select raise(abort, 'consent_events is append-only'); end`).execute(db);
    }
  }

  // PRV-2: page views, only while analytics is allowed; user_id only once linked (PRV-6).
  await db.schema
    .createTable('analytics_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('visitor_id', 'text')
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('referrer', 'text')
    .addColumn('search_terms', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('analytics_events_visitor_idx').on('analytics_events').column('visitor_id').execute();
  await db.schema.createIndex('analytics_events_user_idx').on('analytics_events').column('user_id').execute();

  // PRV-6: a visitor's earlier activity joined to an account (only with profile_combination).
  await db.schema
    .createTable('visitor_links')
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('visitor_links_pk', ['visitor_id', 'user_id'])
    .execute();

  // PRV-8: every published version stays; numbered from 1.
  await db.schema
    .createTable('policy_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('markdown', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('material', 'integer', (c) => c.notNull())
    .addColumn('effective_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text')
    .execute();
  // One row of each kind at most: continued use may be recorded first, and an explicit acknowledgement later.
  await db.schema
    .createTable('policy_acknowledgements')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull().references('policy_versions.version'))
    /** `acknowledged` (the user said so) or `continued_use` (used the service after the notice). */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_acknowledgements_pk', ['user_id', 'version', 'kind'])
    .execute();
  // How each user was told of a material version: by email (when queued) and in the app (first shown).
  await db.schema
    .createTable('policy_notices')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull().references('policy_versions.version'))
    .addColumn('emailed_at', 'text')
    .addColumn('first_shown_at', 'text')
    .addPrimaryKeyConstraint('policy_notices_pk', ['user_id', 'version'])
    .execute();

  // PRV-9: every sharing of personal data with a third party; `seq` orders the ledger and pages it.
  await db.schema
    .createTable('disclosures')
    .addColumn('seq', seq)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('recipient_kind', 'text', (c) => c.notNull())
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('recipient_address', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('direct_marketing', 'integer', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('subject_email', 'text')
    .addColumn('org_id', 'text')
    .addColumn('recorded_by', 'text')
    .addColumn('reference', 'text')
    .execute();
  await db.schema.createIndex('disclosures_created_idx').on('disclosures').columns(['created_at', 'seq']).execute();
  await db.schema.createIndex('disclosures_subject_idx').on('disclosures').columns(['subject_id', 'created_at']).execute();
  // DSR-7: a requester without an account is found by address.
  await db.schema.createIndex('disclosures_subject_email_idx').on('disclosures').columns(['subject_email', 'created_at']).execute();

  // PRV-7: the outbox knows whom a message is for and which list, so marketing mail is checked at send time.
  await db.schema.alterTable('mail_outbox').addColumn('user_id', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('list', 'text').execute();
  await db.schema
    .createTable('mail_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_campaigns_created_idx').on('mail_campaigns').columns(['created_at', 'id']).execute();
  // The first open of a campaign's message by each recipient, kept only while they allow analytics.
  await db.schema
    .createTable('mail_opens')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('mail_campaigns.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_opens_pk', ['campaign_id', 'user_id'])
    .execute();
  await db.schema.createIndex('mail_opens_user_idx').on('mail_opens').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['mail_opens', 'mail_campaigns', 'disclosures', 'policy_notices', 'policy_acknowledgements', 'policy_versions', 'visitor_links', 'analytics_events', 'consent_events']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.alterTable('mail_outbox').dropColumn('list').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('user_id').execute();
}
