import type { SessionInfo } from '../../contracts/me.ts';
import type { SignInBody } from '../../contracts/sessions.ts';
import { accountIdOf, type Caller, type StaffRole } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import { type AccountView, toAccountView } from './accounts.views.ts';
import type { Credentials } from './credentials.service.ts';
import * as sessions from './sessions.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import type { Executor } from '../../db/schema.ts';

/** A request's session, once its token checked out: who it is, before any organization is in view. */
export interface SignedIn {
  sessionId: string;
  accountId: string;
  staffRole: StaffRole | null;
  emailVerified: boolean;
  /** Whether the account has TOTP on: staff roles that read everyone's data need it. */
  mfa: boolean;
}

/** The caller a session is on its own: a staff member, or a person acting for themselves. */
export function callerOfSession(s: SignedIn): Caller {
  return s.staffRole
    ? { kind: 'staff', accountId: s.accountId, sessionId: s.sessionId, staffRole: s.staffRole, mfa: s.mfa }
    : { kind: 'account', accountId: s.accountId, sessionId: s.sessionId, emailVerified: s.emailVerified };
}

export type SessionView = SessionInfo;

export type SignInInput = SignInBody;

const TOUCH_INTERVAL_MS = 60_000;

function signedInOf(caller: Caller): { accountId: string; sessionId: string | null } {
  const accountId = accountIdOf(caller);
  if (!accountId || caller.kind === 'operator' || caller.kind === 'client' || caller.kind === 'system') throw new AppError(CommonErrors.unauthenticated);
  return { accountId, sessionId: caller.sessionId };
}

export function createSessions(deps: AccountsDeps, credentials: Credentials) {
  const { db, clock, config } = deps;

  /**
   * ACC-7: sign-in by email through the one credential check; a person whose every membership is
   * suspended may not sign in (ACC-6).
   */
  async function signIn(ctx: RequestContext, input: SignInInput): Promise<{ token: string; account: AccountView; sessionId: string }> {
    const { account, secondFactor, settle } = await credentials.checkCredentials(ctx, { identity: { email: input.email }, password: input.password, totp: input.totp }, 'web');
    return open(ctx, account, { mfa: secondFactor ?? 'none' }, settle);
  }

  /**
   * A session for an account whose credentials checked out (a password here, Google's ID token for
   * ACC-4): refused when every membership is suspended (ACC-6); `settle` gives the credential
   * check's throttle reservation back, in the session's own transaction.
   */
  async function open(
    ctx: RequestContext,
    account: AccountsTable,
    details: Record<string, unknown>,
    settle: (ex?: Executor) => Promise<void> = async () => {},
  ): Promise<{ token: string; account: AccountView; sessionId: string }> {
    // The throttle reservation is given back in the session's own transaction, one commit for
    // both; on a refusal or an error, on its own.
    let settled = false;
    try {
      // One read answers both whether the person may sign in and whose audit logs record it.
      const standing = account.staff_role ? undefined : await deps.members.standing(account.id);
      if (standing && !standing.maySignIn) {
        settled = true;
        await settle();
        await recordAccountEvent(deps, db, ctx, account.id, { action: 'auth.signin_refused', target: { type: 'user', id: account.id }, details: { ...('via' in details ? { via: details.via } : {}), reason: 'suspended' } }, standing.orgIds);
        throw new AppError(AccountsErrors.accountSuspended);
      }
      const token = randomToken();
      const now = clock.now();
      const sessionId = newId('ses');
      const actor = { ...ctx, actor: { type: account.staff_role ? ('staff' as const) : ('user' as const), id: account.id } };
      await db.transaction().execute(async (trx) => {
        await sessions.insertSession(trx, {
          id: sessionId,
          account_id: account.id,
          token_hash: sha256(token),
          created_at: now.toISOString(),
          last_seen_at: now.toISOString(),
          expires_at: new Date(now.getTime() + config.sessionTtlSeconds * 1000).toISOString(),
          ip: ctx.ip,
          user_agent: ctx.userAgent?.slice(0, 300) ?? null,
          reauthenticated_at: null,
        });
        await recordAccountEvent(deps, trx, actor, account.id, { action: 'auth.signin', target: { type: 'session', id: sessionId }, details }, standing?.orgIds);
        for (const hook of deps.hooks.signedIn) await hook(trx, actor, account.id);
        await settle(trx);
      });
      settled = true;
      return { token, account: toAccountView(account), sessionId };
    } catch (e) {
      // The reservation is given back all the same; the error to report is the first one.
      if (!settled) await settle().catch(() => undefined);
      throw e;
    }
  }

  /** Resolves a bearer or cookie token to its session; expired sessions and inactive accounts get nothing. */
  async function authenticate(token: string): Promise<SignedIn | undefined> {
    if (token.length < 20 || token.length > 200) return undefined;
    const row = await sessions.findSessionWithAccount(db, sha256(token));
    if (!row) return undefined;
    const now = clock.now();
    if (row.session_expires_at <= now.toISOString() || row.status !== 'active') return undefined;
    if (now.getTime() - new Date(row.session_last_seen_at).getTime() > TOUCH_INTERVAL_MS) {
      await sessions.touchSession(db, row.session_id, now.toISOString());
    }
    return {
      sessionId: row.session_id,
      accountId: row.account_id,
      staffRole: (row.staff_role as StaffRole | null) ?? null,
      emailVerified: row.email_verified_at !== null,
      mfa: row.totp_enabled_at !== null,
    };
  }

  async function signOut(ctx: RequestContext, caller: Caller): Promise<void> {
    const { accountId, sessionId } = signedInOf(caller);
    if (!sessionId) return;
    await db.transaction().execute(async (trx) => {
      await sessions.deleteAccountSession(trx, accountId, sessionId);
      await recordAccountEvent(deps, trx, ctx, accountId, { action: 'auth.signout', target: { type: 'session', id: sessionId } });
    });
  }

  async function list(caller: Caller): Promise<SessionView[]> {
    const { accountId, sessionId } = signedInOf(caller);
    const rows = await sessions.listAccountSessions(db, accountId, clock.now().toISOString());
    return rows.map((s) => ({
      id: s.id,
      createdAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      expiresAt: s.expires_at,
      ip: s.ip,
      userAgent: s.user_agent,
      current: s.id === sessionId,
    }));
  }

  /** Ends one of the caller's own sessions; any other id is simply not found. */
  async function revoke(ctx: RequestContext, caller: Caller, sessionId: string): Promise<boolean> {
    const { accountId } = signedInOf(caller);
    return db.transaction().execute(async (trx) => {
      const deleted = await sessions.deleteAccountSession(trx, accountId, sessionId);
      if (deleted) await recordAccountEvent(deps, trx, ctx, accountId, { action: 'auth.session_revoked', target: { type: 'session', id: sessionId } });
      return deleted;
    });
  }

  return { signIn, open, authenticate, signOut, list, revoke };
}

export type Sessions = ReturnType<typeof createSessions>;
