import type { RequestContext } from '../../core/context.ts';
import { hmac, newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import { type AccountsDeps, RESET_TOKEN_TTL_SECONDS } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import { normalizeEmail } from './accounts.views.ts';
import { passwordChangedMail, resetMail } from './mail-templates.ts';
import type { Mfa } from './mfa.service.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import * as sessions from './sessions.repository.ts';
import type { Principal } from './sessions.service.ts';
import * as tokens from './tokens.repository.ts';
import * as users from './users.repository.ts';

/** ACC-2: nobody but the user sets the user's password: by the current one, or by an emailed single-use token. */
export function createPasswords(deps: AccountsDeps, mfa: Mfa) {
  const { db, clock, audit, mail, throttle, config } = deps;
  const { limits } = config;

  /** Always answers the same, whether or not the email has an account (ACC-7). */
  async function requestReset(ctx: RequestContext, rawEmail: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const rule = {
      max: limits.resetMaxPerWindow,
      windowSeconds: limits.failureWindowSeconds,
      lockSeconds: limits.lockoutSeconds,
    };
    await throttle.consume(`reset:ip:${ctx.ip ?? 'unknown'}`, { ...rule, max: rule.max * 4 }, AccountsErrors.tooManyRequests);
    await throttle.consume(`reset:email:${hmac(deps.secretKey, email).slice(0, 16)}`, rule, AccountsErrors.tooManyRequests);
    const user = await users.findUserByEmail(db, email);
    // Users created by an admin or an import may not have a password yet: the link sets their first one.
    if (user?.status !== 'active') return;
    const token = randomToken();
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await tokens.retireUserTokens(trx, user.id, 'reset_password', now.toISOString());
      await tokens.insertToken(trx, {
        id: newId('tok'),
        user_id: user.id,
        purpose: 'reset_password',
        token_hash: sha256(token),
        expires_at: new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000).toISOString(),
        used_at: null,
        created_at: now.toISOString(),
      });
      await mail.enqueue(trx, resetMail(user.email, user.name, `${config.publicUrl}/reset-password?token=${token}`));
      await audit.record(trx, ctx, {
        action: 'auth.password_reset_requested',
        orgId: user.org_id,
        target: { type: 'user', id: user.id },
      });
    });
    mail.wake();
  }

  /** Sets a new password with a reset token; every session of the user ends (ACC-6). */
  async function confirmReset(ctx: RequestContext, token: string, password: string): Promise<void> {
    const ipKey = `reset-confirm:ip:${ctx.ip ?? 'unknown'}`;
    await throttle.assertOpen(ipKey, AccountsErrors.tooManyRequests);
    const now = clock.now().toISOString();
    const found = await tokens.findLiveToken(db, 'reset_password', sha256(token), now);
    const user = found ? await users.findUserById(db, found.user_id) : undefined;
    if (!found || !user || user.status !== 'active') {
      const locked = await throttle.hit(ipKey, {
        max: limits.verifyMaxFailures,
        windowSeconds: limits.failureWindowSeconds,
        lockSeconds: limits.lockoutSeconds,
      });
      if (locked) await audit.record(db, ctx, { action: 'auth.lockout', details: { scope: 'password_reset' } });
      throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    }
    // The policy is checked before the token is spent, so a refused password does not burn the link.
    checkPasswordPolicy(password, { email: user.email, name: user.name });
    const passwordHash = await hashPassword(password);
    const ok = await db.transaction().execute(async (trx) => {
      if (!(await tokens.consumeToken(trx, found.id, now))) return false;
      await setPassword(trx, ctx, user, passwordHash, 'auth.password_reset');
      return true;
    });
    if (!ok) throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    // A successful reset also lifts a lockout of the account.
    await throttle.clear(`signin:acct:${hmac(deps.secretKey, `signin:${user.email_normalized}`).slice(0, 16)}`);
    mail.wake();
  }

  async function setPassword(
    trx: Parameters<typeof users.updateUser>[0],
    ctx: RequestContext,
    user: { id: string; org_id: string | null; email: string; name: string },
    passwordHash: string,
    action: string,
    keepSessionId?: string,
  ): Promise<void> {
    const now = clock.now().toISOString();
    await users.updateUser(trx, user.id, { password_hash: passwordHash, updated_at: now });
    await tokens.retireUserTokens(trx, user.id, 'reset_password', now);
    const ended = await sessions.deleteAllUserSessions(trx, user.id, keepSessionId);
    await audit.record(
      trx,
      { ...ctx, actor: { type: ctx.actor.type === 'anonymous' ? 'user' : ctx.actor.type, id: user.id } },
      {
        action,
        orgId: user.org_id,
        target: { type: 'user', id: user.id },
        details: { sessionsEnded: ended },
      },
    );
    await mail.enqueue(trx, passwordChangedMail(user.email, user.name));
  }

  /** Changes the password of a signed-in user, who proves they know the current one; other sessions end. */
  async function changePassword(ctx: RequestContext, principal: Principal, current: string, next: string): Promise<void> {
    const user = await users.findUserById(db, principal.user.id);
    if (!user) throw new AppError(AccountsErrors.invalidCredentials);
    await mfa.requirePassword(user, current).catch(async (e) => {
      await audit.record(db, ctx, {
        action: 'auth.reauthentication_failed',
        orgId: user.org_id,
        target: { type: 'user', id: user.id },
      });
      throw new AppError(AccountsErrors.reauthenticationFailed, undefined, { details: { field: 'currentPassword' }, cause: e });
    });
    try {
      checkPasswordPolicy(next, { email: user.email, name: user.name });
    } catch (e) {
      if (e instanceof AppError)
        throw new AppError(AccountsErrors.weakPassword, e.message, { details: { ...e.details, field: 'newPassword' } });
      throw e;
    }
    const passwordHash = await hashPassword(next);
    await db
      .transaction()
      .execute((trx) => setPassword(trx, ctx, user, passwordHash, 'auth.password_changed', principal.sessionId));
    mail.wake();
  }

  return { requestReset, confirmReset, changePassword };
}
