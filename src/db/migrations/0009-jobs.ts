import { type Kysely, sql } from 'kysely';

/**
 * One jobs table for all background work, and the mail outbox as one kind of
 * job (`mail.send`).
 *
 * The outbox keeps what a message is (recipient, subject, encrypted body,
 * category, outcome), since it holds personal data the mail module owns; the
 * scheduling (attempts to come, next attempt, lease, claimant) moves to the
 * job, whose payload is only the message's id. So each queued or in-flight
 * message becomes a queued `mail.send` job, due when its next attempt was.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('jobs_status', sql`status in ('queued', 'running', 'done', 'failed')`)
    .execute();
  // A claim reads a range of one of these in order: due queued jobs of a kind by run_at, or
  // running jobs of a kind whose lease ran out. Partial, so finished jobs never weigh on them.
  await db.schema.createIndex('jobs_queued_idx').on('jobs').columns(['kind', 'run_at']).where(sql.ref('status'), '=', 'queued').execute();
  await db.schema.createIndex('jobs_leased_idx').on('jobs').columns(['kind', 'lease_expires_at']).where(sql.ref('status'), '=', 'running').execute();
  await db.schema.createIndex('jobs_done_idx').on('jobs').column('updated_at').where(sql.ref('status'), '=', 'done').execute();
  // NULL keys are distinct on both databases: only keyed jobs are deduplicated.
  await db.schema.createIndex('jobs_dedupe_idx').on('jobs').columns(['kind', 'dedupe_key']).unique().execute();

  // Queued mail, and mail a stopped node was sending (it is sent again, as a lapsed lease would
  // have had it), become jobs. Outbox ids are `mail_` and base64url, safe inside a JSON string.
  // 8 is CASTELLAN_MAIL_MAX_ATTEMPTS's default (a migration cannot read the settings); a message
  // that had used them up still gets one more attempt.
  const now = new Date().toISOString();
  await sql`
    insert into jobs (id, kind, payload, status, run_at, attempts, max_attempts, lease_owner, lease_expires_at, last_error, dedupe_key, created_at, updated_at)
    select 'job_' || id, 'mail.send', '{"mailId":"' || id || '"}', 'queued', next_attempt_at, attempts,
           case when attempts < 8 then 8 else attempts + 1 end, null, null, last_error, null, created_at, ${now}
    from mail_outbox where status in ('queued', 'sending')`.execute(db);
  await db.updateTable('mail_outbox').set({ status: 'queued' }).where('status', '=', 'sending').execute();

  await db.schema.dropIndex('mail_outbox_due_idx').execute();
  for (const column of ['next_attempt_at', 'lease_until', 'claimed_by']) {
    await db.schema.alterTable('mail_outbox').dropColumn(column).execute();
  }
  // The node that handed the message to the transport (the outbox used to keep its last claimant).
  await db.schema.alterTable('mail_outbox').addColumn('sent_by', 'text').execute();
  // /metrics counts messages by status at every scrape.
  await db.schema.createIndex('mail_outbox_status_idx').on('mail_outbox').column('status').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('mail_outbox_status_idx').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('sent_by').execute();
  await db.schema.alterTable('mail_outbox').addColumn('next_attempt_at', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('lease_until', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('claimed_by', 'text').execute();
  await sql`update mail_outbox set next_attempt_at = coalesce(
      (select run_at from jobs where jobs.kind = 'mail.send' and jobs.payload = '{"mailId":"' || mail_outbox.id || '"}'),
      created_at)`.execute(db);
  await db.schema.createIndex('mail_outbox_due_idx').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.dropTable('jobs').execute();
}
