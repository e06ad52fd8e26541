/**
 * DIR-5: the file formats of bulk import and export. CSV (RFC 4180: quoted
 * fields, doubled quotes, CRLF or LF) with the header `email,name,username,groups`
 * (groups separated by ";"), and LDIF (RFC 2849) entries of inetOrgPerson +
 * posixAccount with memberOf naming the groups.
 */
export interface TransferRow {
  /** 1-based line of the file where the row starts, for error messages. */
  line: number;
  email: string;
  name: string;
  username: string | undefined;
  groups: string[];
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
    const get = (name: string) => (col(name) >= 0 ? (r.fields[col(name)] ?? '').trim() : '');
    rows.push({ line: r.line, email: get('email'), name: get('name'), username: get('username') || undefined, groups: splitGroups(get('groups')) });
  }
  return { rows, errors };
}

const csvField = (v: string) => (/[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function toCsv(users: ExportUser[]): string {
  const lines = ['email,name,username,groups'];
  for (const u of users) lines.push([u.email, u.name, u.username ?? '', u.groups.join(';')].map(csvField).join(','));
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

export function parseLdif(text: string): { rows: TransferRow[]; errors: FormatError[] } {
  const rows: TransferRow[] = [];
  const errors: FormatError[] = [];
  for (const r of parseLdifRecords(text)) {
    const bad = r.attrs.find(([k]) => k === '#invalid');
    if (bad) {
      const [line, ...rest] = bad[1].split(':');
      errors.push({ line: Number(line), message: `Not an LDIF attribute line: "${rest.join(':').slice(0, 60)}"` });
      continue;
    }
    const values = (k: string) => r.attrs.filter(([a]) => a === k).map(([, v]) => v);
    const classes = values('objectclass').map((c) => c.toLowerCase());
    if (!classes.includes('inetorgperson')) continue; // group or container entries carry no users
    const groups = values('memberof').map((dn) => /^cn=([^,]+)/i.exec(dn)?.[1] ?? dn);
    rows.push({
      line: r.line,
      email: values('mail')[0] ?? '',
      name: values('cn')[0] ?? values('displayname')[0] ?? '',
      username: values('uid')[0],
      groups,
    });
  }
  return { rows, errors };
}

const ldifValue = (k: string, v: string) => (/^[\x20-\x7e]*$/.test(v) && !/^[ :<]/.test(v) && !/ $/.test(v) ? `${k}: ${v}` : `${k}:: ${Buffer.from(v, 'utf8').toString('base64')}`);

export function toLdif(users: ExportUser[], orgId: string): string {
  const base = `o=${orgId}`;
  const out: string[] = ['version: 1', ''];
  for (const u of users) {
    const uid = u.username ?? u.email;
    out.push(ldifValue('dn', `uid=${uid},ou=people,${base}`), 'objectClass: top', 'objectClass: inetOrgPerson', 'objectClass: posixAccount');
    out.push(ldifValue('uid', uid), ldifValue('cn', u.name), ldifValue('sn', u.name.split(' ').at(-1) || u.name), ldifValue('mail', u.email));
    if (u.uidNumber !== null) out.push(`uidNumber: ${u.uidNumber}`, `gidNumber: ${u.gidNumber ?? u.uidNumber}`);
    if (u.homeDirectory) out.push(ldifValue('homeDirectory', u.homeDirectory));
    if (u.loginShell) out.push(ldifValue('loginShell', u.loginShell));
    for (const g of u.groups) out.push(ldifValue('memberOf', `cn=${g},ou=groups,${base}`));
    out.push('');
  }
  return out.join('\n');
}
