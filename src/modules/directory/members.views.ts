import type { PendingInvitation } from '../../contracts/me.ts';
import type { MembershipStatus, OrgRole } from '../../core/caller.ts';
import type { AccountFacts } from '../accounts/index.ts';
import type { MembershipsTable, OrganizationsTable } from './directory.tables.ts';

/**
 * A directory user: one membership, as every edge shows it (the API's `User`). While invited it
 * shows only what the admin entered, whether or not the address has an account elsewhere.
 */
export interface MemberView {
  id: string;
  kind: 'user';
  email: string;
  name: string;
  status: MembershipStatus;
  emailVerified: boolean;
  mfaEnabled: boolean;
  orgId: string;
  orgRole: OrgRole;
  staffRole: null;
  /** POSIX account for systems (DIR-2). */
  username: string | null;
  uidNumber: number | null;
  gidNumber: number | null;
  homeDirectory: string | null;
  loginShell: string | null;
  createdAt: string;
  invitedAt: string | null;
  lastSignInAt: string | null;
}

export interface OrganizationView {
  id: string;
  name: string;
  /** The name of its LDAP subtree (PRO-1). */
  slug: string;
  plan: string;
  planEndsAt: string | null;
  companySize: string | null;
  phone: string | null;
  address: string | null;
  /** ACC-5: every member must have two-step verification on; LDAP and RADIUS take the code after the password. */
  requireMfa: boolean;
  scimRemoveAfterDays: number | null;
  createdAt: string;
}

const num = (v: number | null) => (v === null ? null : Number(v));

/** The one place a membership row becomes an API object; `account` only once the invitation was accepted. */
export function toMemberView(m: MembershipsTable, account?: Pick<AccountFacts, 'emailVerified' | 'mfaEnabled'>): MemberView {
  const linked = m.account_id !== null && account !== undefined;
  return {
    id: m.id,
    kind: 'user',
    email: m.email,
    name: m.name,
    status: m.status as MembershipStatus,
    emailVerified: linked ? account.emailVerified : false,
    mfaEnabled: linked ? account.mfaEnabled : false,
    orgId: m.org_id,
    orgRole: m.role as OrgRole,
    staffRole: null,
    username: m.username,
    uidNumber: num(m.uid_number),
    gidNumber: num(m.gid_number),
    homeDirectory: m.home_directory,
    loginShell: m.login_shell,
    createdAt: m.created_at,
    invitedAt: m.invited_at,
    lastSignInAt: m.last_sign_in_at,
  };
}

export function toOrganizationView(o: OrganizationsTable): OrganizationView {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    plan: o.plan,
    planEndsAt: o.plan_ends_at,
    companySize: o.company_size,
    phone: o.phone,
    address: o.address,
    requireMfa: Number(o.require_mfa) === 1,
    scimRemoveAfterDays: o.scim_remove_after_days === undefined || o.scim_remove_after_days === null ? null : Number(o.scim_remove_after_days),
    createdAt: o.created_at,
  };
}

/** A person's own membership, with its organization: for /me and the organization switcher. */
export interface MembershipView {
  id: string;
  orgId: string;
  orgRole: OrgRole;
  status: MembershipStatus;
  username: string | null;
  uidNumber: number | null;
  gidNumber: number | null;
  homeDirectory: string | null;
  loginShell: string | null;
  organization: { id: string; name: string; slug: string; plan: string; requireMfa: boolean };
}

/** An invitation waiting for the address's owner, as they see it. */
export type InvitationView = PendingInvitation;
