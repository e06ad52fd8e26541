import { type Kysely, sql } from 'kysely';
import { isSqlite } from './util.ts';

/**
 * The support desk (SUP-1 to SUP-6): tickets and their messages, attachments,
 * service-level targets per plan and priority, each organization's dedicated
 * specialist, and the verifications an admin completes before staff may see
 * or delete an account.
 *
 * Booleans are integers (0/1) on both databases. Service-level clocks keep the
 * business time spent waiting on the customer in seconds, so due times can be
 * recomputed exactly when targets change.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('support_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('opened_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requester_name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('production_impact', 'integer', (c) => c.notNull())
    .addColumn('system_version', 'text')
    .addColumn('eol_system', 'text')
    .addColumn('eol_version', 'text')
    .addColumn('eol_on', 'text')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('eligibility', 'text', (c) => c.notNull())
    .addColumn('eligibility_reason', 'text', (c) => c.notNull())
    .addColumn('full_support_until', 'text')
    .addColumn('critical_defect', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('specialist_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('close_reason', 'text')
    .addColumn('close_note', 'text')
    .addColumn('sla_started_at', 'text')
    .addColumn('sla_paused_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sla_paused_since', 'text')
    .addColumn('first_response_due_at', 'text')
    .addColumn('first_responded_at', 'text')
    .addColumn('next_response_started_at', 'text')
    .addColumn('next_response_pause_base', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_response_due_at', 'text')
    .addColumn('resolution_due_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('support_tickets_org').on('support_tickets').columns(['org_id', 'created_at', 'id']).execute();
  // SUP-5: the queue reads the tickets not closed, in order of submission.
  await db.schema.createIndex('support_tickets_queue').on('support_tickets').columns(['status', 'created_at', 'id']).execute();

  await db.schema
    .createTable('support_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('support_tickets.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    // The message's place in its ticket: messages written in the same instant keep their order.
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('author_kind', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // RFC 5322 Message-ID, angle brackets included: replies thread on it (SUP-1).
    .addColumn('message_id', 'text')
    .addColumn('auto_submitted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_messages_ticket').on('support_messages').columns(['ticket_id', 'seq']).unique().execute();
  await db.schema.createIndex('support_messages_message_id').on('support_messages').columns(['org_id', 'message_id']).execute();

  await db.schema
    .createTable('support_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('support_tickets.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull().references('support_messages.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', isSqlite(db) ? 'blob' : sql`bytea`, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_attachments_message').on('support_attachments').columns(['message_id']).execute();

  await db.schema
    .createTable('support_sla_targets')
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('first_response_hours', 'real', (c) => c.notNull())
    .addColumn('next_response_hours', 'real', (c) => c.notNull())
    .addColumn('resolution_hours', 'real', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('support_sla_targets_pk', ['plan', 'priority'])
    .execute();
  // Business hours: first response, next response, resolution.
  const defaults: Record<string, Record<string, [number, number, number]>> = {
    paid: { urgent: [1, 2, 8], high: [2, 4, 16], normal: [8, 8, 40], low: [16, 16, 80] },
    jumpstart: { urgent: [1, 2, 8], high: [2, 4, 16], normal: [8, 8, 40], low: [16, 16, 80] },
    free: { urgent: [4, 8, 24], high: [8, 16, 40], normal: [16, 24, 80], low: [24, 40, 120] },
  };
  const now = new Date().toISOString();
  await db
    .insertInto('support_sla_targets')
    .values(
      Object.entries(defaults).flatMap(([plan, byPriority]) =>
        Object.entries(byPriority).map(([priority, [f, n, r]]) => ({
          plan,
          priority,
          first_response_hours: f,
          next_response_hours: n,
          resolution_hours: r,
          updated_at: now,
          updated_by: null,
        })),
      ),
    )
    .execute();

  await db.schema
    .createTable('support_specialists')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text')
    .execute();

  await db.schema
    .createTable('support_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('support_tickets.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_user_id', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('admin_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('support_verifications_ticket').on('support_verifications').columns(['ticket_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['support_verifications', 'support_specialists', 'support_sla_targets', 'support_attachments', 'support_messages', 'support_tickets']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
