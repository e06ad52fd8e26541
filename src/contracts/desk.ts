/** The staff desk (SUP-2..SUP-6): the queue, staff views of tickets, macros, verifications and settings. */
import { type Static, Type } from 'typebox';
import { Id, Items, Nullable, NullableEnum, Query, STAFF_ROLES, StrictObject, StringEnum } from './common.ts';
import {
  STAFF_CLOSE_REASON_NAMES,
  MESSAGE_MAX,
  PRIORITIES,
  VERIFICATION_ACTIONS,
  VERIFICATION_STATUSES,
  ticketProperties,
  ticketSummaryProperties,
} from './support.ts';
import { PLANS } from './users.ts';

/** SUP-6: a request, sent to the admin who opened the ticket, to confirm an action on an account. */
export const SupportVerification = Type.Object({
  id: Type.String(),
  action: StringEnum(VERIFICATION_ACTIONS),
  userId: Type.String(),
  status: StringEnum(VERIFICATION_STATUSES),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  confirmedAt: Nullable(Type.String()),
});
export type SupportVerification = Static<typeof SupportVerification>;

export const QueueItem = Type.Object({ ...ticketSummaryProperties, orgName: Type.String() });
export type QueueItem = Static<typeof QueueItem>;
export const Queue = Items(QueueItem);

export const QueueQuery = Query({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }) });
export type QueueQuery = Static<typeof QueueQuery>;

export const StaffTicket = Type.Object({ ...ticketProperties, orgName: Type.String(), verifications: Type.Array(SupportVerification) });
export type StaffTicket = Static<typeof StaffTicket>;

export const StaffTicketParams = StrictObject({ ticketId: Id });
export type StaffTicketParams = Static<typeof StaffTicketParams>;
export const StaffAttachmentParams = StrictObject({ ticketId: Id, attachmentId: Id });
export type StaffAttachmentParams = Static<typeof StaffAttachmentParams>;
export const VerificationParams = StrictObject({ ticketId: Id, verificationId: Id });
export type VerificationParams = Static<typeof VerificationParams>;

export const DeskReplyBody = StrictObject({
  body: Type.String({ minLength: 1, maxLength: MESSAGE_MAX }),
  waitOnCustomer: Type.Optional(Type.Boolean({ default: true })),
});
export type DeskReplyBody = Static<typeof DeskReplyBody>;

export const CloseTicketBody = StrictObject({ reason: StringEnum(STAFF_CLOSE_REASON_NAMES), note: Type.Optional(Type.String({ maxLength: 2000 })) });
export type CloseTicketBody = Static<typeof CloseTicketBody>;

export const UpdateTicketBody = StrictObject(
  { priority: Type.Optional(StringEnum(PRIORITIES)), criticalDefect: Type.Optional(Type.Boolean()) },
  { minProperties: 1 },
);
export type UpdateTicketBody = Static<typeof UpdateTicketBody>;

/** A prepared answer; SUP-3: the reason to close with when it is an out-of-scope answer. */
export const Macro = Type.Object({ id: Type.String(), title: Type.String(), body: Type.String(), closeReason: NullableEnum(STAFF_CLOSE_REASON_NAMES) });
export type Macro = Static<typeof Macro>;
export const MacroList = Items(Macro);

export const RequestVerificationBody = StrictObject({
  action: StringEnum(VERIFICATION_ACTIONS),
  userId: Type.Optional(Id),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
});
export type RequestVerificationBody = Static<typeof RequestVerificationBody>;

/** SUP-4: one plan and priority's service-level targets, in business hours. */
export const SupportTargets = Type.Object({
  plan: Type.String(),
  priority: StringEnum(PRIORITIES),
  firstResponseHours: Type.Number(),
  nextResponseHours: Type.Number(),
  resolutionHours: Type.Number(),
  updatedAt: Type.String(),
});
export type SupportTargets = Static<typeof SupportTargets>;
export const SupportTargetsList = Items(SupportTargets);

export const TargetsParams = StrictObject({ plan: StringEnum(PLANS), priority: StringEnum(PRIORITIES) });
export type TargetsParams = Static<typeof TargetsParams>;

const hours = Type.Number({ exclusiveMinimum: 0, maximum: 2000 });
export const TargetsBody = StrictObject({ firstResponseHours: hours, nextResponseHours: hours, resolutionHours: hours });
export type TargetsBody = Static<typeof TargetsBody>;

export const SpecialistBody = StrictObject({ staffId: Id });
export type SpecialistBody = Static<typeof SpecialistBody>;

/** SUP-2: a jumpstart organization's dedicated specialist. */
export const Specialist = Type.Object({ orgId: Type.String(), staffId: Type.String(), name: Type.String() });
export type Specialist = Static<typeof Specialist>;

/** `GET /api/v1/staff/members?q=`: desk staff find a colleague by name, address or id (SUP-2 specialists). */
export const StaffMembersQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or address, any case; or the whole id' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
});
export type StaffMembersQuery = Static<typeof StaffMembersQuery>;

/** An active staff member as colleagues find them: never more than who they are and their role. */
export const StaffMember = Type.Object({ id: Type.String(), name: Type.String(), email: Type.String(), staffRole: StringEnum(STAFF_ROLES) });
export type StaffMember = Static<typeof StaffMember>;
export const StaffMemberList = Items(StaffMember);
