// Support tickets (SUP-1..SUP-7): the organization's admins; and SUP-6 verifications from the emailed link.
import type { Page } from '../../contracts/common.ts';
import type { Attachment, ListTicketsQuery, OpenTicketBody, ReplyBody, Ticket, TicketSummary, VerificationRequest } from '../../contracts/support.ts';
import { authed, download, org, request, enc } from './client.ts';

export type {
  AttachmentInput,
  CloseReason,
  Attachment as TicketAttachment,
  TicketEligibility,
  TicketMessage,
  TicketSla,
  TicketStatus,
  TicketSummary,
  Ticket,
  VerificationAction,
  VerificationRequest,
  Environment as TicketEnvironment,
  Priority as TicketPriority,
} from '../../contracts/support.ts';
export type NewTicketInput = OpenTicketBody;

export const supportApi = {
  listTickets: (orgId: string, query: Partial<ListTicketsQuery> = {}) =>
    request<Page<TicketSummary>>('GET', `${org(orgId)}/support/tickets`, { query: { ...query }, ...authed }),
  getTicket: (orgId: string, ticketId: string) => request<Ticket>('GET', `${org(orgId)}/support/tickets/${enc(ticketId)}`, authed),
  openTicket: (orgId: string, input: OpenTicketBody) => request<Ticket>('POST', `${org(orgId)}/support/tickets`, { body: input, ...authed }),
  replyToTicket: (orgId: string, ticketId: string, input: ReplyBody) =>
    request<Ticket>('POST', `${org(orgId)}/support/tickets/${enc(ticketId)}/messages`, { body: input, ...authed }),
  resolveTicket: (orgId: string, ticketId: string) => request<Ticket>('POST', `${org(orgId)}/support/tickets/${enc(ticketId)}/resolve`, authed),
  ticketAttachment: (orgId: string, ticketId: string, a: Attachment) =>
    download(`${org(orgId)}/support/tickets/${enc(ticketId)}/attachments/${enc(a.id)}`, {}, a.contentType || '*/*', a.filename),
  /** SUP-6: the emailed link's request, for the admin it was sent to (the token goes in the body, never in a URL). */
  inspectVerification: (token: string) => request<VerificationRequest>('POST', '/api/v1/support/verifications/inspect', { body: { token }, ...authed }),
  confirmVerification: (token: string, proof: { password?: string; code?: string }) =>
    request<VerificationRequest>('POST', '/api/v1/support/verifications/confirm', { body: { token, ...proof }, ...authed }),
};
