import { accountIdOf, type Caller } from '../../core/caller.ts';
import { type RequestContext, anonymousContext } from '../../core/context.ts';
import { hmac, newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import type { JobHandler } from '../jobs/index.ts';
import { type AccountsDeps, RESET_TOKEN_TTL_SECONDS, recordAccountEvent } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import { normalizeEmail } from './accounts.views.ts';
import type { StepUp } from './step-up.service.ts';
import { passwordChangedMail, resetMail } from './mail-templates.ts';
import { checkPasswordPolicy } from './passwords.ts';
import * as sessions from './sessions.repository.ts';
import * as tokens from './tokens.repository.ts';

const RESET_JOB = 'accounts.password_reset';

interface ResetRequest {
  email: string;
  ip: string | null;
  requestId: string | null;
  userAgent: string | null;
}

/** ACC-2: nobody but the person sets their password: by the current one, or by an emailed single-use token. */
export function createPasswords(deps: AccountsDeps, stepUp: StepUp) {
  const { db, clock, audit, mail, throttle, config, hasher, cipher, jobs } = deps;
  const { limits } = config;

  /**
   * Always answers the same, whether or not the email has an account (ACC-7): the request only
   * queues a job, so its work and its timing do not depend on the answer; the job looks the
   * address up and mails a link when there is an active account behind it.
   */
  async function requestReset(ctx: RequestContext, rawEmail: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const rule = { max: limits.resetMaxPerWindow, windowSeconds: limits.failureWindowSeconds, lockSeconds: limits.lockoutSeconds };
    await throttle.consume(`reset:ip:${ctx.ip ?? 'unknown'}`, { ...rule, max: rule.max * 4 }, AccountsErrors.tooManyRequests);
    await throttle.consume(`reset:email:${hmac(deps.secretKey, email).slice(0, 16)}`, rule, AccountsErrors.tooManyRequests);
    // The address and where the request came from are personal data: the jobs table holds them sealed.
    const sealed = cipher.encrypt(JSON.stringify({ email, ip: ctx.ip, requestId: ctx.requestId, userAgent: ctx.userAgent } satisfies ResetRequest), RESET_JOB);
    await jobs.enqueue(db, { kind: RESET_JOB, payload: { sealed }, maxAttempts: 3 });
    jobs.wake();
  }

  /** The reset job: mails a link to an active account with this address, and does nothing for any other. */
  const resetJob: JobHandler<{ sealed: string }> = {
    kind: RESET_JOB,
    async run(job) {
      const request = JSON.parse(cipher.decrypt(job.payload.sealed, RESET_JOB)) as ResetRequest;
      const account = await accounts.findAccountByEmail(db, request.email);
      if (account?.status !== 'active') return;
      const ctx = anonymousContext(request.ip, request.requestId, request.userAgent);
      const token = randomToken();
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await tokens.retireAccountTokens(trx, account.id, 'reset_password', now.toISOString());
        await tokens.insertToken(trx, {
          id: newId('tok'),
          account_id: account.id,
          purpose: 'reset_password',
          token_hash: sha256(token),
          expires_at: new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000).toISOString(),
          used_at: null,
          created_at: now.toISOString(),
        });
        await mail.enqueue(trx, resetMail(account.email, account.name, `${config.publicUrl}/reset-password?token=${token}`));
        await recordAccountEvent(deps, trx, ctx, account.id, { action: 'auth.password_reset_requested', target: { type: 'user', id: account.id } });
      });
      mail.wake();
    },
  };

  /** Sets a new password with a reset token; every session of the account ends (ACC-6). */
  async function confirmReset(ctx: RequestContext, token: string, password: string): Promise<void> {
    const ipKey = `reset-confirm:ip:${ctx.ip ?? 'unknown'}`;
    await throttle.assertOpen(ipKey, AccountsErrors.tooManyRequests);
    const now = clock.now().toISOString();
    const found = await tokens.findLiveToken(db, 'reset_password', sha256(token), now);
    const account = found ? await accounts.findAccountById(db, found.account_id) : undefined;
    if (!found || !account || account.status !== 'active') {
      const locked = await throttle.hit(ipKey, { max: limits.verifyMaxFailures, windowSeconds: limits.failureWindowSeconds, lockSeconds: limits.lockoutSeconds });
      if (locked) await audit.record(db, ctx, { action: 'auth.lockout', details: { scope: 'password_reset' } });
      throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    }
    // The policy is checked before the token is spent, so a refused password does not burn the link.
    checkPasswordPolicy(password, { email: account.email, name: account.name });
    const passwordHash = await hasher.hash(password);
    const ok = await db.transaction().execute(async (trx) => {
      if (!(await tokens.consumeToken(trx, found.id, now))) return false;
      // The link proves the mailbox, so the address counts as verified too.
      await accounts.markEmailVerified(trx, account.id, now);
      await setPassword(trx, ctx, account, passwordHash, 'auth.password_reset');
      return true;
    });
    if (!ok) throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    // A successful reset also lifts a lockout of the account.
    await throttle.clear(`signin:acct:${hmac(deps.secretKey, `signin:${account.email_normalized}`).slice(0, 16)}`);
    mail.wake();
  }

  async function setPassword(trx: Executor, ctx: RequestContext, a: AccountsTable, passwordHash: string, action: string, keepSessionId?: string): Promise<void> {
    const now = clock.now().toISOString();
    await accounts.updateAccount(trx, a.id, { password_hash: passwordHash, updated_at: now });
    await tokens.retireAccountTokens(trx, a.id, 'reset_password', now);
    const ended = await sessions.deleteAllAccountSessions(trx, a.id, keepSessionId);
    const actor = { ...ctx, actor: { type: ctx.actor.type === 'anonymous' ? ('user' as const) : ctx.actor.type, id: a.id } };
    await recordAccountEvent(deps, trx, actor, a.id, { action, target: { type: 'user', id: a.id }, details: { sessionsEnded: ended } });
    await mail.enqueue(trx, passwordChangedMail(a.email, a.name));
  }

  /**
   * Changes the password of a signed-in person, who proves it is them: the current password (and
   * code, with TOTP on) in the request, or a re-authentication just before. Other sessions end.
   */
  async function changePassword(ctx: RequestContext, caller: Caller, input: { currentPassword?: string | undefined; newPassword: string; code?: string | undefined }): Promise<void> {
    const accountId = accountIdOf(caller);
    if (!accountId || caller.kind === 'operator' || caller.kind === 'client' || caller.kind === 'system') throw new AppError(CommonErrors.unauthenticated);
    const account = await stepUp.require(ctx, caller, { password: input.currentPassword, code: input.code }).catch((e: unknown) => {
      if (e instanceof AppError && e.details?.field === 'password') {
        const def = { code: e.code, kind: e.kind, title: e.title };
        throw new AppError(def, e.message, { details: { ...e.details, field: 'currentPassword' }, ...(e.retryAfterSeconds ? { retryAfterSeconds: e.retryAfterSeconds } : {}), cause: e });
      }
      throw e;
    });
    const next = input.newPassword;
    try {
      checkPasswordPolicy(next, { email: account.email, name: account.name });
    } catch (e) {
      if (e instanceof AppError) throw new AppError(AccountsErrors.weakPassword, e.message, { details: { ...e.details, field: 'newPassword' } });
      throw e;
    }
    const passwordHash = await hasher.hash(next);
    await db.transaction().execute((trx) => setPassword(trx, ctx, account, passwordHash, 'auth.password_changed', caller.sessionId ?? undefined));
    mail.wake();
  }

  return { requestReset, confirmReset, changePassword, jobHandlers: [resetJob] };
}
