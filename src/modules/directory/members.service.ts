import type { InviteUserBody, ListUsersQuery, UpdateUserBody } from '../../contracts/users.ts';
import { type Caller, isMemberOf, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { normalizeEmail, requiredText, validEmail } from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps, Page } from './directory.deps.ts';
import type { MembershipsTable, OrganizationsTable } from './directory.tables.ts';
import type { Invitations } from './invitations.service.ts';
import { assertNoDeletionPending } from './org-deletion.service.ts';
import * as members from './memberships.repository.ts';
import { type MemberView, toMemberView } from './members.views.ts';
import * as orgs from './organizations.repository.ts';
import { assertSeatFree } from './plans.service.ts';
import { posixDefaults, usernameFromEmail, validUsername } from './posix.ts';
import { allocatePosixId } from './posix.repository.ts';

export type InviteInput = InviteUserBody;

/** A list cursor is the last row's sort values and id, as base64url JSON: opaque to clients. */
const encodeMemberCursor = (values: string[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

function decodeMemberCursor(cursor: string, width: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === width && values.every((v) => typeof v === 'string')) return values as string[];
  } catch {
    // Not JSON: refused below like any other foreign cursor.
  }
  throw new AppError(CommonErrors.invalid, 'The cursor is not valid for this order; start again from the first page.', { details: { field: 'cursor' } });
}
export type UpdateMemberInput = UpdateUserBody;

/** The conflicts a membership write can hit, each named for the field that caused it. */
export function memberConflict(e: unknown): never {
  if (isAppError(e) && e.is(CommonErrors.conflict)) {
    const where = `${String(e.details?.constraint ?? '')} ${String((e.cause as Error | undefined)?.message ?? '')}`;
    if (/username/.test(where)) throw new AppError(DirectoryErrors.usernameTaken, undefined, { details: { field: 'username' } });
    if (/uid/.test(where)) throw e;
    throw new AppError(DirectoryErrors.alreadyInOrganization, undefined, { details: { field: 'email' } });
  }
  throw e;
}

/**
 * DIR-2: an organization's users are its memberships, managed by its admins; a member reads only
 * their own. Inviting never looks at accounts, so its answer, its timing and its problems are the
 * same whether or not the address has one (DIR-1, ACC-7).
 */
export function createMembers(deps: DirectoryDeps, invitations: Invitations) {
  const { db, clock, audit, mail, accounts } = deps;
  const accessHooks = deps.accessHooks ?? { revoked: [], changed: [] };

  async function getRow(ex: Executor, orgId: string, membershipId: string): Promise<MembershipsTable> {
    const m = await members.findMembership(ex, orgId, membershipId);
    if (!m) throw new AppError(CommonErrors.notFound);
    return m;
  }

  /** Views for a page of memberships: the accounts' public facts (verified address, MFA) in one call. */
  async function views(ex: Executor, rows: MembershipsTable[]): Promise<MemberView[]> {
    const facts = new Map((await accounts.facts(ex, rows.flatMap((r) => (r.account_id ? [r.account_id] : [])))).map((f) => [f.id, f]));
    return rows.map((r) => toMemberView(r, r.account_id ? facts.get(r.account_id) : undefined));
  }
  const view = async (ex: Executor, row: MembershipsTable) => (await views(ex, [row]))[0] as MemberView;

  /** A username made from an address that is free in the organization: `ada`, else `ada2`, `ada3`… */
  async function freeUsername(ex: Executor, orgId: string, base: string): Promise<string> {
    for (let n = 1; n < 1000; n++) {
      const suffix = n === 1 ? '' : String(n);
      const candidate = `${base.slice(0, 32 - suffix.length)}${suffix}`;
      if (!(await members.findByUsername(ex, orgId, candidate))) return candidate;
    }
    return base;
  }

  /** DIR-4: invites a person, within the plan's limit; the invitation counts as a seat until accepted or revoked. */
  async function invite(ctx: RequestContext, caller: Caller, orgId: string, input: InviteInput): Promise<MemberView> {
    requireCapability(caller, 'directory.invite', { orgId });
    const email = validEmail(input.email);
    const name = requiredText(input.name, 'name');
    const chosen = input.username === undefined ? undefined : validUsername(input.username);
    await invitations.limit(orgId, normalizeEmail(email));
    const inviter = caller.kind === 'member' ? (await getRow(db, orgId, caller.membershipId)).name : null;
    const created = await db
      .transaction()
      .execute(async (trx) => {
        const org = await orgs.lockOrganization(trx, orgId);
        if (!org) throw new AppError(CommonErrors.notFound);
        await assertNoDeletionPending(trx, orgId);
        // The address is checked first, so a second invitation of one address is named for its
        // email, not for the username the address suggested (which would be taken too).
        if (await members.findByEmail(trx, orgId, normalizeEmail(email))) {
          throw new AppError(DirectoryErrors.alreadyInOrganization, undefined, { details: { field: 'email' } });
        }
        await assertSeatFree(trx, org, clock.now());
        const username = chosen ?? (await freeUsername(trx, orgId, usernameFromEmail(email)));
        const posixId = await allocatePosixId(trx, orgId);
        const row = members.newMembershipRow({ id: newId('usr'), orgId, email, name, status: 'invited', username, uid: posixId, now: clock.now().toISOString() });
        await members.insertMembership(trx, row);
        await invitations.issue(trx, row, org.name, { accountId: caller.kind === 'member' ? caller.accountId : null, name: inviter });
        await audit.record(trx, ctx, { action: 'directory.user_invited', orgId, target: { type: 'user', id: row.id }, details: { username } });
        return getRow(trx, orgId, row.id);
      })
      .catch(memberConflict);
    mail.wake();
    return toMemberView(created);
  }

  /**
   * Admins list, search, filter and sort their organization's members (by name unless asked
   * otherwise), with the total that match; a plain member sees only themselves.
   */
  async function list(caller: Caller, orgId: string, opts: ListUsersQuery): Promise<Page<MemberView> & { total: number }> {
    if (isMemberOf(caller, orgId) && caller.role !== 'admin') {
      const self = await getRow(db, orgId, caller.membershipId);
      const shown = (opts.status === undefined || opts.status === self.status) && !opts.cursor;
      return { items: shown ? [await view(db, self)] : [], nextCursor: null, total: shown ? 1 : 0 };
    }
    requireCapability(caller, 'directory.read', { orgId });
    const sort = opts.sort ?? 'name';
    const filter = { q: opts.q, status: opts.status };
    const after = opts.cursor === undefined ? undefined : decodeMemberCursor(opts.cursor, members.memberCursorWidth(sort));
    const rows = await members.listMemberships(db, orgId, { ...filter, sort, order: opts.order ?? 'asc', after, limit: opts.limit + 1 });
    const shown = rows.slice(0, opts.limit);
    const last = shown.at(-1);
    const nextCursor = rows.length > opts.limit && last ? encodeMemberCursor(last.cursor) : null;
    return { items: await views(db, shown.map((r) => r.row)), nextCursor, total: await members.countMemberships(db, orgId, filter) };
  }

  async function get(caller: Caller, orgId: string, membershipId: string): Promise<MemberView> {
    if (!(isMemberOf(caller, orgId) && caller.membershipId === membershipId)) requireCapability(caller, 'directory.read', { orgId });
    return view(db, await getRow(db, orgId, membershipId));
  }

  async function update(ctx: RequestContext, caller: Caller, orgId: string, membershipId: string, input: UpdateMemberInput): Promise<MemberView> {
    requireCapability(caller, 'directory.manage', { orgId });
    if (input.orgRole !== undefined && caller.kind === 'member' && membershipId === caller.membershipId && input.orgRole !== 'admin') {
      throw new AppError(DirectoryErrors.cannotChangeSelf, 'You cannot remove your own admin role.');
    }
    const current = await getRow(db, orgId, membershipId);
    // Making or unmaking an admin governs the organization: a person admin's, never an API client's.
    // The role the member already has is not written, so only a governing caller ever writes a role.
    const newRole = input.orgRole !== undefined && input.orgRole !== current.role ? input.orgRole : undefined;
    if (newRole !== undefined) requireCapability(caller, 'directory.govern', { orgId });
    const username = input.username === undefined ? undefined : validUsername(input.username);
    // The home directory follows a renamed username only when the admin asks (files may live there).
    const moveHome = input.moveHomeDirectory === true && username !== undefined && username !== current.username;
    const patch = {
      ...(input.name !== undefined ? { name: requiredText(input.name, 'name') } : {}),
      ...(username !== undefined ? { username } : {}),
      ...(moveHome ? { home_directory: posixDefaults(username).home_directory } : {}),
      ...(input.loginShell !== undefined ? { login_shell: requiredText(input.loginShell, 'loginShell', 100) } : {}),
      ...(newRole !== undefined ? { role: newRole } : {}),
    };
    const row = await db
      .transaction()
      .execute(async (trx) => {
        await members.updateMembership(trx, orgId, membershipId, { ...patch, updated_at: clock.now().toISOString() });
        await audit.record(trx, ctx, {
          action: 'directory.user_updated',
          orgId,
          target: { type: 'user', id: membershipId },
          details: {
            fields: [...Object.keys(input).filter((k) => k !== 'moveHomeDirectory' && input[k as keyof UpdateMemberInput] !== undefined), ...(moveHome ? ['homeDirectory'] : [])],
          },
        });
        return getRow(trx, orgId, membershipId);
      })
      .catch(memberConflict);
    return view(db, row);
  }

  const isSelf = (caller: Caller, membershipId: string) => caller.kind === 'member' && caller.membershipId === membershipId;

  /** Suspending, reactivating or removing an admin governs the organization (`directory.govern`), on top of `directory.manage`. */
  const requireGovernIfAdmin = (caller: Caller, orgId: string, target: MembershipsTable) => {
    if (target.role === 'admin') requireCapability(caller, 'directory.govern', { orgId });
  };

  /**
   * ACC-6, GOV-1: a suspended member may use nothing of the organization, at once, on every edge
   * (every request reads the membership's status); a person left with no active membership
   * anywhere has every session ended too. Reactivation takes a seat again (DIR-4).
   */
  async function setStatus(ctx: RequestContext, caller: Caller, orgId: string, membershipId: string, suspend: boolean): Promise<MemberView> {
    requireCapability(caller, 'directory.manage', { orgId });
    if (isSelf(caller, membershipId)) throw new AppError(DirectoryErrors.cannotChangeSelf);
    const row = await db.transaction().execute(async (trx) => {
      const org = await orgs.lockOrganization(trx, orgId);
      const existing = await getRow(trx, orgId, membershipId);
      if (!org) throw new AppError(CommonErrors.notFound);
      requireGovernIfAdmin(caller, orgId, existing);
      const changed = await setStatusIn(trx, ctx, org, existing, suspend);
      // GOV-1: the person hears of it (SCIM's own changes, through setStatusIn alone, stay silent).
      if (changed && existing.status !== (suspend ? 'suspended' : 'active')) await tellTerminated(trx, ctx, org.name, existing, suspend ? 'suspended' : 'reactivated');
      return getRow(trx, orgId, membershipId);
    });
    mail.wake();
    return view(db, row);
  }

  /**
   * The status change itself, in the caller's transaction, the organization's row locked and the
   * caller's grant checked: SCIM's `active` (PRO-4) comes this way too. Reactivating also takes the
   * member back from a SCIM deprovisioning, so they are not removed later. Answers whether the
   * status changed.
   */
  async function setStatusIn(trx: Executor, ctx: RequestContext, org: OrganizationsTable, existing: MembershipsTable, suspend: boolean, details: Record<string, unknown> = {}): Promise<boolean> {
    const orgId = org.id;
    const membershipId = existing.id;
    const status = suspend ? 'suspended' : existing.account_id === null && !existing.imported_password_hash_enc ? 'invited' : 'active';
    if (existing.status === status && suspend) {
      // An admin suspending a member SCIM suspended makes the suspension theirs: SCIM no longer lifts it.
      if (details.via !== 'scim' && existing.suspended_by_scim) await members.updateMembership(trx, orgId, membershipId, { suspended_by_scim: null });
      return false;
    }
    if (existing.status === status && !existing.scim_deleted_at) return false;
    if (!suspend && existing.status === 'suspended') await assertSeatFree(trx, org, clock.now());
    const now = clock.now().toISOString();
    const bySource = suspend ? { suspended_by_scim: details.via === 'scim' ? now : null } : { scim_deleted_at: null, scim_remove_at: null, suspended_by_scim: null };
    await members.updateMembership(trx, orgId, membershipId, { status, ...bySource, updated_at: now });
    if (existing.status === status) return true;
    let ended = 0;
    if (suspend && existing.account_id && !(await members.statusesOfAccount(trx, existing.account_id)).includes('active')) {
      ended = await accounts.endSessions(trx, existing.account_id);
    }
    // PRO-2, DIR-3: the member's grants and tokens at the applications go now, for good.
    if (suspend) for (const h of accessHooks.revoked) await h(trx, orgId, [membershipId]);
    await audit.record(trx, ctx, {
      action: suspend ? 'directory.user_suspended' : 'directory.user_reactivated',
      orgId,
      target: { type: 'user', id: membershipId },
      ...(suspend || Object.keys(details).length > 0 ? { details: { ...(suspend ? { sessionsEnded: ended } : {}), ...details } } : {}),
    });
    return true;
  }

  /** Removes the membership (the account, the person's own, stays); their group memberships and bindings go with it. */
  async function remove(ctx: RequestContext, caller: Caller, orgId: string, membershipId: string): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    if (isSelf(caller, membershipId)) throw new AppError(DirectoryErrors.cannotChangeSelf);
    await db.transaction().execute(async (trx) => {
      const existing = await getRow(trx, orgId, membershipId);
      requireGovernIfAdmin(caller, orgId, existing);
      await removeInTransaction(ctx, orgId, membershipId, trx);
      await tellTerminated(trx, ctx, (await orgs.findOrganization(trx, orgId))?.name ?? '', existing, 'removed');
    });
    mail.wake();
  }

  /** GOV-1: an admin's suspension, reactivation or removal is told to the person, in the same transaction. */
  async function tellTerminated(trx: Executor, ctx: RequestContext, orgName: string, m: MembershipsTable, action: 'suspended' | 'reactivated' | 'removed'): Promise<void> {
    const event = { action, orgId: m.org_id, orgName, membershipId: m.id, accountId: m.account_id, email: m.email, name: m.name, previousStatus: m.status };
    for (const h of accessHooks.terminated ?? []) await h(trx, ctx, event);
  }

  /** The removal itself, for callers that checked their own grant (a support verification, SUP-6). */
  async function removeInTransaction(ctx: RequestContext, orgId: string, membershipId: string, ex?: Executor): Promise<void> {
    const run = async (trx: Executor) => {
      const existing = await getRow(trx, orgId, membershipId);
      if (!(await members.deleteMembership(trx, orgId, membershipId))) throw new AppError(CommonErrors.notFound);
      // PRO-4: whom they managed has no manager now.
      await members.clearManager(trx, orgId, membershipId);
      if (existing.account_id && !(await members.statusesOfAccount(trx, existing.account_id)).includes('active')) await accounts.endSessions(trx, existing.account_id);
      for (const h of accessHooks.revoked) await h(trx, orgId, [membershipId]);
      for (const h of accessHooks.removed ?? []) await h(trx, orgId, [membershipId]);
      await audit.record(trx, ctx, { action: 'directory.user_deleted', orgId, target: { type: 'user', id: membershipId } });
    };
    if (ex) await run(ex);
    else await db.transaction().execute(run);
  }

  /** Sends a pending invitation again with a new link (the old one stops working). */
  async function resendInvitation(ctx: RequestContext, caller: Caller, orgId: string, membershipId: string): Promise<MemberView> {
    requireCapability(caller, 'directory.invite', { orgId });
    const m = await getRow(db, orgId, membershipId);
    if (m.status === 'suspended' || m.account_id !== null) throw new AppError(DirectoryErrors.notInvited);
    await invitations.limit(orgId, m.email_normalized);
    const inviter = caller.kind === 'member' ? (await getRow(db, orgId, caller.membershipId)).name : null;
    const row = await db.transaction().execute(async (trx) => {
      const org = await orgs.findOrganization(trx, orgId);
      await invitations.issue(trx, m, org?.name ?? '', { accountId: caller.kind === 'member' ? caller.accountId : null, name: inviter });
      await audit.record(trx, ctx, { action: 'directory.invitation_resent', orgId, target: { type: 'user', id: m.id } });
      return getRow(trx, orgId, m.id);
    });
    mail.wake();
    return toMemberView(row);
  }

  /** Withdraws a pending invitation: the membership goes, and its seat is free again. */
  async function revokeInvitation(ctx: RequestContext, caller: Caller, orgId: string, membershipId: string): Promise<void> {
    requireCapability(caller, 'directory.invite', { orgId });
    await db.transaction().execute(async (trx) => {
      const m = await getRow(trx, orgId, membershipId);
      if (m.account_id !== null) throw new AppError(DirectoryErrors.notInvited);
      requireGovernIfAdmin(caller, orgId, m);
      await members.deleteMembership(trx, orgId, membershipId);
      for (const h of accessHooks.removed ?? []) await h(trx, orgId, [membershipId]);
      await audit.record(trx, ctx, { action: 'directory.invitation_revoked', orgId, target: { type: 'user', id: membershipId } });
    });
  }

  return {
    invite,
    /** The API's name for inviting. */
    create: invite,
    list,
    get,
    update,
    suspend: (ctx: RequestContext, c: Caller, orgId: string, id: string) => setStatus(ctx, c, orgId, id, true),
    reactivate: (ctx: RequestContext, c: Caller, orgId: string, id: string) => setStatus(ctx, c, orgId, id, false),
    remove,
    removeInTransaction,
    setStatusIn,
    freeUsername,
    resendInvitation,
    revokeInvitation,
  };
}

export type Members = ReturnType<typeof createMembers>;
