/** Tables owned by the accounts module. Columns are snake_case; times are ISO-8601 UTC strings. */
export interface OrganizationsTable {
  id: string;
  name: string;
  plan: string;
  /** When a `jumpstart` trial ends (DIR-4). */
  plan_ends_at: string | null;
  company_size: string | null;
  phone: string | null;
  address: string | null;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  /** Null for the operator's staff, who belong to no customer organization. */
  org_id: string | null;
  org_role: string | null;
  staff_role: string | null;
  email: string;
  email_normalized: string;
  name: string;
  password_hash: string | null;
  email_verified_at: string | null;
  status: string;
  totp_secret_enc: string | null;
  totp_enabled_at: string | null;
  totp_last_step: number | null;
  username: string | null;
  uid_number: number | null;
  gid_number: number | null;
  home_directory: string | null;
  login_shell: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface OneTimeTokensTable {
  id: string;
  user_id: string;
  purpose: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
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

/** The next free POSIX id of each organization (uidNumber for users, gidNumber for groups). */
export interface PosixCountersTable {
  org_id: string;
  next_id: number;
}

export interface AccountsTables {
  posix_counters: PosixCountersTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  recovery_codes: RecoveryCodesTable;
  throttles: ThrottlesTable;
}
