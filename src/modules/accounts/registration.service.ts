import { accountIdOf, type Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { hmac, newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type AccountsDeps, type SignupChoices, VERIFY_TOKEN_TTL_SECONDS, recordAccountEvent } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import { type AccountView, normalizeEmail, toAccountView } from './accounts.views.ts';
import { existingAccountMail, verificationMail } from './mail-templates.ts';
import { checkPasswordPolicy } from './passwords.ts';
import * as tokens from './tokens.repository.ts';

export interface NewAccount {
  email: string;
  name: string;
  /** Null for an account made through Google (ACC-4): it signs in with Google until it sets a password. */
  passwordHash: string | null;
  /** The mailbox was proven already (an invitation link opened from it, or Google's verified address). */
  verified: boolean;
  /** ACC-4: what the account keeps of the Google account it was made through. */
  google?: Pick<AccountsTable, 'google_sub' | 'google_email' | 'google_given_name' | 'google_family_name' | 'google_linked_at'> | undefined;
  choices?: SignupChoices | undefined;
  /** The organization created together with the account (sign-up), whose log records it. */
  orgId?: string | undefined;
}

/** ACC-1, ACC-3: accounts come into being, and their addresses are proven. */
export function createRegistration(deps: AccountsDeps) {
  const { db, clock, audit, mail, config, throttle, hasher } = deps;

  /** The password rules (ACC-2), then the hash: before any transaction, since hashing is slow. */
  async function hashNewPassword(password: string, context: { email: string; name: string }): Promise<string> {
    checkPasswordPolicy(password, context);
    return hasher.hash(password);
  }

  async function issueVerification(ex: Executor, a: Pick<AccountsTable, 'id' | 'email' | 'name'>) {
    const token = randomToken();
    const now = clock.now();
    await tokens.retireAccountTokens(ex, a.id, 'verify_email', now.toISOString());
    await tokens.insertToken(ex, {
      id: newId('tok'),
      account_id: a.id,
      purpose: 'verify_email',
      token_hash: sha256(token),
      expires_at: new Date(now.getTime() + VERIFY_TOKEN_TTL_SECONDS * 1000).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    });
    await mail.enqueue(ex, verificationMail(a.email, a.name, `${config.publicUrl}/verify-email?token=${token}`));
  }

  /**
   * Creates an account in the caller's transaction (call mail.wake() after it commits); an address
   * not yet proven gets a verification link. Throws `common.conflict` when the address has an
   * account: the caller answers as if it had not (sign-up never tells who has an account, ACC-7).
   */
  async function createAccount(trx: Executor, ctx: RequestContext, input: NewAccount): Promise<AccountsTable> {
    const now = clock.now().toISOString();
    const row: AccountsTable = {
      id: newId('acc'),
      email: input.email,
      email_normalized: normalizeEmail(input.email),
      name: input.name,
      password_hash: input.passwordHash,
      email_verified_at: input.verified ? now : null,
      status: 'active',
      staff_role: null,
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      created_at: now,
      updated_at: now,
      ...input.google,
    };
    if (await accounts.findAccountByEmail(trx, row.email_normalized)) throw new AppError(CommonErrors.conflict);
    await accounts.insertAccount(trx, row);
    if (!input.verified) await issueVerification(trx, row);
    const actor = { ...ctx, actor: { type: 'user' as const, id: row.id } };
    await recordAccountEvent(deps, trx, actor, row.id, { action: 'account.signup', target: { type: 'user', id: row.id } }, input.orgId ? [input.orgId] : []);
    for (const hook of deps.hooks.signedUp) await hook(trx, actor, row.id, input.choices ?? {});
    return row;
  }

  /** The owner of an address that already has an account is told by mail that someone tried to sign up with it. */
  async function notifyExistingAccount(ctx: RequestContext, email: string): Promise<void> {
    const emailNormalized = normalizeEmail(email);
    // At most a few notices an hour, so sign-up cannot be used to flood someone's inbox.
    const key = `signup-notice:${hmac(deps.secretKey, emailNormalized)}`;
    if (await throttle.hit(key, { max: 4, windowSeconds: 3600, lockSeconds: 3600 })) return;
    const existing = await accounts.findAccountByEmail(db, emailNormalized);
    if (!existing) return;
    await db.transaction().execute(async (trx) => {
      await mail.enqueue(trx, existingAccountMail(existing.email, `${config.publicUrl}/sign-in`, `${config.publicUrl}/forgot-password`));
      await recordAccountEvent(deps, trx, ctx, existing.id, { action: 'account.signup_existing_email', target: { type: 'user', id: existing.id } });
    });
    mail.wake();
  }

  /** ACC-3: a single-use emailed token marks the address as verified. */
  async function verifyEmail(ctx: RequestContext, token: string): Promise<AccountView> {
    const ipKey = `verify:ip:${ctx.ip ?? 'unknown'}`;
    await throttle.assertOpen(ipKey, AccountsErrors.tooManyRequests);
    const now = clock.now().toISOString();
    const found = await tokens.findLiveToken(db, 'verify_email', sha256(token), now);
    const accountId = found
      ? await db.transaction().execute(async (trx) => {
          if (!(await tokens.consumeToken(trx, found.id, now))) return undefined;
          await accounts.updateAccount(trx, found.account_id, { email_verified_at: now, updated_at: now });
          await recordAccountEvent(deps, trx, { ...ctx, actor: { type: 'user', id: found.account_id } }, found.account_id, { action: 'account.email_verified', target: { type: 'user', id: found.account_id } });
          return found.account_id;
        })
      : undefined;
    if (!accountId) {
      const locked = await throttle.hit(ipKey, { max: config.limits.verifyMaxFailures, windowSeconds: config.limits.failureWindowSeconds, lockSeconds: config.limits.lockoutSeconds });
      if (locked) await audit.record(db, ctx, { action: 'auth.lockout', details: { scope: 'email_verification' } });
      throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    }
    const a = await accounts.findAccountById(db, accountId);
    if (!a) throw new AppError(AccountsErrors.invalidToken);
    return toAccountView(a);
  }

  /** Sends a fresh verification link to a signed-in person whose address is not verified yet. */
  async function resendVerification(ctx: RequestContext, caller: Caller): Promise<void> {
    const accountId = accountIdOf(caller);
    if (!accountId) throw new AppError(CommonErrors.unauthenticated);
    await throttle.consume(`verify:resend:${accountId}`, { max: 5, windowSeconds: 3600, lockSeconds: 3600 }, AccountsErrors.tooManyRequests);
    const a = await accounts.findAccountById(db, accountId);
    if (!a || a.email_verified_at) return;
    await db.transaction().execute(async (trx) => {
      await issueVerification(trx, a);
      await recordAccountEvent(deps, trx, ctx, a.id, { action: 'account.verification_resent', target: { type: 'user', id: a.id } });
    });
    mail.wake();
  }

  /**
   * For an invitation's link, opened from the invited mailbox: whether that address has an
   * account, and whether it can sign in. Only ever asked with a valid invitation token in hand.
   */
  async function accountForAddress(ex: Executor, email: string): Promise<{ id: string; hasPassword: boolean; emailVerified: boolean } | undefined> {
    const a = await accounts.findAccountByEmail(ex, normalizeEmail(email));
    return a ? { id: a.id, hasPassword: a.password_hash !== null, emailVerified: a.email_verified_at !== null } : undefined;
  }

  /** An invitation link opened from the account's own mailbox proves the address (ACC-3). */
  async function markEmailProven(ex: Executor, accountId: string, ctx: RequestContext = { actor: { type: 'user', id: accountId }, ip: null, requestId: null, userAgent: null }): Promise<void> {
    if (await accounts.markEmailVerified(ex, accountId, clock.now().toISOString())) {
      await recordAccountEvent(deps, ex, ctx, accountId, { action: 'account.email_verified', target: { type: 'user', id: accountId }, details: { by: 'invitation' } });
    }
  }

  return { hashNewPassword, createAccount, notifyExistingAccount, verifyEmail, resendVerification, accountForAddress, markEmailProven, issueVerification };
}

export type Registration = ReturnType<typeof createRegistration>;
