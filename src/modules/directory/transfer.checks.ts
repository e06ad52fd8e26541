import type { Executor } from '../../db/schema.ts';
import { normalizeEmail, validEmail } from '../accounts/index.ts';
import { usernameFromEmail, validPosixId, validPosixPath, validUsername } from './posix.ts';
import * as repo from './transfer.repository.ts';
import type { FormatError, ParsedFile, TransferGroup, TransferRow } from './transfer.formats.ts';

/**
 * DIR-5: every check of an import, on the file and against the organization, each problem named by
 * line and field. POSIX identities a file gives are kept as given, so they must not collide with
 * the ones the organization keeps apart: users' uidNumbers; groups' gidNumbers; and the private
 * group each member's gidNumber names when it is their own uidNumber (as the counter makes them).
 */
export const BATCH = 500;

/** A user the import will add: the row, checked, with the POSIX identity it keeps. */
export interface CheckedUser extends TransferRow {
  username: string;
  uidNumber?: number | undefined;
  gidNumber?: number | undefined;
  homeDirectory?: string | undefined;
  loginShell?: string | undefined;
}

export interface CheckedGroup extends TransferGroup {
  gid?: number | undefined;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs a check that throws the module's errors, and keeps its message as the line's problem. */
function attempt<T>(fail: (field: string, message: string) => void, field: string, check: () => T): T | undefined {
  try {
    return check();
  } catch (e) {
    fail(field, (e as Error).message);
    return undefined;
  }
}

function checkRow(row: TransferRow, errors: FormatError[]): CheckedUser {
  const fail = (field: string, message: string) => errors.push({ line: row.line, field, message });
  let email = row.email;
  if (!row.email) fail('email', 'An email address is required (in LDIF: mail, or userPrincipalName from Active Directory).');
  else {
    try {
      email = validEmail(row.email);
    } catch {
      fail('email', `"${row.email.slice(0, 80)}" is not a valid email address.`);
    }
  }
  if (!row.name || row.name.length > 200) fail('name', 'A name of 1 to 200 characters is required.');
  const username = attempt(fail, 'username', () => validUsername(row.username ?? usernameFromEmail(email))) ?? row.username ?? '';
  for (const g of row.groups) if (g.length > 100) fail('groups', `The group name "${g.slice(0, 40)}…" is longer than 100 characters.`);
  const p = row.posix ?? {};
  const id = (field: 'uidNumber' | 'gidNumber') => (p[field] === undefined ? undefined : attempt(fail, field, () => validPosixId(p[field] as string, field)));
  const path = (field: 'homeDirectory' | 'loginShell', max: number) => (p[field] === undefined ? undefined : attempt(fail, field, () => validPosixPath(p[field] as string, field, max)));
  return { ...row, email, username, uidNumber: id('uidNumber'), gidNumber: id('gidNumber'), homeDirectory: path('homeDirectory', 255), loginShell: path('loginShell', 100) };
}

function checkGroup(g: TransferGroup, errors: FormatError[]): CheckedGroup {
  const fail = (field: string, message: string) => errors.push({ line: g.line, field, message });
  if (!g.name || g.name.length > 100) fail('cn', 'A group name of 1 to 100 characters is required.');
  return { ...g, gid: g.gidNumber === undefined ? undefined : attempt(fail, 'gidNumber', () => validPosixId(g.gidNumber as string, 'gidNumber')) };
}

/** The same value twice in the file: a problem on the later line, naming the earlier one. */
function once<K>(seen: Map<K, { line: number; label: string }>, key: K | undefined, at: { line: number; label: string }, problem: (first: { line: number; label: string }) => FormatError) {
  if (key === undefined) return undefined;
  const first = seen.get(key);
  if (first) return problem(first);
  seen.set(key, at);
  return undefined;
}

/** Problems within the file alone: addresses, usernames, uidNumbers and group gidNumbers given twice. */
function inFile(users: CheckedUser[], groups: CheckedGroup[], errors: FormatError[]): void {
  const emails = new Map<string, { line: number; label: string }>();
  const names = new Map<string, { line: number; label: string }>();
  const uids = new Map<number, { line: number; label: string }>();
  const gids = new Map<number, { line: number; label: string }>();
  for (const u of users) {
    const at = { line: u.line, label: u.username };
    const found = [
      once(emails, normalizeEmail(u.email), at, (f) => ({ line: u.line, field: 'email', message: `The email is also on line ${f.line}.` })),
      once(names, u.username, at, (f) => ({ line: u.line, field: 'username', message: `The username "${u.username}" is also on line ${f.line}.` })),
      once(uids, u.uidNumber, at, (f) => ({ line: u.line, field: 'uidNumber', message: `uidNumber ${u.uidNumber} is also used by "${f.label}" on line ${f.line}.` })),
    ];
    for (const p of found) if (p) errors.push(p);
  }
  for (const g of groups) {
    const p = once(gids, g.gid, { line: g.line, label: g.name }, (f) => ({ line: g.line, field: 'gidNumber', message: `gidNumber ${g.gid} is also used by the group "${f.label}" on line ${f.line}.` }));
    if (p) errors.push(p);
  }
}

/** Problems against the organization's members: their addresses, usernames and uidNumbers. */
async function againstMembers(ex: Executor, orgId: string, users: CheckedUser[], errors: FormatError[]): Promise<void> {
  // Only this organization's own members are compared: whether an address has an account elsewhere is never told (DIR-1).
  for (const batch of chunks(users, BATCH)) {
    const taken = await repo.emailsInOrg(ex, orgId, batch.map((u) => normalizeEmail(u.email)));
    const takenNames = await repo.usernamesInOrg(ex, orgId, batch.map((u) => u.username));
    const takenUids = new Map((await repo.membersByUid(ex, orgId, batch.flatMap((u) => (u.uidNumber === undefined ? [] : [u.uidNumber])))).map((m) => [m.uid_number, m.username]));
    for (const u of batch) {
      if (taken.has(normalizeEmail(u.email))) errors.push({ line: u.line, field: 'email', message: 'This address is already a member of, or invited to, the organization.' });
      if (takenNames.has(u.username)) errors.push({ line: u.line, field: 'username', message: `The username "${u.username}" is already used in the organization.` });
      if (u.uidNumber !== undefined && takenUids.has(u.uidNumber)) {
        errors.push({ line: u.line, field: 'uidNumber', message: `uidNumber ${u.uidNumber} is already used by the member "${takenUids.get(u.uidNumber) ?? '?'}".` });
      }
    }
  }
}

/** Problems against the organization's gidNumbers: its groups', and its members' private groups. */
async function againstGids(ex: Executor, orgId: string, users: CheckedUser[], groups: CheckedGroup[], errors: FormatError[]): Promise<void> {
  const userGids = users.flatMap((u) => (u.gidNumber === undefined ? [] : [u.gidNumber]));
  const groupGids = groups.flatMap((g) => (g.gid === undefined ? [] : [g.gid]));
  const existingByGid = new Map<number, string>();
  const privateByGid = new Map<number, string | null>();
  for (const batch of chunks([...new Set([...userGids, ...groupGids])], BATCH)) {
    for (const g of await repo.groupsByGid(ex, orgId, batch)) existingByGid.set(g.gid_number, g.name);
    for (const m of await repo.privateGroupsByGid(ex, orgId, batch)) privateByGid.set(m.gid_number, m.username);
  }
  const existingByName = new Map<string, number>();
  for (const batch of chunks(groups.map((g) => g.name), BATCH)) for (const g of await repo.groupsByName(ex, orgId, batch)) existingByName.set(g.name, Number(g.gid_number));
  /** A gidNumber that is some member's private group, and no group's. */
  const privateGroup = (gid: number) => (privateByGid.has(gid) && !existingByGid.has(gid) ? (privateByGid.get(gid) ?? '?') : undefined);
  for (const g of groups) {
    if (g.gid === undefined) continue;
    const fail = (message: string) => errors.push({ line: g.line, field: 'gidNumber', message });
    const sameName = existingByName.get(g.name);
    const owner = existingByGid.get(g.gid);
    if (sameName !== undefined && sameName !== g.gid) fail(`The group "${g.name}" already exists with gidNumber ${sameName}; the file gives ${g.gid}.`);
    else if (owner !== undefined && owner !== g.name) fail(`gidNumber ${g.gid} is already used by the group "${owner}".`);
    else if (privateGroup(g.gid) !== undefined) fail(`gidNumber ${g.gid} is the private group of the member "${privateGroup(g.gid)}".`);
  }
  for (const u of users) {
    const other = u.gidNumber === undefined ? undefined : privateGroup(u.gidNumber);
    if (other !== undefined) errors.push({ line: u.line, field: 'gidNumber', message: `gidNumber ${u.gidNumber} is the private group of the member "${other}".` });
  }
}

/** Checks every row and group entry, and the file as a whole, against the rules and the database; collects every problem. */
export async function checkImport(ex: Executor, orgId: string, parsed: ParsedFile): Promise<{ errors: FormatError[]; users: CheckedUser[]; groups: CheckedGroup[] }> {
  const errors: FormatError[] = [];
  const users = parsed.rows.map((r) => checkRow(r, errors));
  const groups = parsed.groups.map((g) => checkGroup(g, errors));
  inFile(users, groups, errors);
  await againstMembers(ex, orgId, users, errors);
  await againstGids(ex, orgId, users, groups, errors);
  errors.sort((a, b) => a.line - b.line);
  return { errors, users, groups };
}
