/** Tables owned by the accounts module. Columns are snake_case; times are ISO-8601 UTC strings. */

/** A person on this instance, one per email: credentials, MFA, staff role. Memberships are the directory's. */
export interface AccountsTable {
  id: string;
  /** @personal */
  email: string;
  /** @personal Lower-cased: unique across the instance. */
  email_normalized: string;
  /** @personal */
  name: string;
  password_hash: string | null;
  email_verified_at: string | null;
  /** `active`, or `disabled` for a staff member the operator turned off. */
  status: string;
  /** Null for people of organizations; one of STAFF_ROLES for the operator's staff. */
  staff_role: string | null;
  totp_secret_enc: string | null;
  totp_enabled_at: string | null;
  totp_last_step: number | null;
  created_at: string;
  updated_at: string;
  /** @personal ACC-4: the Google account's stable subject identifier (`sub`), unique; null when none is linked. */
  google_sub?: string | null;
  /** @personal ACC-4: the address Google gave at the last sign-in (never the key). */
  google_email?: string | null;
  /** @personal ACC-4: the given name Google gave. */
  google_given_name?: string | null;
  /** @personal ACC-4: the family name Google gave. */
  google_family_name?: string | null;
  /** ACC-4: when the Google account was linked. */
  google_linked_at?: string | null;
}

export interface SessionsTable {
  id: string;
  /** @personal */
  account_id: string;
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** @personal */
  ip: string | null;
  /** @personal */
  user_agent: string | null;
  /** When the person last re-entered their password (and code) on this session (ACC-5, ACC-7). */
  reauthenticated_at: string | null;
}

export interface OneTimeTokensTable {
  id: string;
  /** @personal */
  account_id: string;
  purpose: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
  /** @personal Encrypted detail the token is about (the new address of an email change); null for most purposes. */
  detail_enc?: string | null;
}

export interface RecoveryCodesTable {
  id: string;
  /** @personal */
  account_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface ThrottlesTable {
  key: string;
  count: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface AccountsTables {
  accounts: AccountsTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  recovery_codes: RecoveryCodesTable;
  throttles: ThrottlesTable;
}
