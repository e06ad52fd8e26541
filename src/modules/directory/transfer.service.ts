import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import {
  type Principal,
  type UsersTable,
  allocatePosixIds,
  normalizeEmail,
  posixDefaults,
  requireCapability,
  usernameFromEmail,
  validEmail,
  validUsername,
} from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import { userLimit } from './plans.service.ts';
import { type ExportUser, type FormatError, type TransferFormat, type TransferRow, parseCsv, parseLdif, toCsv, toLdif } from './transfer.formats.ts';

/** The CLI acts as the operator, who holds the database itself; the API acts as a signed-in admin. */
export type TransferActor = Principal | 'operator';

const BATCH = 500;
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
export function createTransfer(deps: DirectoryDeps) {
  const { db, clock, audit, mail, accounts } = deps;

  const allow = (actor: TransferActor, orgId: string) => {
    if (actor !== 'operator') requireCapability(actor.user, 'directory.manage', orgId);
  };

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
    for (const batch of chunks(users, BATCH)) {
      const emails = batch.map((u) => normalizeEmail(u.email));
      const taken = new Set((await ex.selectFrom('users').select('email_normalized').where('email_normalized', 'in', emails).execute()).map((r) => r.email_normalized));
      const names = batch.map((u) => u.username);
      const takenNames = new Set(
        (await ex.selectFrom('users').select('username').where('org_id', '=', orgId).where('username', 'in', names).execute()).map((r) => r.username),
      );
      for (const u of batch) {
        if (taken.has(normalizeEmail(u.email))) errors.push({ line: u.line, field: 'email', message: 'A user with this email already exists.' });
        if (takenNames.has(u.username)) errors.push({ line: u.line, field: 'username', message: `The username "${u.username}" is already used in the organization.` });
      }
    }
    errors.sort((a, b) => a.line - b.line);
    return { errors, users };
  }

  async function importUsers(
    ctx: RequestContext,
    actor: TransferActor,
    orgId: string,
    input: { format: TransferFormat; text: string; invite?: boolean | undefined },
    onProgress: (done: number, total: number) => void = () => {},
  ): Promise<ImportResult> {
    allow(actor, orgId);
    const parsed = input.format === 'csv' ? parseCsv(input.text) : parseLdif(input.text);
    const org = await repo.lockOrganization(db, orgId, false);
    if (!org) throw new AppError(CommonErrors.notFound);
    const { errors, users } = await validate(db, orgId, parsed.rows);
    const all = [...parsed.errors, ...errors].sort((a, b) => a.line - b.line);
    if (all.length === 0 && users.length === 0) all.push({ line: 1, message: 'The file has no users.' });
    const refuse = (list: FormatError[]) =>
      new AppError(DirectoryErrors.importInvalid, `${list.length} problem(s) in the file; nothing was imported.`, {
        details: { problems: list.slice(0, MAX_REPORTED_ERRORS), problemCount: list.length },
      });
    if (all.length > 0) throw refuse(all);

    const result = await db.transaction().execute(async (trx) => {
      const locked = await repo.lockOrganization(trx, orgId, deps.dialect === 'postgres');
      if (!locked) throw new AppError(CommonErrors.notFound);
      const limit = userLimit(locked, clock.now());
      if (limit !== null) {
        const active = await repo.countActiveUsers(trx, orgId);
        if (active + users.length > limit) {
          const first = users[Math.max(0, limit - active)];
          throw refuse([{ line: first?.line ?? 1, message: `The ${locked.plan} plan allows at most ${limit} active users; the organization has ${active}.` }]);
        }
      }
      const now = clock.now().toISOString();
      const groupIds = await ensureGroups(trx, orgId, [...new Set(users.flatMap((u) => u.groups))], now);
      const firstId = await allocatePosixIds(trx, orgId, users.length);
      const rows: UsersTable[] = users.map((u, i) => ({
        id: newId('usr'),
        org_id: orgId,
        org_role: 'member',
        staff_role: null,
        email: u.email,
        email_normalized: normalizeEmail(u.email),
        name: u.name,
        password_hash: null,
        email_verified_at: null,
        status: 'active',
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        username: u.username,
        uid_number: firstId + i,
        gid_number: firstId + i,
        ...posixDefaults(u.username),
        created_at: now,
        updated_at: now,
      }));
      let done = 0;
      for (const [i, batch] of chunks(rows, BATCH).entries()) {
        await trx.insertInto('users').values(batch).execute();
        const members = batch.flatMap((r, j) =>
          (users[i * BATCH + j]?.groups ?? []).map((g) => ({ org_id: orgId, group_id: groupIds.get(g) as string, user_id: r.id, created_at: now })),
        );
        for (const m of chunks(members, BATCH)) await trx.insertInto('group_members').values(m).execute();
        if (input.invite) for (const r of batch) await accounts.issueInvitation(trx, r, locked.name);
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

  /** The organization's groups by name, creating the missing ones. */
  async function ensureGroups(trx: Executor, orgId: string, names: string[], now: string) {
    const map = new Map<string, string>() as Map<string, string> & { existing: number };
    map.existing = 0;
    for (const batch of chunks(names, BATCH)) {
      for (const g of await trx.selectFrom('groups').select(['id', 'name']).where('org_id', '=', orgId).where('name', 'in', batch).execute()) map.set(g.name, g.id);
    }
    map.existing = map.size;
    const missing = names.filter((n) => !map.has(n));
    if (missing.length) {
      const first = await allocatePosixIds(trx, orgId, missing.length);
      const rows = missing.map((name, i) => ({ id: newId('grp'), org_id: orgId, name, description: null, gid_number: first + i, created_at: now, updated_at: now }));
      for (const batch of chunks(rows, BATCH)) await trx.insertInto('groups').values(batch).execute();
      for (const r of rows) map.set(r.name, r.id);
    }
    return map;
  }

  async function exportUsers(actor: TransferActor, orgId: string, format: TransferFormat): Promise<{ text: string; count: number }> {
    if (actor !== 'operator') requireCapability(actor.user, 'directory.read', orgId);
    if (!(await repo.lockOrganization(db, orgId, false))) throw new AppError(CommonErrors.notFound);
    const users = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('uid_number').orderBy('id').execute();
    const memberships = await db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.user_id', 'groups.name'])
      .where('group_members.org_id', '=', orgId)
      .orderBy('groups.name')
      .execute();
    const groupsOf = new Map<string, string[]>();
    for (const m of memberships) groupsOf.set(m.user_id, [...(groupsOf.get(m.user_id) ?? []), m.name]);
    const rows: ExportUser[] = users.map((u) => ({
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
    return { text: format === 'csv' ? toCsv(rows) : toLdif(rows, orgId), count: rows.length };
  }

  return { importUsers, exportUsers };
}
