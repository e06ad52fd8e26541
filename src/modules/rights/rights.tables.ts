/**
 * Tables owned by the rights module (DSR-1, DSR-4, DSR-5). Instants are ISO-8601 text on both
 * dialects. Columns that hold personal data carry `@personal`; the request log holds none, so the
 * deletion it records leaves it whole (DSR-5).
 */

/** DSR-1: one data-subject request, its state and its deadlines (DSR-4). */
export interface PrivacyRequestsTable {
  id: string;
  /** `access`, `know`, `correct`, `delete`, `opt_out`, `shine_the_light`, `question` or `complaint`. */
  kind: string;
  /** `ccpa`, `gdpr` or `other`. */
  regime: string;
  /** How it came in: `web` (the privacy center or the account), `email`, `phone`, `mail`, `in_person`. */
  channel: string;
  /** `received`, `acknowledged`, `extended` or `completed`. */
  state: string;
  /** @personal The address the requester gave, or the signed-in account's. */
  email: string;
  /** @personal The same address, lowercased, to find the account by (never shown). */
  email_normalized: string;
  /** @personal The account the request is about, when one was signed in or found by the address. */
  account_id: string | null;
  /** @personal What the requester wrote (what to correct, the question, the complaint). */
  details: string | null;
  /** SHA-256 of the requester's link token: the token itself is only in the acknowledgement mail. */
  token_hash: string;
  /** The staff member who entered it on the subject's behalf (DSR-1), else null. */
  entered_by: string | null;
  received_at: string;
  acknowledge_by: string;
  acknowledged_at: string | null;
  due_at: string;
  extended_at: string | null;
  extension_reason: string | null;
  /** `complied`, `partly_complied` or `denied`, once answered. */
  outcome: string | null;
  /** Why it was denied (required for a denial), or a note on a partial answer. */
  outcome_reason: string | null;
  responded_at: string | null;
  /**
   * DSR-2, DSR-3: `not_required` (opt-outs, questions, complaints, Shine the Light), `pending`,
   * `verified` or `failed`. Access, know, correct and delete are fulfilled only once `verified`.
   */
  verification: string;
  /** How it was verified: `reauthentication`, `email_and_data_points`, `agent_and_subject` or `staff`. */
  verification_method: string | null;
  verified_at: string | null;
  /** When the deadline job found it past its due date unanswered (DSR-4: overdue ones stand out). */
  overdue_at: string | null;
  created_at: string;
  updated_at: string;
}

/** DSR-1: each step of a request, in order: its history. */
export interface PrivacyRequestEventsTable {
  id: string;
  request_id: string;
  /** 1, 2, ... within the request: orders steps taken in the same instant. */
  seq: number;
  /** `received`, `acknowledged`, `opted_out`, `extended`, `overdue`, `closed`. */
  action: string;
  /** `requester`, `staff` or `system`. */
  actor_type: string;
  actor_id: string | null;
  /** A short note for people (an extension's or a denial's reason); never the requester's data. */
  note: string | null;
  at: string;
}

/**
 * DSR-5: the request log, one row per request, kept at least 24 months and readable only by privacy
 * staff. It holds no personal data (no address, account or text), so a deletion request's erasure
 * has nothing to take from it and the log keeps the record of that very deletion.
 */
export interface PrivacyRequestLogTable {
  request_id: string;
  received_at: string;
  kind: string;
  channel: string;
  regime: string;
  responded_at: string | null;
  outcome: string | null;
  /** The reason for a denial (DSR-5); staff write it for the log, without the requester's data. */
  denial_reason: string | null;
}

/**
 * DSR-7: what a "Your California Privacy Rights" request carried, and its answer. One row per
 * request of that kind; none for a request by telephone, mail or fax but the flag and the channel.
 */
export interface ShineTheLightRequestsTable {
  request_id: string;
  site_name: string | null;
  statement: string | null;
  /** @personal */
  name: string | null;
  /** @personal */
  street: string | null;
  /** @personal */
  city: string | null;
  /** @personal */
  state: string | null;
  /** @personal */
  zip: string | null;
  /** 1 when the same person made another such request earlier in the same calendar year (flagged to staff). */
  second_in_year: number;
  /** The calendar year the answer covers (the one before the request's). */
  answered_year: number | null;
  /** @personal The answer sent: JSON `{year, recipients: [{name, address, categories}], categories}`. */
  answer: string | null;
}

export interface RightsTables {
  shine_the_light_requests: ShineTheLightRequestsTable;
  privacy_requests: PrivacyRequestsTable;
  privacy_request_events: PrivacyRequestEventsTable;
  privacy_request_log: PrivacyRequestLogTable;
}
