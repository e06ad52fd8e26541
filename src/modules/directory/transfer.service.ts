import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import { normalizeEmail, validEmail } from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import type { MembershipsTable, OrganizationsTable } from './directory.tables.ts';
import type { Invitations } from './invitations.service.ts';
import { allMemberships, countSeats } from './memberships.repository.ts';
import * as orgs from './organizations.repository.ts';
import { userLimit } from './plans.service.ts';
import { posixDefaults, usernameFromEmail, validUsername } from './posix.ts';
import { allocatePosixIds } from './posix.repository.ts';
import * as repo from './transfer.repository.ts';
import { type ExportUser, type FormatError, type TransferFormat, type TransferRow, parseCsv, parseLdif, toCsv, toLdif } from './transfer.formats.ts';


const BATCH = 500;
/** The largest import file an organization held to the free limits may send: ample for its 10 users. */
export const LIMITED_PLAN_IMPORT_BYTES = 64 * 1024;
const MAX_REPORTED_ERRORS = 1000;

export interface ImportResult {
  created: number;
  groupsCreated: number;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** DIR-5: all-or-nothing bulk import, and export, of users with their group memberships. */
export function createTransfer(deps: DirectoryDeps, invitations: Invitations) {
  const { db, clock, audit, mail } = deps;

  /** Checks every row, and the file as a whole, against the rules and the database; collects every problem. */
  async function validate(ex: Executor, orgId: string, rows: TransferRow[]): Promise<{ errors: FormatError[]; users: Array<TransferRow & { username: string }> }> {
    const errors: FormatError[] = [];
    const users: Array<TransferRow & { username: string }> = [];
    const seenEmail = new Map<string, number>();
    const seenUsername = new Map<string, number>();
    for (const row of rows) {
      const fail = (field: string, message: string) => errors.push({ line: row.line, field, message });
      let email = row.email;
      try {
        email = validEmail(row.email);
      } catch {
        fail('email', `"${row.email.slice(0, 80)}" is not a valid email address.`);
      }
      if (!row.name || row.name.length > 200) fail('name', 'A name of 1 to 200 characters is required.');
      let username = row.username ?? usernameFromEmail(email);
      try {
        username = validUsername(username);
      } catch (e) {
        fail('username', (e as Error).message);
      }
      for (const g of row.groups) if (g.length > 100) fail('groups', `The group name "${g.slice(0, 40)}…" is longer than 100 characters.`);
      const key = normalizeEmail(email);
      if (seenEmail.has(key)) fail('email', `The email is also on line ${seenEmail.get(key)}.`);
      else seenEmail.set(key, row.line);
      if (seenUsername.has(username)) fail('username', `The username "${username}" is also on line ${seenUsername.get(username)}.`);
      else seenUsername.set(username, row.line);
      users.push({ ...row, email, username });
    }
    // Only this organization's own members are compared: whether an address has an account elsewhere is never told (DIR-1).
    for (const batch of chunks(users, BATCH)) {
      const taken = await repo.emailsInOrg(ex, orgId, batch.map((u) => normalizeEmail(u.email)));
      const takenNames = await repo.usernamesInOrg(ex, orgId, batch.map((u) => u.username));
      for (const u of batch) {
        if (taken.has(normalizeEmail(u.email))) errors.push({ line: u.line, field: 'email', message: 'This address is already a member of, or invited to, the organization.' });
        if (takenNames.has(u.username)) errors.push({ line: u.line, field: 'username', message: `The username "${u.username}" is already used in the organization.` });
      }
    }
    errors.sort((a, b) => a.line - b.line);
    return { errors, users };
  }

  async function importUsers(
    ctx: RequestContext,
    caller: Caller,
    orgId: string,
    input: { format: TransferFormat; text: string; invite?: boolean | undefined },
    onProgress: (done: number, total: number) => void = () => {},
  ): Promise<ImportResult> {
    requireCapability(caller, 'directory.transfer', { orgId });
    const org = await orgs.findOrganization(db, orgId);
    if (!org) throw new AppError(CommonErrors.notFound);
    await assertWithinPlan(org, input);
    const parsed: { rows: TransferRow[]; errors: FormatError[]; groups?: string[] } = input.format === 'csv' ? parseCsv(input.text) : parseLdif(input.text);
    const fileGroups = parsed.groups ?? [];
    const { errors, users } = await validate(db, orgId, parsed.rows);
    const all = [...parsed.errors, ...errors].sort((a, b) => a.line - b.line);
    if (all.length === 0 && users.length === 0) all.push({ line: 1, message: 'The file has no users.' });
    const refuse = (list: FormatError[]) =>
      new AppError(DirectoryErrors.importInvalid, `${list.length} problem(s) in the file; nothing was imported.`, {
        details: { problems: list.slice(0, MAX_REPORTED_ERRORS), problemCount: list.length },
      });
    if (all.length > 0) throw refuse(all);
    if (input.invite) await invitations.limitBulk(orgId, users.length);

    const result = await db.transaction().execute(async (trx) => {
      const locked = await orgs.lockOrganization(trx, orgId);
      if (!locked) throw new AppError(CommonErrors.notFound);
      const limit = userLimit(locked, clock.now());
      if (limit !== null) {
        const seats = await countSeats(trx, orgId);
        if (seats + users.length > limit) {
          const first = users[Math.max(0, limit - seats)];
          throw refuse([{ line: first?.line ?? 1, message: `The ${locked.plan} plan allows at most ${limit} users; the organization has ${seats}.` }]);
        }
      }
      const now = clock.now().toISOString();
      const groupIds = await ensureGroups(trx, orgId, [...new Set([...users.flatMap((u) => u.groups), ...fileGroups])], now);
      const firstId = await allocatePosixIds(trx, orgId, users.length);
      // Imported people are invited members: nobody's account is created, looked up or linked (DIR-1, ACC-2).
      const rows: MembershipsTable[] = users.map((u, i) => ({
        id: newId('usr'),
        org_id: orgId,
        account_id: null,
        email: u.email,
        email_normalized: normalizeEmail(u.email),
        name: u.name,
        role: 'member',
        status: 'invited',
        username: u.username,
        uid_number: firstId + i,
        gid_number: firstId + i,
        ...posixDefaults(u.username),
        invite_token_hash: null,
        invite_expires_at: null,
        invited_by: null,
        invited_at: now,
        accepted_at: null,
        last_sign_in_at: null,
        created_at: now,
        updated_at: now,
      }));
      let done = 0;
      for (const [i, batch] of chunks(rows, BATCH).entries()) {
        await repo.insertMemberships(trx, batch);
        const links = batch.flatMap((r, j) =>
          (users[i * BATCH + j]?.groups ?? []).map((g) => ({ org_id: orgId, group_id: groupIds.get(g) as string, user_id: r.id, created_at: now })),
        );
        for (const m of chunks(links, BATCH)) await repo.insertGroupMembers(trx, m);
        if (input.invite) for (const r of batch) await invitations.issue(trx, r, locked.name, { accountId: caller.kind === 'member' ? caller.accountId : null, name: null });
        done += batch.length;
        onProgress(done, rows.length);
      }
      await audit.record(trx, ctx, {
        action: 'directory.users_imported',
        orgId,
        target: { type: 'organization', id: orgId },
        details: { format: input.format, users: rows.length, groupsCreated: groupIds.size - groupIds.existing, invited: Boolean(input.invite) },
      });
      return { created: rows.length, groupsCreated: groupIds.size - groupIds.existing };
    });
    if (input.invite) mail.wake();
    return result;
  }

  /**
   * DIR-4: a file is refused for its size and for the plan's limit before it is parsed or compared
   * with the database, so a free organization cannot make the server read megabytes for 10 seats.
   * Entries are counted cheaply (CSV lines, LDIF `dn:` lines); the exact checks come after parsing.
   */
  async function assertWithinPlan(org: OrganizationsTable, input: { format: TransferFormat; text: string }): Promise<void> {
    const limit = userLimit(org, clock.now());
    if (limit === null) return;
    if (Buffer.byteLength(input.text) > LIMITED_PLAN_IMPORT_BYTES) {
      throw new AppError(DirectoryErrors.importTooLarge, `On the ${org.plan} plan an import file may have at most ${LIMITED_PLAN_IMPORT_BYTES / 1024} KiB.`, {
        details: { limit: LIMITED_PLAN_IMPORT_BYTES },
      });
    }
    const entries =
      input.format === 'csv'
        ? input.text.split('\n').filter((l) => l.trim() !== '').length - 1
        : (input.text.match(/^objectclass:\s*inetorgperson\s*$/gim) ?? []).length;
    const room = limit - (await countSeats(db, org.id));
    if (entries > room) {
      throw new AppError(DirectoryErrors.userLimitReached, `The ${org.plan} plan allows at most ${limit} users; the file has ${entries} and there is room for ${Math.max(0, room)}.`, {
        details: { limit, plan: org.plan },
      });
    }
  }

  /** The organization's groups by name, creating the missing ones. */
  async function ensureGroups(trx: Executor, orgId: string, names: string[], now: string) {
    const map = new Map<string, string>() as Map<string, string> & { existing: number };
    map.existing = 0;
    for (const batch of chunks(names, BATCH)) for (const g of await repo.groupsByName(trx, orgId, batch)) map.set(g.name, g.id);
    map.existing = map.size;
    const missing = names.filter((n) => !map.has(n));
    if (missing.length) {
      const first = await allocatePosixIds(trx, orgId, missing.length);
      const rows = missing.map((name, i) => ({ id: newId('grp'), org_id: orgId, name, description: null, gid_number: first + i, created_at: now, updated_at: now }));
      for (const batch of chunks(rows, BATCH)) await repo.insertGroups(trx, batch);
      for (const r of rows) map.set(r.name, r.id);
    }
    return map;
  }

  async function exportUsers(caller: Caller, orgId: string, format: TransferFormat): Promise<{ text: string; count: number }> {
    requireCapability(caller, 'directory.transfer', { orgId });
    if (!(await orgs.findOrganization(db, orgId))) throw new AppError(CommonErrors.notFound);
    const members = await allMemberships(db, orgId);
    const groupsOf = await repo.groupNamesByMember(db, orgId);
    const groups = await repo.allGroups(db, orgId);
    const rows: ExportUser[] = members.map((u) => ({
      email: u.email,
      name: u.name,
      username: u.username,
      uidNumber: u.uid_number === null ? null : Number(u.uid_number),
      gidNumber: u.gid_number === null ? null : Number(u.gid_number),
      homeDirectory: u.home_directory,
      loginShell: u.login_shell,
      status: u.status,
      groups: groupsOf.get(u.id) ?? [],
    }));
    return { text: format === 'csv' ? toCsv(rows) : toLdif(rows, orgId, groups.map((g) => ({ name: g.name, gidNumber: Number(g.gid_number), description: g.description }))), count: rows.length };
  }

  return { importUsers, exportUsers };
}
