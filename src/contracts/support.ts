/** SUP-1..SUP-7: support tickets, as an organization's admins open and follow them (the desk's views build on these). */
import { type Static, Type } from 'typebox';
import { Binary, Id, Nullable, NullableEnum, NullableObject, Query, StrictObject, StringEnum } from './common.ts';

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const TICKET_STATUSES = ['open', 'pending', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** SUP-3: why staff closed a ticket; every reason but `resolved` is out of scope. */
export const STAFF_CLOSE_REASON_NAMES = ['resolved', 'end_user_support', 'customization', 'unsupported_protocol_or_equipment', 'professional_services', 'not_english'] as const;
/** Why a ticket was closed: by staff, or (DSR-6) by its organization's deletion, which no one picks. */
export const CLOSE_REASON_NAMES = [...STAFF_CLOSE_REASON_NAMES, 'organization_deleted'] as const;
export type CloseReason = (typeof CLOSE_REASON_NAMES)[number];
export type StaffCloseReason = (typeof STAFF_CLOSE_REASON_NAMES)[number];
export const VERIFICATION_ACTIONS = ['disclose_account', 'delete_account'] as const;
export type VerificationAction = (typeof VERIFICATION_ACTIONS)[number];
export const VERIFICATION_STATUSES = ['pending', 'confirmed', 'used', 'expired'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 50_000;
export const SYSTEM_VERSION_MAX = 100;
export const ATTACHMENTS_MAX = 10;

// ---- attachments -----------------------------------------------------------------------------

/** A file sent with a ticket or a reply. */
export const AttachmentInput = StrictObject({
  filename: Type.String({ minLength: 1, maxLength: 255 }),
  contentType: Type.String({ minLength: 3, maxLength: 255 }),
  contentBase64: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'The file, base64-encoded' }),
});
export type AttachmentInput = Static<typeof AttachmentInput>;
const attachmentsInput = Type.Array(AttachmentInput, { maxItems: ATTACHMENTS_MAX });

export const Attachment = Type.Object({ id: Type.String(), filename: Type.String(), contentType: Type.String(), size: Type.Integer() });
export type Attachment = Static<typeof Attachment>;

/** An attachment's bytes. */
export const AttachmentFile = Binary;

// ---- tickets ---------------------------------------------------------------------------------

export const TicketMessage = Type.Object({
  id: Type.String(),
  author: Type.Object({ kind: StringEnum(['customer', 'staff', 'system']), name: Type.String() }),
  body: Type.String(),
  channel: StringEnum(['web', 'email']),
  autoSubmitted: Type.Boolean({ description: 'An automatic reply (RFC 3834): recorded, changes nothing' }),
  createdAt: Type.String(),
  attachments: Type.Array(Attachment),
});
export type TicketMessage = Static<typeof TicketMessage>;

/** SUP-2: what the organization's plan entitles the ticket to, and why. */
export const TicketEligibility = Type.Object(
  {
    level: StringEnum(['full', 'limited']),
    reason: Type.String(),
    plan: Type.String(),
    fullSupportUntil: Nullable(Type.String()),
  },
  { description: 'SUP-2, computed when the ticket was opened (and when the plan changes)' },
);
export type TicketEligibility = Static<typeof TicketEligibility>;

/** SUP-4: ISO instants; null when that target is not running. */
export const TicketSla = Type.Object(
  {
    paused: Type.Boolean(),
    firstResponseDueAt: Nullable(Type.String()),
    firstRespondedAt: Nullable(Type.String()),
    nextResponseDueAt: Nullable(Type.String()),
    resolutionDueAt: Nullable(Type.String()),
  },
  {
    description:
      'SUP-4: due instants in business hours (Mon–Fri 09:00–17:00 America/Denver, federal holidays excluded); null when no target is running',
  },
);
export type TicketSla = Static<typeof TicketSla>;

export const ticketSummaryProperties = {
  id: Type.String(),
  orgId: Type.String(),
  subject: Type.String(),
  status: StringEnum(TICKET_STATUSES, { description: '`pending` waits on the customer: the service-level clocks are paused' }),
  environment: StringEnum(ENVIRONMENTS),
  productionImpact: Type.Boolean(),
  systemVersion: Nullable(Type.String()),
  priority: StringEnum(PRIORITIES),
  channel: StringEnum(['web', 'email']),
  eligibility: TicketEligibility,
  criticalDefect: Type.Boolean(),
  /** SUP-7: the ticket names a system version past its end of life. */
  endOfLife: NullableObject(Type.Object({ system: Type.String(), version: Type.String(), endOfLifeOn: Nullable(Type.String()) })),
  closeReason: NullableEnum(CLOSE_REASON_NAMES),
  closeReasonText: Nullable(Type.String()),
  /** The desk's own words when it closed the ticket. */
  closeNote: Nullable(Type.String()),
  specialist: NullableObject(Type.Object({ id: Type.String(), name: Type.String() })),
  sla: TicketSla,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  closedAt: Nullable(Type.String()),
};

export const TicketSummary = Type.Object(ticketSummaryProperties);
export type TicketSummary = Static<typeof TicketSummary>;

/** A knowledge-base article that may answer the ticket. */
export const Suggestion = Type.Object({ slug: Type.String(), title: Type.String(), url: Type.String() });
export type Suggestion = Static<typeof Suggestion>;

export const ticketProperties = { ...ticketSummaryProperties, messages: Type.Array(TicketMessage), suggestions: Type.Array(Suggestion) };
export const Ticket = Type.Object(ticketProperties);
export type Ticket = Static<typeof Ticket>;

export const TicketPage = Type.Object({ items: Type.Array(TicketSummary), nextCursor: Nullable(Type.String()) });

export const TicketParams = StrictObject({ orgId: Id, ticketId: Id });
export type TicketParams = Static<typeof TicketParams>;
export const TicketAttachmentParams = StrictObject({ orgId: Id, ticketId: Id, attachmentId: Id });
export type TicketAttachmentParams = Static<typeof TicketAttachmentParams>;

const messageBody = Type.String({ minLength: 1, maxLength: MESSAGE_MAX });

export const OpenTicketBody = StrictObject({
  subject: Type.String({ minLength: 1, maxLength: SUBJECT_MAX }),
  body: messageBody,
  environment: StringEnum(ENVIRONMENTS),
  productionImpact: Type.Boolean(),
  systemVersion: Type.Optional(
    Nullable(Type.String({ maxLength: SYSTEM_VERSION_MAX }), { description: 'e.g. "Ubuntu 22.04"; an end-of-life version is flagged' }),
  ),
  attachments: Type.Optional(attachmentsInput),
});
export type OpenTicketBody = Static<typeof OpenTicketBody>;

export const ReplyBody = StrictObject({ body: messageBody, attachments: Type.Optional(attachmentsInput) });
export type ReplyBody = Static<typeof ReplyBody>;

export const ListTicketsQuery = Query({
  status: Type.Optional(StringEnum(TICKET_STATUSES)),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' })),
});
export type ListTicketsQuery = Static<typeof ListTicketsQuery>;

// ---- SUP-6: verifications, as the ticket's admin sees them -------------------------------------

const verificationToken = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });

export const InspectVerificationBody = StrictObject({ token: verificationToken });
export type InspectVerificationBody = Static<typeof InspectVerificationBody>;

/** The admin's password again (and `code` with TOTP on), or a re-authentication less than five minutes before. */
export const ConfirmVerificationBody = StrictObject({
  token: verificationToken,
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type ConfirmVerificationBody = Static<typeof ConfirmVerificationBody>;

/** SUP-6: what the admin is asked to confirm, from the emailed link. */
export const VerificationRequest = Type.Object({
  action: StringEnum(VERIFICATION_ACTIONS),
  ticketId: Type.String(),
  ticketSubject: Type.String(),
  accountName: Type.String(),
  accountEmail: Type.String(),
  staffName: Type.String(),
  expiresAt: Type.String(),
  status: StringEnum(VERIFICATION_STATUSES),
});
export type VerificationRequest = Static<typeof VerificationRequest>;
