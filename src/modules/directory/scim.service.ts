import { type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { normalizeEmail, validEmail } from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import { type DirectoryDeps, tellAccessChanged } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import type { GroupsTable, MembershipsTable, OrganizationsTable } from './directory.tables.ts';
import type { DirectoryFilter } from './filter.ts';
import type { Invitations } from './invitations.service.ts';
import type { Members } from './members.service.ts';
import * as members from './memberships.repository.ts';
import { assertNoDeletionPending } from './org-deletion.service.ts';
import * as orgs from './organizations.repository.ts';
import { assertSeatFree } from './plans.service.ts';
import { usernameFromEmail } from './posix.ts';
import { allocatePosixId } from './posix.repository.ts';
import { compileScimFilter } from './query.ts';
import * as scim from './scim.repository.ts';

/** A person as SCIM sees them (PRO-4): the edge writes it as a `User` resource. */
export interface ScimUserRecord {
  id: string;
  userName: string;
  externalId: string | null;
  /** The name the organization knows them by: displayName and name.formatted. */
  name: string;
  givenName: string | null;
  familyName: string | null;
  email: string;
  active: boolean;
  employeeNumber: string | null;
  department: string | null;
  manager: { id: string; name: string } | null;
  groups: Array<{ id: string; name: string }>;
  createdAt: string;
  updatedAt: string;
}

/** What a SCIM client sets on a person (POST, PUT, and PATCH once applied): absent optional fields are cleared. */
export interface ScimUserInput {
  userName: string;
  externalId?: string | null | undefined;
  displayName?: string | null | undefined;
  formattedName?: string | null | undefined;
  givenName?: string | null | undefined;
  familyName?: string | null | undefined;
  /** The primary (or first) address; the userName when it is one and none is given. */
  email?: string | null | undefined;
  active?: boolean | undefined;
  employeeNumber?: string | null | undefined;
  department?: string | null | undefined;
  managerId?: string | null | undefined;
}

export interface ScimGroupRecord {
  id: string;
  displayName: string;
  externalId: string | null;
  members: Array<{ id: string; name: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface ScimGroupInput {
  displayName: string;
  externalId?: string | null | undefined;
  /** The members' ids; undefined leaves them as they are (a PUT without `members`), [] removes them all. */
  memberIds?: string[] | undefined;
}

export interface ScimSearch {
  filter?: DirectoryFilter | undefined;
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
  sortBy?: string | undefined;
  descending?: boolean | undefined;
}

/** Checked in the transaction, on the resource as it is then (the edge's If-Match). */
export type Precondition<T> = (current: T) => void;

const TEXT_MAX = 256;
const USER_NAME_MAX = 256;
/** One request names at most this many members (clients send large groups' members in several). */
export const GROUP_MEMBERS_MAX = 10_000;

const invalid = (message: string, field: string) => new AppError(DirectoryErrors.scimInvalid, message, { details: { field } });

/** Optional text: trimmed, empty as absent, bounded. */
function text(value: string | null | undefined, field: string, max = TEXT_MAX): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw invalid(`${field} must be a string.`, field);
  const v = value.trim();
  if (v.length > max) throw invalid(`${field} is at most ${max} characters.`, field);
  if ([...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw invalid(`${field} may not contain control characters.`, field);
  return v === '' ? null : v;
}

function userNameOf(input: ScimUserInput): string {
  const v = text(input.userName, 'userName', USER_NAME_MAX);
  if (!v) throw invalid('userName is required.', 'userName');
  return v;
}

/** The name the directory keeps: displayName, else name.formatted, else the parts, else the userName. */
function nameOf(input: ScimUserInput, userName: string): string {
  const parts = [text(input.givenName, 'name.givenName'), text(input.familyName, 'name.familyName')].filter(Boolean).join(' ');
  return text(input.displayName, 'displayName') ?? text(input.formattedName, 'name.formatted') ?? (parts || userName);
}

function emailOf(input: ScimUserInput, userName: string): string {
  const given = text(input.email, 'emails');
  if (given) return validEmail(given);
  if (userName.includes('@')) return validEmail(userName);
  throw invalid('A user needs an address: emails, or a userName that is one (Castellan mails the invitation there).', 'emails');
}

const uniqueness = (message: string, field: string) => new AppError(DirectoryErrors.scimUserNameTaken, message, { details: { field } });

/**
 * PRO-4: the directory as SCIM provisions it. Users are the organization's members: a SCIM client
 * creates them (within the plan, DIR-4; invited to set their own password, ACC-2: SCIM never sets
 * one), changes them, suspends them (`active: false`) and deprovisions them (DELETE: suspended at
 * once, then removed per the organization's setting). Groups are its groups, with all their
 * members. Every change is audited with the token as the actor (the caller), and the one access
 * decision hears of every change of access.
 */
export function createScimProvisioning(deps: DirectoryDeps, invitations: Invitations, memberOps: Members) {
  const { db, clock, audit, mail } = deps;

  // ---- users -------------------------------------------------------------------------------------

  async function userRecords(ex: Executor, orgId: string, rows: MembershipsTable[]): Promise<ScimUserRecord[]> {
    const ids = rows.map((r) => r.id);
    const groups = new Map<string, Array<{ id: string; name: string }>>();
    for (const g of await scim.groupsOfUsers(ex, orgId, ids)) groups.set(g.user_id, [...(groups.get(g.user_id) ?? []), { id: g.id, name: g.name }]);
    const managerIds = [...new Set(rows.flatMap((r) => (r.manager_id ? [r.manager_id] : [])))];
    const managers = new Map((await scim.namesOfMembers(ex, orgId, managerIds)).filter((m) => !m.scim_deleted_at).map((m) => [m.id, m.name]));
    return rows.map((r) => ({
      id: r.id,
      userName: r.scim_user_name ?? r.email,
      externalId: r.external_id ?? null,
      name: r.name,
      givenName: r.given_name ?? null,
      familyName: r.family_name ?? null,
      email: r.email,
      active: r.status !== 'suspended',
      employeeNumber: r.employee_number ?? null,
      department: r.department ?? null,
      manager: r.manager_id && managers.has(r.manager_id) ? { id: r.manager_id, name: managers.get(r.manager_id) as string } : null,
      groups: groups.get(r.id) ?? [],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async function userRow(ex: Executor, orgId: string, id: string): Promise<MembershipsTable> {
    const row = await scim.findScimUser(ex, orgId, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    return row;
  }

  async function searchUsers(caller: Caller, orgId: string, q: ScimSearch): Promise<{ total: number; items: ScimUserRecord[] }> {
    requireCapability(caller, 'directory.read', { orgId });
    const f = q.filter;
    // The lookup clients make before every create, prepared once (the general path answers the same).
    if (f?.type === 'equal' && f.attribute === 'username' && q.startIndex === 1 && q.sortBy === undefined && q.count > 0 && !f.value.includes('\u0000')) {
      const rows = await scim.scimUsersByUserName(db, orgId, f.value.toLowerCase(), q.count);
      return { total: rows.length < q.count ? rows.length : (await scim.searchScimUsers(db, orgId, compileScimFilter('users', f, { dialect: deps.dialect, orgId }) as scim.Where, { offset: 0, limit: 0 })).total, items: await userRecords(db, orgId, rows) };
    }
    const where = q.filter ? compileScimFilter('users', q.filter, { dialect: deps.dialect, orgId }) : true;
    if (where === false) return { total: 0, items: [] };
    const { rows, total } = await scim.searchScimUsers(db, orgId, where, { offset: q.startIndex - 1, limit: q.count, sortBy: q.sortBy, descending: q.descending });
    return { total, items: await userRecords(db, orgId, rows) };
  }

  async function getUser(caller: Caller, orgId: string, id: string): Promise<ScimUserRecord> {
    requireCapability(caller, 'directory.read', { orgId });
    return (await userRecords(db, orgId, [await userRow(db, orgId, id)]))[0] as ScimUserRecord;
  }

  /**
   * Who else holds the userName or the address (a SCIM userName, or the address SCIM shows as the
   * userName of a member no client named): each is a `uniqueness` conflict, named for what it
   * holds. On a create (`self` absent), a member SCIM deprovisioned with the same address is the
   * same person provisioned again: it is answered, to be taken back; one with another address
   * keeps what it holds until it is removed (the organization's setting decides when).
   */
  async function othersHolding(ex: Executor, orgId: string, userName: string, email: string, self?: string): Promise<MembershipsTable | undefined> {
    let revive: MembershipsTable | undefined;
    const holders = await scim.holdersOf(ex, orgId, userName, email);
    // A member who already holds this userName keeps it, even if an admin has since invited its
    // address for someone else (their changes must go on: a leaver's `active: false` above all).
    const owned = self !== undefined && holders.some((h) => h.id === self && h.scim_user_name_normalized === userName);
    for (const h of holders) {
      if (h.id === self) continue;
      const holdsName = h.scim_user_name_normalized === userName || ((h.scim_user_name_normalized ?? null) === null && h.email_normalized === userName);
      if (owned && h.scim_user_name_normalized !== userName && h.email_normalized !== email) continue;
      if (self === undefined && h.scim_deleted_at && h.email_normalized === email && !revive) {
        revive = h;
        continue;
      }
      const kept = h.scim_deleted_at ? ' by a member SCIM deprovisioned, until the membership is removed' : '';
      if (holdsName) throw uniqueness(`This userName is already used in the organization${kept}.`, 'userName');
      throw uniqueness(`This address is already a member of, or invited to, this organization${kept}.`, 'emails');
    }
    return revive;
  }

  async function managerOf(trx: Executor, orgId: string, managerId: string | null | undefined, self?: string): Promise<string | null> {
    const id = text(managerId, 'manager');
    if (!id) return null;
    if (id === self) throw invalid('A user cannot be their own manager.', 'manager');
    if (!(await scim.findScimUser(trx, orgId, id))) throw invalid('manager.value names no user of this organization.', 'manager');
    return id;
  }

  /** The columns a SCIM user input sets, beyond the address, name and status. */
  function scimColumns(input: ScimUserInput, userName: string) {
    return {
      scim_user_name: userName,
      scim_user_name_normalized: userName.toLowerCase(),
      external_id: text(input.externalId, 'externalId'),
      given_name: text(input.givenName, 'name.givenName'),
      family_name: text(input.familyName, 'name.familyName'),
      employee_number: text(input.employeeNumber, 'employeeNumber'),
      department: text(input.department, 'department'),
    };
  }

  async function lockedOrg(trx: Executor, orgId: string): Promise<OrganizationsTable> {
    const org = await orgs.lockOrganization(trx, orgId);
    if (!org) throw new AppError(CommonErrors.notFound);
    return org;
  }

  /** A unique index's refusal (a create that raced another), named as SCIM names it; any other conflict stays a plain one. */
  const conflicts = (e: unknown): never => {
    if (isAppError(e) && e.is(CommonErrors.conflict)) {
      const where = `${String(e.details?.constraint ?? '')} ${String((e.cause as Error | undefined)?.message ?? '')}`;
      if (/email_normalized|org_email/.test(where)) throw uniqueness('This address is already a member of, or invited to, this organization.', 'emails');
      if (/scim_user_name/.test(where)) throw uniqueness('This userName is already used in the organization.', 'userName');
    }
    if (isAppError(e) && e.is(DirectoryErrors.alreadyInOrganization)) throw uniqueness('This address is already a member of, or invited to, this organization.', 'emails');
    throw e;
  };

  /** An invitation is due (once a change calls for one): none was sent, it expired, or it went to another address. */
  const invitationDue = (m: MembershipsTable, addressChanged: boolean) =>
    m.status === 'invited' && m.account_id === null && (addressChanged || m.invite_token_hash === null || !m.invite_expires_at || m.invite_expires_at <= clock.now().toISOString());

  async function createUser(ctx: RequestContext, caller: Caller, orgId: string, input: ScimUserInput): Promise<ScimUserRecord> {
    requireCapability(caller, 'directory.invite', { orgId });
    const userName = userNameOf(input);
    const email = emailOf(input, userName);
    const emailNormalized = normalizeEmail(email);
    const name = nameOf(input, userName);
    const active = input.active !== false;
    const columns = scimColumns(input, userName);
    // A conflict is answered before any of the organization's invitations is spent on it.
    await othersHolding(db, orgId, columns.scim_user_name_normalized, emailNormalized);
    // DIR-4: an invitation is mail: the organization's and the address's invitation limits hold.
    if (active) await invitations.limit(orgId, emailNormalized);
    const id = await db
      .transaction()
      .execute(async (trx) => {
        const org = await lockedOrg(trx, orgId);
        await assertNoDeletionPending(trx, orgId);
        const now = clock.now().toISOString();
        const revive = await othersHolding(trx, orgId, columns.scim_user_name_normalized, emailNormalized);
        if (revive) {
          // The same person provisioned again: their membership (POSIX ids, groups, access) comes back.
          const managerId = await managerOf(trx, orgId, input.managerId, revive.id);
          await members.updateMembership(trx, orgId, revive.id, { ...columns, name, email, manager_id: managerId, scim_deleted_at: null, scim_remove_at: null, updated_at: now });
          const back = await userRow(trx, orgId, revive.id);
          if (back.role === 'admin') requireCapability(caller, 'directory.govern', { orgId });
          // A suspension an admin made stays (the member comes back suspended); SCIM lifts only its own.
          const lifted = active && back.status === 'suspended' && Boolean(back.suspended_by_scim) && (await memberOps.setStatusIn(trx, ctx, org, back, false, { via: 'scim' }));
          const after = await userRow(trx, orgId, revive.id);
          if (lifted && invitationDue(after, false)) await invitations.issue(trx, after, org.name, { accountId: null, name: null });
          await audit.record(trx, ctx, { action: 'directory.user_reprovisioned', orgId, target: { type: 'user', id: revive.id }, details: { via: 'scim', active } });
          return revive.id;
        }
        if (active) await assertSeatFree(trx, org, clock.now());
        // The POSIX username: the userName itself when it is one and free, else one made from the address.
        const plain = userName.toLowerCase();
        const username = /^[a-z_][a-z0-9._-]{0,31}$/.test(plain) && !(await members.findByUsername(trx, orgId, plain)) ? plain : await memberOps.freeUsername(trx, orgId, usernameFromEmail(email));
        const posixId = await allocatePosixId(trx, orgId);
        const row: MembershipsTable = {
          ...members.newMembershipRow({ id: newId('usr'), orgId, email, name, status: active ? 'invited' : 'suspended', username, uid: posixId, now }),
          ...columns,
          manager_id: null,
          suspended_by_scim: active ? null : now,
        };
        await members.insertMembership(trx, row);
        const managerId = await managerOf(trx, orgId, input.managerId, row.id);
        if (managerId) await members.updateMembership(trx, orgId, row.id, { manager_id: managerId });
        // ACC-2: the person sets their own password from the invitation; SCIM never sets one.
        if (active) await invitations.issue(trx, row, org.name, { accountId: null, name: null });
        await audit.record(trx, ctx, { action: 'directory.user_invited', orgId, target: { type: 'user', id: row.id }, details: { username, via: 'scim', active } });
        return row.id;
      })
      .catch(conflicts);
    mail.wake();
    return (await userRecords(db, orgId, [await userRow(db, orgId, id)]))[0] as ScimUserRecord;
  }

  /**
   * PUT, and PATCH once applied: the person as the client now has them. The address of a member
   * who has accepted is their account's own, changed by them alone; an invitation not yet accepted
   * follows a new address (a fresh link goes there, the old one stops working). `active: false`
   * suspends; `active: true` lifts only a suspension SCIM made: one an admin made stays until an
   * admin lifts it.
   */
  async function replaceUser(ctx: RequestContext, caller: Caller, orgId: string, id: string, input: ScimUserInput, precondition?: Precondition<ScimUserRecord>): Promise<ScimUserRecord> {
    requireCapability(caller, 'directory.manage', { orgId });
    const userName = userNameOf(input);
    const name = nameOf(input, userName);
    const columns = scimColumns(input, userName);
    const given = text(input.email, 'emails');
    const givenEmail = given ? validEmail(given) : undefined;
    // DIR-4: a change that sends an invitation spends one, as a create does.
    const before = await userRow(db, orgId, id);
    const newAddress = givenEmail !== undefined && normalizeEmail(givenEmail) !== before.email_normalized;
    const lifting = input.active === true && before.status === 'suspended' && Boolean(before.suspended_by_scim);
    if (before.account_id === null && (newAddress || lifting)) await invitations.limit(orgId, normalizeEmail(givenEmail ?? before.email));
    const reinvite = await db
      .transaction()
      .execute(async (trx) => {
        const org = await lockedOrg(trx, orgId);
        const current = await userRow(trx, orgId, id);
        precondition?.((await userRecords(trx, orgId, [current]))[0] as ScimUserRecord);
        // Changing an admin governs the organization: a person admin's, never a token's.
        if (current.role === 'admin') requireCapability(caller, 'directory.govern', { orgId });
        const email = givenEmail ?? current.email;
        const addressChanged = normalizeEmail(email) !== current.email_normalized;
        if (addressChanged && current.account_id !== null) {
          throw new AppError(DirectoryErrors.scimImmutable, 'The address of a member who has signed up is their account’s own: they change it themselves.', { details: { field: 'emails' } });
        }
        await othersHolding(trx, orgId, columns.scim_user_name_normalized, normalizeEmail(email), id);
        const managerId = await managerOf(trx, orgId, input.managerId, id);
        const now = clock.now().toISOString();
        const patch = { ...columns, name, manager_id: managerId, ...(addressChanged ? { email, email_normalized: normalizeEmail(email) } : {}) };
        const was = current as unknown as Record<string, unknown>;
        const fields = Object.entries(patch).filter(([k, v]) => (was[k] ?? null) !== v).map(([k]) => k);
        if (fields.length > 0) {
          await members.updateMembership(trx, orgId, id, { ...patch, updated_at: now });
          await audit.record(trx, ctx, { action: 'directory.user_updated', orgId, target: { type: 'user', id }, details: { fields, via: 'scim' } });
        }
        const after = await userRow(trx, orgId, id);
        const suspended = after.status === 'suspended';
        if (input.active === false && !suspended) await memberOps.setStatusIn(trx, ctx, org, after, true, { via: 'scim' });
        const lifted = input.active === true && suspended && Boolean(after.suspended_by_scim) && (await memberOps.setStatusIn(trx, ctx, org, after, false, { via: 'scim' }));
        const final = await userRow(trx, orgId, id);
        // Mail goes only where this change calls for it (a new address, a SCIM suspension lifted),
        // within the limits spent above: a routine push mails no one.
        const invite = (addressChanged || lifted) && invitationDue(final, addressChanged);
        if (invite) await invitations.issue(trx, final, org.name, { accountId: null, name: null });
        return invite ? final : null;
      })
      .catch(conflicts);
    if (reinvite) mail.wake();
    // DIR-3: suspension was told in its transaction; a reactivation may give access back.
    if (lifting) await tellAccessChanged(deps, orgId, { membershipIds: [id] });
    return (await userRecords(db, orgId, [await userRow(db, orgId, id)]))[0] as ScimUserRecord;
  }

  /**
   * DELETE: deprovisioning. The member is suspended at once (every edge refuses them, their grants
   * and sessions go) and no longer shown to SCIM; the membership is removed when the organization's
   * setting says (0 days: now; none: an admin decides). Reactivating them in the console takes them back.
   */
  async function deprovisionUser(ctx: RequestContext, caller: Caller, orgId: string, id: string, precondition?: Precondition<ScimUserRecord>): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    await db.transaction().execute(async (trx) => {
      const org = await lockedOrg(trx, orgId);
      const current = await userRow(trx, orgId, id);
      precondition?.((await userRecords(trx, orgId, [current]))[0] as ScimUserRecord);
      if (current.role === 'admin') requireCapability(caller, 'directory.govern', { orgId });
      await memberOps.setStatusIn(trx, ctx, org, current, true, { via: 'scim' });
      const days = org.scim_remove_after_days ?? null;
      const now = clock.now();
      if (days === 0) {
        await memberOps.removeInTransaction(ctx, orgId, id, trx);
        return;
      }
      const removeAt = days === null ? null : new Date(now.getTime() + days * 86_400_000).toISOString();
      await members.updateMembership(trx, orgId, id, { scim_deleted_at: now.toISOString(), scim_remove_at: removeAt, updated_at: now.toISOString() });
      await audit.record(trx, ctx, { action: 'directory.user_deprovisioned', orgId, target: { type: 'user', id }, details: { via: 'scim', removeAt } });
    });
  }

  /**
   * The deprovisioned members whose time has come are removed, a batch at a time (a job). Each in
   * its own transaction, under its organization's lock, re-read there: one reactivated or
   * provisioned again meanwhile stays. A row that fails is logged and left for the next run.
   */
  async function removeDeprovisioned(ctx: RequestContext, batch = 200): Promise<number> {
    const now = clock.now().toISOString();
    let removed = 0;
    for (const m of await scim.deprovisionedDue(db, now, batch)) {
      try {
        await db.transaction().execute(async (trx) => {
          if (!(await orgs.lockOrganization(trx, m.org_id))) return;
          const row = await members.findMembership(trx, m.org_id, m.id);
          if (!row?.scim_deleted_at || !row.scim_remove_at || row.scim_remove_at > now) return;
          await memberOps.removeInTransaction(ctx, m.org_id, m.id, trx);
          removed++;
        });
      } catch (e) {
        deps.log?.warn({ orgId: m.org_id, membershipId: m.id, err: e instanceof Error ? e.message : String(e) }, 'a deprovisioned member could not be removed; tried again in an hour');
        // Put back an hour, so that a row that keeps failing never holds up the others.
        await members.updateMembership(db, m.org_id, m.id, { scim_remove_at: new Date(clock.now().getTime() + 3_600_000).toISOString() }).catch(() => undefined);
      }
    }
    return removed;
  }

  // ---- groups ------------------------------------------------------------------------------------

  /** The groups as SCIM shows them; `withMembers: false` when the client excluded members (a large group costs its members' rows). */
  async function groupRecords(ex: Executor, orgId: string, rows: GroupsTable[], withMembers = true): Promise<ScimGroupRecord[]> {
    const byGroup = new Map<string, Array<{ id: string; name: string }>>();
    if (withMembers) for (const m of await scim.membersOfGroups(ex, orgId, rows.map((r) => r.id))) byGroup.set(m.group_id, [...(byGroup.get(m.group_id) ?? []), { id: m.id, name: m.name }]);
    return rows.map((g) => ({ id: g.id, displayName: g.name, externalId: g.external_id ?? null, members: byGroup.get(g.id) ?? [], createdAt: g.created_at, updatedAt: g.updated_at }));
  }

  async function groupRow(ex: Executor, orgId: string, id: string): Promise<GroupsTable> {
    const g = await repo.findGroup(ex, orgId, id);
    if (!g) throw new AppError(CommonErrors.notFound);
    return g;
  }

  async function searchGroups(caller: Caller, orgId: string, q: ScimSearch, opts: { withMembers?: boolean } = {}): Promise<{ total: number; items: ScimGroupRecord[] }> {
    requireCapability(caller, 'directory.read', { orgId });
    const where = q.filter ? compileScimFilter('groups', q.filter, { dialect: deps.dialect, orgId }) : true;
    if (where === false) return { total: 0, items: [] };
    const { rows, total } = await scim.searchScimGroups(db, orgId, where, { offset: q.startIndex - 1, limit: q.count, sortBy: q.sortBy, descending: q.descending });
    return { total, items: await groupRecords(db, orgId, rows, opts.withMembers !== false) };
  }

  async function getGroup(caller: Caller, orgId: string, id: string, opts: { withMembers?: boolean } = {}): Promise<ScimGroupRecord> {
    requireCapability(caller, 'directory.read', { orgId });
    return (await groupRecords(db, orgId, [await groupRow(db, orgId, id)], opts.withMembers !== false))[0] as ScimGroupRecord;
  }

  /** The ids one request names, each a user of the organization in the SCIM view; duplicates collapse. */
  async function checkedMembers(trx: Executor, orgId: string, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length > GROUP_MEMBERS_MAX) throw invalid(`A request may name at most ${GROUP_MEMBERS_MAX} members.`, 'members');
    const found = new Set((await scim.namesOfMembers(trx, orgId, unique)).filter((m) => !m.scim_deleted_at).map((m) => m.id));
    const unknown = unique.find((id) => !found.has(id));
    if (unknown !== undefined) throw invalid(`members: "${unknown.slice(0, 64)}" is no user of this organization.`, 'members');
    return unique;
  }

  const groupName = (input: ScimGroupInput) => {
    const v = text(input.displayName, 'displayName', 100);
    if (!v) throw invalid('displayName is required.', 'displayName');
    return v;
  };

  const groupConflict = (e: unknown): never => {
    if (isAppError(e) && e.is(DirectoryErrors.groupNameTaken)) throw uniqueness('A group with this displayName already exists.', 'displayName');
    if (isAppError(e) && e.is(CommonErrors.conflict) && /groups_org_name_unique|groups\.name/.test(`${String(e.details?.constraint ?? '')} ${String((e.cause as Error | undefined)?.message ?? '')}`)) {
      throw uniqueness('A group with this displayName already exists.', 'displayName');
    }
    throw e;
  };

  /** Adds and removes members (each audited, the group's time touched); answers whose access may have changed. */
  async function changeMembers(trx: Executor, ctx: RequestContext, orgId: string, groupId: string, add: string[], remove: string[], now: string): Promise<string[]> {
    const have = new Set(await repo.memberIdsOfGroup(trx, orgId, groupId));
    return changeMembersKnown(trx, ctx, orgId, groupId, add.filter((id) => !have.has(id)), [...new Set(remove)].filter((id) => have.has(id)), now);
  }

  /** As changeMembers, `added` not in the group yet and `removed` in it. */
  async function changeMembersKnown(trx: Executor, ctx: RequestContext, orgId: string, groupId: string, added: string[], removed: string[], now: string): Promise<string[]> {
    for (const userId of added) {
      await repo.addMember(trx, orgId, groupId, userId, now);
      await audit.record(trx, ctx, { action: 'directory.member_added', orgId, target: { type: 'group', id: groupId }, details: { userId, via: 'scim' } });
    }
    for (const userId of removed) {
      await repo.removeMember(trx, orgId, groupId, userId);
      await audit.record(trx, ctx, { action: 'directory.member_removed', orgId, target: { type: 'group', id: groupId }, details: { userId, via: 'scim' } });
    }
    if (added.length + removed.length > 0) await scim.touchGroup(trx, orgId, groupId, now);
    return [...added, ...removed];
  }

  /**
   * Sets the members SCIM shows to `want`: members SCIM deprovisioned are neither shown nor
   * touched, so an admin who takes one back finds their groups as they were.
   */
  async function setMembers(trx: Executor, ctx: RequestContext, orgId: string, groupId: string, want: string[], now: string): Promise<string[]> {
    const shown = await scim.visibleMemberIdsOfGroup(trx, orgId, groupId);
    const wanted = new Set(want);
    return changeMembers(trx, ctx, orgId, groupId, want, shown.filter((id) => !wanted.has(id)), now);
  }

  async function createGroup(ctx: RequestContext, caller: Caller, orgId: string, input: ScimGroupInput): Promise<ScimGroupRecord> {
    requireCapability(caller, 'directory.manage', { orgId });
    const name = groupName(input);
    const externalId = text(input.externalId, 'externalId');
    const id = await db
      .transaction()
      .execute(async (trx) => {
        if (!(await orgs.lockOrganization(trx, orgId))) throw new AppError(CommonErrors.notFound);
        await assertNoDeletionPending(trx, orgId);
        const memberIds = await checkedMembers(trx, orgId, input.memberIds ?? []);
        const now = clock.now().toISOString();
        const g: GroupsTable = { id: newId('grp'), org_id: orgId, name, description: null, gid_number: await allocatePosixId(trx, orgId), created_at: now, updated_at: now, external_id: externalId };
        await repo.insertGroup(trx, g);
        await audit.record(trx, ctx, { action: 'directory.group_created', orgId, target: { type: 'group', id: g.id }, details: { name, via: 'scim' } });
        await changeMembers(trx, ctx, orgId, g.id, memberIds, [], now);
        return g.id;
      })
      .catch(groupConflict);
    return getGroup(caller, orgId, id);
  }

  /** The group locked for the rest of the transaction, so that two changes of one group never interleave (PostgreSQL; SQLite has one writer). */
  async function lockedGroup(trx: Executor, orgId: string, id: string): Promise<GroupsTable> {
    if (!(await scim.lockGroup(trx, orgId, id))) throw new AppError(CommonErrors.notFound);
    return groupRow(trx, orgId, id);
  }

  /** PUT, and a PATCH beyond adding and removing members: `memberIds` undefined leaves the members as they are. */
  async function replaceGroup(ctx: RequestContext, caller: Caller, orgId: string, id: string, input: ScimGroupInput, precondition?: Precondition<ScimGroupRecord>): Promise<ScimGroupRecord> {
    requireCapability(caller, 'directory.manage', { orgId });
    const name = groupName(input);
    const externalId = text(input.externalId, 'externalId');
    const changed = await db
      .transaction()
      .execute(async (trx) => {
        const current = await lockedGroup(trx, orgId, id);
        precondition?.((await groupRecords(trx, orgId, [current]))[0] as ScimGroupRecord);
        const now = clock.now().toISOString();
        const fields = [...(name !== current.name ? ['name'] : []), ...(externalId !== (current.external_id ?? null) ? ['externalId'] : [])];
        if (fields.length > 0) {
          await repo.updateGroup(trx, orgId, id, { name, updated_at: now });
          await scim.setGroupExternalId(trx, orgId, id, externalId, now);
          await audit.record(trx, ctx, { action: 'directory.group_updated', orgId, target: { type: 'group', id }, details: { fields, via: 'scim' } });
        }
        if (input.memberIds === undefined) return [];
        return setMembers(trx, ctx, orgId, id, await checkedMembers(trx, orgId, input.memberIds), now);
      })
      .catch(groupConflict);
    // DIR-3: the group's bindings reach other people now.
    if (changed.length > 0) await tellAccessChanged(deps, orgId, { membershipIds: changed });
    return getGroup(caller, orgId, id);
  }

  /**
   * A PATCH that only adds and removes members (how Okta and Entra ID push groups): applied as
   * such, under the group's lock, so concurrent pushes to one group all land and none undoes
   * another; its cost is the members it names, not the group's size.
   */
  async function changeGroupMembers(ctx: RequestContext, caller: Caller, orgId: string, id: string, change: { add: string[]; remove: string[] }, precondition?: Precondition<ScimGroupRecord>): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    if (change.add.length + change.remove.length > GROUP_MEMBERS_MAX) throw invalid(`A request may name at most ${GROUP_MEMBERS_MAX} members.`, 'members');
    const changed = await db
      .transaction()
      .execute(async (trx) => {
        if (!(await scim.lockGroup(trx, orgId, id))) throw new AppError(CommonErrors.notFound);
        // The whole group is read only for If-Match; otherwise only the rows of the members named.
        if (precondition) precondition((await groupRecords(trx, orgId, [await groupRow(trx, orgId, id)]))[0] as ScimGroupRecord);
        const add = await checkedMembers(trx, orgId, change.add);
        const named = [...new Set([...add, ...change.remove])];
        const have = new Set(await scim.membersAmong(trx, orgId, id, named));
        const now = clock.now().toISOString();
        // A removal the client names is done whoever it names (a member SCIM deprovisioned too).
        return changeMembersKnown(trx, ctx, orgId, id, add.filter((u) => !have.has(u)), [...new Set(change.remove)].filter((u) => have.has(u)), now);
      })
      .catch(groupConflict);
    if (changed.length > 0) await tellAccessChanged(deps, orgId, { membershipIds: changed });
  }

  async function deleteGroup(ctx: RequestContext, caller: Caller, orgId: string, id: string, precondition?: Precondition<ScimGroupRecord>): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    const membershipIds = await db.transaction().execute(async (trx) => {
      const current = await lockedGroup(trx, orgId, id);
      precondition?.((await groupRecords(trx, orgId, [current]))[0] as ScimGroupRecord);
      const ids = await repo.memberIdsOfGroup(trx, orgId, id);
      if (!(await repo.deleteGroup(trx, orgId, id))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'directory.group_deleted', orgId, target: { type: 'group', id }, details: { via: 'scim' } });
      return ids;
    });
    await tellAccessChanged(deps, orgId, { membershipIds });
  }

  return {
    users: { search: searchUsers, get: getUser, create: createUser, replace: replaceUser, remove: deprovisionUser },
    groups: { search: searchGroups, get: getGroup, create: createGroup, replace: replaceGroup, changeMembers: changeGroupMembers, remove: deleteGroup },
    removeDeprovisioned,
  };
}

export type ScimProvisioning = ReturnType<typeof createScimProvisioning>;
