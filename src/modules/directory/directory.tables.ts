/** Tables owned by the directory module (DIR-1 to DIR-4). Every row names its organization (DIR-1). */

/** A customer organization: a tenant. */
export interface OrganizationsTable {
  id: string;
  name: string;
  /** PRO-1: the stable name of its LDAP subtree (`o=<slug>`), made from the name at creation; a rename keeps it. */
  slug: string;
  plan: string;
  /** When a `jumpstart` trial ends (DIR-4). */
  plan_ends_at: string | null;
  company_size: string | null;
  phone: string | null;
  address: string | null;
  /** ACC-5: 1 when every member must have two-step verification on; LDAP and RADIUS then take the code after the password. */
  require_mfa: number;
  created_at: string;
  updated_at: string;
  /** DSR-6: set when the organization's deletion began: nothing reaches it any more, and once erased the row is a tombstone. */
  deleted_at?: string | null;
  /** PRO-4: days a member deprovisioned over SCIM stays suspended before removal (0: at once; null: until an admin removes them). */
  scim_remove_after_days?: number | null;
}

/**
 * An account's entry in one organization: what routes call a "user" and what every protocol shows.
 * `account_id` is null until an invitation is accepted: inviting never looks up or links an account.
 */
export interface MembershipsTable {
  id: string;
  org_id: string;
  /** @personal */
  account_id: string | null;
  /** @personal The address invited; once accepted, the account's own address, kept in step with it. */
  email: string;
  /** @personal */
  email_normalized: string;
  /** @personal The name the organization knows the person by; its admins may change it. */
  name: string;
  /** `admin` or `member`. */
  role: string;
  /** `invited`, `active` or `suspended`. */
  status: string;
  /** @personal */
  username: string | null;
  uid_number: number | null;
  gid_number: number | null;
  /** @personal */
  home_directory: string | null;
  login_shell: string | null;
  /** SHA-256 of the pending invitation's token; null once accepted or revoked. */
  invite_token_hash: string | null;
  invite_expires_at: string | null;
  /** The account of the admin who invited (or re-sent the invitation). */
  invited_by: string | null;
  invited_at: string | null;
  accepted_at: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
  /**
   * DIR-5, SEC-2: the password hash an LDIF import kept from the member's former directory
   * (`{SSHA}…`, `{CRYPT}$6$…`, …), encrypted, until their first successful sign-in or bind replaces it
   * with argon2id (`{ARGON2}$argon2id$…`). Never exported, never shown. Null for most members.
   */
  imported_password_hash_enc?: string | null;
  /** @personal PRO-4: the `userName` a SCIM client gave, as given (null: SCIM shows the username). */
  scim_user_name?: string | null;
  /** @personal The same, lower-cased: unique in the organization (SCIM compares it case-insensitively). */
  scim_user_name_normalized?: string | null;
  /** @personal The person's id in the provisioning client's own system (`externalId`). */
  external_id?: string | null;
  /** @personal The name's parts as a SCIM client gave them; null: read from `name`. */
  given_name?: string | null;
  /** @personal */
  family_name?: string | null;
  /** @personal The enterprise extension's employeeNumber and department. */
  employee_number?: string | null;
  /** @personal */
  department?: string | null;
  /** The membership of the person's manager (enterprise extension), in the same organization. */
  manager_id?: string | null;
  /** PRO-4: when SCIM deprovisioned the member: suspended since, hidden from SCIM, removed per the organization's setting. */
  scim_deleted_at?: string | null;
  /** When the deprovisioned membership is removed (the organization's setting at deprovisioning); null: not automatically. */
  scim_remove_at?: string | null;
  /** When SCIM suspended the member (`active: false`, DELETE); null when an admin did, or nobody: SCIM's `active: true` lifts only its own suspensions. */
  suspended_by_scim?: string | null;
}

/** PRO-4: an organization's SCIM provisioning token; the token itself is shown once. */
export interface ScimTokensTable {
  id: string;
  org_id: string;
  name: string;
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  /** @personal The account of the admin who made it. */
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
}

/** The next free POSIX id of each organization (uidNumber for members, gidNumber for groups). */
export interface PosixCountersTable {
  org_id: string;
  next_id: number;
}
export interface GroupsTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  gid_number: number;
  created_at: string;
  updated_at: string;
  /** PRO-4: the group's id in the provisioning client's own system (`externalId`). */
  external_id?: string | null;
}

export interface GroupMembersTable {
  org_id: string;
  group_id: string;
  user_id: string;
  created_at: string;
}

export interface ResourcesTable {
  id: string;
  org_id: string;
  kind: string;
  name: string;
  /** JSON: kind-specific settings, filled in by the protocol edges. */
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface BindingsTable {
  id: string;
  org_id: string;
  resource_id: string;
  user_id: string | null;
  group_id: string | null;
  created_at: string;
}

/** PRO-1: an identity a system or an application binds to LDAP with, under one LDAP application resource. */
export interface ServiceAccountsTable {
  id: string;
  org_id: string;
  resource_id: string;
  name: string;
  /** SHA-256 (hex) of the generated secret; the secret itself is shown once and never kept. */
  secret_hash: string;
  created_by: string | null;
  created_at: string;
}

export interface DirectoryTables {
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  posix_counters: PosixCountersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  resources: ResourcesTable;
  bindings: BindingsTable;
  service_accounts: ServiceAccountsTable;
  scim_tokens: ScimTokensTable;
}
