import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Actor, StaffRole } from './accounts.views.ts';

/**
 * What each kind of principal may do. Services check these, not routes, so
 * every edge (HTTP, CLI, protocols) gets the same answer.
 */
export type Capability =
  | 'audit.read_org'
  | 'audit.read_all'
  | 'staff.read_self'
  /** Manage an organization's users, groups, resources and access (DIR-3): its admins only, never staff (SUP-6). */
  | 'directory.manage'
  /** Read an organization's directory: its admins; a plain user reads only their own account. */
  | 'directory.read'
  | 'billing.set_plan'
  /** PRV-10: add, see and remove the organization's card: its admins only, never staff. */
  | 'billing.manage_card'
  /** PRV-8: publish a new privacy policy version. */
  | 'privacy.policies'
  /** PRV-9: read the disclosure ledger and record disclosures on legal request. */
  | 'privacy.ledger'
  /** PRV-7: send a marketing campaign and export contact lists. */
  | 'privacy.campaigns'
  /** SUP-1..SUP-5: work the support queue: read tickets (and nothing of the account beyond them), reply, close, prioritize. */
  | 'support.desk'
  /** SUP-7: write knowledge-base articles and keep the supported protocols and system versions. */
  | 'support.kb'
  /** SUP-4: change the service-level targets, and assign an organization's dedicated specialist (SUP-2). */
  | 'support.manage'
  /** SUP-1: open and reply to the organization's support tickets: its active, verified admins only. */
  | 'support.open';

const STAFF_CAPABILITIES: Record<StaffRole, readonly Capability[]> = {
  owner: [
    'audit.read_all',
    'staff.read_self',
    'billing.set_plan',
    'privacy.policies',
    'privacy.ledger',
    'privacy.campaigns',
    'support.desk',
    'support.kb',
    'support.manage',
  ],
  privacy: ['audit.read_all', 'staff.read_self', 'privacy.policies', 'privacy.ledger', 'privacy.campaigns'],
  // SUP-6: no staff role has a capability that reads or sets a password, binds a user to a
  // resource, deletes an account or reads an account beyond a ticket; those exist only as
  // single-use grants an admin's recorded verification creates (support verifications).
  support: ['staff.read_self', 'support.desk', 'support.kb'],
  billing: ['staff.read_self', 'billing.set_plan'],
};

/** May `user` exercise `capability`, for organization `orgId` where it is org-scoped? */
export function can(user: Actor, capability: Capability, orgId?: string): boolean {
  if (user.status !== 'active') return false;
  if (user.kind === 'staff') return user.staffRole !== null && STAFF_CAPABILITIES[user.staffRole].includes(capability);
  switch (capability) {
    case 'audit.read_org':
    case 'directory.manage':
    case 'directory.read':
    case 'billing.manage_card':
    case 'support.open':
      return user.orgRole === 'admin' && user.orgId === orgId && user.emailVerified;
    default:
      return false;
  }
}

/**
 * Throws when not allowed. For org-scoped checks the refusal is a 404, so that
 * another organization's objects are not even confirmed to exist (DIR-1).
 */
export function requireCapability(user: Actor, capability: Capability, orgId?: string): void {
  if (can(user, capability, orgId)) return;
  // Staff belong to no organization; they are refused, not misled (SUP-6).
  if (orgId !== undefined && user.kind !== 'staff' && user.orgId !== orgId) throw new AppError(CommonErrors.notFound);
  throw new AppError(CommonErrors.forbidden);
}

export function staffCapabilities(role: StaffRole): readonly Capability[] {
  return STAFF_CAPABILITIES[role];
}
