import type { BindBody, Binding, CreateResourceBody, ListResourcesQuery, Resource, UpdateResourceBody } from '../../contracts/resources.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import { requiredText } from '../accounts/index.ts';
import * as members from './memberships.repository.ts';
import { DirectoryErrors } from './directory.errors.ts';
import { type DirectoryDeps, type Page, pageOf, type ResourceRef, tellAccessChanged } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import type { BindingsTable, ResourcesTable } from './directory.tables.ts';
import type { Executor } from '../../db/schema.ts';

export const RESOURCE_KINDS = ['system', 'application', 'network'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export type ResourceView = Resource;
export type BindingView = Binding;

export const toResourceView = (r: ResourcesTable): ResourceView => ({
  id: r.id,
  kind: r.kind as ResourceKind,
  name: r.name,
  settings: JSON.parse(r.settings) as Record<string, unknown>,
  createdAt: r.created_at,
});

const toBindingView = (b: BindingsTable): BindingView => ({
  id: b.id,
  resourceId: b.resource_id,
  userId: b.user_id,
  groupId: b.group_id,
  createdAt: b.created_at,
});

const nameConflict = (e: unknown): never => {
  if (isAppError(e) && e.is(CommonErrors.conflict)) throw new AppError(DirectoryErrors.resourceNameTaken, undefined, { details: { field: 'name' } });
  throw e;
};

/** DIR-2, DIR-3: resources (systems, applications, networks) and the bindings that grant access to them. */
export function createResources(deps: DirectoryDeps) {
  const { db, clock, audit } = deps;

  async function getRow(orgId: string, resourceId: string) {
    const r = await repo.findResource(db, orgId, resourceId);
    if (!r) throw new AppError(CommonErrors.notFound);
    return r;
  }

  const hooks = deps.resourceHooks ?? { check: [], created: [], updated: [] };
  const check = async (kind: string, settings: Record<string, unknown>) => {
    for (const h of hooks.check) await h(kind, settings);
  };
  /** GOV-1: a module that owns the resource (an integration's application) may refuse the change. */
  const guard = async (ex: Executor, orgId: string, resourceId: string, change: 'update' | 'delete') => {
    for (const g of hooks.guard ?? []) await g(ex, orgId, resourceId, change);
  };

  /** The resource, and what the modules serving it tell its creator once (PRO-2: an OIDC client's id and secret). */
  async function create(ctx: RequestContext, caller: Caller, orgId: string, input: CreateResourceBody): Promise<ResourceView & Record<string, unknown>> {
    requireCapability(caller, 'directory.manage', { orgId });
    const name = requiredText(input.name, 'name', 100);
    const settings = input.settings ?? {};
    await check(input.kind, settings);
    const now = clock.now().toISOString();
    const row = { id: newId('res'), org_id: orgId, kind: input.kind, name, settings: JSON.stringify(settings), created_at: now, updated_at: now };
    let told: Record<string, unknown> = {};
    await db
      .transaction()
      .execute(async (trx) => {
        await repo.insertResource(trx, row);
        await audit.record(trx, ctx, { action: 'directory.resource_created', orgId, target: { type: 'resource', id: row.id }, details: { kind: row.kind, name } });
        for (const h of hooks.created) told = { ...told, ...(await h(trx, ctx, { id: row.id, orgId, kind: row.kind, settings })) };
      })
      .catch(nameConflict);
    return { ...toResourceView(row), ...told };
  }

  async function list(caller: Caller, orgId: string, opts: ListResourcesQuery): Promise<Page<ResourceView>> {
    requireCapability(caller, 'directory.read', { orgId });
    return pageOf(await repo.listResources(db, orgId, { kind: opts.kind, after: opts.cursor, limit: opts.limit + 1 }), opts.limit, toResourceView);
  }

  async function get(caller: Caller, orgId: string, resourceId: string) {
    requireCapability(caller, 'directory.read', { orgId });
    return toResourceView(await getRow(orgId, resourceId));
  }

  async function update(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string, input: UpdateResourceBody) {
    requireCapability(caller, 'directory.manage', { orgId });
    const before = await getRow(orgId, resourceId);
    await guard(db, orgId, resourceId, 'update');
    if (input.settings !== undefined) await check(before.kind, input.settings);
    const patch = {
      ...(input.name !== undefined ? { name: requiredText(input.name, 'name', 100) } : {}),
      ...(input.settings !== undefined ? { settings: JSON.stringify(input.settings) } : {}),
    };
    await db
      .transaction()
      .execute(async (trx) => {
        await repo.updateResource(trx, orgId, resourceId, { ...patch, updated_at: clock.now().toISOString() });
        await audit.record(trx, ctx, { action: 'directory.resource_updated', orgId, target: { type: 'resource', id: resourceId }, details: { fields: Object.keys(patch) } });
        if (input.settings !== undefined) for (const h of hooks.updated) await h(trx, ctx, { id: resourceId, orgId, kind: before.kind, settings: input.settings });
      })
      .catch(nameConflict);
    return toResourceView(await getRow(orgId, resourceId));
  }

  /** `byOwner`: the module that owns the resource removes it (GOV-1: an integration's uninstall), so no guard refuses it. */
  async function remove(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string, opts: { byOwner?: boolean } = {}) {
    requireCapability(caller, 'directory.manage', { orgId });
    await db.transaction().execute(async (trx) => {
      if (!opts.byOwner) await guard(trx, orgId, resourceId, 'delete');
      if (!(await repo.deleteResource(trx, orgId, resourceId))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'directory.resource_deleted', orgId, target: { type: 'resource', id: resourceId } });
      for (const h of hooks.deleted ?? []) await h(trx, orgId, resourceId);
    });
  }

  /**
   * DIR-3: only an organization's admins grant access. Staff of any role never
   * can (SUP-6): the capability check refuses them here, whatever the edge.
   */
  async function bind(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string, subject: BindBody) {
    requireCapability(caller, 'directory.manage', { orgId });
    await getRow(orgId, resourceId);
    const { userId, groupId } = subject;
    if ((userId === undefined) === (groupId === undefined)) {
      throw new AppError(CommonErrors.invalid, 'Name either a userId or a groupId.', { details: { field: userId === undefined ? 'userId' : 'groupId' } });
    }
    const found = userId !== undefined ? await members.findMembership(db, orgId, userId) : await repo.findGroup(db, orgId, groupId as string);
    if (!found) throw new AppError(CommonErrors.notFound, 'No such user or group in this organization.', { details: { field: userId !== undefined ? 'userId' : 'groupId' } });
    const row = { id: newId('bnd'), org_id: orgId, resource_id: resourceId, user_id: userId ?? null, group_id: groupId ?? null, created_at: clock.now().toISOString() };
    await db
      .transaction()
      .execute(async (trx) => {
        await repo.insertBinding(trx, row);
        await audit.record(trx, ctx, {
          action: 'directory.access_granted',
          orgId,
          target: { type: 'resource', id: resourceId },
          details: userId !== undefined ? { userId } : { groupId },
        });
      })
      .catch((e) => {
        if (isAppError(e) && e.is(CommonErrors.conflict)) throw new AppError(DirectoryErrors.bindingExists);
        throw e;
      });
    return toBindingView(row);
  }

  async function bindings(caller: Caller, orgId: string, resourceId: string) {
    requireCapability(caller, 'directory.read', { orgId });
    await getRow(orgId, resourceId);
    return (await repo.listBindings(db, orgId, resourceId)).map(toBindingView);
  }

  async function unbind(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string, bindingId: string) {
    requireCapability(caller, 'directory.manage', { orgId });
    await db.transaction().execute(async (trx) => {
      if (!(await repo.deleteBinding(trx, orgId, resourceId, bindingId))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'directory.access_revoked', orgId, target: { type: 'resource', id: resourceId }, details: { bindingId } });
    });
    // DIR-3: the access decision is asked again for this resource (PRO-2: grants it no longer allows are revoked).
    await tellAccessChanged(deps, orgId, { resourceId });
  }

  /** For other modules (through a port the composition root wires): the resource, without a caller's check. */
  async function find(orgId: string, resourceId: string): Promise<ResourceRef | undefined> {
    const r = await repo.findResource(db, orgId, resourceId);
    return r ? { id: r.id, orgId: r.org_id, kind: r.kind, name: r.name, settings: JSON.parse(r.settings) as Record<string, unknown> } : undefined;
  }

  return { create, list, get, update, remove, bind, bindings, unbind, find };
}
