import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import type { Audit, AuditEvent } from '../audit/index.ts';
import type { Jobs } from '../jobs/index.ts';
import type { Mail } from '../mail/index.ts';
import type { EmailApproval } from './email-change.service.ts';
import type { LegacyHash } from './legacy-hashes.ts';
import type { PasswordHasher } from './passwords.ts';
import type { Throttle } from './throttle.service.ts';

export interface AccountsConfig {
  publicUrl: string;
  sessionTtlSeconds: number;
  /** ACC-4: Sign in with Google is on when a client id is set. */
  google?: { clientId: string | null } | undefined;
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
 * the account or the session, so that other modules (privacy: PRV-5, PRV-6; the
 * directory: last sign-in times) act on it atomically. Accounts knows nothing of what they do.
 */
export interface IdentityHooks {
  signedUp: Array<(trx: Executor, ctx: RequestContext, accountId: string, choices: SignupChoices) => Promise<void>>;
  signedIn: Array<(trx: Executor, ctx: RequestContext, accountId: string) => Promise<void>>;
  /** An account's address changed (or was confirmed): whoever keeps a copy of it updates it. */
  emailChanged: Array<(trx: Executor, ctx: RequestContext, accountId: string, email: string) => Promise<void>>;
  /** The person renamed themselves: copies of the old name follow (where nobody chose another). */
  renamed: Array<(trx: Executor, ctx: RequestContext, accountId: string, name: { from: string; to: string }) => Promise<void>>;
}

/** Run inside the transaction that changes an organization's plan, whoever changes it (SUP-2, SUP-4). */
export interface PlanHooks {
  changed: Array<(trx: Executor, ctx: RequestContext, orgId: string) => Promise<void>>;
}

/** What the sign-up form asks beyond the account itself: the personalization opt-out (PRV-3). */
export interface SignupChoices {
  personalization?: boolean | undefined;
}

/**
 * What accounts asks of the directory, which owns memberships; given by the composition root,
 * so that accounts imports nothing of it.
 */
/**
 * What a member imported with their former directory's password binds with (DIR-5): the hash that
 * directory made (`legacy`, checked with `verifyLegacyHash`), or, once a check succeeded, the
 * PasswordHasher's argon2id hash of the same password (`legacy` null), until they have an account.
 */
export interface KeptPassword {
  value: string;
  legacy: LegacyHash | null;
}

export interface MemberLookup {
  /** The account behind an organization's member, for a bind by username (LDAP, RADIUS). */
  /**
   * The member an organization's username names, for a bind (LDAP, RADIUS): with their account, or
   * without one yet but with the password their former directory had (`keptPassword`, DIR-5).
   */
  resolveLogin(
    orgId: string,
    username: string,
  ): Promise<{ accountId: string | null; membershipId: string; status: string; orgRequiresMfa: boolean; keptPassword: KeptPassword | null } | undefined>;
  /**
   * PRO-1: the service account an organization's name names (a system or application binding over
   * LDAP), with the SHA-256 of its secret: a random 256-bit value, so no slow hash is needed.
   */
  resolveService(orgId: string, name: string): Promise<{ id: string; resourceId: string; secretHash: string } | undefined>;
  /** After a successful check against a kept legacy hash: the PasswordHasher's argon2id hash of the same password in its place (ACC-2). */
  replaceKeptPassword(orgId: string, membershipId: string, passwordHash: string): Promise<void>;
  /** False when every membership of the account is suspended: such a person may not sign in (ACC-6). */
  maySignIn(accountId: string): Promise<boolean>;
  /** Both at once, in one read, for a sign-in: whether the person may sign in, and their organizations. */
  standing(accountId: string): Promise<{ maySignIn: boolean; orgIds: string[] }>;
  /** The names of the organizations the account is an active member of that require MFA (ACC-5): it stays on while there are any. */
  organizationsRequiringMfa(accountId: string): Promise<string[]>;
  /** The organizations the account is a member of: its events appear in each one's audit log (SEC-1). */
  orgIdsOf(ex: Executor, accountId: string): Promise<string[]>;
}

export interface AccountsDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  /** Work done after the request (a password reset's lookup and mail). */
  jobs: Jobs;
  cipher: FieldCipher;
  /** Keys HMACs: recovery codes and the correlation ids of failed sign-ins. */
  secretKey: Buffer;
  throttle: Throttle;
  hasher: PasswordHasher;
  config: AccountsConfig;
  hooks: IdentityHooks;
  /** Set by the composition root once the directory exists. */
  members: MemberLookup;
  /** GOV-4: whether an organization administers an account, and its approval of an email change (none without it). */
  emailApproval?: EmailApproval;
}

/**
 * SEC-1: an account's own events (sign-in, MFA, password, profile) are recorded once for each
 * organization the person belongs to, so that every one of their organizations' admins sees them
 * in its log, and once without an organization for a person who belongs to none.
 */
export async function recordAccountEvent(
  deps: Pick<AccountsDeps, 'audit' | 'members'>,
  ex: Executor,
  ctx: RequestContext,
  accountId: string,
  event: Omit<AuditEvent, 'orgId'>,
  orgIds?: string[],
): Promise<void> {
  const orgs = orgIds ?? (await deps.members.orgIdsOf(ex, accountId));
  if (orgs.length === 0) await deps.audit.record(ex, ctx, { ...event, orgId: null });
  for (const orgId of orgs) await deps.audit.record(ex, ctx, { ...event, orgId });
}

export const VERIFY_TOKEN_TTL_SECONDS = 48 * 3600;
export const RESET_TOKEN_TTL_SECONDS = 3600;
