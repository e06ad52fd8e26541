import { accountIdOf, type Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import { type AccountView, normalizeEmail, toAccountView, validEmail } from './accounts.views.ts';
import { emailChangeMail, emailChangeRequestedMail, emailChangeTakenMail, emailChangedMail } from './mail-templates.ts';
import type { StepUp, StepUpProof } from './step-up.service.ts';
import * as tokens from './tokens.repository.ts';

const CHANGE_TTL_SECONDS = 24 * 3600;
const DETAIL = 'one_time_tokens.detail_enc:change_email';

/** `j•••@example.com`: enough for the owner to recognise an address, not enough to read it off a mail. */
export function addressHint(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/**
 * A person changes their own address: with the password again (step-up), a link to the new
 * address, and nothing changed until it is opened. The answer is the same whether or not the new
 * address already has an account (ACC-7): its owner is told by mail instead.
 */
export function createEmailChange(deps: AccountsDeps, stepUp: StepUp) {
  const { db, clock, mail, cipher, throttle, config } = deps;

  async function request(ctx: RequestContext, caller: Caller, input: { email: string } & StepUpProof): Promise<void> {
    const account = await stepUp.require(ctx, caller, input);
    const email = validEmail(input.email);
    const normalized = normalizeEmail(email);
    if (normalized === account.email_normalized) throw new AppError(AccountsErrors.invalidField, 'That is already your address.', { details: { field: 'email' } });
    await throttle.consume(`email-change:${account.id}`, { max: config.limits.resetMaxPerWindow, windowSeconds: 3600, lockSeconds: 3600 }, AccountsErrors.tooManyRequests);
    const taken = await accounts.findAccountByEmail(db, normalized);
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await tokens.retireAccountTokens(trx, account.id, 'change_email', now.toISOString());
      if (taken) {
        await mail.enqueue(trx, emailChangeTakenMail(email));
      } else {
        const token = randomToken();
        await tokens.insertToken(trx, {
          id: newId('tok'),
          account_id: account.id,
          purpose: 'change_email',
          token_hash: sha256(token),
          expires_at: new Date(now.getTime() + CHANGE_TTL_SECONDS * 1000).toISOString(),
          used_at: null,
          created_at: now.toISOString(),
          detail_enc: cipher.encrypt(email, DETAIL),
        });
        await mail.enqueue(trx, emailChangeMail(email, account.name, `${config.publicUrl}/change-email?token=${token}`));
      }
      await mail.enqueue(trx, emailChangeRequestedMail(account.email, account.name, addressHint(email)));
      await recordAccountEvent(deps, trx, ctx, account.id, { action: 'account.email_change_requested', target: { type: 'user', id: account.id } });
    });
    mail.wake();
  }

  /** Opens the link: the address changes (and counts as verified, the link proves the mailbox); the old address is told. */
  async function confirm(ctx: RequestContext, token: string): Promise<AccountView> {
    const ipKey = `email-change:ip:${ctx.ip ?? 'unknown'}`;
    await throttle.assertOpen(ipKey, AccountsErrors.tooManyRequests);
    const now = clock.now().toISOString();
    const found = await tokens.findLiveToken(db, 'change_email', sha256(token), now);
    const account = found ? await accounts.findAccountById(db, found.account_id) : undefined;
    if (!found?.detail_enc || !account || account.status !== 'active') {
      await throttle.hit(ipKey, { max: config.limits.verifyMaxFailures, windowSeconds: config.limits.failureWindowSeconds, lockSeconds: config.limits.lockoutSeconds });
      throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    }
    const email = cipher.decrypt(found.detail_enc, DETAIL);
    const actor = { ...ctx, actor: { type: 'user' as const, id: account.id } };
    const changed = await db.transaction().execute(async (trx) => {
      if (!(await tokens.consumeToken(trx, found.id, now))) return false;
      // Whoever took the address since the request keeps it: the mailbox owner hears why.
      if (await accounts.findAccountByEmail(trx, normalizeEmail(email))) throw new AppError(AccountsErrors.emailTaken, undefined, { details: { field: 'email' } });
      await accounts.updateAccount(trx, account.id, { email, email_normalized: normalizeEmail(email), email_verified_at: now, updated_at: now });
      await recordAccountEvent(deps, trx, actor, account.id, { action: 'account.email_changed', target: { type: 'user', id: account.id } });
      for (const hook of deps.hooks.emailChanged) await hook(trx, actor, account.id, email);
      await mail.enqueue(trx, emailChangedMail(account.email, account.name, addressHint(email)));
      return true;
    });
    if (!changed) throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    mail.wake();
    const after = await accounts.findAccountById(db, account.id);
    if (!after) throw new AppError(CommonErrors.notFound);
    return toAccountView(after);
  }

  /** Whether an address change is waiting for its link (the account page says so). */
  async function pending(caller: Caller): Promise<boolean> {
    const accountId = accountIdOf(caller);
    if (!accountId) throw new AppError(CommonErrors.unauthenticated);
    return tokens.hasLiveToken(db, accountId, 'change_email', clock.now().toISOString());
  }

  return { request, confirm, pending };
}

export type EmailChange = ReturnType<typeof createEmailChange>;
