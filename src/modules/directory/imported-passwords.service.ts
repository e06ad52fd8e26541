import { AppError, CommonErrors } from '../../core/errors.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import { type KeptPassword, type LegacyHash, parseLegacyHash } from '../accounts/index.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './imported-passwords.repository.ts';

/** SEC-2: binds a sealed hash to its membership, so a value copied to another row does not decrypt. */
const context = (membershipId: string) => `memberships.imported_password_hash:${membershipId}`;

/** Encrypts a kept hash for its membership's row (the import writes it with the row). */
export const sealImportedPasswordHash = (cipher: FieldCipher, membershipId: string, hash: LegacyHash): string => cipher.encrypt(hash.value, context(membershipId));

export type { KeptPassword };

/**
 * DIR-5, ACC-2: the password hash an LDIF import kept on a member (`--keep-password-hashes`), for the
 * credential check of their first sign-in or bind, which then replaces it with argon2id or drops
 * it. The hash never leaves these functions but to that check: no view, export, log or audit
 * entry carries it.
 */
export function createImportedPasswords(deps: DirectoryDeps) {
  const { db, clock, cipher } = deps;

  /** The member's kept password hash, decrypted; undefined when none is kept (or it cannot be decrypted). */
  async function find(orgId: string, membershipId: string, ex: Executor = db): Promise<KeptPassword | undefined> {
    const sealed = await repo.findImportedPasswordHash(ex, orgId, membershipId);
    if (!sealed) return undefined;
    let value: string;
    try {
      value = cipher.decrypt(sealed, context(membershipId));
    } catch {
      return undefined;
    }
    return { value, legacy: parseLegacyHash(value) };
  }

  /**
   * After a successful check against an imported hash: keeps the PasswordHasher's hash (argon2id,
   * ACC-2) of the same password in its place. A scheme-prefixed value (`{SSHA}…`) is refused: the
   * imported hash is only ever replaced by the server's own.
   */
  async function replace(orgId: string, membershipId: string, passwordHash: string, ex: Executor = db): Promise<void> {
    if (passwordHash === '' || passwordHash.startsWith('{')) throw new Error('an imported password hash is replaced only by the server’s own argon2id hash');
    if (!(await repo.setImportedPasswordHash(ex, orgId, membershipId, cipher.encrypt(passwordHash, context(membershipId)), clock.now().toISOString()))) {
      throw new AppError(CommonErrors.notFound);
    }
  }

  /** Forgets the kept hash (the member set a password of their own); nothing to do when none is kept. */
  async function drop(orgId: string, membershipId: string, ex: Executor = db): Promise<void> {
    await repo.clearImportedPasswordHash(ex, orgId, membershipId, clock.now().toISOString());
  }

  return { find, replace, drop };
}

export type ImportedPasswords = ReturnType<typeof createImportedPasswords>;
