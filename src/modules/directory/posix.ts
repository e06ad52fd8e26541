import { AppError } from '../../core/errors.ts';
import { AccountsErrors } from '../accounts/index.ts';

/** POSIX ids start here, above the ids systems keep for themselves. */
export const FIRST_POSIX_ID = 10000;
export const DEFAULT_SHELL = '/bin/bash';
/**
 * The POSIX ids an import may keep (DIR-5): from 1000, where Linux distributions start ordinary
 * accounts (0 to 999 are root and the system's own users and groups), to the largest a signed
 * 32-bit column holds but one, so the counter can still move past it. 65534 and 65535 are `nobody`
 * and `nogroup`, and -1 to 16-bit tools: never a person's or a group's.
 */
export const MIN_KEPT_POSIX_ID = 1000;
export const MAX_POSIX_ID = 2_147_483_646;
const RESERVED_POSIX_IDS = new Set([65534, 65535]);

const USERNAME = /^[a-z_][a-z0-9._-]{0,31}$/;

/** A POSIX-safe login name: lower case, starting with a letter or underscore, at most 32 characters. */
export function validUsername(value: string): string {
  const v = value.trim();
  if (!USERNAME.test(v)) {
    throw new AppError(AccountsErrors.invalidField, 'A username is 1 to 32 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or "_".', {
      details: { field: 'username' },
    });
  }
  return v;
}

/** The username an email suggests: its local part, cleaned to fit validUsername. */
export function usernameFromEmail(email: string): string {
  const local = (email.split('@')[0] ?? '').toLowerCase().replace(/[^a-z0-9._-]/g, '');
  const start = /^[a-z_]/.test(local) ? local : `u${local}`;
  return start.slice(0, 32) || 'user';
}

export function posixDefaults(username: string) {
  return { home_directory: `/home/${username}`, login_shell: DEFAULT_SHELL };
}

const invalid = (field: string, message: string) => new AppError(AccountsErrors.invalidField, message, { details: { field } });

/** A uidNumber or gidNumber an import gives: a whole number in the range above. */
export function validPosixId(value: string, field: string): number {
  const v = value.trim();
  const n = /^\d{1,10}$/.test(v) ? Number(v) : NaN;
  if (!(n >= MIN_KEPT_POSIX_ID && n <= MAX_POSIX_ID) || RESERVED_POSIX_IDS.has(n)) {
    throw invalid(field, `${field} "${v.slice(0, 20)}" is not a whole number from ${MIN_KEPT_POSIX_ID} to ${MAX_POSIX_ID} (65534 and 65535 excepted).`);
  }
  return n;
}

/**
 * A homeDirectory or loginShell an import gives: an absolute path, without the colon and line
 * breaks that would break a passwd line, of at most `max` characters.
 */
export function validPosixPath(value: string, field: string, max: number): string {
  const v = value.trim();
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (!v.startsWith('/') || v.length > max || /[:\u0000-\u001f\u007f]/.test(v)) {
    throw invalid(field, `${field} must be an absolute path of at most ${max} characters, without ":" or control characters.`);
  }
  return v;
}
