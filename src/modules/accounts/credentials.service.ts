import type { RequestContext } from '../../core/context.ts';
import { hmac } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import type { AuditEvent } from '../audit/index.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import { normalizeEmail } from './accounts.views.ts';
import type { SecondFactor } from './second-factor.ts';
import { verifyAgainstDecoy } from './passwords.ts';
import type { ThrottleRule } from './throttle.service.ts';

/** Who claims to be signing in: by email (web, OIDC), by an organization's username (LDAP, RADIUS), or a signed-in account re-entering its password. */
export type Identity = { email: string } | { orgId: string; username: string } | { accountId: string };

/** Every way a password reaches Castellan. */
export type Channel = 'web' | 'oidc' | 'ldap' | 'radius' | 'reauth';

export interface CredentialInput {
  identity: Identity;
  password: string;
  /** A TOTP code or a recovery code, where the channel asks for one and the account has MFA on. */
  totp?: string | undefined;
}

export interface VerifiedCredentials {
  account: AccountsTable;
  /** The membership a username named (LDAP, RADIUS); null for an email or an account. */
  membershipId: string | null;
  secondFactor: 'totp' | 'recovery_code' | null;
}

/** Credentials that checked out, whose throttle reservation the caller settles (see `checkCredentials`). */
export interface UnsettledCredentials extends VerifiedCredentials {
  /**
   * Gives the attempt's reservation back (it was no failure) and clears the identity's count: in
   * `ex` when given (the caller's transaction, committed with its own writes), else on its own.
   * The caller calls it once whatever happens next, a refusal or an error included.
   */
  settle(ex?: Executor): Promise<void>;
}

/** Channels that ask for the second factor when the account has one (ACC-5); an LDAP bind cannot carry one. */
const ASKS_SECOND_FACTOR: Record<Channel, boolean> = { web: true, oidc: true, radius: true, ldap: false, reauth: true };
/** Channels whose failures also count against the address they come from (LDAP as the web, PRO-1); RADIUS clients are network devices speaking for many users, limited at their edge. */
const COUNTS_BY_IP: Record<Channel, boolean> = { web: true, oidc: true, radius: false, ldap: true, reauth: false };

/**
 * THE credential check (ACC-2, ACC-5, ACC-7): the only code that checks a password or a second
 * factor, for every channel. A throttle slot is reserved atomically BEFORE the hash runs and
 * settled after it, so N concurrent guesses never check more than the allowed failures. An unknown
 * identity and a wrong password get the same error after the same work.
 */
export function createCredentials(deps: AccountsDeps, mfa: SecondFactor) {
  const { db, throttle, config, hasher } = deps;
  const { limits } = config;
  const rule = (max: number): ThrottleRule => ({ max, windowSeconds: limits.failureWindowSeconds, lockSeconds: limits.lockoutSeconds });

  /** The account's throttle key is derived from what was typed, so an unknown identity is throttled like a known one. */
  async function keyOf(identity: Identity): Promise<{ key: string; ref: string; account?: AccountsTable | undefined }> {
    if ('email' in identity) {
      const ref = hmac(deps.secretKey, `signin:${normalizeEmail(identity.email)}`).slice(0, 16);
      return { key: `signin:acct:${ref}`, ref };
    }
    if ('username' in identity) {
      const ref = hmac(deps.secretKey, `member:${identity.orgId}:${identity.username}`).slice(0, 16);
      return { key: `signin:member:${ref}`, ref };
    }
    const account = await accounts.findAccountById(db, identity.accountId);
    const ref = hmac(deps.secretKey, `signin:${account?.email_normalized ?? identity.accountId}`).slice(0, 16);
    return { key: `signin:acct:${ref}`, ref, account };
  }

  async function find(identity: Identity, known: AccountsTable | undefined) {
    if ('email' in identity) return { account: await accounts.findAccountByEmail(db, normalizeEmail(identity.email)), membership: null };
    if ('accountId' in identity) return { account: known, membership: null };
    const member = await deps.members.resolveLogin(identity.orgId, identity.username);
    return { account: member ? await accounts.findAccountById(db, member.accountId) : undefined, membership: member ?? null };
  }

  /**
   * The check itself, leaving the success's settlement to the caller, so that a sign-in gives the
   * reservation back in the transaction that creates its session (one commit instead of several).
   * Failures and refusals are settled here, as in `verifyCredentials`.
   */
  async function checkCredentials(ctx: RequestContext, input: CredentialInput, channel: Channel): Promise<UnsettledCredentials> {
    const { key, ref, account: known } = await keyOf(input.identity);
    const keys = [{ key, rule: rule(limits.signInMaxFailures) }];
    if (COUNTS_BY_IP[channel]) keys.push({ key: `signin:ip:${ctx.ip ?? 'unknown'}`, rule: rule(limits.signInIpMaxFailures) });
    const reservation = await throttle.reserve(keys, AccountsErrors.locked);

    const { account, membership } = await find(input.identity, known);
    const ok = account?.password_hash ? await hasher.verify(account.password_hash, input.password) : await verifyAgainstDecoy(hasher, input.password);
    const fail = async (reason: string, error = channel === 'reauth' ? AccountsErrors.reauthenticationFailed : AccountsErrors.invalidCredentials) => {
      const target = account ? { type: 'user', id: account.id } : null;
      // Unknown identities are recorded by a keyed hash: correlatable, but not personal data in clear.
      const details = { reason, channel, ...(account ? {} : { ref }) };
      // A bind names its organization; a known account's failures go to each of its organizations' logs.
      const orgIds = 'orgId' in input.identity ? [input.identity.orgId] : account ? await deps.members.orgIdsOf(db, account.id) : [];
      const record = (event: Omit<AuditEvent, 'orgId'>) => recordAccountEvent(deps, db, ctx, account?.id ?? '', event, orgIds);
      await record({ action: channel === 'reauth' ? 'auth.reauthentication_failed' : 'auth.signin_failed', target, details });
      const locked = await reservation.failed();
      if (locked.length > 0) {
        await record({ action: 'auth.lockout', target, details: { scope: locked.includes(key) ? 'account' : 'ip', channel, seconds: limits.lockoutSeconds, ...(account ? {} : { ref }) } });
      }
      const field = reason === 'invalid_mfa_code' ? (channel === 'reauth' ? 'code' : 'totp') : channel === 'reauth' ? 'password' : undefined;
      throw new AppError(error, undefined, field ? { details: { field } } : {});
    };
    if (!account || !ok || account.status !== 'active') return fail('invalid_credentials');
    if (membership && membership.status !== 'active') {
      // The right password of a suspended member: not a guess, so not counted.
      await reservation.succeeded();
      throw new AppError(AccountsErrors.accountSuspended);
    }
    let secondFactor: VerifiedCredentials['secondFactor'] = null;
    if (ASKS_SECOND_FACTOR[channel] && account.totp_enabled_at) {
      if (!input.totp) {
        await reservation.succeeded();
        if (channel === 'reauth') throw new AppError(AccountsErrors.reauthenticationCodeRequired, undefined, { details: { field: 'code' } });
        throw new AppError(AccountsErrors.mfaRequired, undefined, { details: { field: 'totp' } });
      }
      secondFactor = await mfa.verifySecondFactor(account, input.totp);
      if (!secondFactor) return fail('invalid_mfa_code', channel === 'reauth' ? AccountsErrors.reauthenticationFailed : AccountsErrors.invalidMfaCode);
    }
    return {
      account,
      membershipId: membership?.membershipId ?? null,
      secondFactor,
      settle: (ex?: Executor) => reservation.succeeded([key], ex),
    };
  }

  async function verifyCredentials(ctx: RequestContext, input: CredentialInput, channel: Channel): Promise<VerifiedCredentials> {
    const { settle, ...verified } = await checkCredentials(ctx, input, channel);
    await settle();
    return verified;
  }

  return { verifyCredentials, checkCredentials };
}

export type Credentials = ReturnType<typeof createCredentials>;
