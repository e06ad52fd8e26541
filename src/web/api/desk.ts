// The support desk (SUP-1..SUP-6): staff with the support or owner role; settings (SUP-2, SUP-4) for owner staff.
import type { User } from '../../contracts/common.ts';
import type {
  CloseTicketBody,
  DeskReplyBody,
  Macro,
  QueueItem,
  RequestVerificationBody,
  Specialist,
  StaffMember,
  StaffTicket,
  SupportTargets,
  SupportVerification,
  TargetsBody,
  UpdateTicketBody,
} from '../../contracts/desk.ts';
import type { Attachment, Priority } from '../../contracts/support.ts';
import { authed, download, enc, request } from './client.ts';

export type {
  Macro as SupportMacro,
  QueueItem as DeskTicketSummary,
  Specialist as SupportSpecialist,
  StaffMember,
  StaffTicket as DeskTicket,
  SupportTargets,
  SupportVerification,
} from '../../contracts/desk.ts';
export type SupportTargetsInput = TargetsBody;
/** SUP-6: an account as staff may see it after the admin's verification (never a password). */
export type VerifiedAccount = User;

const desk = '/api/v1/staff/support';

export const deskApi = {
  deskQueue: () => request<{ items: QueueItem[] }>('GET', `${desk}/queue`, authed),
  deskAttachment: (ticketId: string, a: Attachment) =>
    download(`${desk}/tickets/${enc(ticketId)}/attachments/${enc(a.id)}`, {}, a.contentType || '*/*', a.filename),
  deskTicket: (ticketId: string) => request<StaffTicket>('GET', `${desk}/tickets/${enc(ticketId)}`, authed),
  deskReply: (ticketId: string, input: DeskReplyBody) => request<StaffTicket>('POST', `${desk}/tickets/${enc(ticketId)}/messages`, { body: input, ...authed }),
  deskClose: (ticketId: string, input: CloseTicketBody) => request<StaffTicket>('POST', `${desk}/tickets/${enc(ticketId)}/close`, { body: input, ...authed }),
  deskUpdate: (ticketId: string, patch: UpdateTicketBody) => request<StaffTicket>('PATCH', `${desk}/tickets/${enc(ticketId)}`, { body: patch, ...authed }),
  deskMacros: () => request<{ items: Macro[] }>('GET', `${desk}/macros`, authed),
  requestVerification: (ticketId: string, input: RequestVerificationBody) =>
    request<SupportVerification>('POST', `${desk}/tickets/${enc(ticketId)}/verifications`, { body: input, ...authed }),
  verifiedAccount: (ticketId: string, verificationId: string) =>
    request<User>('GET', `${desk}/tickets/${enc(ticketId)}/verifications/${enc(verificationId)}/account`, authed),
  deleteVerifiedAccount: (ticketId: string, verificationId: string) =>
    request<void>('POST', `${desk}/tickets/${enc(ticketId)}/verifications/${enc(verificationId)}/delete-account`, authed),

  supportTargets: () => request<{ items: SupportTargets[] }>('GET', `${desk}/targets`, authed),
  setSupportTargets: (plan: string, priority: Priority, input: TargetsBody) =>
    request<SupportTargets>('PUT', `${desk}/targets/${enc(plan)}/${enc(priority)}`, { body: input, ...authed }),
  setSpecialist: (orgId: string, staffId: string) => request<Specialist>('PUT', `${desk}/orgs/${enc(orgId)}/specialist`, { body: { staffId }, ...authed }),
  findStaff: (q: string) => request<{ items: StaffMember[] }>('GET', '/api/v1/staff/members', { query: { q, limit: 20 }, ...authed }),
  removeSpecialist: (orgId: string) => request<void>('DELETE', `${desk}/orgs/${enc(orgId)}/specialist`, authed),
};
