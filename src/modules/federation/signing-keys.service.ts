import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import * as repo from './signing-keys.repository.ts';

/**
 * PRO-2: the OpenID Provider's signing keys. One ES256 and one RS256 key are current (they sign);
 * after a rotation the keys they replace stay published in the JWKS as `previous`, so tokens they
 * signed still verify until they lapse, and are retired (left out of the JWKS) once the longest
 * lifetime of a token they could have signed has passed since they stopped signing. Rotation runs on
 * a schedule (sweep.job.ts) and at the operator's word (`castellan oidc rotate-keys`), through the
 * same `rotate`. Private keys are sealed with the field-encryption key (SEC-2) and never leave the
 * process except to the provider.
 */

/**
 * How long a replaced key stays published: a day and five minutes, well beyond the longest a token
 * signed by these keys lives (a JWT access token at most JWT_ACCESS_TOKEN_TTL_MAX, an ID token an
 * hour: src/protocols/oidc/tokens.ts; keys.test.ts holds it to both), with room for clocks that differ.
 */
export const KEY_RETIREMENT_SECONDS = 24 * 60 * 60 + 5 * 60;

export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A private JSON Web Key as oidc-provider takes it in its `jwks` setting. */
export interface PrivateJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  [member: string]: unknown;
}

/** A published key, without its private part: what an operator may see. */
export interface SigningKeyInfo {
  kid: string;
  alg: string;
  state: 'current' | 'previous';
  createdAt: string;
}

export interface SigningKeysDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  audit: Audit;
}

const context = (kid: string) => `oidc_signing_keys.jwk_enc:${kid}`;

function generate(alg: SigningAlgorithm): PrivateJwk {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { ...jwk, kty: String(jwk.kty), kid: randomBytes(12).toString('base64url'), alg, use: 'sig' };
}

export function createSigningKeys(deps: SigningKeysDeps) {
  const { db, clock, cipher, audit } = deps;

  async function addCurrent(ex: Executor, alg: SigningAlgorithm): Promise<void> {
    const jwk = generate(alg);
    await repo.insertKey(ex, { kid: jwk.kid, alg, jwk_enc: cipher.encrypt(JSON.stringify(jwk), context(jwk.kid)), state: 'current', created_at: clock.now().toISOString(), superseded_at: null, retired_at: null });
  }

  /** Makes a current key for each algorithm that has none (the first start); answers whether it made any. */
  async function ensure(): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const have = new Set((await repo.publishedKeys(trx)).filter((k) => k.state === 'current').map((k) => k.alg));
      const missing = SIGNING_ALGORITHMS.filter((alg) => !have.has(alg));
      for (const alg of missing) await addCurrent(trx, alg);
      return missing.length > 0;
    });
  }

  /** The previous keys whose every token has lapsed: retired in `ex`; answers their kids. */
  async function retireLapsed(ex: Executor): Promise<string[]> {
    const now = clock.now();
    const published = await repo.publishedKeys(ex);
    // A key made previous before this was recorded stopped signing when the next key of its algorithm was made.
    const successor = (k: repo.SigningKeyRow) => published.filter((n) => n.alg === k.alg && n.created_at > k.created_at).map((n) => n.created_at).sort()[0];
    const due = published.filter((k) => {
      const stopped = k.state === 'previous' ? (k.superseded_at ?? successor(k)) : undefined;
      return stopped !== undefined && Date.parse(stopped) + KEY_RETIREMENT_SECONDS * 1000 <= now.getTime();
    });
    if (due.length > 0) await repo.retireKeys(ex, due.map((k) => k.kid), now.toISOString());
    return due.map((k) => k.kid);
  }

  /**
   * A new current key per algorithm; the replaced ones stay published as previous until their
   * tokens lapse, and previous ones already past that are retired. A security event (SEC-1):
   * audited with the key ids, never a key.
   */
  async function rotate(ctx: RequestContext): Promise<SigningKeyInfo[]> {
    await db.transaction().execute(async (trx) => {
      const retired = await retireLapsed(trx);
      await repo.supersedeCurrent(trx, clock.now().toISOString());
      for (const alg of SIGNING_ALGORITHMS) await addCurrent(trx, alg);
      const after = await repo.publishedKeys(trx);
      await audit.record(trx, ctx, {
        action: 'federation.oidc_keys_rotated',
        details: { current: after.filter((k) => k.state === 'current').map((k) => k.kid), previous: after.filter((k) => k.state === 'previous').map((k) => k.kid), retired },
      });
    });
    return list();
  }

  /**
   * The scheduled work: rotates when the oldest current key is `rotationDays` old, else retires the
   * previous keys whose tokens have lapsed. Answers what it did.
   */
  async function rotateIfDue(ctx: RequestContext, rotationDays: number): Promise<{ rotated: boolean; retired: string[] }> {
    const current = (await repo.publishedKeys(db)).filter((k) => k.state === 'current');
    const oldest = Math.min(...current.map((k) => Date.parse(k.created_at)));
    if (current.length === 0 || oldest + rotationDays * 86_400_000 <= clock.now().getTime()) {
      const before = new Set((await repo.publishedKeys(db)).map((k) => k.kid));
      const after = new Set((await rotate(ctx)).map((k) => k.kid));
      return { rotated: true, retired: [...before].filter((kid) => !after.has(kid)) };
    }
    const retired = await db.transaction().execute(async (trx) => {
      const kids = await retireLapsed(trx);
      if (kids.length > 0) await audit.record(trx, ctx, { action: 'federation.oidc_keys_retired', details: { retired: kids } });
      return kids;
    });
    return { rotated: false, retired };
  }

  async function list(): Promise<SigningKeyInfo[]> {
    return (await repo.publishedKeys(db)).map((k) => ({ kid: k.kid, alg: k.alg, state: k.state as 'current' | 'previous', createdAt: k.created_at }));
  }

  /**
   * The private keys for the provider, current ones first: oidc-provider signs with the first key
   * of the algorithm it needs, and publishes the public part of every key it is given.
   */
  async function privateJwks(): Promise<PrivateJwk[]> {
    return (await repo.publishedKeys(db)).map((k) => JSON.parse(cipher.decrypt(k.jwk_enc, context(k.kid))) as PrivateJwk);
  }

  return { ensure, rotate, rotateIfDue, list, privateJwks };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
