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
import type { Executor } from '../../db/schema.ts';
import type { EmailChangeApproval } from '../../contracts/email-change-requests.ts';

const CHANGE_TTL_SECONDS = 24 * 3600;
const DETAIL = 'one_time_tokens.detail_enc:change_email';

/** `j•••@example.com`: enough for the owner to recognise an address, not enough to read it off a mail. */
export function addressHint(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/**
 * GOV-4: how accounts learns that an organization administers an account, and hands such a change
 * to that organization's admins; given by the composition root (governance owns those tables).
 */
export interface EmailApproval {
  /** The organization that administers the account (GOV-3), or null. */
  controllerOf(ex: Executor, accountId: string): Promise<{ orgId: string } | null>;
  /** Opens the request the organization's admins decide on, in the caller's transaction. */
  open(trx: Executor, ctx: RequestContext, input: { accountId: string; orgId: string; email: string }): Promise<{ requestId: string }>;
  /** In the transaction that takes a confirmed address: refuses what was not approved for a controlled account. */
  confirming(trx: Executor, ctx: RequestContext, accountId: string, email: string): Promise<void>;
  /** The account's change waiting for approval, if any. */
  pendingOf(ex: Executor, accountId: string): Promise<EmailChangeApproval>;
}

/** No organization administers anyone: what accounts does without the governance module. */
export const noEmailApproval: EmailApproval = {
  controllerOf: async () => null,
  open: async () => {
    throw new AppError(CommonErrors.internal);
  },
  confirming: async () => {},
  pendingOf: async () => null,
};

/** What `POST /me/email` started: a link to the new address, or a request its organization decides on (GOV-4). */
export type EmailChangeStarted = { state: 'link_sent' } | { state: 'pending_approval'; requestId: string };

/**
 * A person changes their own address: with the password again (step-up), a link to the new
 * address, and nothing changed until it is opened. The answer is the same whether or not the new
 * address already has an account (ACC-7): its owner is told by mail instead.
 */
export function createEmailChange(deps: AccountsDeps, stepUp: StepUp) {
  const { db, clock, mail, cipher, throttle, config } = deps;

  const approval = () => deps.emailApproval ?? noEmailApproval;

  /** The link to the new address in `trx` (earlier links retired), or, when it has an account, the mail that says so (ACC-7). */
  async function mailLink(trx: Executor, account: { id: string; name: string }, email: string, now: Date): Promise<void> {
    await tokens.retireAccountTokens(trx, account.id, 'change_email', now.toISOString());
    if (await accounts.findAccountByEmail(trx, normalizeEmail(email))) {
      await mail.enqueue(trx, emailChangeTakenMail(email));
      return;
    }
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

  /**
   * GOV-4: an account an organization administers gets a request its admins decide on, whether or
   * not the new address has an account (ACC-7: the answer is the same; the address is told if
   * approved). Any other account gets the link at once.
   */
  async function request(ctx: RequestContext, caller: Caller, input: { email: string } & StepUpProof): Promise<EmailChangeStarted> {
    const account = await stepUp.require(ctx, caller, input);
    const email = validEmail(input.email);
    const normalized = normalizeEmail(email);
    if (normalized === account.email_normalized) throw new AppError(AccountsErrors.invalidField, 'That is already your address.', { details: { field: 'email' } });
    await throttle.consume(`email-change:${account.id}`, { max: config.limits.resetMaxPerWindow, windowSeconds: 3600, lockSeconds: 3600 }, AccountsErrors.tooManyRequests);
    const now = clock.now();
    const started = await db.transaction().execute(async (trx): Promise<EmailChangeStarted> => {
      const control = await approval().controllerOf(trx, account.id);
      if (control) return { state: 'pending_approval', ...(await approval().open(trx, ctx, { accountId: account.id, orgId: control.orgId, email })) };
      await mailLink(trx, account, email, now);
      await mail.enqueue(trx, emailChangeRequestedMail(account.email, account.name, addressHint(email)));
      await recordAccountEvent(deps, trx, ctx, account.id, { action: 'account.email_change_requested', target: { type: 'user', id: account.id } });
      return { state: 'link_sent' };
    });
    mail.wake();
    return started;
  }

  /** GOV-4: the link for a change the account's organization approved (the approval's transaction). */
  async function sendApprovedLink(trx: Executor, accountId: string, email: string): Promise<void> {
    const account = await accounts.findAccountById(trx, accountId);
    if (!account) throw new AppError(CommonErrors.notFound);
    await mailLink(trx, account, email, clock.now());
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
      await approval().confirming(trx, actor, account.id, email);
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

  /** GOV-4: the change waiting for the approval of the organization that administers the account, if any. */
  async function pendingApproval(caller: Caller): Promise<EmailChangeApproval> {
    const accountId = accountIdOf(caller);
    if (!accountId) throw new AppError(CommonErrors.unauthenticated);
    return approval().pendingOf(db, accountId);
  }

  return { request, confirm, pending, pendingApproval, sendApprovedLink };
}

export type EmailChange = ReturnType<typeof createEmailChange>;
