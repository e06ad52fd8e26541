/**
 * Tables of data-subject request verification (DSR-2) and authorized agents (DSR-3), owned by the
 * rights module. Instants are ISO-8601 text on both dialects; columns holding personal data carry
 * `@personal`.
 */

/** DSR-2, DSR-3: where one request's verification stands, step by step; one row per request, made at its first step. */
export interface PrivacyRequestVerificationsTable {
  request_id: string;
  /** The emailed link was used to take a verification step (the email loop). */
  email_confirmed_at: string | null;
  /** Data-point attempts, and those that failed; too many failed ones fail the verification. */
  attempts: number;
  failed_attempts: number;
  /** Data points the last attempt needed, and how many of them matched. */
  points_required: number | null;
  points_matched: number | null;
  /** JSON array of the kinds of data point that matched (`name`, `organization`, ...): never their values. */
  matched_keys: string | null;
  /** @personal The name signed under the declaration under penalty of perjury. */
  declaration_name: string | null;
  declared_at: string | null;
  /** @personal The state of residence attested (`CA` for a CCPA request). */
  residence: string | null;
  residence_attested_at: string | null;
  /** When the subject's identity was established, and how: `reauthentication`, `subject` or `agent` (data points by that link), or `staff` (a staff decision). */
  identity_verified_at: string | null;
  identity_verified_by: string | null;
  /** DSR-3: the subject confirmed directly a request their agent made. */
  subject_confirmed_at: string | null;
  /** A privacy staff member's decision for a request verified outside the web (phone, in person, an agent's documents). */
  decided_by: string | null;
  /** `verified` or `failed`. */
  decision: string | null;
  /** How staff verified it: `phone`, `in_person`, `mail`, `agent_documents` or `other`. */
  decision_method: string | null;
  /** @personal What staff wrote of how they verified (or why not). */
  decision_note: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

/** DSR-3: the authorized agent who made a request, and the signed authorization they uploaded. */
export interface PrivacyRequestAgentsTable {
  request_id: string;
  /** @personal */
  name: string;
  /** @personal The agent's address: their own link to follow the request goes there. */
  email: string;
  /** @personal */
  email_normalized: string;
  /** SHA-256 of the agent's link token: the token itself is only in the agent's mail. */
  token_hash: string;
  /** @personal The authorization's file name as uploaded. */
  filename: string;
  /** `application/pdf`, `image/png` or `image/jpeg`, as its content shows. */
  content_type: string;
  size: number;
  /** SHA-256 of the file, so staff can tell which document they checked. */
  sha256: string;
  /** @personal The signed authorization itself; null once erased. */
  content: Buffer | null;
  created_at: string;
  updated_at: string;
}

export interface VerificationTables {
  privacy_request_verifications: PrivacyRequestVerificationsTable;
  privacy_request_agents: PrivacyRequestAgentsTable;
}
