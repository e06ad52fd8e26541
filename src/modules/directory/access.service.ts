import { AppError, CommonErrors } from '../../core/errors.ts';
import { type Principal, requireCapability } from '../accounts/index.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';

export type AccessVia = { type: 'user'; bindingId: string } | { type: 'group'; bindingId: string; groupId: string; groupName: string };

export interface AccessDecision {
  allowed: boolean;
  via: AccessVia[];
  /** Why access is refused when a binding exists but does not count. */
  reason?: 'suspended';
}

/**
 * DIR-3: THE access decision. A user may use a resource when bound to it
 * directly or through a group; a suspended user may use nothing. Every
 * protocol edge and the API call this one function.
 */
export function createAccess(deps: DirectoryDeps) {
  const { db } = deps;

  async function canAccess(orgId: string, userId: string, resourceId: string): Promise<AccessDecision> {
    const user = await repo.findOrgUser(db, orgId, userId);
    const resource = await repo.findResource(db, orgId, resourceId);
    if (!user || !resource) return { allowed: false, via: [] };
    const rows = await repo.grantingBindings(db, orgId, userId, resourceId);
    const via: AccessVia[] = rows.map((b) =>
      b.user_id ? { type: 'user', bindingId: b.id } : { type: 'group', bindingId: b.id, groupId: b.group_id as string, groupName: b.group_name as string },
    );
    if (user.status !== 'active') return { allowed: false, via, reason: 'suspended' };
    return { allowed: via.length > 0, via };
  }

  /** The API's question, asked by an admin of the organization about one of its users and resources. */
  async function explain(principal: Principal, orgId: string, userId: string, resourceId: string): Promise<AccessDecision> {
    requireCapability(principal.user, 'directory.read', orgId);
    if (!(await repo.findOrgUser(db, orgId, userId)) || !(await repo.findResource(db, orgId, resourceId))) {
      throw new AppError(CommonErrors.notFound);
    }
    return canAccess(orgId, userId, resourceId);
  }

  return { canAccess, explain };
}
