/**
 * Tables of the fulfilment of data-subject requests (DSR-1, DSR-5). Instants are ISO-8601 text on
 * both dialects. No copy of the subject's data is ever stored: an access archive is built when it
 * is downloaded, and a deletion certificate names tables and counts, never the person.
 */

/** DSR-1, DSR-5: one row per request that asked for a correction or was fulfilled. */
export interface PrivacyRequestFulfilmentsTable {
  request_id: string;
  /**
   * `awaiting_review` (a correction waiting for staff), `archive_offered` (an access link was
   * mailed), `answered` (know), `corrected`, `correction_denied`, `erased` (delete).
   */
  status: string | null;
  /** DSR-1: what a correction request asks to change: `name` (the account's name). */
  correction_field: string | null;
  /** @personal The value the requester asks for; cleared once the correction is decided. */
  correction_value: string | null;
  /**
   * The answer as JSON: a know request's categories, sources, purposes and third parties, or a
   * deletion's pointers to the organizations that administer the person's memberships (their names
   * only). It names no person.
   */
  answer: string | null;
  /** DSR-5: the deletion certificate as JSON (tables, counts, exceptions, recipients told); no personal data. */
  certificate: string | null;
  /** SHA-256 (hex) of the certificate's canonical JSON. */
  certificate_digest: string | null;
  /** When the deletion's last traces (the answer's mail and the request's address) are to be cleared. */
  sweep_at: string | null;
  created_at: string;
  updated_at: string;
}

/** DSR-1, DSR-5: the requester's download links: hashes only, short-lived and single-use for an archive. */
export interface PrivacyRequestLinksTable {
  id: string;
  request_id: string;
  /** `archive` (single use, 24 hours) or `certificate` (reusable, one year). */
  purpose: string;
  /** SHA-256 of the token; the token itself is only in the mail. */
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface FulfilmentTables {
  privacy_request_fulfilments: PrivacyRequestFulfilmentsTable;
  privacy_request_links: PrivacyRequestLinksTable;
}
