import { AppError, CommonErrors } from '../../core/errors.ts';
import type { StaffRole, UserView } from './accounts.views.ts';

/**
 * What each kind of principal may do. Services check these, not routes, so
 * every edge (HTTP, CLI, protocols) gets the same answer.
 */
export type Capability = 'audit.read_org' | 'audit.read_all' | 'staff.read_self';

const STAFF_CAPABILITIES: Record<StaffRole, readonly Capability[]> = {
  owner: ['audit.read_all', 'staff.read_self'],
  privacy: ['audit.read_all', 'staff.read_self'],
  support: ['staff.read_self'],
  billing: ['staff.read_self'],
};

/** May `user` exercise `capability`, for organization `orgId` where it is org-scoped? */
export function can(user: UserView, capability: Capability, orgId?: string): boolean {
  if (user.status !== 'active') return false;
  if (user.kind === 'staff') return user.staffRole !== null && STAFF_CAPABILITIES[user.staffRole].includes(capability);
  switch (capability) {
    case 'audit.read_org':
      return user.orgRole === 'admin' && user.orgId === orgId && user.emailVerified;
    default:
      return false;
  }
}

/**
 * Throws when not allowed. For org-scoped checks the refusal is a 404, so that
 * another organization's objects are not even confirmed to exist (DIR-1).
 */
export function requireCapability(user: UserView, capability: Capability, orgId?: string): void {
  if (can(user, capability, orgId)) return;
  if (orgId !== undefined && user.orgId !== orgId) throw new AppError(CommonErrors.notFound);
  throw new AppError(CommonErrors.forbidden);
}

export function staffCapabilities(role: StaffRole): readonly Capability[] {
  return STAFF_CAPABILITIES[role];
}
