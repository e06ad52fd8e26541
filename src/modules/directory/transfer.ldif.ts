import { escapeDnValue, parseDn } from '../../core/dn.ts';
import type { ExportGroup, ExportUser, FormatError, ParsedFile, TransferGroup, TransferRow } from './transfer.formats.ts';

/**
 * DIR-5: LDIF (RFC 2849). The export writes inetOrgPerson + posixAccount entries with memberOf,
 * then every group (groupOfNames + posixGroup), so that a group without members survives a round
 * trip. The import reads what other directories export:
 *
 * - OpenLDAP (`slapcat`, `ldapsearch`): users are inetOrgPerson and/or posixAccount (with account,
 *   shadowAccount); groups are posixGroup (memberUid) and/or groupOfNames / groupOfUniqueNames
 *   (member, uniqueMember DNs); operational attributes are ignored;
 * - Active Directory (`ldifde`): users are objectClass user (not computer), named by
 *   sAMAccountName, with mail or userPrincipalName, displayName or cn, and the RFC 2307
 *   uidNumber, gidNumber, unixHomeDirectory and loginShell when set; groups are objectClass group
 *   with member DNs; `changetype: add` is accepted;
 * - JumpCloud: inetOrgPerson + posixAccount under ou=Users, groupOfNames + posixGroup.
 *
 * Memberships come from users' memberOf and from the groups' member lists alike, a member DN
 * naming a user of the file when the two DNs are equal once normalised (attribute types and
 * values compared without case, RFC 4514 escapes decoded). Members that are no user of the file
 * (nested groups, placeholders, administrators' entries) are left out. Every other entry (the
 * base, ou containers, organizationalRole, computers…) is skipped and counted.
 */

interface LdifAttr {
  name: string;
  value: string;
  line: number;
}
interface LdifRecord {
  line: number;
  attrs: LdifAttr[];
}

/** Attributes whose values a problem never quotes. */
const SECRET = /^(userpassword|authpassword|unicodepwd|sambantpassword|sambalmpassword)\b/i;
const ATTR_LINE = /^((?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*):([:<]?) *(.*)$/s;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function attribute(text: string, line: number, errors: FormatError[]): LdifAttr | undefined {
  const m = ATTR_LINE.exec(text);
  if (!m) {
    const shown = SECRET.test(text) ? '(a password attribute; its value is not shown)' : `"${text.slice(0, 60)}"`;
    errors.push({ line, message: `Not an LDIF attribute line: ${shown}` });
    return undefined;
  }
  const name = (m[1] as string).toLowerCase();
  const value = m[3] as string;
  if (m[2] === '<') {
    errors.push({ line, field: name, message: 'Values read from a URL (":<") are not imported: put the value in the file.' });
    return undefined;
  }
  if (m[2] === ':') {
    const b64 = value.trim();
    if (!BASE64.test(b64)) {
      errors.push({ line, field: name, message: `The value of ${m[1]} is not valid base64.` });
      return undefined;
    }
    return { name, value: Buffer.from(b64, 'base64').toString('utf8'), line };
  }
  return { name, value, line };
}

/** LDIF records: folded lines joined, base64 values decoded, comments (folded ones too) dropped. */
export function parseLdifRecords(text: string): { records: LdifRecord[]; errors: FormatError[] } {
  const records: LdifRecord[] = [];
  const errors: FormatError[] = [];
  let current: LdifRecord | undefined;
  let pending: { line: number; text: string } | undefined;
  let comment = false;
  const flush = () => {
    if (pending && current) {
      const a = attribute(pending.text, pending.line, errors);
      if (a) current.attrs.push(a);
    }
    pending = undefined;
  };
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw.startsWith(' ') && (pending || comment)) {
        if (pending) pending.text += raw.slice(1);
        return;
      }
      flush();
      comment = raw.startsWith('#');
      if (comment) return;
      if (raw.trim() === '') {
        if (current) records.push(current);
        current = undefined;
        return;
      }
      if (/^version:/i.test(raw) && !current && records.length === 0) return;
      current ??= { line, attrs: [] };
      pending = { line, text: raw };
    });
  flush();
  if (current) records.push(current);
  return { records, errors };
}

/** A DN compared as LDAP compares it: attribute types and values without case, escapes decoded, spaces collapsed. */
export function normalizeDn(dn: string): string | undefined {
  const rdns = parseDn(dn.trim());
  return rdns?.map((r) => `${r.type}=${escapeDnValue(r.value.trim().replace(/\s+/g, ' ').toLowerCase())}`).join(',');
}

/** The group a DN names when no entry of the file has it: the value of its first RDN, `cn=R\2C D,…` being "R, D". */
const groupOf = (dn: string) => {
  const first = parseDn(dn)?.[0];
  return first?.type === 'cn' ? first.value : dn;
};

/** groupOfUniqueNames: `uniqueMember` may end with an optional unique identifier, `#'0101'B`. */
const withoutUid = (dn: string) => dn.replace(/#'[01]*'B$/, '');

interface Entry {
  record: LdifRecord;
  dn: string;
  values: (name: string) => string[];
  first: (name: string) => string | undefined;
  classes: Set<string>;
}

/** The record as an entry to add, or a problem; undefined for the trailer ldapsearch writes (`search:`, `result:`). */
function entryOf(r: LdifRecord, errors: FormatError[]): Entry | undefined {
  const head = r.attrs[0];
  if (!head || head.name !== 'dn') {
    if (!head || head.name === 'search' || head.name === 'result') return undefined;
    errors.push({ line: r.line, message: 'An LDIF entry begins with its "dn:" line.' });
    return undefined;
  }
  const changetype = r.attrs.find((a) => a.name === 'changetype')?.value.trim().toLowerCase();
  if (changetype !== undefined && changetype !== 'add') {
    errors.push({ line: r.line, field: 'changetype', message: `Only entries to add can be imported; this one is "changetype: ${changetype.slice(0, 20)}".` });
    return undefined;
  }
  const values = (name: string) => r.attrs.filter((a) => a.name === name).map((a) => a.value);
  const first = (name: string) => values(name).map((v) => v.trim()).find((v) => v !== '');
  return { record: r, dn: head.value, values, first, classes: new Set(values('objectclass').map((c) => c.trim().toLowerCase())) };
}

const isUser = (e: Entry) => !e.classes.has('computer') && ['inetorgperson', 'posixaccount', 'user'].some((c) => e.classes.has(c));
const isGroup = (e: Entry) => ['posixgroup', 'groupofnames', 'groupofuniquenames', 'group'].some((c) => e.classes.has(c));
/** Active Directory's user and group classes. */
const isAd = (e: Entry) => e.classes.has('user') || e.classes.has('group');

function userRow(e: Entry): TransferRow {
  const ad = isAd(e);
  return {
    line: e.record.line,
    email: e.first('mail') ?? (ad ? e.first('userprincipalname') : undefined) ?? '',
    name: (ad ? (e.first('displayname') ?? e.first('cn')) : (e.first('cn') ?? e.first('displayname'))) ?? '',
    // Active Directory compares account names without case; POSIX names are lower case.
    username: ad ? (e.first('samaccountname')?.toLowerCase() ?? e.first('uid')) : e.first('uid'),
    groups: [],
    posix: {
      uidNumber: e.first('uidnumber'),
      gidNumber: e.first('gidnumber'),
      // AD's homeDirectory is the Windows one (\\server\share); its POSIX home is unixHomeDirectory.
      homeDirectory: e.first(ad ? 'unixhomedirectory' : 'homedirectory'),
      loginShell: e.first('loginshell'),
    },
    passwords: e.values('userpassword'),
  };
}

interface GroupEntry extends TransferGroup {
  memberDns: string[];
  memberUids: string[];
}

function groupEntry(e: Entry): GroupEntry {
  const rdn = parseDn(e.dn)?.[0]?.value;
  return {
    line: e.record.line,
    name: (isAd(e) ? (e.first('samaccountname') ?? e.first('cn')) : e.first('cn')) ?? rdn ?? '',
    gidNumber: e.first('gidnumber'),
    memberDns: [...e.values('member'), ...e.values('uniquemember')],
    memberUids: e.values('memberuid').map((v) => v.trim()),
  };
}

/** Same-named group entries are one group: their members joined, their gidNumbers the same or given once. */
function mergeGroups(entries: GroupEntry[], errors: FormatError[]): Map<string, GroupEntry> {
  const byName = new Map<string, GroupEntry>();
  for (const g of entries) {
    const seen = byName.get(g.name);
    if (!seen) byName.set(g.name, { ...g });
    else if (seen.gidNumber !== undefined && g.gidNumber !== undefined && seen.gidNumber !== g.gidNumber) {
      errors.push({ line: g.line, field: 'gidNumber', message: `The group "${g.name.slice(0, 60)}" is also on line ${seen.line}, with gidNumber ${seen.gidNumber.slice(0, 20)}.` });
    } else {
      seen.gidNumber ??= g.gidNumber;
      seen.memberDns = seen.memberDns.concat(g.memberDns);
      seen.memberUids = seen.memberUids.concat(g.memberUids);
    }
  }
  return byName;
}

export function parseLdif(text: string): ParsedFile {
  const { records, errors } = parseLdifRecords(text);
  const users: TransferRow[] = [];
  const memberOf: string[][] = [];
  const groupEntries: GroupEntry[] = [];
  const userByDn = new Map<string, number>();
  const groupByDn = new Map<string, string>();
  const lineOfDn = new Map<string, number>();
  let skipped = 0;
  for (const r of records) {
    const e = entryOf(r, errors);
    if (!e) continue;
    const dn = normalizeDn(e.dn);
    if (dn === undefined) {
      errors.push({ line: r.line, field: 'dn', message: `"${e.dn.slice(0, 60)}" is not a distinguished name.` });
      continue;
    }
    if (lineOfDn.has(dn)) errors.push({ line: r.line, field: 'dn', message: `The entry is also on line ${lineOfDn.get(dn)}.` });
    else lineOfDn.set(dn, r.line);
    if (isUser(e)) {
      userByDn.set(dn, users.length);
      users.push(userRow(e));
      memberOf.push(e.values('memberof'));
    } else if (isGroup(e)) {
      const g = groupEntry(e);
      groupByDn.set(dn, g.name);
      groupEntries.push(g);
    } else skipped++;
  }
  const groups = mergeGroups(groupEntries, errors);
  const byUsername = new Map(users.flatMap((u, i) => (u.username === undefined ? [] : [[u.username, i] as const])));
  const memberships = memberOf.map((dns) => new Set(dns.map((dn) => groupByDn.get(normalizeDn(dn) ?? '') ?? groupOf(dn))));
  for (const g of groups.values()) {
    const dnMembers = g.memberDns.map((dn) => userByDn.get(normalizeDn(withoutUid(dn.trim())) ?? ''));
    const uidMembers = g.memberUids.map((uid) => byUsername.get(uid) ?? byUsername.get(uid.toLowerCase()));
    for (const i of [...dnMembers, ...uidMembers]) if (i !== undefined) memberships[i]?.add(g.name);
  }
  const rows = users.map((u, i) => ({ ...u, groups: [...(memberships[i] ?? [])] }));
  return { rows, groups: [...groups.values()].map(({ line, name, gidNumber }) => ({ line, name, gidNumber })), skipped, errors: errors.sort((a, b) => a.line - b.line) };
}

/**
 * DIR-4: how many users a file holds, counted cheaply before it is parsed (entries whose
 * objectClass makes them users, as parseLdif decides); the exact count comes after parsing.
 */
export function countLdifUsers(text: string): number {
  let n = 0;
  for (const block of text.split(/\r?\n[ \t]*\r?\n/)) {
    const classes = [...block.matchAll(/^objectclass:[ \t]*(\S+)[ \t]*\r?$/gim)].map((m) => (m[1] as string).toLowerCase());
    if (!classes.includes('computer') && classes.some((c) => c === 'inetorgperson' || c === 'posixaccount' || c === 'user')) n++;
  }
  return n;
}

const ldifValue = (k: string, v: string) => (/^[\x20-\x7e]*$/.test(v) && !/^[ :<]/.test(v) && !/ $/.test(v) ? `${k}: ${v}` : `${k}:: ${Buffer.from(v, 'utf8').toString('base64')}`);

/** The export: never a password or a hash of one, whatever the members have (ACC-2). */
export function toLdif(users: ExportUser[], orgId: string, groups: ExportGroup[] = []): string {
  const base = `o=${escapeDnValue(orgId)}`;
  const userDn = (u: ExportUser) => `uid=${escapeDnValue(u.username ?? u.email)},ou=people,${base}`;
  const groupDn = (name: string) => `cn=${escapeDnValue(name)},ou=groups,${base}`;
  const out: string[] = ['version: 1', ''];
  for (const u of users) {
    const uid = u.username ?? u.email;
    out.push(ldifValue('dn', userDn(u)), 'objectClass: top', 'objectClass: inetOrgPerson', 'objectClass: posixAccount');
    out.push(ldifValue('uid', uid), ldifValue('cn', u.name), ldifValue('sn', u.name.split(' ').at(-1) || u.name), ldifValue('mail', u.email));
    if (u.uidNumber !== null) out.push(`uidNumber: ${u.uidNumber}`, `gidNumber: ${u.gidNumber ?? u.uidNumber}`);
    if (u.homeDirectory) out.push(ldifValue('homeDirectory', u.homeDirectory));
    if (u.loginShell) out.push(ldifValue('loginShell', u.loginShell));
    for (const g of u.groups) out.push(ldifValue('memberOf', groupDn(g)));
    out.push('');
  }
  for (const g of groups) {
    out.push(ldifValue('dn', groupDn(g.name)), 'objectClass: top', 'objectClass: groupOfNames', 'objectClass: posixGroup');
    out.push(ldifValue('cn', g.name), `gidNumber: ${g.gidNumber}`);
    if (g.description) out.push(ldifValue('description', g.description));
    for (const u of users.filter((x) => x.groups.includes(g.name))) out.push(ldifValue('member', userDn(u)));
    out.push('');
  }
  return out.join('\n');
}
