import { AppError } from '../../core/errors.ts';
import { AccountsErrors } from '../accounts/index.ts';

/** POSIX ids start here, above the ids systems keep for themselves. */
export const FIRST_POSIX_ID = 10000;
export const DEFAULT_SHELL = '/bin/bash';

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
