import type { RequestContext } from '../../core/context.ts';
import { constantTimeEqual, hmac, sha256 } from '../../core/crypto.ts';
import { CallerErrors } from '../../core/caller.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import type { AuditEvent } from '../audit/index.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import { normalizeEmail } from './accounts.views.ts';
import type { SecondFactor } from './second-factor.ts';
import { verifyLegacyHash } from './legacy-hashes.ts';
import { verifyAgainstDecoy } from './passwords.ts';
import type { ThrottleRule } from './throttle.service.ts';

/**
 * Who claims to be signing in: by email (web, OIDC, SAML), by an organization's username (LDAP, RADIUS),
 * a signed-in account re-entering its password, or an organization's service account by its name
 * (a system or application binding over LDAP, PRO-1).
 */
export type Identity = { email: string } | { orgId: string; username: string } | { accountId: string } | { orgId: string; service: string };

/** Every way a password reaches Castellan. */
export type Channel = 'web' | 'oidc' | 'saml' | 'ldap' | 'radius' | 'reauth' | 'google';

export interface CredentialInput<I extends Identity = Identity> {
  identity: I;
  password: string;
  /** A TOTP code or a recovery code, where the channel asks for one and the account has MFA on. */
  totp?: string | undefined;
}

/**
 * Whose credentials checked out: always an account for an email or an account; for a username,
 * possibly none yet (a member imported with their former directory's password, DIR-5).
 */
type AccountFor<I extends Identity> = I extends { service: string } ? null : I extends { username: string } ? AccountsTable | null : AccountsTable;

export interface VerifiedCredentials<A extends AccountsTable | null = AccountsTable> {
  account: A;
  /** The membership a username named (LDAP, RADIUS); null for an email or an account. */
  membershipId: string | null;
  /** The service account a service name named, and the resource it belongs to; null otherwise. */
  service: { id: string; resourceId: string } | null;
  secondFactor: 'totp' | 'recovery_code' | null;
}

/** Credentials that checked out, whose throttle reservation the caller settles (see `checkCredentials`). */
export interface UnsettledCredentials<A extends AccountsTable | null = AccountsTable> extends VerifiedCredentials<A> {
  /**
   * Gives the attempt's reservation back (it was no failure) and clears the identity's count: in
   * `ex` when given (the caller's transaction, committed with its own writes), else on its own.
   * The caller calls it once whatever happens next, a refusal or an error included.
   */
  settle(ex?: Executor): Promise<void>;
}

/** Channels that ask for the second factor in its own field when the account has one (ACC-5). */
const ASKS_SECOND_FACTOR: Record<Channel, boolean> = { web: true, oidc: true, saml: true, radius: false, ldap: false, reauth: true, google: true };
/**
 * Channels with one password field (an LDAP bind, a RADIUS Access-Request): when the member's
 * organization requires MFA (ACC-5), the TOTP code is typed after the password (`password123456`).
 */
const APPENDS_SECOND_FACTOR: Record<Channel, boolean> = { web: false, oidc: false, saml: false, radius: true, ldap: true, reauth: false, google: false };
const APPENDED_CODE = /^([\s\S]+?)(\d{6})$/;
/** Channels whose failures also count against the address they come from (LDAP as the web, PRO-1); RADIUS clients are network devices speaking for many users, limited at their edge. */
const COUNTS_BY_IP: Record<Channel, boolean> = { web: true, oidc: true, saml: true, radius: false, ldap: true, reauth: false, google: true };

/** The throttle key of an account's sign-ins (ACC-7), as `keyOf` derives it from the address: its lockout holds for Google sign-ins too. */
export const accountSignInKey = (secretKey: Buffer, emailNormalized: string): string => `signin:acct:${hmac(secretKey, `signin:${emailNormalized}`).slice(0, 16)}`;

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
    if ('service' in identity) {
      const ref = hmac(deps.secretKey, `service:${identity.orgId}:${identity.service}`).slice(0, 16);
      return { key: `signin:service:${ref}`, ref };
    }
    const account = await accounts.findAccountById(db, identity.accountId);
    const ref = hmac(deps.secretKey, `signin:${account?.email_normalized ?? identity.accountId}`).slice(0, 16);
    return { key: `signin:acct:${ref}`, ref, account };
  }

  async function find(identity: Exclude<Identity, { service: string }>, known: AccountsTable | undefined) {
    if ('email' in identity) return { account: await accounts.findAccountByEmail(db, normalizeEmail(identity.email)), membership: null };
    if ('accountId' in identity) return { account: known, membership: null };
    const member = await deps.members.resolveLogin(identity.orgId, identity.username);
    return { account: member?.accountId ? await accounts.findAccountById(db, member.accountId) : undefined, membership: member ?? null };
  }

  /**
   * The check itself, leaving the success's settlement to the caller, so that a sign-in gives the
   * reservation back in the transaction that creates its session (one commit instead of several).
   * Failures and refusals are settled here, as in `verifyCredentials`.
   */
  async function checkCredentials<I extends Identity>(ctx: RequestContext, input: CredentialInput<I>, channel: Channel): Promise<UnsettledCredentials<AccountFor<I>>> {
    const { key, ref, account: known } = await keyOf(input.identity);
    const keys = [{ key, rule: rule(limits.signInMaxFailures) }];
    if (COUNTS_BY_IP[channel]) keys.push({ key: `signin:ip:${ctx.ip ?? 'unknown'}`, rule: rule(limits.signInIpMaxFailures) });
    const reservation = await throttle.reserve(keys, AccountsErrors.locked);
    if ('service' in input.identity) return checkService(ctx, input.identity, input.password, channel, { key, ref, reservation });

    const { account, membership } = await find(input.identity, known);
    // ACC-5: an organization that requires MFA takes the code after the password on one-field channels.
    const appended = APPENDS_SECOND_FACTOR[channel] && membership?.orgRequiresMfa === true && account?.totp_enabled_at ? APPENDED_CODE.exec(input.password) : null;
    const password = appended ? (appended[1] as string) : input.password;
    // DIR-5: a member imported with their former directory's password, and no account yet.
    const kept = !account && membership?.keptPassword ? membership.keptPassword : null;
    const ok = account?.password_hash
      ? await hasher.verify(account.password_hash, password)
      : kept
        ? kept.legacy
          ? // An {SSHA} check takes microseconds: the decoy's argon2id beside it keeps the work that of any sign-in.
            (await Promise.all([verifyLegacyHash(kept.legacy, password), verifyAgainstDecoy(hasher, password)]))[0]
          : await hasher.verify(kept.value, password)
        : await verifyAgainstDecoy(hasher, password);
    const fail = async (reason: string, error = channel === 'reauth' ? AccountsErrors.reauthenticationFailed : AccountsErrors.invalidCredentials) => {
      const target = account ? { type: 'user', id: account.id } : kept && membership ? { type: 'user', id: membership.membershipId } : null;
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
    if (!(account || kept) || !ok || (account && account.status !== 'active')) return fail('invalid_credentials');
    if (membership && membership.status !== 'active') {
      // The right password of a suspended member: not a guess, so not counted.
      await reservation.succeeded();
      throw new AppError(AccountsErrors.accountSuspended);
    }
    let secondFactor: VerifiedCredentials['secondFactor'] = null;
    if (APPENDS_SECOND_FACTOR[channel] && membership?.orgRequiresMfa) {
      // The right password; what is missing is the person's own setup, or the code: not guesses, so not counted.
      if (!account?.totp_enabled_at) {
        await reservation.succeeded();
        throw new AppError(CallerErrors.memberMfaRequired);
      }
      if (!appended) {
        await reservation.succeeded();
        throw new AppError(AccountsErrors.mfaRequired, 'Type the code from your authenticator app right after the password.', { details: { field: 'password' } });
      }
      secondFactor = (await mfa.checkTotp(account, appended[2] as string)) ? 'totp' : null;
      if (!secondFactor) return fail('invalid_mfa_code', AccountsErrors.invalidMfaCode);
    } else if (ASKS_SECOND_FACTOR[channel] && account?.totp_enabled_at) {
      if (!input.totp) {
        await reservation.succeeded();
        if (channel === 'reauth') throw new AppError(AccountsErrors.reauthenticationCodeRequired, undefined, { details: { field: 'code' } });
        throw new AppError(AccountsErrors.mfaRequired, undefined, { details: { field: 'totp' } });
      }
      secondFactor = await mfa.verifySecondFactor(account, input.totp);
      if (!secondFactor) return fail('invalid_mfa_code', channel === 'reauth' ? AccountsErrors.reauthenticationFailed : AccountsErrors.invalidMfaCode);
    }
    if (kept?.legacy && membership && 'orgId' in input.identity) {
      // ACC-2: the former directory's hash is used once; argon2id of the same password takes its place.
      try {
        await deps.members.replaceKeptPassword(input.identity.orgId, membership.membershipId, await hasher.hash(password));
      } catch (e) {
        await reservation.succeeded();
        throw e;
      }
    }
    return {
      account: (account ?? null) as AccountFor<I>,
      membershipId: membership?.membershipId ?? null,
      service: null,
      secondFactor,
      settle: (ex?: Executor) => reservation.succeeded([key], ex),
    };
  }

  /**
   * PRO-1: a service account's secret, under the same throttle as any sign-in (reserved before the
   * check; per name, and per address on the channels that count it). The secret is a random 256-bit
   * value stored as its SHA-256, compared in constant time, against a decoy when the name is unknown.
   */
  async function checkService<I extends Identity>(
    ctx: RequestContext,
    identity: { orgId: string; service: string },
    secret: string,
    channel: Channel,
    held: { key: string; ref: string; reservation: Awaited<ReturnType<typeof throttle.reserve>> },
  ): Promise<UnsettledCredentials<AccountFor<I>>> {
    const service = await deps.members.resolveService(identity.orgId, identity.service);
    const ok = constantTimeEqual(sha256(secret), service?.secretHash ?? sha256(`no such service account ${held.ref}`));
    if (!service || !ok) {
      const target = service ? { type: 'service_account', id: service.id } : null;
      const record = (event: Omit<AuditEvent, 'orgId'>) => recordAccountEvent(deps, db, ctx, '', event, [identity.orgId]);
      await record({ action: 'auth.signin_failed', target, details: { reason: 'invalid_credentials', channel, ...(service ? {} : { ref: held.ref }) } });
      const locked = await held.reservation.failed();
      if (locked.length > 0) {
        await record({ action: 'auth.lockout', target, details: { scope: locked.includes(held.key) ? 'service_account' : 'ip', channel, seconds: limits.lockoutSeconds, ...(service ? {} : { ref: held.ref }) } });
      }
      throw new AppError(AccountsErrors.invalidCredentials);
    }
    return {
      account: null as AccountFor<I>,
      membershipId: null,
      service: { id: service.id, resourceId: service.resourceId },
      secondFactor: null,
      settle: (ex?: Executor) => held.reservation.succeeded([held.key], ex),
    };
  }

  async function verifyCredentials<I extends Identity>(ctx: RequestContext, input: CredentialInput<I>, channel: Channel): Promise<VerifiedCredentials<AccountFor<I>>> {
    const { settle, ...verified } = await checkCredentials(ctx, input, channel);
    await settle();
    return verified;
  }

  /**
   * ACC-4, ACC-5: the second factor alone, after Google vouched for the person (the first factor):
   * throttled like a password, by account and by address, reserved before the check.
   */
  async function checkSecondFactor(ctx: RequestContext, accountId: string, code: string): Promise<UnsettledCredentials> {
    const { key, ref, account } = await keyOf({ accountId });
    const reservation = await throttle.reserve(
      [
        { key, rule: rule(limits.signInMaxFailures) },
        { key: `signin:ip:${ctx.ip ?? 'unknown'}`, rule: rule(limits.signInIpMaxFailures) },
      ],
      AccountsErrors.locked,
    );
    const secondFactor = account?.status === 'active' && account.totp_enabled_at ? await mfa.verifySecondFactor(account, code) : null;
    if (!account || !secondFactor) {
      const target = account ? { type: 'user', id: account.id } : null;
      const orgIds = account ? await deps.members.orgIdsOf(db, account.id) : [];
      const record = (event: Omit<AuditEvent, 'orgId'>) => recordAccountEvent(deps, db, ctx, account?.id ?? '', event, orgIds);
      await record({ action: 'auth.signin_failed', target, details: { reason: 'invalid_mfa_code', channel: 'google', ...(account ? {} : { ref }) } });
      const locked = await reservation.failed();
      if (locked.length > 0) await record({ action: 'auth.lockout', target, details: { scope: locked.includes(key) ? 'account' : 'ip', channel: 'google', seconds: limits.lockoutSeconds } });
      throw new AppError(AccountsErrors.invalidMfaCode, undefined, { details: { field: 'totp' } });
    }
    return { account, membershipId: null, service: null, secondFactor, settle: (ex?: Executor) => reservation.succeeded([key], ex) };
  }

  return { verifyCredentials, checkCredentials, checkSecondFactor };
}

export type Credentials = ReturnType<typeof createCredentials>;
