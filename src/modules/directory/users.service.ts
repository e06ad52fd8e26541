import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import {
  type Principal,
  type UserView,
  allocatePosixId,
  insertUser,
  normalizeEmail,
  posixDefaults,
  requireCapability,
  requiredText,
  toUserView,
  updateUser,
  usernameFromEmail,
  validEmail,
  validUsername,
} from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import { type DirectoryDeps, type Page, pageOf } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import { assertCanAddActiveUser } from './plans.service.ts';

export interface CreateUserInput {
  email: string;
  name: string;
  username?: string | undefined;
}

export interface UpdateUserInput {
  name?: string | undefined;
  username?: string | undefined;
  loginShell?: string | undefined;
  orgRole?: 'admin' | 'member' | undefined;
}

/** DIR-2: an organization's users, managed by its admins; a user may read only their own account. */
export function createDirectoryUsers(deps: DirectoryDeps) {
  const { db, clock, audit, mail, accounts } = deps;
  const forUpdate = deps.dialect === 'postgres';

  async function getOrThrow(orgId: string, userId: string) {
    const u = await repo.findOrgUser(db, orgId, userId);
    if (!u) throw new AppError(CommonErrors.notFound);
    return u;
  }

  function conflictFor(e: unknown): never {
    if (isAppError(e) && e.is(CommonErrors.conflict)) {
      const constraint = String(e.details?.constraint ?? '');
      const message = String((e.cause as Error | undefined)?.message ?? '');
      if (/username/.test(constraint) || /users\.username/.test(message)) {
        throw new AppError(DirectoryErrors.usernameTaken, undefined, { details: { field: 'username' } });
      }
      throw new AppError(DirectoryErrors.emailTaken, undefined, { details: { field: 'email' } });
    }
    throw e;
  }

  /** Creates a user and emails them an invitation to set their own password (ACC-2), within the plan's limit (DIR-4). */
  async function create(ctx: RequestContext, principal: Principal, orgId: string, input: CreateUserInput): Promise<UserView> {
    requireCapability(principal.user, 'directory.manage', orgId);
    const email = validEmail(input.email);
    const name = requiredText(input.name, 'name');
    const username = input.username === undefined ? usernameFromEmail(email) : validUsername(input.username);
    const created = await db
      .transaction()
      .execute(async (trx) => {
        const org = await repo.lockOrganization(trx, orgId, forUpdate);
        if (!org) throw new AppError(CommonErrors.notFound);
        await assertCanAddActiveUser(trx, org, clock.now());
        const posixId = await allocatePosixId(trx, orgId);
        const now = clock.now().toISOString();
        const row = {
          id: newId('usr'),
          org_id: orgId,
          org_role: 'member',
          staff_role: null,
          email,
          email_normalized: normalizeEmail(email),
          name,
          password_hash: null,
          email_verified_at: null,
          status: 'active',
          totp_secret_enc: null,
          totp_enabled_at: null,
          totp_last_step: null,
          username,
          uid_number: posixId,
          gid_number: posixId,
          ...posixDefaults(username),
          created_at: now,
          updated_at: now,
        };
        await insertUser(trx, row);
        await accounts.issueInvitation(trx, row, org.name);
        await audit.record(trx, ctx, {
          action: 'directory.user_created',
          orgId,
          target: { type: 'user', id: row.id },
          details: { username },
        });
        return row;
      })
      .catch(conflictFor);
    mail.wake();
    return toUserView(created);
  }

  /** Admins list and search their organization's users; a plain user sees only themselves. */
  async function list(principal: Principal, orgId: string, opts: { q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<Page<UserView>> {
    if (principal.user.kind === 'user' && principal.user.orgId === orgId && principal.user.orgRole !== 'admin') {
      const self = await getOrThrow(orgId, principal.user.id);
      return { items: opts.cursor ? [] : [toUserView(self)], nextCursor: null };
    }
    requireCapability(principal.user, 'directory.read', orgId);
    const rows = await repo.listOrgUsers(db, orgId, { q: opts.q, after: opts.cursor, limit: opts.limit + 1 });
    return pageOf(rows, opts.limit, toUserView);
  }

  async function get(principal: Principal, orgId: string, userId: string): Promise<UserView> {
    if (principal.user.id !== userId) requireCapability(principal.user, 'directory.read', orgId);
    else if (principal.user.orgId !== orgId) throw new AppError(CommonErrors.notFound);
    return toUserView(await getOrThrow(orgId, userId));
  }

  async function update(ctx: RequestContext, principal: Principal, orgId: string, userId: string, input: UpdateUserInput): Promise<UserView> {
    requireCapability(principal.user, 'directory.manage', orgId);
    const existing = await getOrThrow(orgId, userId);
    if (input.orgRole !== undefined && userId === principal.user.id && input.orgRole !== 'admin') {
      throw new AppError(DirectoryErrors.cannotChangeSelf, 'You cannot remove your own admin role.');
    }
    const patch = {
      ...(input.name !== undefined ? { name: requiredText(input.name, 'name') } : {}),
      ...(input.username !== undefined ? { username: validUsername(input.username) } : {}),
      ...(input.loginShell !== undefined ? { login_shell: requiredText(input.loginShell, 'loginShell', 100) } : {}),
      ...(input.orgRole !== undefined ? { org_role: input.orgRole } : {}),
    };
    const row = await db
      .transaction()
      .execute(async (trx) => {
        await updateUser(trx, existing.id, { ...patch, updated_at: clock.now().toISOString() });
        await audit.record(trx, ctx, {
          action: 'directory.user_updated',
          orgId,
          target: { type: 'user', id: userId },
          details: { fields: Object.keys(input).filter((k) => input[k as keyof UpdateUserInput] !== undefined) },
        });
        return repo.findOrgUser(trx, orgId, userId);
      })
      .catch(conflictFor);
    if (!row) throw new AppError(CommonErrors.notFound);
    return toUserView(row);
  }

  /** ACC-6, GOV-1: suspension ends every session at once and leaves the user no access anywhere. */
  async function setStatus(ctx: RequestContext, principal: Principal, orgId: string, userId: string, status: 'active' | 'suspended'): Promise<UserView> {
    requireCapability(principal.user, 'directory.manage', orgId);
    if (userId === principal.user.id) throw new AppError(DirectoryErrors.cannotChangeSelf);
    const row = await db.transaction().execute(async (trx) => {
      const org = await repo.lockOrganization(trx, orgId, forUpdate);
      const existing = await repo.findOrgUser(trx, orgId, userId);
      if (!org || !existing) throw new AppError(CommonErrors.notFound);
      if (existing.status === status) return existing;
      if (status === 'active') await assertCanAddActiveUser(trx, org, clock.now());
      await updateUser(trx, userId, { status, updated_at: clock.now().toISOString() });
      const ended = status === 'suspended' ? await accounts.endAccess(trx, userId) : 0;
      await audit.record(trx, ctx, {
        action: status === 'suspended' ? 'directory.user_suspended' : 'directory.user_reactivated',
        orgId,
        target: { type: 'user', id: userId },
        ...(status === 'suspended' ? { details: { sessionsEnded: ended } } : {}),
      });
      return repo.findOrgUser(trx, orgId, userId);
    });
    if (!row) throw new AppError(CommonErrors.notFound);
    return toUserView(row);
  }

  async function remove(ctx: RequestContext, principal: Principal, orgId: string, userId: string): Promise<void> {
    requireCapability(principal.user, 'directory.manage', orgId);
    if (userId === principal.user.id) throw new AppError(DirectoryErrors.cannotChangeSelf);
    await db.transaction().execute(async (trx) => {
      if (!(await repo.deleteOrgUser(trx, orgId, userId))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'directory.user_deleted', orgId, target: { type: 'user', id: userId } });
    });
  }

  return {
    create,
    list,
    get,
    update,
    suspend: (ctx: RequestContext, p: Principal, orgId: string, userId: string) => setStatus(ctx, p, orgId, userId, 'suspended'),
    reactivate: (ctx: RequestContext, p: Principal, orgId: string, userId: string) => setStatus(ctx, p, orgId, userId, 'active'),
    remove,
  };
}
