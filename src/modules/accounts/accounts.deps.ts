import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
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

/**
 * Told when someone identifies themselves, inside the transaction that creates
 * the account or the session, so that other modules (privacy: PRV-5, PRV-6) act
 * on it atomically. Accounts knows nothing of what they do.
 */
export interface IdentityHooks {
  signedUp: Array<(trx: Executor, ctx: RequestContext, userId: string, choices: SignupChoices) => Promise<void>>;
  signedIn: Array<(trx: Executor, ctx: RequestContext, userId: string) => Promise<void>>;
}

/** Run inside the transaction that changes an organization's plan, whoever changes it (SUP-2, SUP-4). */
export interface PlanHooks {
  changed: Array<(trx: Executor, ctx: RequestContext, orgId: string) => Promise<void>>;
}

/** What the sign-up form asks beyond the account itself: the personalization opt-out (PRV-3). */
export interface SignupChoices {
  personalization?: boolean | undefined;
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
  hooks: IdentityHooks;
}

export const VERIFY_TOKEN_TTL_SECONDS = 48 * 3600;
export const RESET_TOKEN_TTL_SECONDS = 3600;
