import type { ChildReportEventsTable, ChildReportsTable } from './child-reports.tables.ts';

export const CHILD_REPORT_STATES = ['received', 'confirmed', 'erased', 'closed', 'dismissed'] as const;
export type ChildReportState = (typeof CHILD_REPORT_STATES)[number];
export const CHILD_REPORT_OUTCOMES = ['erased', 'no_account', 'dismissed'] as const;
export type ChildReportOutcome = (typeof CHILD_REPORT_OUTCOMES)[number];
export const CHILD_DETAILS_MAX = 4000;

/** DSR-8: how long a confirmed report waits before the account is erased, so a mistaken confirmation can still be dismissed. */
export const ERASURE_DELAY_MS = 24 * 60 * 60 * 1000;

/** DSR-8: all the reporter is told, whatever the address: never whether an account has it. */
export interface ChildReportReceipt {
  id: string;
  state: 'received';
}

export interface ChildReportEventView {
  action: string;
  actor: 'reporter' | 'staff' | 'system';
  note: string | null;
  at: string;
}

/** DSR-8: a report as privacy staff see it. */
export interface StaffChildReportView {
  id: string;
  state: ChildReportState;
  email: string;
  accountId: string | null;
  details: string | null;
  outcome: ChildReportOutcome | null;
  decidedBy: string | null;
  dismissReason: string | null;
  receivedAt: string;
  confirmedAt: string | null;
  eraseAt: string | null;
  erasedAt: string | null;
  dismissedAt: string | null;
  history?: ChildReportEventView[];
}

export const toChildEventView = (e: ChildReportEventsTable): ChildReportEventView => ({ action: e.action, actor: e.actor_type as ChildReportEventView['actor'], note: e.note, at: e.at });

export function toStaffChildReport(r: ChildReportsTable, events: ChildReportEventsTable[] | null): StaffChildReportView {
  return {
    id: r.id,
    state: r.state as ChildReportState,
    email: r.email_normalized,
    accountId: r.account_id,
    details: r.details,
    outcome: r.outcome as ChildReportOutcome | null,
    decidedBy: r.decided_by,
    dismissReason: r.dismiss_reason,
    receivedAt: r.received_at,
    confirmedAt: r.confirmed_at,
    eraseAt: r.erase_at,
    erasedAt: r.erased_at,
    dismissedAt: r.dismissed_at,
    ...(events ? { history: events.map(toChildEventView) } : {}),
  };
}
