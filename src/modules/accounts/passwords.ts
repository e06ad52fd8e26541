import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../core/errors.ts';
import { AccountsErrors } from './accounts.errors.ts';

/** ACC-2: argon2id with at least OWASP's parameters (19 MiB, 2 iterations, 1 lane). */
export const ARGON2_OPTIONS = {
  algorithm: 2 as Algorithm, // Argon2id
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * How passwords are hashed and checked. The core takes one (argon2id by default); tests give a
 * cheap one so that fixtures cost nothing, and one test keeps the real parameters (ACC-2).
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a stored value it cannot read; never throws. */
  verify(stored: string, password: string): Promise<boolean>;
}

export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password, ARGON2_OPTIONS),
  async verify(stored, password) {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  },
};

const decoys = new WeakMap<PasswordHasher, Promise<string>>();
/**
 * Spends the same time as a real check when there is no account to check
 * against, so the answer's timing does not reveal whether an email exists (ACC-7).
 */
export async function verifyAgainstDecoy(hasher: PasswordHasher, password: string): Promise<false> {
  let decoy = decoys.get(hasher);
  if (!decoy) {
    decoy = hasher.hash('decoy password that no account has');
    decoys.set(hasher, decoy);
  }
  await hasher.verify(await decoy, password);
  return false;
}

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/** Refuses short, over-long and commonly used passwords, with a message the user can act on. */
export function checkPasswordPolicy(password: string, context: { email?: string; name?: string } = {}): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw weak('too_short', `Use at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw weak('too_long', `Use at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower) || /^(.)\1+$/.test(password)) {
    throw weak('common', 'This password is on a list of commonly used passwords. Choose another.');
  }
  const email = context.email?.toLowerCase();
  if (email && (lower === email || lower === email.split('@')[0])) {
    throw weak('matches_email', 'The password must not be your email address.');
  }
}

function weak(reason: string, message: string): AppError {
  return new AppError(AccountsErrors.weakPassword, message, { details: { field: 'password', reason } });
}
