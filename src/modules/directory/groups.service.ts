import type { CreateGroupBody, Group, ListGroupsQuery, UpdateGroupBody } from '../../contracts/groups.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import { optionalText, requiredText } from '../accounts/index.ts';
import * as members from './memberships.repository.ts';
import { type MemberView, toMemberView } from './members.views.ts';
import { allocatePosixId } from './posix.repository.ts';
import { DirectoryErrors } from './directory.errors.ts';
import { type DirectoryDeps, type Page, pageOf, tellAccessChanged } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import type { GroupsTable } from './directory.tables.ts';

export type GroupView = Group;

export const toGroupView = (g: GroupsTable & { member_count?: number }): GroupView => ({
  id: g.id,
  name: g.name,
  description: g.description,
  gidNumber: Number(g.gid_number),
  memberCount: g.member_count ?? 0,
  createdAt: g.created_at,
});

const nameConflict = (e: unknown): never => {
  if (isAppError(e) && e.is(CommonErrors.conflict)) throw new AppError(DirectoryErrors.groupNameTaken, undefined, { details: { field: 'name' } });
  throw e;
};

/** DIR-2: groups (flat: nested membership is not needed), each with a POSIX gidNumber. */
export function createGroups(deps: DirectoryDeps) {
  const { db, clock, audit } = deps;

  async function getRow(orgId: string, groupId: string) {
    const g = await repo.findGroup(db, orgId, groupId);
    if (!g) throw new AppError(CommonErrors.notFound);
    return g;
  }

  async function create(ctx: RequestContext, caller: Caller, orgId: string, input: CreateGroupBody) {
    requireCapability(caller, 'directory.manage', { orgId });
    const name = requiredText(input.name, 'name', 100);
    const description = optionalText(input.description, 'description', 500);
    const row = await db
      .transaction()
      .execute(async (trx) => {
        const now = clock.now().toISOString();
        const g = { id: newId('grp'), org_id: orgId, name, description, gid_number: await allocatePosixId(trx, orgId), created_at: now, updated_at: now };
        await repo.insertGroup(trx, g);
        await audit.record(trx, ctx, { action: 'directory.group_created', orgId, target: { type: 'group', id: g.id }, details: { name } });
        return g;
      })
      .catch(nameConflict);
    return toGroupView(row);
  }

  async function list(caller: Caller, orgId: string, opts: ListGroupsQuery): Promise<Page<GroupView>> {
    requireCapability(caller, 'directory.read', { orgId });
    return pageOf(await repo.listGroups(db, orgId, { after: opts.cursor, limit: opts.limit + 1 }), opts.limit, toGroupView);
  }

  async function get(caller: Caller, orgId: string, groupId: string): Promise<GroupView> {
    requireCapability(caller, 'directory.read', { orgId });
    return toGroupView(await getRow(orgId, groupId));
  }

  async function update(ctx: RequestContext, caller: Caller, orgId: string, groupId: string, input: UpdateGroupBody) {
    requireCapability(caller, 'directory.manage', { orgId });
    await getRow(orgId, groupId);
    const patch = {
      ...(input.name !== undefined ? { name: requiredText(input.name, 'name', 100) } : {}),
      ...(input.description !== undefined ? { description: optionalText(input.description, 'description', 500) } : {}),
    };
    await db
      .transaction()
      .execute(async (trx) => {
        await repo.updateGroup(trx, orgId, groupId, { ...patch, updated_at: clock.now().toISOString() });
        await audit.record(trx, ctx, { action: 'directory.group_updated', orgId, target: { type: 'group', id: groupId }, details: { fields: Object.keys(patch) } });
      })
      .catch(nameConflict);
    return toGroupView(await getRow(orgId, groupId));
  }

  async function remove(ctx: RequestContext, caller: Caller, orgId: string, groupId: string): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    // Its members, read before it goes: only they can have lost access with it.
    const membershipIds = await db.transaction().execute(async (trx) => {
      const ids = await repo.memberIdsOfGroup(trx, orgId, groupId);
      if (!(await repo.deleteGroup(trx, orgId, groupId))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'directory.group_deleted', orgId, target: { type: 'group', id: groupId } });
      return ids;
    });
    // DIR-3: its bindings went with it; the access decision is asked again for its members (PRO-2: grants it no longer allows are revoked).
    await tellAccessChanged(deps, orgId, { membershipIds });
  }

  async function addMember(ctx: RequestContext, caller: Caller, orgId: string, groupId: string, userId: string): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    await getRow(orgId, groupId);
    // The user must be of the same organization: another organization's id is simply not found (DIR-1).
    if (!(await members.findMembership(db, orgId, userId))) throw new AppError(CommonErrors.notFound, 'No such user in this organization.', { details: { field: 'userId' } });
    await db
      .transaction()
      .execute(async (trx) => {
        await repo.addMember(trx, orgId, groupId, userId, clock.now().toISOString());
        await audit.record(trx, ctx, { action: 'directory.member_added', orgId, target: { type: 'group', id: groupId }, details: { userId } });
      })
      .catch((e) => {
        if (isAppError(e) && e.is(CommonErrors.conflict)) throw new AppError(DirectoryErrors.alreadyMember);
        throw e;
      });
  }

  async function removeMember(ctx: RequestContext, caller: Caller, orgId: string, groupId: string, userId: string): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    await db.transaction().execute(async (trx) => {
      if (!(await repo.removeMember(trx, orgId, groupId, userId))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'directory.member_removed', orgId, target: { type: 'group', id: groupId }, details: { userId } });
    });
    await tellAccessChanged(deps, orgId, { membershipIds: [userId] });
  }

  async function listMembers(caller: Caller, orgId: string, groupId: string): Promise<MemberView[]> {
    requireCapability(caller, 'directory.read', { orgId });
    await getRow(orgId, groupId);
    const rows = await repo.listMembers(db, orgId, groupId);
    const facts = new Map((await deps.accounts.facts(db, rows.flatMap((r) => (r.account_id ? [r.account_id] : [])))).map((f) => [f.id, f]));
    return rows.map((r) => toMemberView(r, r.account_id ? facts.get(r.account_id) : undefined));
  }

  /** The groups one user belongs to (the user page); another organization's user is not found (DIR-1). */
  async function ofUser(caller: Caller, orgId: string, userId: string): Promise<GroupView[]> {
    requireCapability(caller, 'directory.read', { orgId });
    if (!(await members.findMembership(db, orgId, userId))) throw new AppError(CommonErrors.notFound);
    return (await repo.groupsOfMember(db, orgId, userId)).map(toGroupView);
  }

  return { create, list, get, update, remove, addMember, removeMember, members: listMembers, ofUser };
}
