import { AppError, CommonErrors, defineError } from './errors.ts';

export const STAFF_ROLES = ['owner', 'support', 'privacy', 'billing'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type OrgRole = 'admin' | 'member';
export type MembershipStatus = 'invited' | 'active' | 'suspended';

interface Signed {
  accountId: string;
  /** The session the request came with, when it came with one (HTTP); null for a bind or a token. */
  sessionId: string | null;
}

/**
 * Who is acting. Every edge (HTTP, CLI, LDAP, RADIUS, SCIM, OIDC) turns whatever authenticated a
 * request into one of these, and `can` is the only permission check.
 */
export type Caller =
  /** A person acting in an organization they belong to. */
  | (Signed & {
      kind: 'member';
      emailVerified: boolean;
      membershipId: string;
      orgId: string;
      role: OrgRole;
      status: MembershipStatus;
      /** ACC-5: the organization requires two-step verification and this person has not turned it on. */
      mfaMissing: boolean;
    })
  /** A signed-in person acting for themselves, or in an organization they do not belong to. */
  | (Signed & { kind: 'account'; emailVerified: boolean })
  /** One of the operator's staff, by role; `mfa`: whether their account has TOTP on. */
  | (Signed & { kind: 'staff'; staffRole: StaffRole; mfa: boolean })
  /** The local operator at the command line: whoever can run the CLI can read the database anyway. */
  | { kind: 'operator' }
  /** A service account or protocol client of one organization (an LDAP service bind, a SCIM token, an OIDC client). */
  | { kind: 'client'; orgId: string; clientId: string; scopes: readonly string[] }
  /** Castellan itself: jobs, hooks, housekeeping. */
  | { kind: 'system' };

export type Capability =
  | 'audit.read_org'
  | 'audit.read_all'
  | 'staff.read_self'
  /** Add staff members (the operator, at the command line). */
  | 'staff.manage'
  /** Manage an organization's users, groups, resources and access (DIR-3): its admins only, never staff (SUP-6). */
  | 'directory.manage'
  /**
   * Govern the organization, on top of `directory.manage`: change a member's role, suspend,
   * reactivate or remove an admin, change the organization's settings (name, MFA requirement).
   * Its admins only: no API client scope gives it, so a script never makes or unmakes an admin.
   */
  | 'directory.govern'
  /** Read an organization's directory: its admins. */
  | 'directory.read'
  /**
   * DIR-2, DIR-4: invite people into an organization, re-send and withdraw invitations (within the
   * plan's limit and the invitation rate limits): its admins, and the operator at the command line.
   */
  | 'directory.invite'
  /** DIR-5: bulk import and export of an organization's users and groups. */
  | 'directory.transfer'
  | 'billing.set_plan'
  /** Find any organization by name: staff whose work names organizations (plans, specialists, the ledger). */
  | 'directory.find_orgs'
  /** PRV-10: add, see and remove the organization's card: its admins only, never staff. */
  | 'billing.manage_card'
  /** PRV-8: publish a new privacy policy version. */
  | 'privacy.policies'
  /** PRV-9: read the disclosure ledger and record disclosures on legal request. */
  | 'privacy.ledger'
  /** PRV-7: send a marketing campaign and export contact lists. */
  | 'privacy.campaigns'
  /** DSR-1, DSR-4, DSR-5: work the data-subject request queue (enter, extend, close) and read the request log. */
  | 'privacy.requests'
  /** SUP-1..SUP-5: work the support queue: read tickets (and nothing of the account beyond them), reply, close, prioritize. */
  | 'support.desk'
  /** SUP-7: write knowledge-base articles and keep the supported protocols and system versions. */
  | 'support.kb'
  /** SUP-4: change the service-level targets, and assign an organization's dedicated specialist (SUP-2). */
  | 'support.manage'
  /** SUP-1: open and reply to the organization's support tickets: its active, verified admins only. */
  | 'support.open'
  /** PRO-2: make, list and revoke the organization's API clients: its admins only, never a client (no client mints another). */
  | 'directory.api_clients';

const STAFF_CAPABILITIES: Record<StaffRole, readonly Capability[]> = {
  owner: [
    'audit.read_all',
    'staff.read_self',
    'billing.set_plan',
    'directory.find_orgs',
    'privacy.policies',
    'privacy.ledger',
    'privacy.campaigns',
    'privacy.requests',
    'support.desk',
    'support.kb',
    'support.manage',
  ],
  privacy: ['audit.read_all', 'staff.read_self', 'directory.find_orgs', 'privacy.policies', 'privacy.ledger', 'privacy.campaigns', 'privacy.requests'],
  // SUP-6: no staff role has a capability that reads or sets a password, binds a user to a
  // resource, deletes an account or reads an account beyond a ticket; those exist only as
  // single-use grants an admin's recorded verification creates (support verifications).
  support: ['staff.read_self', 'directory.find_orgs', 'support.desk', 'support.kb'],
  billing: ['staff.read_self', 'directory.find_orgs', 'billing.set_plan'],
};

/**
 * Roles that read every organization's audit log and personal data: their capabilities work only
 * once the staff member has TOTP on. Until then they may only read their own record (and enrol).
 */
export const STAFF_ROLES_NEEDING_MFA: readonly StaffRole[] = ['owner', 'privacy'];
const WITHOUT_MFA: readonly Capability[] = ['staff.read_self'];

export const CallerErrors = {
  staffMfaRequired: defineError('staff.mfa_required', 'forbidden', 'Your staff role needs two-step verification: turn it on in your account first.'),
  memberMfaRequired: defineError('directory.mfa_required', 'forbidden', 'Your organization requires two-step verification: turn it on in your account first.'),
} as const;

/** A staff member whose role needs MFA and who has not turned it on. */
export const lacksRequiredMfa = (caller: Caller): boolean => caller.kind === 'staff' && !caller.mfa && STAFF_ROLES_NEEDING_MFA.includes(caller.staffRole);

/** What an organization's active, verified admins may do in their organization. */
const ADMIN_CAPABILITIES: readonly Capability[] = ['audit.read_org', 'directory.manage', 'directory.govern', 'directory.read', 'directory.invite', 'directory.transfer', 'billing.manage_card', 'support.open', 'directory.api_clients'];

/**
 * PRO-2: the scopes an organization's API client may be given, and what each lets it do, in its
 * own organization only. `directory:write` is what the directory's writes need: users (inviting
 * included, within the plan and the invitation rate limits), groups, resources, bindings and
 * service accounts. It does not govern the organization (`directory.govern`): a client cannot
 * change anyone's role, suspend, reactivate or remove an admin, or change the organization's
 * settings (name, MFA requirement). No scope reaches bulk transfer, billing, support, privacy or
 * staff work, or the organization's API clients; deleting the organization needs a person's
 * re-authentication.
 */
export const CLIENT_SCOPES = {
  'directory:read': ['directory.read'],
  'directory:write': ['directory.manage', 'directory.invite'],
  'audit:read': ['audit.read_org'],
} as const satisfies Record<string, readonly Capability[]>;
export type ClientScope = keyof typeof CLIENT_SCOPES;
export const CLIENT_SCOPE_NAMES = Object.keys(CLIENT_SCOPES) as ClientScope[];

/**
 * PRO-4: what an organization's SCIM token lets its HR system or identity provider do there: read
 * the directory, and write users and groups (inviting within the plan's limit). Not an API-client
 * scope: a SCIM token is accepted at `/scim/v2` alone, and an API client never holds this scope.
 */
export const SCIM_SCOPE = 'scim';
const SCIM_CAPABILITIES: readonly Capability[] = ['directory.read', 'directory.manage', 'directory.invite'];

const clientMay = (scopes: readonly string[], capability: Capability): boolean =>
  scopes.some(
    (s) => (s === SCIM_SCOPE && SCIM_CAPABILITIES.includes(capability)) || (Object.hasOwn(CLIENT_SCOPES, s) && (CLIENT_SCOPES[s as ClientScope] as readonly Capability[]).includes(capability)),
  );

/** The operator at the command line: the instance-wide chores the CLI offers, for any organization. */
const OPERATOR_CAPABILITIES: readonly Capability[] = [
  'staff.manage',
  'directory.read',
  'directory.invite',
  'directory.find_orgs',
  'directory.transfer',
  'billing.set_plan',
  'privacy.campaigns',
  'audit.read_all',
  // DSR-5: the yearly report (`castellan privacy report`).
  'privacy.requests',
];

export interface Target {
  /** The organization the capability is exercised in, for organization-scoped capabilities. */
  orgId?: string | undefined;
}

/** May `caller` exercise `capability` (in `target.orgId`, where it is organization-scoped)? */
export function can(caller: Caller, capability: Capability, target: Target = {}): boolean {
  switch (caller.kind) {
    case 'staff':
      if (lacksRequiredMfa(caller) && !WITHOUT_MFA.includes(capability)) return false;
      return STAFF_CAPABILITIES[caller.staffRole].includes(capability);
    case 'member':
      return (
        caller.status === 'active' &&
        caller.role === 'admin' &&
        caller.emailVerified &&
        !caller.mfaMissing &&
        target.orgId === caller.orgId &&
        ADMIN_CAPABILITIES.includes(capability)
      );
    case 'operator':
      return OPERATOR_CAPABILITIES.includes(capability);
    case 'client':
      return target.orgId !== undefined && target.orgId === caller.orgId && clientMay(caller.scopes, capability);
    case 'account':
    case 'system':
      return false;
  }
}

/**
 * Throws when not allowed. For organization-scoped checks by someone who is not an active member
 * of that organization the refusal is a 404, so that another organization's objects are not even
 * confirmed to exist (DIR-1); staff are refused, not misled (SUP-6).
 */
export function requireCapability(caller: Caller, capability: Capability, target: Target = {}): void {
  if (can(caller, capability, target)) return;
  if (lacksRequiredMfa(caller) && caller.kind === 'staff' && STAFF_CAPABILITIES[caller.staffRole].includes(capability)) {
    throw new AppError(CallerErrors.staffMfaRequired);
  }
  if (caller.kind === 'member' && caller.mfaMissing && can({ ...caller, mfaMissing: false }, capability, target)) {
    throw new AppError(CallerErrors.memberMfaRequired);
  }
  // An API client in its own organization is refused (403), not misled: it knows its organization.
  const ownClient = caller.kind === 'client' && caller.orgId === target.orgId;
  if (target.orgId !== undefined && !isMemberOf(caller, target.orgId) && !ownClient && caller.kind !== 'staff' && caller.kind !== 'operator') {
    throw new AppError(CommonErrors.notFound);
  }
  throw new AppError(CommonErrors.forbidden);
}

/** An active member of `orgId` (any role). */
export function isMemberOf(caller: Caller, orgId: string): caller is Extract<Caller, { kind: 'member' }> {
  return caller.kind === 'member' && caller.orgId === orgId && caller.status === 'active';
}

/** The person behind a caller, when there is one. */
export function accountIdOf(caller: Caller): string | null {
  return caller.kind === 'member' || caller.kind === 'account' || caller.kind === 'staff' ? caller.accountId : null;
}

export function staffCapabilities(role: StaffRole): readonly Capability[] {
  return STAFF_CAPABILITIES[role];
}

export const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);
