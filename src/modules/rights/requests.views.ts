import type { Regime } from './deadlines.ts';
import type { ChecklistView } from './verification.views.ts';
import type { PrivacyRequestEventsTable, PrivacyRequestsTable, ShineTheLightRequestsTable } from './rights.tables.ts';

/** DSR-1: what a request may be about. */
export const REQUEST_KINDS = ['access', 'know', 'correct', 'delete', 'opt_out', 'shine_the_light', 'question', 'complaint'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
/** DSR-1, DSR-5: how a request came in; `web` is the privacy center or the account's settings. */
export const CHANNELS = ['web', 'email', 'phone', 'mail', 'fax', 'in_person'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Staff enter requests that came by any channel but the web (the requester uses the web themselves). */
export const STAFF_CHANNELS = CHANNELS;
export const REQUEST_STATES = ['received', 'acknowledged', 'extended', 'completed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const OPEN_STATES: readonly RequestState[] = ['received', 'acknowledged', 'extended'];
export const OUTCOMES = ['complied', 'partly_complied', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const VERIFICATION_STATES = ['not_required', 'pending', 'verified', 'failed'] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

export const DETAILS_MAX = 4000;
export const REASON_MAX = 2000;

export interface RequestEventView {
  action: string;
  actor: 'requester' | 'staff' | 'system';
  note: string | null;
  at: string;
}

/** DSR-1: a request as its requester sees it: state, due dates and history, nothing that tells whether an account exists. */
export interface RequestView {
  id: string;
  kind: RequestKind;
  regime: Regime;
  channel: Channel;
  state: RequestState;
  receivedAt: string;
  acknowledgeBy: string;
  acknowledgedAt: string | null;
  dueAt: string;
  extendedAt: string | null;
  outcome: Outcome | null;
  respondedAt: string | null;
  /** DSR-4: past its due date and not answered. */
  overdue: boolean;
  /** DSR-2: where the requester's verification stands. */
  verification: VerificationState;
  verifiedAt: string | null;
  /** DSR-2: what verification still needs (`reauthentication`, `email_link`, `data_points:3`, `declaration`, `residence`, `subject_confirmation`). */
  verificationNeeds: string[];
  history: RequestEventView[];
}

/** DSR-4: a request as privacy staff see it, in the queue and on its own. */
export interface StaffRequestView extends Omit<RequestView, 'history'> {
  email: string;
  accountId: string | null;
  details: string | null;
  enteredBy: string | null;
  extensionReason: string | null;
  outcomeReason: string | null;
  /** DSR-7: what a Shine the Light request carried, its flag and its answer. */
  shineTheLight?: ShineTheLightView;
  /** DSR-2, DSR-3: the verification checklist, on a request shown on its own. */
  verificationChecklist?: ChecklistView;
  history?: RequestEventView[];
}

export interface ShineTheLightView {
  name: string | null;
  street: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  secondInYear: boolean;
  answeredYear: number | null;
  answer: unknown;
}

const toShineTheLightView = (s: ShineTheLightRequestsTable): ShineTheLightView => ({
  name: s.name,
  street: s.street,
  city: s.city,
  state: s.state,
  zip: s.zip,
  secondInYear: s.second_in_year === 1,
  answeredYear: s.answered_year,
  answer: s.answer ? (JSON.parse(s.answer) as unknown) : null,
});

export const isOverdue = (r: PrivacyRequestsTable, now: Date): boolean => r.state !== 'completed' && new Date(r.due_at).getTime() < now.getTime();

export const toEventView = (e: PrivacyRequestEventsTable): RequestEventView => ({ action: e.action, actor: e.actor_type as RequestEventView['actor'], note: e.note, at: e.at });

export function toRequestView(r: PrivacyRequestsTable, events: PrivacyRequestEventsTable[], now: Date): RequestView {
  return {
    id: r.id,
    kind: r.kind as RequestKind,
    regime: r.regime as Regime,
    channel: r.channel as Channel,
    state: r.state as RequestState,
    receivedAt: r.received_at,
    acknowledgeBy: r.acknowledge_by,
    acknowledgedAt: r.acknowledged_at,
    dueAt: r.due_at,
    extendedAt: r.extended_at,
    outcome: r.outcome as Outcome | null,
    respondedAt: r.responded_at,
    overdue: isOverdue(r, now),
    verification: r.verification as VerificationState,
    verifiedAt: r.verified_at,
    // Who may be told more is decided by the caller (requests.verification.ts); by default only where to start.
    verificationNeeds: r.verification === 'pending' && r.state !== 'completed' ? ['email_link'] : [],
    history: events.map(toEventView),
  };
}

export function toStaffView(r: PrivacyRequestsTable, events: PrivacyRequestEventsTable[] | null, now: Date, stl?: ShineTheLightRequestsTable): StaffRequestView {
  const { history, ...base } = toRequestView(r, events ?? [], now);
  return {
    ...base,
    // DSR-2: staff may know a request is about an account; one shown on its own says the rest (requests.verification.ts).
    verificationNeeds: base.verificationNeeds.length > 0 && r.account_id ? ['reauthentication'] : base.verificationNeeds,
    email: r.email,
    accountId: r.account_id,
    details: r.details,
    enteredBy: r.entered_by,
    extensionReason: r.extension_reason,
    outcomeReason: r.outcome_reason,
    ...(stl ? { shineTheLight: toShineTheLightView(stl) } : {}),
    ...(events ? { history } : {}),
  };
}
