import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../../src/modules/accounts/index.ts';

/**
 * A cheap hasher for fixtures: salted SHA-256, so that creating and signing in thousands of test
 * users costs nothing. The real argon2id parameters are kept, and proven, by the ACC-2 test.
 */
export const fastHasher: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(8).toString('base64url');
    return `$test$${salt}$${createHash('sha256').update(`${salt}:${password}`).digest('base64url')}`;
  },
  async verify(stored, password) {
    const [, kind, salt, digest] = stored.split('$');
    if (kind !== 'test' || !salt || !digest) return false;
    const again = createHash('sha256').update(`${salt}:${password}`).digest('base64url');
    return again.length === digest.length && timingSafeEqual(Buffer.from(again), Buffer.from(digest));
  },
};
