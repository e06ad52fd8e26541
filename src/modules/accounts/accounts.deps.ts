import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';
import type { Throttle } from './throttle.service.ts';

export interface AccountsConfig {
  publicUrl: string;
  sessionTtlSeconds: number;
  limits: {
    signInMaxFailures: number;
    signInIpMaxFailures: number;
    failureWindowSeconds: number;
    lockoutSeconds: number;
    resetMaxPerWindow: number;
    verifyMaxFailures: number;
  };
}

export interface AccountsDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  cipher: FieldCipher;
  /** Keys HMACs: recovery codes and the correlation ids of failed sign-ins. */
  secretKey: Buffer;
  throttle: Throttle;
  config: AccountsConfig;
}

export const VERIFY_TOKEN_TTL_SECONDS = 48 * 3600;
export const RESET_TOKEN_TTL_SECONDS = 3600;
