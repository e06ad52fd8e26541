import { AppError, CommonErrors } from '../../core/errors.ts';
import { type Principal, type UserView, requireCapability, toUserView } from '../accounts/index.ts';
import { type ResourceView, toResourceView } from './resources.service.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';

export type AccessVia = { type: 'user'; bindingId: string } | { type: 'group'; bindingId: string; groupId: string; groupName: string };

export interface AccessDecision {
  allowed: boolean;
  via: AccessVia[];
  /** Why nothing is allowed whatever the bindings: the user is suspended. */
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
    return (await decide(orgId, userId, resourceId)) ?? { allowed: false, via: [] };
  }

  /** The decision, or undefined when the user or the resource is not the organization's. */
  async function decide(orgId: string, userId: string, resourceId: string): Promise<AccessDecision | undefined> {
    const rows = await repo.accessRows(db, orgId, userId, resourceId);
    const head = rows.find((r) => r.status !== null);
    if (!head) return undefined;
    const via = rows
      .flatMap((b) => (b.binding_id ? [viaOf({ ...b, binding_id: b.binding_id })] : []))
      .sort((a, b) => (a.bindingId < b.bindingId ? -1 : 1));
    if (head.status !== 'active') return { allowed: false, via, reason: 'suspended' };
    return { allowed: via.length > 0, via };
  }

  /** The API's question, asked by an admin of the organization about one of its users and resources. */
  async function explain(principal: Principal, orgId: string, userId: string, resourceId: string): Promise<AccessDecision> {
    requireCapability(principal.user, 'directory.read', orgId);
    const decision = await decide(orgId, userId, resourceId);
    if (!decision) throw new AppError(CommonErrors.notFound);
    return decision;
  }

  const viaOf = (b: { binding_id: string; group_id: string | null; group_name: string | null }): AccessVia =>
    b.group_id ? { type: 'group', bindingId: b.binding_id, groupId: b.group_id, groupName: b.group_name ?? '' } : { type: 'user', bindingId: b.binding_id };

  /** "Who can use what", for one user: every resource their bindings reach; nothing is allowed while suspended. */
  async function forUser(principal: Principal, orgId: string, userId: string) {
    requireCapability(principal.user, 'directory.read', orgId);
    const user = await repo.findOrgUser(db, orgId, userId);
    if (!user) throw new AppError(CommonErrors.notFound);
    const allowed = user.status === 'active';
    const byResource = new Map<string, { resource: ResourceView; allowed: boolean; via: AccessVia[] }>();
    for (const row of await repo.bindingsReachingUser(db, orgId, userId)) {
      const entry = byResource.get(row.id) ?? { resource: toResourceView(row), allowed, via: [] };
      entry.via.push(viaOf(row));
      byResource.set(row.id, entry);
    }
    return { items: [...byResource.values()] };
  }

  /** "Who can use what", for one resource: every user its bindings reach, and whether they may (suspended users may not). */
  async function forResource(principal: Principal, orgId: string, resourceId: string) {
    requireCapability(principal.user, 'directory.read', orgId);
    if (!(await repo.findResource(db, orgId, resourceId))) throw new AppError(CommonErrors.notFound);
    const byUser = new Map<string, { user: UserView; allowed: boolean; via: AccessVia[] }>();
    for (const row of await repo.usersReachedByResource(db, orgId, resourceId)) {
      const entry = byUser.get(row.id) ?? { user: toUserView(row), allowed: row.status === 'active', via: [] };
      entry.via.push(viaOf(row));
      byUser.set(row.id, entry);
    }
    return { items: [...byUser.values()] };
  }

  return { canAccess, explain, forUser, forResource };
}
