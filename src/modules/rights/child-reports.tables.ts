/**
 * DSR-8: reports of a suspected child's account, and each report's history. Instants are ISO-8601
 * text on both dialects. The reporter is anonymous: nothing about them is stored.
 */

/** DSR-8: one report of a suspected under-16 account. */
export interface ChildReportsTable {
  id: string;
  /** `received`, `confirmed` (erasure scheduled), `erased`, `closed` (no account had the address) or `dismissed`. */
  state: string;
  /** @personal The reported address, lowercased. */
  email_normalized: string;
  /** @personal The account that had the address when the report came in (never told to the reporter). */
  account_id: string | null;
  /** @personal What the reporter wrote. */
  details: string | null;
  /** `erased`, `no_account` or `dismissed`, once the report is over. */
  outcome: string | null;
  /** The staff member who confirmed or dismissed it. */
  decided_by: string | null;
  /** Why it was dismissed. */
  dismiss_reason: string | null;
  received_at: string;
  confirmed_at: string | null;
  /** When the erasure job runs (confirmation plus the waiting period). */
  erase_at: string | null;
  erased_at: string | null;
  dismissed_at: string | null;
  updated_at: string;
}

/** DSR-8: each step of a report, in order: its history. */
export interface ChildReportEventsTable {
  id: string;
  report_id: string;
  /** 1, 2, ... within the report. */
  seq: number;
  /** `received`, `confirmed`, `opted_out`, `sessions_ended`, `erasure_scheduled`, `erased`, `closed`, `dismissed`. */
  action: string;
  /** `reporter`, `staff` or `system`. */
  actor_type: string;
  actor_id: string | null;
  /** A short note for people; never the reported address. */
  note: string | null;
  at: string;
}

export interface ChildReportTables {
  child_reports: ChildReportsTable;
  child_report_events: ChildReportEventsTable;
}
