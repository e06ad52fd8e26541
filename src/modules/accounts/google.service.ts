import { accountIdOf, type Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import { normalizeEmail } from './accounts.views.ts';
import { accountSignInKey, type Credentials } from './credentials.service.ts';
import { GoogleErrors } from './google.errors.ts';
import * as google from './google.repository.ts';
import * as sessions from './sessions.repository.ts';
import type { Sessions } from './sessions.service.ts';
import { STEP_UP_SECONDS } from './step-up.service.ts';

type OpenSession = Sessions['open'];

/**
 * ACC-4: what Castellan takes from Google's ID token, and nothing more: the subject (the key), the
 * address, whether Google verified it, and the given and family names. The edge picks these out of
 * the validated token and drops the rest (picture, locale, hosted domain) and the tokens themselves.
 */
export interface GoogleClaims {
  sub: string;
  email: string | null;
  emailVerified: boolean;
  givenName: string | null;
  familyName: string | null;
}

/** The authorization request's secrets between the redirect to Google and its answer (state, nonce, PKCE verifier). */
export interface GoogleFlow {
  state: string;
  nonce: string;
  verifier: string;
  /** A same-site path to land on once signed in. */
  next: string;
  /** Set when a signed-in person re-authenticates through Google (ACC-5 step-up), not signs in: their account and session. */
  reauth?: { accountId: string; sessionId: string } | undefined;
}

/** What is left to do after Google answered, when it is more than a sign-in. */
export type GoogleStep = 'signup' | 'link' | 'mfa';

interface Pending extends GoogleClaims {
  step: GoogleStep;
  /** The account to link or to finish signing in to (link, mfa). */
  accountId: string | null;
  /** For a step-up through Google (ACC-5) that still needs the code: the session it re-authenticates. */
  reauthSessionId?: string | null | undefined;
  next: string;
  exp: number;
}

export type GoogleOutcome =
  | { kind: 'signed_in'; token: string; sessionId: string; account: { id: string }; next: string }
  | { kind: 'pending'; step: GoogleStep; pending: string; next: string }
  | { kind: 'reauthenticated'; until: string; next: string };

const FLOW_SECONDS = 600;
const PENDING_SECONDS = 900;
const FLOW_CONTEXT = 'google:flow';
const PENDING_CONTEXT = 'google:pending';

/** A path on this site (not `//host`, not a URL): where a sign-in may land. */
export function sameSitePath(next: string | undefined): string {
  // Printable ASCII only: anything else could not go into a Location header.
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length <= 500 ? next : '/';
}

/** ACC-4: Sign in with Google: keyed on `sub`; linking only to a verified local account, proven by its password. */
export function createGoogle(deps: AccountsDeps, credentials: Credentials, openSession: OpenSession) {
  const { db, clock, cipher, throttle, config } = deps;
  const now = () => clock.now().getTime();

  function seal(value: object, context: string, seconds: number): string {
    return cipher.encrypt(JSON.stringify({ ...value, exp: now() + seconds * 1000 }), context);
  }

  function unseal<T>(sealed: string | undefined, context: string, error = GoogleErrors.pendingExpired): T & { exp: number } {
    try {
      if (!sealed) throw new Error('none');
      const value = JSON.parse(cipher.decrypt(sealed, context)) as T & { exp: number };
      if (typeof value.exp !== 'number' || value.exp < now()) throw new Error('expired');
      return value;
    } catch {
      throw new AppError(error);
    }
  }

  const sealFlow = (flow: GoogleFlow) => seal(flow, FLOW_CONTEXT, FLOW_SECONDS);
  const openFlow = (sealed: string | undefined): GoogleFlow => unseal<GoogleFlow>(sealed, FLOW_CONTEXT, GoogleErrors.signInFailed);
  const openPending = (sealed: string | undefined, step?: GoogleStep): Pending => {
    const p = unseal<Pending>(sealed, PENDING_CONTEXT);
    if (step && p.step !== step) throw new AppError(GoogleErrors.pendingExpired);
    return p;
  };
  const pending = (p: Omit<Pending, 'exp'>): GoogleOutcome => ({ kind: 'pending', step: p.step, pending: seal(p, PENDING_CONTEXT, PENDING_SECONDS), next: p.next });

  const keep = (c: GoogleClaims, at: string) => ({
    google_sub: c.sub,
    google_email: c.email,
    google_given_name: c.givenName,
    google_family_name: c.familyName,
    google_linked_at: at,
  });

  async function signInTo(ctx: RequestContext, account: AccountsTable, next: string, details: Record<string, unknown>): Promise<GoogleOutcome> {
    const s = await openSession(ctx, account, { via: 'google', ...details });
    return { kind: 'signed_in', token: s.token, sessionId: s.sessionId, account: { id: account.id }, next };
  }

  /**
   * The callback: `exchange` is the edge's part (the flow's cookie, the code exchange and the ID
   * token's checks), answering the claims and where to land. It runs under the per-address sign-in
   * throttle (ACC-7): a failure counts, a success gives the slot back.
   */
  async function callback(ctx: RequestContext, exchange: () => Promise<{ claims: GoogleClaims; next: string; reauth?: GoogleFlow['reauth'] }>): Promise<GoogleOutcome> {
    const { limits } = config;
    const ipKey = `signin:ip:${ctx.ip ?? 'unknown'}`;
    const reservation = await throttle.reserve([{ key: ipKey, rule: { max: limits.signInIpMaxFailures, windowSeconds: limits.failureWindowSeconds, lockSeconds: limits.lockoutSeconds } }], AccountsErrors.locked);
    let answer: { claims: GoogleClaims; next: string; reauth?: GoogleFlow['reauth'] };
    try {
      answer = await exchange();
    } catch (e) {
      await deps.audit.record(db, ctx, { action: 'auth.signin_failed', orgId: null, details: { channel: 'google', reason: isAppError(e) ? e.code : 'invalid_response' } });
      if ((await reservation.failed()).length > 0) await deps.audit.record(db, ctx, { action: 'auth.lockout', orgId: null, details: { scope: 'ip', channel: 'google', seconds: limits.lockoutSeconds } });
      throw isAppError(e) ? e : new AppError(GoogleErrors.signInFailed);
    }
    if (answer.reauth) {
      const outcome = await reauthenticate(ctx, answer.reauth, answer.claims, answer.next);
      if (outcome) {
        await reservation.succeeded([]);
        return outcome;
      }
      await deps.audit.record(db, ctx, { action: 'auth.signin_failed', orgId: null, details: { channel: 'google', reason: 'reauth_other_account' } });
      await reservation.failed();
      throw new AppError(GoogleErrors.signInFailed);
    }
    await reservation.succeeded([]);
    return decide(ctx, answer.claims, answer.next);
  }

  /** Who may re-authenticate through Google: a signed-in person (with a session) whose account is linked to Google. */
  async function startReauth(caller: Caller): Promise<{ accountId: string; sessionId: string }> {
    const accountId = signedIn(caller);
    const sessionId = 'sessionId' in caller ? caller.sessionId : null;
    if (!sessionId) throw new AppError(CommonErrors.unauthenticated);
    const a = await accounts.findAccountById(db, accountId);
    if (!a || a.status !== 'active') throw new AppError(CommonErrors.unauthenticated);
    if (!a.google_sub) throw new AppError(GoogleErrors.notLinked);
    return { accountId, sessionId };
  }

  /**
   * ACC-5: the step-up for an account signed in with Google (which may have no password): Google
   * asked the person to sign in again (`prompt=login`, `max_age=0`, checked by the edge), and its
   * answer names the same `sub` as the account. The session then counts as re-authenticated, as
   * after `POST /me/reauth`. Another Google account answers null (a failure, counted).
   */
  async function reauthenticate(ctx: RequestContext, who: { accountId: string; sessionId: string }, claims: GoogleClaims, next: string): Promise<GoogleOutcome | null> {
    const a = await accounts.findAccountById(db, who.accountId);
    if (!a || a.status !== 'active') throw new AppError(CommonErrors.unauthenticated);
    if (!a.google_sub || a.google_sub !== claims.sub) return null;
    // As for the password: an account locked out stays locked, and one with a second factor gives its code too.
    await throttle.assertOpen(accountSignInKey(deps.secretKey, a.email_normalized), AccountsErrors.locked);
    if (a.totp_enabled_at) return pending({ ...claims, step: 'mfa', accountId: a.id, next, reauthSessionId: who.sessionId });
    return markReauthenticated(ctx, a.id, who.sessionId, next, 'none');
  }

  async function markReauthenticated(ctx: RequestContext, accountId: string, sessionId: string, next: string, mfa: string, settle?: (ex: Executor) => Promise<unknown>): Promise<GoogleOutcome> {
    const at = clock.now();
    await db.transaction().execute(async (trx) => {
      await sessions.markReauthenticated(trx, accountId, sessionId, at.toISOString());
      await recordAccountEvent(deps, trx, { ...ctx, actor: { type: 'user', id: accountId } }, accountId, { action: 'auth.reauthenticated', target: { type: 'session', id: sessionId }, details: { via: 'google', mfa } });
      await settle?.(trx);
    });
    return { kind: 'reauthenticated', until: new Date(at.getTime() + STEP_UP_SECONDS * 1000).toISOString(), next };
  }

  /** A callback refused before any exchange (no flow of this browser's, or Google's own error): audited, not counted, since any page can make a browser load it. */
  async function refused(ctx: RequestContext, reason: string): Promise<void> {
    await deps.audit.record(db, ctx, { action: 'auth.signin_failed', orgId: null, details: { channel: 'google', reason } });
  }

  /** (a) a known `sub` signs in; (b) a verified local account with the address may be linked, with its password; (c) else a new account. */
  async function decide(ctx: RequestContext, claims: GoogleClaims, next: string): Promise<GoogleOutcome> {
    const linked = await google.findAccountByGoogleSub(db, claims.sub);
    if (linked) {
      if (linked.status !== 'active') throw new AppError(AccountsErrors.accountSuspended);
      // An account locked out by failed sign-ins (ACC-7) stays locked for Google too, as for its password.
      await throttle.assertOpen(accountSignInKey(deps.secretKey, linked.email_normalized), AccountsErrors.locked);
      // Google's copy of the address and names follows Google; the account's own address does not.
      await google.updateGoogleColumns(db, linked.id, keep(claims, linked.google_linked_at ?? clock.now().toISOString()));
      if (linked.totp_enabled_at) return pending({ ...claims, step: 'mfa', accountId: linked.id, next });
      return signInTo(ctx, linked, next, { mfa: 'none' });
    }
    // Only an address Google verified may name an account here, new or existing (Keycloak #53041).
    if (!claims.email || !claims.emailVerified) throw new AppError(GoogleErrors.emailUnverified);
    const local = await accounts.findAccountByEmail(db, normalizeEmail(claims.email));
    if (!local) return pending({ ...claims, step: 'signup', accountId: null, next });
    if (!local.email_verified_at || !local.password_hash || local.status !== 'active') throw new AppError(GoogleErrors.linkUnverified);
    if (local.google_sub) throw new AppError(GoogleErrors.alreadyLinked);
    return pending({ ...claims, step: 'link', accountId: local.id, next });
  }

  /** What the completion page shows: the step, and what Google said of the person. */
  function describe(sealed: string | undefined) {
    const p = openPending(sealed);
    return { step: p.step, email: p.email, givenName: p.givenName, familyName: p.familyName };
  }

  /** ACC-5: an account with MFA on takes its code after Google, through the throttled second-factor check. */
  async function completeMfa(ctx: RequestContext, sealed: string | undefined, code: string, sessionId: string | null = null): Promise<GoogleOutcome> {
    const p = openPending(sealed, 'mfa');
    // A step-up's code completes only the session that started it.
    if (p.reauthSessionId && p.reauthSessionId !== sessionId) throw new AppError(GoogleErrors.pendingExpired);
    const { account, secondFactor, settle } = await credentials.checkSecondFactor(ctx, p.accountId ?? '', code);
    if (account.google_sub !== p.sub) {
      await settle();
      throw new AppError(GoogleErrors.pendingExpired);
    }
    if (p.reauthSessionId) return markReauthenticated(ctx, account.id, p.reauthSessionId, p.next, secondFactor ?? 'none', settle);
    const s = await openSession(ctx, account, { via: 'google', mfa: secondFactor ?? 'none' }, settle);
    return { kind: 'signed_in', token: s.token, sessionId: s.sessionId, account: { id: account.id }, next: p.next };
  }

  /**
   * ACC-4: links the Google account to the local account with the same verified address once the
   * person proves they hold it: its password (and code, with MFA on), through the one credential check.
   */
  async function link(ctx: RequestContext, sealed: string | undefined, proof: { password: string; totp?: string | undefined }): Promise<GoogleOutcome> {
    const p = openPending(sealed, 'link');
    const local = p.accountId ? await accounts.findAccountById(db, p.accountId) : undefined;
    if (!local?.email_verified_at || !p.email) throw new AppError(GoogleErrors.linkUnverified);
    const { account, secondFactor, settle } = await credentials.checkCredentials(ctx, { identity: { email: local.email }, password: proof.password, totp: proof.totp }, 'google');
    try {
      if (account.id !== local.id || account.google_sub) throw new AppError(GoogleErrors.alreadyLinked);
      await db.transaction().execute(async (trx) => {
        if (await google.findAccountByGoogleSub(trx, p.sub)) throw new AppError(GoogleErrors.alreadyLinked);
        // Only an account still unlinked: of two links at once, the second finds it taken.
        if (!(await google.linkGoogleColumns(trx, account.id, keep(p, clock.now().toISOString())))) throw new AppError(GoogleErrors.alreadyLinked);
        await recordAccountEvent(deps, trx, { ...ctx, actor: { type: 'user', id: account.id } }, account.id, { action: 'account.google_linked', target: { type: 'user', id: account.id }, details: { by: 'password' } });
      });
    } catch (e) {
      await settle().catch(() => undefined);
      throw e;
    }
    const s = await openSession(ctx, account, { via: 'google', mfa: secondFactor ?? 'none', linked: true }, settle);
    return { kind: 'signed_in', token: s.token, sessionId: s.sessionId, account: { id: account.id }, next: p.next };
  }

  /** For the sign-up completion (directory's onboarding): the person Google vouched for, and the columns their account keeps. */
  function signupIdentity(sealed: string | undefined) {
    const p = openPending(sealed, 'signup');
    if (!p.email || !p.emailVerified) throw new AppError(GoogleErrors.emailUnverified);
    // Google's names are the person's to choose: control characters flattened, and cut to the directory's 200.
    const name = ([p.givenName, p.familyName].filter(Boolean).join(' ').replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim() || p.email.split('@')[0] || p.email).slice(0, 200);
    return { email: p.email, name, next: p.next, google: keep(p, clock.now().toISOString()) };
  }

  /** After the sign-up transaction committed: the new account's first session. */
  async function signInNew(ctx: RequestContext, accountId: string, next: string): Promise<GoogleOutcome> {
    const account = await accounts.findAccountById(db, accountId);
    if (!account) throw new AppError(CommonErrors.notFound);
    return signInTo(ctx, account, next, { mfa: 'none', signup: true });
  }

  /** In the sign-up transaction: the link's own audit entry (the account's creation has its own). */
  async function recordSignupLink(trx: Executor, ctx: RequestContext, accountId: string, orgId: string): Promise<void> {
    await recordAccountEvent(deps, trx, { ...ctx, actor: { type: 'user', id: accountId } }, accountId, { action: 'account.google_linked', target: { type: 'user', id: accountId }, details: { by: 'signup' } }, [orgId]);
  }

  function signedIn(caller: Caller): string {
    const id = accountIdOf(caller);
    if (!id || caller.kind === 'operator' || caller.kind === 'client' || caller.kind === 'system') throw new AppError(CommonErrors.unauthenticated);
    return id;
  }

  /** The account page's view of the link. */
  async function status(caller: Caller): Promise<{ enabled: boolean; linked: boolean; email: string | null; linkedAt: string | null; hasPassword: boolean }> {
    const a = await accounts.findAccountById(db, signedIn(caller));
    if (!a) throw new AppError(CommonErrors.unauthenticated);
    return { enabled: !!config.google?.clientId, linked: !!a.google_sub, email: a.google_email ?? null, linkedAt: a.google_linked_at ?? null, hasPassword: a.password_hash !== null };
  }

  /** Unlinks Google; only an account with a password, so that the person can still sign in. */
  async function unlink(ctx: RequestContext, caller: Caller): Promise<void> {
    const a = await accounts.findAccountById(db, signedIn(caller));
    if (!a) throw new AppError(CommonErrors.unauthenticated);
    if (!a.google_sub) throw new AppError(GoogleErrors.notLinked);
    if (!a.password_hash) throw new AppError(GoogleErrors.unlinkNeedsPassword);
    await db.transaction().execute(async (trx) => {
      await google.updateGoogleColumns(trx, a.id, { google_sub: null, google_email: null, google_given_name: null, google_family_name: null, google_linked_at: null });
      await recordAccountEvent(deps, trx, ctx, a.id, { action: 'account.google_unlinked', target: { type: 'user', id: a.id } });
    });
  }

  return { sealFlow, openFlow, refused, callback, startReauth, describe, completeMfa, link, signupIdentity, signInNew, recordSignupLink, status, unlink };
}

export type Google = ReturnType<typeof createGoogle>;
