import { sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';

/** DSR-1, DSR-5: the support module's rows about one person, for the personal-data registry. */

export async function ticketsOpenedBy(ex: Executor, accountId: string) {
  return ex.selectFrom('support_tickets').selectAll().where('opened_by', '=', accountId).orderBy('created_at').execute();
}

/** The messages of those tickets, and whatever else the account wrote. */
export async function messagesFor(ex: Executor, accountId: string, ticketIds: readonly string[]) {
  return ex
    .selectFrom('support_messages')
    .selectAll()
    .where((eb) => eb.or([eb('author_id', '=', accountId), ...(ticketIds.length > 0 ? [eb('ticket_id', 'in', ticketIds)] : [])]))
    .orderBy('ticket_id')
    .orderBy('seq')
    .execute();
}

export async function attachmentsOf(ex: Executor, messageIds: readonly string[]) {
  if (messageIds.length === 0) return [];
  return ex.selectFrom('support_attachments').selectAll().where('message_id', 'in', messageIds).orderBy('created_at').execute();
}

export async function verificationsAbout(ex: Executor, accountId: string | null, membershipIds: readonly string[]) {
  const ids = [accountId ?? '', ...membershipIds];
  return ex
    .selectFrom('support_verifications')
    .selectAll()
    .where((eb) => eb.or([eb('target_user_id', 'in', ids), eb('admin_id', 'in', ids), eb('requested_by', 'in', ids)]))
    .orderBy('created_at')
    .execute();
}

export async function deidentifyTicket(ex: Executor, orgId: string, id: string, fields: { requesterName: string; subject: string; closeNote: string | null }): Promise<number> {
  const r = await ex
    .updateTable('support_tickets')
    .set({ opened_by: null, requester_name: fields.requesterName, subject: fields.subject, close_note: fields.closeNote })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deidentifyMessage(ex: Executor, orgId: string, id: string, fields: { authorId: string | null; authorName: string; body: string }): Promise<number> {
  const r = await ex
    .updateTable('support_messages')
    .set({ author_id: fields.authorId, author_name: fields.authorName, body: fields.body })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteAttachments(ex: Executor, messageIds: readonly string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const r = await ex.deleteFrom('support_attachments').where('message_id', 'in', messageIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---- DSR-6: an organization's support records ----------------------------------------------------

export async function ticketsOfOrg(ex: Executor, orgId: string) {
  return ex.selectFrom('support_tickets').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
}

export async function messagesOfOrg(ex: Executor, orgId: string) {
  return ex.selectFrom('support_messages').selectAll().where('org_id', '=', orgId).orderBy('ticket_id').orderBy('seq').execute();
}

export async function deleteOrgAttachments(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.deleteFrom('support_attachments').where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function countOrgVerifications(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.selectFrom('support_verifications').select((eb) => eb.fn.countAll<number | string>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * DSR-6: the organization's tickets still open or pending are closed (`organization_deleted`), their
 * service-level targets cleared and their clocks stopped: no one is left to answer, so none stays
 * in the queue or comes due.
 */
export async function closeOrgTickets(ex: Executor, orgId: string, at: string): Promise<number> {
  const r = await ex
    .updateTable('support_tickets')
    .set({ status: 'closed', closed_at: at, close_reason: 'organization_deleted', first_response_due_at: null, next_response_due_at: null, resolution_due_at: null, updated_at: at })
    .set({ sla_paused_since: sql<string>`coalesce(sla_paused_since, ${at})` })
    .where('org_id', '=', orgId)
    .where('status', '!=', 'closed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The organization's dedicated specialist (SUP-2): an assignment that ends with the organization. */
export async function deleteOrgSpecialist(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.deleteFrom('support_specialists').where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
