import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import { type LegacyHash, parseLegacyHash } from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import type { MembershipsTable, OrganizationsTable } from './directory.tables.ts';
import { sealImportedPasswordHash } from './imported-passwords.service.ts';
import type { Invitations } from './invitations.service.ts';
import { assertNoDeletionPending } from './org-deletion.service.ts';
import { allMemberships, countSeats, newMembershipRow } from './memberships.repository.ts';
import * as orgs from './organizations.repository.ts';
import { userLimit } from './plans.service.ts';
import { allocatePosixIds, reservePosixIdsThrough } from './posix.repository.ts';
import { BATCH, type CheckedGroup, type CheckedUser, checkImport, chunks } from './transfer.checks.ts';
import * as repo from './transfer.repository.ts';
import { type ExportUser, type FormatError, type ParsedFile, type TransferFormat, parseCsv, toCsv } from './transfer.formats.ts';
import { countLdifUsers, parseLdif, toLdif } from './transfer.ldif.ts';

/** The largest import file an organization held to the free limits may send: ample for its 10 users. */
export const LIMITED_PLAN_IMPORT_BYTES = 64 * 1024;
const MAX_REPORTED_ERRORS = 1000;

export interface ImportResult {
  created: number;
  groupsCreated: number;
  /** LDIF entries that are neither users nor groups (the base, containers, computers…). */
  skipped: number;
  /** Users whose `userPassword` was kept (`keepPasswordHashes`), until their first sign-in or bind. */
  passwordHashesKept: number;
  /** Users whose `userPassword` was not kept: a scheme that cannot be kept, or not asked to keep. */
  passwordHashesIgnored: number;
}

export interface ImportInput {
  format: TransferFormat;
  text: string;
  invite?: boolean | undefined;
  /** ACC-2, DIR-5: keep each user's {SSHA}, {SSHA512}, {CRYPT} (SHA-512, bcrypt) or {ARGON2} hash until their first sign-in or bind. */
  keepPasswordHashes?: boolean | undefined;
}

/** The hash a user's `userPassword` values let the import keep: the first in a scheme it can keep. */
function keptHash(u: CheckedUser, keep: boolean): { hash: LegacyHash | null; ignored: boolean } {
  const given = u.passwords ?? [];
  if (given.length === 0) return { hash: null, ignored: false };
  const hash = keep ? (given.map(parseLegacyHash).find((h) => h !== null) ?? null) : null;
  return { hash, ignored: hash === null };
}

/** The largest POSIX id the file keeps: the counter moves past it, so it is never handed out again. */
function largestKeptId(users: CheckedUser[], groups: CheckedGroup[]): number | undefined {
  // A loop, not Math.max(...ids): a file of 100,000 users would pass too many arguments.
  let max = 0;
  for (const u of users) max = Math.max(max, u.uidNumber ?? 0, u.gidNumber ?? 0);
  for (const g of groups) max = Math.max(max, g.gid ?? 0);
  return max > 0 ? max : undefined;
}

/** DIR-5: all-or-nothing bulk import, and export, of users with their group memberships. */
export function createTransfer(deps: DirectoryDeps, invitations: Invitations) {
  const { db, clock, audit, mail, cipher } = deps;

  /** The membership rows of the checked users: ids the file gives kept, the others from the counter. */
  async function membershipRows(trx: Executor, orgId: string, users: CheckedUser[], keep: boolean, now: string) {
    const unnumbered = users.filter((u) => u.uidNumber === undefined).length;
    let next = unnumbered > 0 ? await allocatePosixIds(trx, orgId, unnumbered) : 0;
    let kept = 0;
    let ignored = 0;
    const rows = users.map((u): MembershipsTable => {
      const id = newId('usr');
      const uid = u.uidNumber ?? next++;
      const password = keptHash(u, keep);
      if (password.hash) kept++;
      if (password.ignored) ignored++;
      // Imported people are invited members: nobody's account is created, looked up or linked (DIR-1, ACC-2).
      // One whose former directory's password is kept is active in the directory at once (it binds
      // with that password, PRO-1) while its invitation stays open for an account of its own.
      return {
        ...newMembershipRow({
          id,
          orgId,
          email: u.email,
          name: u.name,
          status: password.hash ? 'active' : 'invited',
          username: u.username,
          uid,
          gid: u.gidNumber ?? undefined,
          home: u.homeDirectory ?? undefined,
          shell: u.loginShell ?? undefined,
          now,
        }),
        imported_password_hash_enc: password.hash ? sealImportedPasswordHash(cipher, id, password.hash) : null,
      };
    });
    return { rows, kept, ignored };
  }

  async function importUsers(ctx: RequestContext, caller: Caller, orgId: string, input: ImportInput, onProgress: (done: number, total: number) => void = () => {}): Promise<ImportResult> {
    requireCapability(caller, 'directory.transfer', { orgId });
    const org = await orgs.findOrganization(db, orgId);
    if (!org) throw new AppError(CommonErrors.notFound);
    await assertWithinPlan(org, input);
    const parsed: ParsedFile = input.format === 'csv' ? parseCsv(input.text) : parseLdif(input.text);
    const { errors, users, groups } = await checkImport(db, orgId, parsed);
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
      await assertNoDeletionPending(trx, orgId);
      const limit = userLimit(locked, clock.now());
      if (limit !== null) {
        const seats = await countSeats(trx, orgId);
        if (seats + users.length > limit) {
          const first = users[Math.max(0, limit - seats)];
          throw refuse([{ line: first?.line ?? 1, message: `The ${locked.plan} plan allows at most ${limit} users; the organization has ${seats}.` }]);
        }
      }
      const now = clock.now().toISOString();
      // Kept ids first: the counter moves past them before it hands out any id.
      const largest = largestKeptId(users, groups);
      if (largest !== undefined) await reservePosixIdsThrough(trx, orgId, largest);
      const groupIds = await ensureGroups(trx, orgId, groups, [...new Set(users.flatMap((u) => u.groups))], now);
      const { rows, kept, ignored } = await membershipRows(trx, orgId, users, Boolean(input.keepPasswordHashes), now);
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
      const counts = { created: rows.length, groupsCreated: groupIds.size - groupIds.existing, skipped: parsed.skipped, passwordHashesKept: kept, passwordHashesIgnored: ignored };
      await audit.record(trx, ctx, {
        action: 'directory.users_imported',
        orgId,
        target: { type: 'organization', id: orgId },
        details: { format: input.format, users: counts.created, groupsCreated: counts.groupsCreated, invited: Boolean(input.invite), skipped: counts.skipped, passwordHashesKept: kept },
      });
      return counts;
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
    const entries = input.format === 'csv' ? input.text.split('\n').filter((l) => l.trim() !== '').length - 1 : countLdifUsers(input.text);
    const room = limit - (await countSeats(db, org.id));
    if (entries > room) {
      throw new AppError(DirectoryErrors.userLimitReached, `The ${org.plan} plan allows at most ${limit} users; the file has ${entries} and there is room for ${Math.max(0, room)}.`, {
        details: { limit, plan: org.plan },
      });
    }
  }

  /**
   * The organization's groups by name, creating the missing ones: the file's group entries with
   * the gidNumber they give (checked already), the others, and names only users give, from the counter.
   */
  async function ensureGroups(trx: Executor, orgId: string, entries: CheckedGroup[], named: string[], now: string) {
    const gidOf = new Map(entries.map((g) => [g.name, g.gid]));
    const names = [...new Set([...entries.map((g) => g.name), ...named])];
    const map = new Map<string, string>() as Map<string, string> & { existing: number };
    map.existing = 0;
    for (const batch of chunks(names, BATCH)) for (const g of await repo.groupsByName(trx, orgId, batch)) map.set(g.name, g.id);
    map.existing = map.size;
    const missing = names.filter((n) => !map.has(n));
    const unnumbered = missing.filter((n) => gidOf.get(n) === undefined).length;
    let next = unnumbered > 0 ? await allocatePosixIds(trx, orgId, unnumbered) : 0;
    const rows = missing.map((name) => ({ id: newId('grp'), org_id: orgId, name, description: null, gid_number: gidOf.get(name) ?? next++, created_at: now, updated_at: now }));
    for (const batch of chunks(rows, BATCH)) await repo.insertGroups(trx, batch);
    for (const r of rows) map.set(r.name, r.id);
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
