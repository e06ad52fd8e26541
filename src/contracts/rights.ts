/** DSR-1, DSR-4, DSR-5: data-subject requests, from the privacy center and for privacy staff. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Query, StrictObject, StringEnum } from './common.ts';

export const REQUEST_KINDS = ['access', 'know', 'correct', 'delete', 'opt_out', 'shine_the_light', 'question', 'complaint'] as const;
export const REGIMES = ['ccpa', 'gdpr', 'other'] as const;
export const CHANNELS = ['web', 'email', 'phone', 'mail', 'in_person'] as const;
export const REQUEST_STATES = ['received', 'acknowledged', 'extended', 'completed'] as const;
export const OUTCOMES = ['complied', 'partly_complied', 'denied'] as const;
export const VERIFICATION_STATES = ['not_required', 'pending', 'verified', 'failed'] as const;
export const DETAILS_MAX = 4000;
export const REASON_MAX = 2000;

const nullable = Nullable(Type.String());
const email = Type.String({ minLength: 3, maxLength: 254, description: 'The address the acknowledgement and the answer go to' });
const details = Type.String({ maxLength: DETAILS_MAX, description: 'What to correct, the question or the complaint, in the requester\'s words' });

export const RequestEvent = Type.Object({
  action: Type.String({ description: '`received`, `acknowledged`, `opted_out`, `extended`, `overdue` or `closed`' }),
  actor: StringEnum(['requester', 'staff', 'system']),
  note: nullable,
  at: Type.String(),
});

const requestFields = {
  id: Type.String(),
  kind: StringEnum(REQUEST_KINDS),
  regime: StringEnum(REGIMES),
  channel: StringEnum(CHANNELS),
  state: StringEnum(REQUEST_STATES),
  receivedAt: Type.String(),
  acknowledgeBy: Type.String({ description: 'DSR-4: the end of the 10th business day after receipt' }),
  acknowledgedAt: nullable,
  dueAt: Type.String({ description: 'DSR-4: 45 calendar days (CCPA, other) or one calendar month (GDPR), later when extended' }),
  extendedAt: nullable,
  outcome: Nullable(Type.String(), { description: '`complied`, `partly_complied` or `denied`, once answered' }),
  respondedAt: nullable,
  overdue: Type.Boolean({ description: 'Past its due date and not answered' }),
  verification: StringEnum(VERIFICATION_STATES, {
    description: 'DSR-2: access, know, correct and delete are fulfilled once `verified`; opt-outs, questions, complaints and Shine the Light need none (`not_required`)',
  }),
  verifiedAt: nullable,
};

/** DSR-1: a request as its requester sees it (by the link token) and as the intake answers it. */
export const PrivacyRequest = Type.Object({ ...requestFields, history: Type.Array(RequestEvent) });
export type PrivacyRequest = Static<typeof PrivacyRequest>;

/** DSR-4: a request as privacy staff see it. */
export const StaffPrivacyRequest = Type.Object({
  ...requestFields,
  email: Type.String(),
  accountId: nullable,
  details: nullable,
  enteredBy: Nullable(Type.String(), { description: 'The staff member who entered it on the subject\'s behalf' }),
  extensionReason: nullable,
  outcomeReason: nullable,
  history: Type.Optional(Type.Array(RequestEvent)),
});
export const StaffPrivacyRequestPage = Type.Object({ items: Type.Array(StaffPrivacyRequest), nextCursor: nullable });

/** DSR-1: the public intake (no account needed; signed in, the account's own address is used). */
export const SubmitRequestBody = StrictObject({
  kind: StringEnum(REQUEST_KINDS),
  regime: StringEnum(REGIMES),
  email: Type.Optional(email),
  details: Type.Optional(details),
});

/** DSR-1: staff enter a request on the subject's behalf, naming the channel it came by. */
export const EnterRequestBody = StrictObject({
  kind: StringEnum(REQUEST_KINDS),
  regime: StringEnum(REGIMES),
  channel: StringEnum(CHANNELS),
  email,
  details: Type.Optional(details),
});

export const RequestParams = StrictObject({ requestId: Id });
export const RequestTokenQuery = Query({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

export const QueueQuery = Query({
  state: Type.Optional(StringEnum(REQUEST_STATES, { description: 'Only requests in this state (default: every open one)' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export const ExtendBody = StrictObject({ reason: Type.String({ minLength: 1, maxLength: REASON_MAX, description: 'Sent to the requester with the notice' }) });

export const CloseBody = StrictObject({
  outcome: StringEnum(OUTCOMES),
  reason: Type.Optional(Type.String({ maxLength: REASON_MAX, description: 'Required for a denial; kept in the request log' })),
});
