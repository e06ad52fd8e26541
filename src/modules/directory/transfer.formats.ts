import { csvCell, csvValue } from '../../core/csv.ts';
import { escapeDnValue, parseDn } from '../../core/dn.ts';

/**
 * DIR-5: the file formats of bulk import and export. CSV (RFC 4180: quoted
 * fields, doubled quotes, CRLF or LF; cells guarded against spreadsheet
 * formulas) with the header `email,name,username,groups` (groups separated by
 * ";"), and LDIF (RFC 2849) entries of inetOrgPerson + posixAccount with
 * memberOf naming the groups, then the groups themselves (groupOfNames +
 * posixGroup), so that a group without members survives a round trip. DN values
 * are escaped per RFC 4514.
 */
export interface TransferRow {
  /** 1-based line of the file where the row starts, for error messages. */
  line: number;
  email: string;
  name: string;
  username: string | undefined;
  groups: string[];
}

/** A group an export names: every group of the organization, with its POSIX id. */
export interface ExportGroup {
  name: string;
  gidNumber: number;
  description: string | null;
}

export interface ExportUser {
  email: string;
  name: string;
  username: string | null;
  uidNumber: number | null;
  gidNumber: number | null;
  homeDirectory: string | null;
  loginShell: string | null;
  status: string;
  groups: string[];
}

export interface FormatError {
  line: number;
  field?: string;
  message: string;
}

export type TransferFormat = 'csv' | 'ldif';

/** Splits CSV text into records of fields, keeping the line each record starts on. */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (any || field !== '') records.push({ line: start, fields });
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || field !== '') {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return records;
}

const splitGroups = (v: string) => v.split(';').map((g) => g.trim()).filter(Boolean);

export function parseCsv(text: string): { rows: TransferRow[]; errors: FormatError[] } {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''));
  const errors: FormatError[] = [];
  const header = records.shift();
  if (!header) return { rows: [], errors: [{ line: 1, message: 'The file is empty; the first line must be the header email,name,username,groups.' }] };
  const cols = header.fields.map((h) => h.trim().toLowerCase());
  const col = (name: string) => cols.indexOf(name);
  for (const required of ['email', 'name']) {
    if (col(required) < 0) errors.push({ line: header.line, message: `The header has no "${required}" column.` });
  }
  const unknown = cols.filter((c) => !['email', 'name', 'username', 'groups'].includes(c));
  if (unknown.length) errors.push({ line: header.line, message: `Unknown column(s): ${unknown.join(', ')}.` });
  if (errors.length) return { rows: [], errors };
  const rows: TransferRow[] = [];
  for (const r of records) {
    if (r.fields.length !== cols.length) {
      errors.push({ line: r.line, message: `Expected ${cols.length} fields, found ${r.fields.length}.` });
      continue;
    }
    const get = (name: string) => (col(name) >= 0 ? csvValue((r.fields[col(name)] ?? '').trim()) : '');
    rows.push({ line: r.line, email: get('email'), name: get('name'), username: get('username') || undefined, groups: splitGroups(get('groups')) });
  }
  return { rows, errors };
}

export function toCsv(users: ExportUser[]): string {
  const lines = ['email,name,username,groups'];
  for (const u of users) lines.push([u.email, u.name, u.username ?? '', u.groups.join(';')].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

/** LDIF records: unfolded lines, base64 values decoded, comments dropped. */
export function parseLdifRecords(text: string): { line: number; attrs: Array<[string, string]> }[] {
  const raw = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const records: { line: number; attrs: Array<[string, string]> }[] = [];
  let current: { line: number; attrs: Array<[string, string]> } | undefined;
  let pending: { line: number; text: string } | undefined;
  const flush = () => {
    if (!pending || !current) return;
    const m = /^([A-Za-z][A-Za-z0-9-;]*)(::?)\s?(.*)$/.exec(pending.text);
    if (m) current.attrs.push([(m[1] as string).toLowerCase(), m[2] === '::' ? Buffer.from(m[3] as string, 'base64').toString('utf8') : (m[3] as string)]);
    else current.attrs.push(['#invalid', `${pending.line}:${pending.text}`]);
    pending = undefined;
  };
  raw.forEach((text, i) => {
    const line = i + 1;
    if (text.startsWith(' ') && pending) {
      pending.text += text.slice(1);
      return;
    }
    flush();
    if (text.trim() === '') {
      if (current) records.push(current);
      current = undefined;
      return;
    }
    if (text.startsWith('#')) return;
    if (/^version:/i.test(text) && !current) return;
    current ??= { line, attrs: [] };
    pending = { line, text };
  });
  flush();
  if (current) records.push(current);
  return records;
}

/** The group a DN names: the value of its first RDN, `cn=R\2C D,ou=groups,…` being "R, D". */
const groupOf = (dn: string) => {
  const first = parseDn(dn)?.[0];
  return first?.type === 'cn' ? first.value : dn;
};

export function parseLdif(text: string): { rows: TransferRow[]; errors: FormatError[]; groups: string[] } {
  const rows: TransferRow[] = [];
  const errors: FormatError[] = [];
  const groups: string[] = [];
  for (const r of parseLdifRecords(text)) {
    const bad = r.attrs.find(([k]) => k === '#invalid');
    if (bad) {
      const [line, ...rest] = bad[1].split(':');
      errors.push({ line: Number(line), message: `Not an LDIF attribute line: "${rest.join(':').slice(0, 60)}"` });
      continue;
    }
    const values = (k: string) => r.attrs.filter(([a]) => a === k).map(([, v]) => v);
    const classes = values('objectclass').map((c) => c.toLowerCase());
    if (classes.includes('groupofnames') || classes.includes('posixgroup')) {
      // A group entry: it exists even with no members (its members are named on the users' memberOf).
      const name = values('cn')[0] ?? groupOf(values('dn')[0] ?? '');
      if (name) groups.push(name);
      continue;
    }
    if (!classes.includes('inetorgperson')) continue; // container entries carry no users
    rows.push({
      line: r.line,
      email: values('mail')[0] ?? '',
      name: values('cn')[0] ?? values('displayname')[0] ?? '',
      username: values('uid')[0],
      groups: values('memberof').map(groupOf),
    });
  }
  return { rows, errors, groups };
}

const ldifValue = (k: string, v: string) => (/^[\x20-\x7e]*$/.test(v) && !/^[ :<]/.test(v) && !/ $/.test(v) ? `${k}: ${v}` : `${k}:: ${Buffer.from(v, 'utf8').toString('base64')}`);

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
