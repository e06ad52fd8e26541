import type { ApiError, Download, ImportResult, TransferFormat } from '../api.ts';

/** The server takes a body of at most 20 MiB; the file is sent as JSON text, so leave room for the rest. */
export const MAX_IMPORT_BYTES = 19 * 1024 * 1024;

/** How many of a refused import's problems the page lists; the rest are counted. */
export const SHOWN_PROBLEMS = 100;

/** The format of an import file, from its name: `.ldif` is LDIF, anything else CSV. */
export function formatOf(fileName: string): TransferFormat {
  return /\.ldif$/i.test(fileName.trim()) ? 'ldif' : 'csv';
}

export interface ImportProblem {
  line: number;
  field?: string;
  message: string;
}

/**
 * The problems of a refused import (`directory.import_invalid`): the first `shown`
 * of them, and how many more there are. Null for any other error.
 */
export function importProblems(err: ApiError | null, shown = SHOWN_PROBLEMS): { problems: ImportProblem[]; more: number; total: number } | null {
  if (!err || err.code !== 'directory.import_invalid') return null;
  const raw = Array.isArray(err.extensions.problems) ? (err.extensions.problems as unknown[]) : [];
  const all: ImportProblem[] = [];
  for (const p of raw) {
    if (!p || typeof p !== 'object') continue;
    const { line, field, message } = p as Record<string, unknown>;
    if (typeof message !== 'string') continue;
    all.push({ line: typeof line === 'number' ? line : 0, ...(typeof field === 'string' ? { field } : {}), message });
  }
  const count = Number(err.extensions.problemCount);
  const total = Number.isInteger(count) && count >= all.length ? count : all.length;
  const problems = all.slice(0, shown);
  return { problems, more: total - problems.length, total };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * "Imported 3 users and created 2 groups.", then what an LDIF import left out: entries that are
 * neither users nor groups, and password hashes kept or not kept.
 */
export function importSummary(result: ImportResult, invited: boolean): string {
  const { created, groupsCreated, skipped, passwordHashesKept, passwordHashesIgnored } = result;
  const users = `Imported ${plural(created, 'user', 'users')}`;
  const groups = groupsCreated > 0 ? ` and created ${plural(groupsCreated, 'group', 'groups')}` : '';
  const notes = [
    skipped > 0 ? ` Skipped ${plural(skipped, 'entry', 'entries')} that ${skipped === 1 ? 'is' : 'are'} neither a user nor a group.` : '',
    passwordHashesKept > 0 ? ` Kept ${plural(passwordHashesKept, 'password hash', 'password hashes')} until ${passwordHashesKept === 1 ? 'its user signs' : 'their users sign'} in.` : '',
    passwordHashesIgnored > 0 ? ` ${plural(passwordHashesIgnored, 'user’s password hash was', 'users’ password hashes were')} not kept.` : '',
  ];
  const mail = invited && created > 0 ? ` ${created === 1 ? 'An invitation is' : 'Invitations are'} on the way.` : '';
  return `${users}${groups}.${notes.join('')}${mail}`;
}

/** Saves a file the browser fetched: a Blob URL and a click on an <a download>. */
export function saveDownload({ blob, fileName }: Download): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; free it a little later all the same.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
