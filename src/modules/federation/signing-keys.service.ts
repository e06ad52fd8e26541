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
 * signed still verify until they lapse; the rotation after that retires them. Private keys are
 * sealed with the field-encryption key (SEC-2) and never leave the process except to the provider.
 */

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
    await repo.insertKey(ex, { kid: jwk.kid, alg, jwk_enc: cipher.encrypt(JSON.stringify(jwk), context(jwk.kid)), state: 'current', created_at: clock.now().toISOString(), retired_at: null });
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

  /**
   * A new current key per algorithm; the replaced ones stay published as previous, and the ones
   * before them are retired. A security event (SEC-1): audited with the key ids, never a key.
   */
  async function rotate(ctx: RequestContext): Promise<SigningKeyInfo[]> {
    await db.transaction().execute(async (trx) => {
      const before = await repo.publishedKeys(trx);
      await repo.demoteKeys(trx, clock.now().toISOString());
      for (const alg of SIGNING_ALGORITHMS) await addCurrent(trx, alg);
      const after = await repo.publishedKeys(trx);
      await audit.record(trx, ctx, {
        action: 'federation.oidc_keys_rotated',
        details: {
          current: after.filter((k) => k.state === 'current').map((k) => k.kid),
          retired: before.filter((k) => k.state === 'previous').map((k) => k.kid),
        },
      });
    });
    return list();
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

  return { ensure, rotate, list, privateJwks };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
