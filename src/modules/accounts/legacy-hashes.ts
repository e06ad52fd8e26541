import { createHash, timingSafeEqual } from 'node:crypto';
import { verify as verifyArgon2 } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/**
 * Password hashes another directory made, kept on an imported member until their first successful
 * sign-in or bind, which replaces them with argon2id (ACC-2, DIR-5). Pure: nothing here reads or
 * writes storage, and nothing here ever logs. The schemes are the ones OpenLDAP's `userPassword`
 * carries (RFC 3112 scheme prefixes):
 *
 * - `{SSHA}`: base64(SHA-1(password + salt) + salt), as slappasswd and OpenSSL-based tools write it;
 * - `{SSHA512}`: the same with SHA-512 (OpenLDAP's pw-sha2 module);
 * - `{CRYPT}$6$…`: SHA-512 crypt, from Ulrich Drepper's specification ("Unix crypt using SHA-256
 *   and SHA-512", 2007), with its `rounds=` (default 5000, clamped to 1000…999999999);
 * - `{CRYPT}$2a$`, `$2b$`, `$2y$`: bcrypt (bcryptjs);
 * - `{ARGON2}$argon2id$…` and `$argon2i$…` (OpenLDAP's argon2 module), checked by @node-rs/argon2.
 *
 * A hash that would cost more than a sign-in should (SHA-512 crypt above MAX_CRYPT_ROUNDS rounds,
 * bcrypt above cost MAX_BCRYPT_COST, each about two seconds of one core here; argon2 above
 * MAX_ARGON2's memory, time or lanes) is not accepted: an imported value must not let each bind
 * attempt tie up the server.
 */
export type LegacyHash =
  | { scheme: 'ssha' | 'ssha512'; value: string; digest: Buffer; salt: Buffer }
  | { scheme: 'sha512-crypt'; value: string; rounds: number; salt: string; hash: string }
  | { scheme: 'bcrypt'; value: string; cost: number }
  | { scheme: 'argon2'; value: string };

export const MAX_CRYPT_ROUNDS = 1_000_000;
export const MAX_BCRYPT_COST = 12;
/** Memory in KiB, iterations and lanes. */
export const MAX_ARGON2 = { memory: 256 * 1024, time: 16, parallelism: 16 } as const;

const MAX_SALT_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CRYPT_SHA512 = /^\$6\$(?:rounds=(\d{1,10})\$)?([^$:\n]{0,16})[^$:\n]*\$([./0-9A-Za-z]{86})$/;
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(?:id|i)\$(?:v=\d+\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** The scheme name inside braces, upper-cased, and what follows it. */
function split(value: string): { scheme: string; rest: string } | null {
  const m = /^\{([A-Za-z0-9.-]{1,20})\}(.+)$/s.exec(value.trim());
  return m ? { scheme: (m[1] as string).toUpperCase(), rest: m[2] as string } : null;
}

function saltedDigest(scheme: 'ssha' | 'ssha512', rest: string): LegacyHash | null {
  if (!BASE64.test(rest)) return null;
  const bytes = Buffer.from(rest, 'base64');
  const size = scheme === 'ssha' ? 20 : 64;
  // OpenLDAP refuses a value with no salt at all; a salt longer than any tool makes is not a hash.
  if (bytes.length <= size || bytes.length > size + MAX_SALT_BYTES) return null;
  return { scheme, value: `{${scheme.toUpperCase()}}${rest}`, digest: bytes.subarray(0, size), salt: bytes.subarray(size) };
}

function crypt(rest: string): LegacyHash | null {
  const sha = CRYPT_SHA512.exec(rest);
  if (sha) {
    const rounds = clampRounds(sha[1]);
    if (rounds > MAX_CRYPT_ROUNDS) return null;
    return { scheme: 'sha512-crypt', value: `{CRYPT}${rest}`, rounds, salt: sha[2] as string, hash: sha[3] as string };
  }
  const bc = BCRYPT.exec(rest);
  if (bc) {
    const cost = Number(bc[1]);
    if (cost < 4 || cost > MAX_BCRYPT_COST) return null;
    return { scheme: 'bcrypt', value: `{CRYPT}${rest}`, cost };
  }
  return null;
}

function argon2(rest: string): LegacyHash | null {
  const m = ARGON2.exec(rest);
  if (!m) return null;
  const [memory, time, parallelism] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (memory > MAX_ARGON2.memory || time > MAX_ARGON2.time || parallelism > MAX_ARGON2.parallelism || time < 1 || parallelism < 1) return null;
  return { scheme: 'argon2', value: `{ARGON2}${rest}` };
}

/**
 * A `userPassword` value in one of the schemes above, or null: any other scheme (`{MD5}`, `{SHA}`,
 * `{CLEARTEXT}`, DES or MD5 `{CRYPT}`, …), a value with no scheme, and a malformed one.
 */
export function parseLegacyHash(value: string): LegacyHash | null {
  const parts = split(value);
  if (!parts) return null;
  switch (parts.scheme) {
    case 'SSHA':
      return saltedDigest('ssha', parts.rest);
    case 'SSHA512':
      return saltedDigest('ssha512', parts.rest);
    case 'CRYPT':
      return crypt(parts.rest);
    case 'ARGON2':
      return argon2(parts.rest);
    default:
      return null;
  }
}

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * The longest password checked, in UTF-8 bytes: SHA-512 crypt hashes the password as many times as
 * it is long, so a bind carrying a huge one must not reach it. As many bytes as the longest
 * password Castellan lets anyone set can take (MAX_PASSWORD_LENGTH characters of up to 4 bytes).
 */
export const MAX_LEGACY_PASSWORD_BYTES = 1024;

/** Whether `password` matches the hash. Never throws: an unreadable hash is a mismatch. */
export async function verifyLegacyHash(hash: LegacyHash, password: string): Promise<boolean> {
  if (Buffer.byteLength(password, 'utf8') > MAX_LEGACY_PASSWORD_BYTES) return false;
  try {
    switch (hash.scheme) {
      case 'ssha':
      case 'ssha512': {
        const digest = createHash(hash.scheme === 'ssha' ? 'sha1' : 'sha512').update(password, 'utf8').update(hash.salt).digest();
        return sameBytes(digest, hash.digest);
      }
      case 'sha512-crypt':
        return sameBytes(Buffer.from(await sha512CryptHash(password, hash.salt, hash.rounds)), Buffer.from(hash.hash));
      case 'bcrypt': {
        const stored = hash.value.slice('{CRYPT}'.length);
        return sameBytes(Buffer.from(await bcrypt.hash(password, stored.slice(0, 29))), Buffer.from(stored));
      }
      case 'argon2':
        return await verifyArgon2(hash.value.slice('{ARGON2}'.length), password);
    }
  } catch {
    return false;
  }
}

// ---- SHA-512 crypt (Drepper) --------------------------------------------------------------

const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
/** Rounds between two yields to the event loop, so that a check never holds it for long. */
const ROUNDS_PER_SLICE = 5000;

function clampRounds(given: string | undefined): number {
  if (given === undefined) return ROUNDS_DEFAULT;
  return Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(given)));
}

/** SHA-512 of `bytes` repeated `times` times (the spec's DP and DS, steps 13-15 and 17-19). */
function sha512Repeated(bytes: Buffer, times: number): Buffer {
  const h = createHash('sha512');
  for (let i = 0; i < times; i++) h.update(bytes);
  return h.digest();
}

/** `bytes` repeated to `length` bytes (the spec's P and S sequences, steps 16 and 20). */
function repeatTo(bytes: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += bytes.length) bytes.copy(out, i, 0, Math.min(bytes.length, length - i));
  return out;
}

/** The spec's step 22: the 64 bytes in this order, three at a time, as 4 characters each (the last byte as 2). */
const ORDER = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
] as const;
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function encode(digest: Buffer): string {
  let out = '';
  const put = (w: number, n: number) => {
    for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f];
  };
  for (const [a, b, c] of ORDER) put(((digest[a] as number) << 16) | ((digest[b] as number) << 8) | (digest[c] as number), 4);
  put(digest[63] as number, 2);
  return out;
}

/** The 86 characters of a SHA-512 crypt hash of `password` with `salt` (at most 16 bytes used) and `rounds`. */
async function sha512CryptHash(password: string, saltText: string, rounds: number): Promise<string> {
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(saltText, 'utf8').subarray(0, 16);
  const b = createHash('sha512').update(p).update(s).update(p).digest(); // steps 4-8
  const a = createHash('sha512').update(p).update(s); // steps 1-3
  a.update(repeatTo(b, p.length)); // steps 9-10
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p); // step 11
  let c = a.digest(); // step 12
  const dp = sha512Repeated(p, p.length); // steps 13-15
  const pSeq = repeatTo(dp, p.length); // step 16
  const ds = sha512Repeated(s, 16 + (c[0] as number)); // steps 17-19
  const sSeq = repeatTo(ds, s.length); // step 20
  for (let i = 0; i < rounds; i++) {
    // step 21
    const h = createHash('sha512');
    h.update(i & 1 ? pSeq : c);
    if (i % 3) h.update(sSeq);
    if (i % 7) h.update(pSeq);
    h.update(i & 1 ? c : pSeq);
    c = h.digest();
    if ((i + 1) % ROUNDS_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return encode(c);
}

/**
 * SHA-512 crypt as the specification writes it: `setting` is `$6$[rounds=N$]salt[$…]`; the answer is
 * `$6$[rounds=N$]salt$hash`, with the rounds clamped and the salt cut to 16 characters.
 */
export async function sha512Crypt(password: string, setting: string): Promise<string> {
  const m = /^\$6\$(?:rounds=(\d{1,10})\$)?([^$]*)/.exec(setting);
  if (!m) throw new Error('not a SHA-512 crypt setting');
  const rounds = clampRounds(m[1]);
  const salt = Buffer.from(m[2] as string, 'utf8').subarray(0, 16).toString('utf8');
  const hash = await sha512CryptHash(password, salt, rounds);
  return `$6$${m[1] !== undefined ? `rounds=${rounds}$` : ''}${salt}$${hash}`;
}
