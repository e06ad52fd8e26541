import type { SupportVerification } from '../../contracts/desk.ts';
import type { Attachment, Ticket, TicketMessage, TicketSummary as TicketSummaryContract } from '../../contracts/support.ts';
import type { SupportMessagesTable, SupportTicketsTable, SupportVerificationsTable } from './support.tables.ts';

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const TICKET_STATUSES = ['open', 'pending', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** SUP-3: why staff closed a ticket; every reason but `resolved` is out of scope, and the customer sees it. */
export const CLOSE_REASONS = {
  resolved: 'Resolved.',
  end_user_support:
    "Out of scope: end-user support. Your organization's users are supported by your own administrators; we support the administrators.",
  customization: 'Out of scope: customizations of Castellan are not part of support.',
  unsupported_protocol_or_equipment:
    'Out of scope: the protocol or equipment is not supported. The supported protocols and system versions are listed in the knowledge base.',
  professional_services: 'Out of scope: this needs professional services (design, deployment or development work), which support does not provide.',
  not_english: 'Out of scope: support is given in English only. Please write to us in English.',
  /** DSR-6: closed by the organization's deletion, never by staff. */
  organization_deleted: 'Closed: the organization was deleted.',
} as const;
export type CloseReason = keyof typeof CLOSE_REASONS;
export const CLOSE_REASON_NAMES = Object.keys(CLOSE_REASONS) as CloseReason[];
/** The reasons staff may close a ticket with (SUP-3). */
export const STAFF_CLOSE_REASON_NAMES = CLOSE_REASON_NAMES.filter((r) => r !== 'organization_deleted');

export const VERIFICATION_ACTIONS = ['disclose_account', 'delete_account'] as const;
export type VerificationAction = (typeof VERIFICATION_ACTIONS)[number];

// The views are the HTTP contract's types (src/contracts): one definition for the server and the web app.
export type AttachmentInfo = Attachment;
export type MessageView = TicketMessage;
export type TicketSummary = TicketSummaryContract;
export type TicketView = Ticket;
export type VerificationView = SupportVerification;

export function toTicketSummary(t: SupportTicketsTable, specialistName: string | null): TicketSummary {
  const reason = t.close_reason as CloseReason | null;
  return {
    id: t.id,
    orgId: t.org_id,
    subject: t.subject,
    status: t.status as TicketStatus,
    environment: t.environment as Environment,
    productionImpact: t.production_impact === 1,
    systemVersion: t.system_version,
    priority: t.priority as Priority,
    channel: t.channel as TicketSummary['channel'],
    eligibility: {
      level: t.eligibility as 'full' | 'limited',
      reason: t.eligibility_reason,
      plan: t.plan,
      fullSupportUntil: t.full_support_until,
    },
    criticalDefect: t.critical_defect === 1,
    endOfLife: t.eol_system && t.eol_version ? { system: t.eol_system, version: t.eol_version, endOfLifeOn: t.eol_on } : null,
    closeReason: reason,
    closeReasonText: reason ? CLOSE_REASONS[reason] : null,
    closeNote: t.close_note,
    specialist: t.specialist_id ? { id: t.specialist_id, name: specialistName ?? 'Your specialist' } : null,
    sla: {
      paused: t.status !== 'closed' && t.sla_started_at !== null && t.sla_paused_since !== null,
      firstResponseDueAt: t.first_response_due_at,
      firstRespondedAt: t.first_responded_at,
      nextResponseDueAt: t.next_response_due_at,
      resolutionDueAt: t.resolution_due_at,
    },
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    closedAt: t.closed_at,
  };
}

export function toMessageView(m: SupportMessagesTable, attachments: AttachmentInfo[]): MessageView {
  return {
    id: m.id,
    author: { kind: m.author_kind as MessageView['author']['kind'], name: m.author_name },
    body: m.body,
    channel: m.channel as MessageView['channel'],
    autoSubmitted: m.auto_submitted === 1,
    createdAt: m.created_at,
    attachments,
  };
}

export function toVerificationView(v: SupportVerificationsTable, now: Date): VerificationView {
  const expired = (v.status === 'pending' || v.status === 'confirmed') && new Date(v.expires_at) <= now;
  return {
    id: v.id,
    action: v.action as VerificationAction,
    userId: v.target_user_id,
    status: expired ? 'expired' : (v.status as VerificationView['status']),
    createdAt: v.created_at,
    expiresAt: v.expires_at,
    confirmedAt: v.confirmed_at,
  };
}
