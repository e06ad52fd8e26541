import { sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import type {
  SupportAttachmentsTable,
  SupportMessagesTable,
  SupportSlaTargetsTable,
  SupportSpecialistsTable,
  SupportTicketsTable,
  SupportVerificationsTable,
} from './support.tables.ts';

// ---- tickets ----

export async function insertTicket(ex: Executor, row: SupportTicketsTable): Promise<void> {
  await ex.insertInto('support_tickets').values(row).execute();
}

export async function findTicket(ex: Executor, orgId: string, ticketId: string): Promise<SupportTicketsTable | undefined> {
  return ex.selectFrom('support_tickets').selectAll().where('org_id', '=', orgId).where('id', '=', ticketId).executeTakeFirst();
}

/** Staff work across organizations: the ticket's own organization is read from it. */
export async function findTicketForStaff(ex: Executor, ticketId: string): Promise<SupportTicketsTable | undefined> {
  return ex.selectFrom('support_tickets').selectAll().where('id', '=', ticketId).executeTakeFirst();
}

export async function updateTicket(ex: Executor, orgId: string, ticketId: string, patch: Partial<SupportTicketsTable>): Promise<void> {
  await ex.updateTable('support_tickets').set(patch).where('org_id', '=', orgId).where('id', '=', ticketId).execute();
}

/** Newest first; the cursor is the last row's `created_at|id`. */
export async function listOrgTickets(
  ex: Executor,
  orgId: string,
  opts: { status?: string | undefined; limit: number; cursor?: { createdAt: string; id: string } | undefined },
): Promise<SupportTicketsTable[]> {
  let q = ex.selectFrom('support_tickets').selectAll().where('org_id', '=', orgId);
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.cursor) {
    const c = opts.cursor;
    q = q.where((eb) => eb.or([eb('created_at', '<', c.createdAt), eb.and([eb('created_at', '=', c.createdAt), eb('id', '<', c.id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit + 1).execute();
}

/**
 * SUP-5: tickets not closed, production-impacting ones first (a production
 * environment with impact: staging, test and development never move up),
 * then in order of submission.
 */
export async function queue(ex: Executor, limit: number): Promise<SupportTicketsTable[]> {
  return ex
    .selectFrom('support_tickets as t')
    .selectAll('t')
    .where('t.status', 'in', ['open', 'pending'])
    .orderBy(sql`case when t.environment = 'production' and t.production_impact = 1 then 0 else 1 end`)
    .orderBy('t.created_at')
    .orderBy('t.id')
    .limit(limit)
    .execute();
}

export async function listOpenOrgTickets(ex: Executor, orgId: string): Promise<SupportTicketsTable[]> {
  return ex.selectFrom('support_tickets').selectAll().where('org_id', '=', orgId).where('status', '!=', 'closed').execute();
}

export async function listOpenTicketsFor(ex: Executor, plan: string, priority: string): Promise<SupportTicketsTable[]> {
  return ex
    .selectFrom('support_tickets')
    .selectAll()
    .where('plan', '=', plan)
    .where('priority', '=', priority)
    .where('status', '!=', 'closed')
    .execute();
}

// ---- messages and attachments ----

export async function insertMessage(ex: Executor, row: SupportMessagesTable): Promise<void> {
  await ex.insertInto('support_messages').values(row).execute();
}

export async function listMessages(ex: Executor, orgId: string, ticketId: string): Promise<SupportMessagesTable[]> {
  return ex
    .selectFrom('support_messages')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
}

export async function nextMessageSeq(ex: Executor, ticketId: string): Promise<number> {
  const row = await ex.selectFrom('support_messages').select((eb) => eb.fn.max('seq').as('seq')).where('ticket_id', '=', ticketId).executeTakeFirst();
  return Number(row?.seq ?? 0) + 1;
}

/** SUP-1: the organization's ticket one of these Message-IDs belongs to (the latest message wins). */
export async function findTicketIdByMessageIds(ex: Executor, orgId: string, messageIds: string[]): Promise<string | undefined> {
  if (messageIds.length === 0) return undefined;
  const row = await ex
    .selectFrom('support_messages')
    .select('ticket_id')
    .where('org_id', '=', orgId)
    .where('message_id', 'in', messageIds)
    .orderBy('created_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.ticket_id;
}

export async function threadMessageIds(ex: Executor, orgId: string, ticketId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('support_messages')
    .select('message_id')
    .where('org_id', '=', orgId)
    .where('ticket_id', '=', ticketId)
    .where('message_id', 'is not', null)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.message_id as string);
}

export async function insertAttachment(ex: Executor, row: SupportAttachmentsTable): Promise<void> {
  await ex.insertInto('support_attachments').values(row).execute();
}

export async function listAttachmentInfo(ex: Executor, orgId: string, ticketId: string) {
  return ex
    .selectFrom('support_attachments')
    .select(['id', 'message_id', 'filename', 'content_type', 'size'])
    .where('org_id', '=', orgId)
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findAttachment(ex: Executor, orgId: string, ticketId: string, attachmentId: string) {
  return ex
    .selectFrom('support_attachments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('ticket_id', '=', ticketId)
    .where('id', '=', attachmentId)
    .executeTakeFirst();
}

// ---- targets and specialists ----

export async function listTargets(ex: Executor): Promise<SupportSlaTargetsTable[]> {
  return ex.selectFrom('support_sla_targets').selectAll().orderBy('plan').orderBy('priority').execute();
}

export async function findTargets(ex: Executor, plan: string, priority: string): Promise<SupportSlaTargetsTable | undefined> {
  return ex.selectFrom('support_sla_targets').selectAll().where('plan', '=', plan).where('priority', '=', priority).executeTakeFirst();
}

export async function upsertTargets(ex: Executor, row: SupportSlaTargetsTable): Promise<void> {
  await ex
    .insertInto('support_sla_targets')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['plan', 'priority']).doUpdateSet({
        first_response_hours: row.first_response_hours,
        next_response_hours: row.next_response_hours,
        resolution_hours: row.resolution_hours,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      }),
    )
    .execute();
}

export async function findSpecialist(ex: Executor, orgId: string): Promise<SupportSpecialistsTable | undefined> {
  return ex.selectFrom('support_specialists').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

export async function setSpecialist(ex: Executor, row: SupportSpecialistsTable): Promise<void> {
  await ex
    .insertInto('support_specialists')
    .values(row)
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ staff_id: row.staff_id, assigned_at: row.assigned_at, assigned_by: row.assigned_by }))
    .execute();
}

export async function deleteSpecialist(ex: Executor, orgId: string): Promise<boolean> {
  const r = await ex.deleteFrom('support_specialists').where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// ---- verifications (SUP-6) ----

export async function insertVerification(ex: Executor, row: SupportVerificationsTable): Promise<void> {
  await ex.insertInto('support_verifications').values(row).execute();
}

export async function findVerificationByHash(ex: Executor, tokenHash: string): Promise<SupportVerificationsTable | undefined> {
  return ex.selectFrom('support_verifications').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findVerification(ex: Executor, ticketId: string, id: string): Promise<SupportVerificationsTable | undefined> {
  return ex.selectFrom('support_verifications').selectAll().where('ticket_id', '=', ticketId).where('id', '=', id).executeTakeFirst();
}

export async function listVerifications(ex: Executor, ticketId: string): Promise<SupportVerificationsTable[]> {
  return ex.selectFrom('support_verifications').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id').execute();
}

/** Moves a verification from one status to the next; false when another request moved it first. */
export async function moveVerification(ex: Executor, id: string, from: string, patch: Partial<SupportVerificationsTable>): Promise<boolean> {
  const r = await ex.updateTable('support_verifications').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
