import type { RequestContext } from '../../core/context.ts';
import { hmac, newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import type { AccountsDeps } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import type { UsersTable } from './accounts.tables.ts';
import { type Actor, type UserView, normalizeEmail, toActor, toUserView } from './accounts.views.ts';
import type { Mfa } from './mfa.service.ts';
import { verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import * as sessions from './sessions.repository.ts';
import * as users from './users.repository.ts';

/** Who a request acts as, once its session token checked out. */
export interface Principal {
  user: Actor;
  sessionId: string;
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface SignInInput {
  email: string;
  password: string;
  totp?: string | undefined;
}

const TOUCH_INTERVAL_MS = 60_000;

export function createSessions(deps: AccountsDeps, mfa: Mfa) {
  const { db, clock, audit, throttle, config } = deps;
  const { limits } = config;
  const failureRule = (max: number) => ({ max, windowSeconds: limits.failureWindowSeconds, lockSeconds: limits.lockoutSeconds });

  async function recordFailure(
    ctx: RequestContext,
    keys: { account: string; ip: string },
    reason: string,
    user: UsersTable | undefined,
    emailRef: string,
  ): Promise<void> {
    const target = user ? { type: 'user', id: user.id } : null;
    // Unknown emails are recorded by a keyed hash: correlatable, but not personal data in clear.
    const details = { reason, ...(user ? {} : { emailRef }) };
    await audit.record(db, ctx, { action: 'auth.signin_failed', orgId: user?.org_id ?? null, target, details });
    const accountLocked = await throttle.hit(keys.account, failureRule(limits.signInMaxFailures));
    const ipLocked = await throttle.hit(keys.ip, failureRule(limits.signInIpMaxFailures));
    if (accountLocked || ipLocked) {
      await audit.record(db, ctx, {
        action: 'auth.lockout',
        orgId: user?.org_id ?? null,
        target,
        details: { scope: accountLocked ? 'account' : 'ip', seconds: limits.lockoutSeconds, ...(user ? {} : { emailRef }) },
      });
    }
  }

  /**
   * ACC-7: a wrong email and a wrong password give the same answer, in about the
   * same time; failures count against the account and the address, and too many
   * lock both for a while.
   */
  async function signIn(ctx: RequestContext, input: SignInInput): Promise<{ token: string; user: UserView; sessionId: string }> {
    const email = normalizeEmail(input.email);
    const emailRef = hmac(deps.secretKey, `signin:${email}`).slice(0, 16);
    const keys = { account: `signin:acct:${emailRef}`, ip: `signin:ip:${ctx.ip ?? 'unknown'}` };
    const counted = await throttle.assertOpen([keys.account, keys.ip], AccountsErrors.locked);

    const user = await users.findUserByEmail(db, email);
    const ok = user?.password_hash
      ? await verifyPassword(user.password_hash, input.password)
      : await verifyAgainstDecoy(input.password);
    if (!user || !ok) {
      await recordFailure(ctx, keys, 'invalid_credentials', user, emailRef);
      throw new AppError(AccountsErrors.invalidCredentials);
    }
    if (user.status !== 'active') {
      await audit.record(db, ctx, {
        action: 'auth.signin_refused',
        orgId: user.org_id,
        target: { type: 'user', id: user.id },
        details: { reason: 'suspended' },
      });
      throw new AppError(AccountsErrors.accountSuspended);
    }
    let secondFactor: string | null = null;
    if (user.totp_enabled_at) {
      if (!input.totp) throw new AppError(AccountsErrors.mfaRequired, undefined, { details: { field: 'totp' } });
      secondFactor = await mfa.verifySecondFactor(user, input.totp);
      if (!secondFactor) {
        await recordFailure(ctx, keys, 'invalid_mfa_code', user, emailRef);
        throw new AppError(AccountsErrors.invalidMfaCode, undefined, { details: { field: 'totp' } });
      }
    }
    if (counted.has(keys.account)) await throttle.clear(keys.account);
    const token = randomToken();
    const now = clock.now();
    const sessionId = newId('ses');
    await db.transaction().execute(async (trx) => {
      await sessions.insertSession(trx, {
        id: sessionId,
        user_id: user.id,
        token_hash: sha256(token),
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + config.sessionTtlSeconds * 1000).toISOString(),
        ip: ctx.ip,
        user_agent: ctx.userAgent?.slice(0, 300) ?? null,
      });
      await audit.record(
        trx,
        { ...ctx, actor: { type: user.staff_role ? 'staff' : 'user', id: user.id } },
        {
          action: 'auth.signin',
          orgId: user.org_id,
          target: { type: 'session', id: sessionId },
          details: { mfa: secondFactor ?? 'none' },
        },
      );
      for (const hook of deps.hooks.signedIn) await hook(trx, ctx, user.id);
    });
    return { token, user: toUserView(user), sessionId };
  }

  /** Resolves a bearer or cookie token to its principal; expired sessions and inactive accounts get nothing. */
  async function authenticate(token: string): Promise<Principal | undefined> {
    if (token.length < 20 || token.length > 200) return undefined;
    const row = await sessions.findSessionWithActor(db, sha256(token));
    if (!row) return undefined;
    const now = clock.now();
    if (row.session_expires_at <= now.toISOString() || row.status !== 'active') return undefined;
    if (now.getTime() - new Date(row.session_last_seen_at).getTime() > TOUCH_INTERVAL_MS) {
      await sessions.touchSession(db, row.session_id, now.toISOString());
    }
    const { session_id, session_expires_at: _e, session_last_seen_at: _l, ...user } = row;
    return { user: toActor(user), sessionId: session_id };
  }

  async function signOut(ctx: RequestContext, principal: Principal): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await sessions.deleteUserSession(trx, principal.user.id, principal.sessionId);
      await audit.record(trx, ctx, {
        action: 'auth.signout',
        orgId: principal.user.orgId,
        target: { type: 'session', id: principal.sessionId },
      });
    });
  }

  async function list(principal: Principal): Promise<SessionView[]> {
    const rows = await sessions.listUserSessions(db, principal.user.id, clock.now().toISOString());
    return rows.map((s) => ({
      id: s.id,
      createdAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      expiresAt: s.expires_at,
      ip: s.ip,
      userAgent: s.user_agent,
      current: s.id === principal.sessionId,
    }));
  }

  /** Ends one of the principal's own sessions; any other id is simply not found. */
  async function revoke(ctx: RequestContext, principal: Principal, sessionId: string): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const deleted = await sessions.deleteUserSession(trx, principal.user.id, sessionId);
      if (deleted) {
        await audit.record(trx, ctx, {
          action: 'auth.session_revoked',
          orgId: principal.user.orgId,
          target: { type: 'session', id: sessionId },
        });
      }
      return deleted;
    });
  }

  return { signIn, authenticate, signOut, list, revoke };
}

export type Sessions = ReturnType<typeof createSessions>;
