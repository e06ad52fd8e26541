import { AppError } from '../../core/errors.ts';
import { AccountsErrors } from './accounts.errors.ts';
import type { OrganizationsTable, UsersTable } from './accounts.tables.ts';

export const STAFF_ROLES = ['owner', 'support', 'privacy', 'billing'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type OrgRole = 'admin' | 'member';

export interface UserView {
  id: string;
  kind: 'user' | 'staff';
  email: string;
  name: string;
  status: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  orgId: string | null;
  orgRole: OrgRole | null;
  staffRole: StaffRole | null;
  /** POSIX account for systems (DIR-2); null for staff. */
  username: string | null;
  uidNumber: number | null;
  gidNumber: number | null;
  homeDirectory: string | null;
  loginShell: string | null;
  createdAt: string;
}

export interface OrganizationView {
  id: string;
  name: string;
  plan: string;
  planEndsAt: string | null;
  companySize: string | null;
  phone: string | null;
  address: string | null;
  createdAt: string;
}

/**
 * Who is acting: what permission checks need and nothing more. Every
 * authenticated request reads it, so it is kept to these few columns.
 */
export type Actor = Pick<UserView, 'id' | 'kind' | 'status' | 'emailVerified' | 'orgId' | 'orgRole' | 'staffRole'>;
export const ACTOR_COLUMNS = ['id', 'org_id', 'org_role', 'staff_role', 'status', 'email_verified_at'] as const satisfies readonly (keyof UsersTable)[];
export type ActorRow = Pick<UsersTable, (typeof ACTOR_COLUMNS)[number]>;

export function toActor(u: ActorRow): Actor {
  return {
    id: u.id,
    kind: u.staff_role ? 'staff' : 'user',
    status: u.status,
    emailVerified: u.email_verified_at !== null,
    orgId: u.org_id,
    orgRole: (u.org_role as OrgRole | null) ?? null,
    staffRole: (u.staff_role as StaffRole | null) ?? null,
  };
}

/** The one place a user row becomes an API object: the password hash and TOTP secret never leave. */
export function toUserView(u: UsersTable): UserView {
  return {
    id: u.id,
    kind: u.staff_role ? 'staff' : 'user',
    email: u.email,
    name: u.name,
    status: u.status,
    emailVerified: u.email_verified_at !== null,
    mfaEnabled: u.totp_enabled_at !== null,
    orgId: u.org_id,
    orgRole: (u.org_role as OrgRole | null) ?? null,
    staffRole: (u.staff_role as StaffRole | null) ?? null,
    username: u.username,
    uidNumber: u.uid_number === null ? null : Number(u.uid_number),
    gidNumber: u.gid_number === null ? null : Number(u.gid_number),
    homeDirectory: u.home_directory,
    loginShell: u.login_shell,
    createdAt: u.created_at,
  };
}

export function toOrganizationView(o: OrganizationsTable): OrganizationView {
  return {
    id: o.id,
    name: o.name,
    plan: o.plan,
    planEndsAt: o.plan_ends_at,
    companySize: o.company_size,
    phone: o.phone,
    address: o.address,
    createdAt: o.created_at,
  };
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** Lower-cases the whole address: one account per mailbox, however it is typed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validEmail(email: string): string {
  const e = email.trim();
  if (e.length > 254 || !EMAIL.test(e)) {
    throw new AppError(AccountsErrors.invalidEmail, undefined, { details: { field: 'email' } });
  }
  return e;
}

export function requiredText(value: string, field: string, max = 200): string {
  const v = value.trim();
  if (v.length === 0 || v.length > max) {
    throw new AppError(AccountsErrors.invalidField, `${field} must be between 1 and ${max} characters.`, {
      details: { field },
    });
  }
  return v;
}

export function optionalText(value: string | undefined | null, field: string, max = 500): string | null {
  if (value === undefined || value === null) return null;
  const v = value.trim();
  if (v.length === 0) return null;
  return requiredText(v, field, max);
}
