import { csvCell, csvValue } from '../../core/csv.ts';

/**
 * DIR-5: the file formats of bulk import and export. CSV (RFC 4180: quoted
 * fields, doubled quotes, CRLF or LF; cells guarded against spreadsheet
 * formulas) with the header `email,name,username,groups` (groups separated by
 * ";"), here; LDIF (RFC 2849) in transfer.ldif.ts.
 */
export interface TransferRow {
  /** 1-based line of the file where the row starts, for error messages. */
  line: number;
  email: string;
  name: string;
  username: string | undefined;
  groups: string[];
  /** LDIF: the POSIX attributes the entry gives, as written; checked by the import. */
  posix?: PosixAttributes;
  /** LDIF: the entry's `userPassword` values. Kept only when asked, and never echoed. */
  passwords?: string[];
}

export interface PosixAttributes {
  uidNumber?: string | undefined;
  gidNumber?: string | undefined;
  homeDirectory?: string | undefined;
  loginShell?: string | undefined;
}

/** A group entry of an LDIF file: it exists even with no members, and keeps its gidNumber. */
export interface TransferGroup {
  line: number;
  name: string;
  gidNumber?: string | undefined;
}

/** What a file holds: users, group entries (LDIF), entries that are neither (LDIF), problems by line. */
export interface ParsedFile {
  rows: TransferRow[];
  groups: TransferGroup[];
  skipped: number;
  errors: FormatError[];
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

export function parseCsv(text: string): ParsedFile {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''));
  const errors: FormatError[] = [];
  const header = records.shift();
  if (!header) return { rows: [], groups: [], skipped: 0, errors: [{ line: 1, message: 'The file is empty; the first line must be the header email,name,username,groups.' }] };
  const cols = header.fields.map((h) => h.trim().toLowerCase());
  const col = (name: string) => cols.indexOf(name);
  for (const required of ['email', 'name']) {
    if (col(required) < 0) errors.push({ line: header.line, message: `The header has no "${required}" column.` });
  }
  const unknown = cols.filter((c) => !['email', 'name', 'username', 'groups'].includes(c));
  if (unknown.length) errors.push({ line: header.line, message: `Unknown column(s): ${unknown.join(', ')}.` });
  if (errors.length) return { rows: [], groups: [], skipped: 0, errors };
  const rows: TransferRow[] = [];
  for (const r of records) {
    if (r.fields.length !== cols.length) {
      errors.push({ line: r.line, message: `Expected ${cols.length} fields, found ${r.fields.length}.` });
      continue;
    }
    const get = (name: string) => (col(name) >= 0 ? csvValue((r.fields[col(name)] ?? '').trim()) : '');
    rows.push({ line: r.line, email: get('email'), name: get('name'), username: get('username') || undefined, groups: splitGroups(get('groups')) });
  }
  return { rows, groups: [], skipped: 0, errors };
}

export function toCsv(users: ExportUser[]): string {
  const lines = ['email,name,username,groups'];
  for (const u of users) lines.push([u.email, u.name, u.username ?? '', u.groups.join(';')].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
