import { AppError, CommonErrors } from '../../core/errors.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import * as members from './memberships.repository.ts';
import { type MemberView, toMemberView } from './members.views.ts';
import { type ResourceView, toResourceView } from './resources.service.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';

export type AccessVia = { type: 'user'; bindingId: string } | { type: 'group'; bindingId: string; groupId: string; groupName: string };

export interface AccessDecision {
  allowed: boolean;
  via: AccessVia[];
  /** Why nothing is allowed whatever the bindings: the user is suspended, or has not accepted their invitation yet. */
  reason?: 'suspended' | 'invited';
}

/**
 * DIR-3, the rule itself: a member may use a resource when a binding reaches them, directly or
 * through a group; a suspended member may use nothing, and neither may an invitation nobody has
 * accepted. The decision and the "who can use what" views all answer with this one predicate.
 */
export function decideFor(status: string, via: AccessVia[]): AccessDecision {
  if (status === 'suspended') return { allowed: false, via, reason: 'suspended' };
  if (status !== 'active') return { allowed: false, via, reason: 'invited' };
  return { allowed: via.length > 0, via };
}

/**
 * DIR-3: THE access decision. Every protocol edge and the API call this one function.
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
    return decideFor(head.status as string, via);
  }

  /** The API's question, asked by an admin of the organization about one of its users and resources. */
  async function explain(caller: Caller, orgId: string, userId: string, resourceId: string): Promise<AccessDecision> {
    requireCapability(caller, 'directory.read', { orgId });
    const decision = await decide(orgId, userId, resourceId);
    if (!decision) throw new AppError(CommonErrors.notFound);
    return decision;
  }

  const viaOf = (b: { binding_id: string; group_id: string | null; group_name: string | null }): AccessVia =>
    b.group_id ? { type: 'group', bindingId: b.binding_id, groupId: b.group_id, groupName: b.group_name ?? '' } : { type: 'user', bindingId: b.binding_id };

  /** "Who can use what", for one user: every resource their bindings reach; nothing is allowed while suspended. */
  async function forUser(caller: Caller, orgId: string, userId: string) {
    requireCapability(caller, 'directory.read', { orgId });
    const user = await members.findMembership(db, orgId, userId);
    if (!user) throw new AppError(CommonErrors.notFound);
    const byResource = new Map<string, { resource: ResourceView; via: AccessVia[] }>();
    for (const row of await repo.bindingsReachingUser(db, orgId, userId)) {
      const entry = byResource.get(row.id) ?? { resource: toResourceView(row), via: [] };
      entry.via.push(viaOf(row));
      byResource.set(row.id, entry);
    }
    return { items: [...byResource.values()].map(({ resource, via }) => ({ resource, ...decideFor(user.status, via) })) };
  }

  /** "Who can use what", for one resource: every user its bindings reach, and whether they may (suspended users may not). */
  async function forResource(caller: Caller, orgId: string, resourceId: string) {
    requireCapability(caller, 'directory.read', { orgId });
    if (!(await repo.findResource(db, orgId, resourceId))) throw new AppError(CommonErrors.notFound);
    const byUser = new Map<string, { user: MemberView; status: string; via: AccessVia[] }>();
    for (const row of await repo.usersReachedByResource(db, orgId, resourceId)) {
      const entry = byUser.get(row.id) ?? { user: toMemberView(row), status: row.status, via: [] };
      entry.via.push(viaOf(row));
      byUser.set(row.id, entry);
    }
    return { items: [...byUser.values()].map(({ user, status, via }) => ({ user, ...decideFor(status, via) })) };
  }

  return { canAccess, explain, forUser, forResource };
}
