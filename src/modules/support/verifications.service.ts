import type { RequestVerificationBody } from '../../contracts/desk.ts';
import type { VerificationRequest } from '../../contracts/support.ts';
import type { RequestContext } from '../../core/context.ts';
import { hmac, newId, randomToken } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, accountIdOf } from '../../core/caller.ts';
import type { StaffTicketView } from './desk.service.ts';
import type { SupportDeps, SupportMember } from './support.deps.ts';
import { SupportErrors } from './support.errors.ts';
import type { SupportTicketsTable, SupportVerificationsTable } from './support.tables.ts';
import * as repo from './tickets.repository.ts';
import { VERIFICATION_ACTIONS, type VerificationAction, type VerificationView, toVerificationView } from './support.views.ts';

/** How long the admin has to confirm, and how long staff then have to act on it. */
export const VERIFICATION_TTL_MS = 24 * 3600 * 1000;
export const GRANT_TTL_MS = 3600 * 1000;

const ACTION_TEXT: Record<VerificationAction, string> = {
  disclose_account: 'see the account details of',
  delete_account: 'delete the account of',
};

/** SUP-6: what the admin is asked to confirm, as the HTTP contract shows it. */
export type VerificationRequestView = VerificationRequest;

interface DeskAccess {
  loadForStaff(ex: Executor, caller: Caller, ticketId: string): Promise<SupportTicketsTable>;
  staffView(t: SupportTicketsTable): Promise<StaffTicketView>;
}

/**
 * SUP-6: no staff capability reads or sets a password, binds a user or
 * deletes or discloses an account. The only way staff may disclose or delete
 * one account is a verification the admin who opened the ticket completed
 * for that very request: a link emailed to their verified address, then
 * their password again. Each grant serves once, within an hour of the
 * confirmation, and everything about it is audited.
 */
export function createVerifications(deps: SupportDeps, desk: DeskAccess) {
  const { db, clock, audit, mail, config } = deps;
  const hashOf = (token: string) => hmac(deps.secretKey, `support-verification:${token}`);

  /**
   * Staff name the account as the admin named it on the ticket: by its id, or
   * by its email address (which the admin wrote there); only the ticket's
   * organization is searched.
   */
  async function targetOf(ex: Executor, orgId: string, input: { userId?: string | undefined; email?: string | undefined }): Promise<SupportMember> {
    if ((input.userId === undefined) === (input.email === undefined)) {
      throw new AppError(CommonErrors.invalid, 'Name the account by exactly one of userId or email.', { details: { field: 'userId' } });
    }
    const user = await deps.people.member(ex, orgId, input);
    if (!user) {
      throw new AppError(CommonErrors.notFound, 'No such account in the organization of this ticket.', { details: { field: input.userId !== undefined ? 'userId' : 'email' } });
    }
    return user;
  }

  async function request(
    ctx: RequestContext,
    caller: Caller,
    ticketId: string,
    input: RequestVerificationBody,
  ): Promise<VerificationView> {
    if (!(VERIFICATION_ACTIONS as readonly string[]).includes(input.action)) {
      throw new AppError(CommonErrors.invalid, `The action must be one of ${VERIFICATION_ACTIONS.join(', ')}.`, { details: { field: 'action' } });
    }
    const action = input.action as VerificationAction;
    const token = randomToken();
    const row = await db.transaction().execute(async (trx) => {
      const t = await desk.loadForStaff(trx, caller, ticketId);
      if (t.status === 'closed') throw new AppError(SupportErrors.ticketClosed);
      const target = await targetOf(trx, t.org_id, input);
      const admin = t.opened_by && (await deps.people.isActiveAdmin(trx, t.opened_by, t.org_id)) ? await deps.people.person(trx, t.opened_by) : undefined;
      if (!admin) throw new AppError(SupportErrors.requesterNotAdmin);
      const staff = await deps.people.person(trx, accountIdOf(caller) ?? '');
      const now = clock.now();
      const v: SupportVerificationsTable = {
        id: newId('ver'),
        ticket_id: t.id,
        org_id: t.org_id,
        action,
        target_user_id: target.id,
        requested_by: accountIdOf(caller) ?? '',
        admin_id: admin.id,
        token_hash: hashOf(token),
        status: 'pending',
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + VERIFICATION_TTL_MS).toISOString(),
        confirmed_at: null,
        used_at: null,
      };
      await repo.insertVerification(trx, v);
      await mail.enqueue(trx, {
        to: admin.email,
        userId: admin.id,
        subject: `Confirm a request to Castellan support [${t.id}]`,
        text:
          `${staff?.name ?? 'A support engineer'} of Castellan support asks to ${ACTION_TEXT[action]} ${target.name} for your ticket "${t.subject}".\n\n` +
          `Staff can never do this without your confirmation. If you asked for it, confirm with your password here (the link works for 24 hours):\n\n` +
          `${config.publicUrl}/support/verify?token=${token}\n\nIf you did not ask for it, ignore this message and tell us on the ticket.\n`,
      });
      await audit.record(trx, ctx, {
        action: 'support.verification_requested',
        orgId: t.org_id,
        target: { type: 'support_ticket', id: t.id },
        details: { verificationId: v.id, action, userId: target.id },
      });
      return v;
    });
    mail.wake();
    return toVerificationView(row, clock.now());
  }

  async function pendingFor(ex: Executor, caller: Caller, token: string): Promise<SupportVerificationsTable> {
    const v = typeof token === 'string' && token.length <= 200 ? await repo.findVerificationByHash(ex, hashOf(token)) : undefined;
    if (!v || v.status !== 'pending' || new Date(v.expires_at) <= clock.now()) throw new AppError(SupportErrors.verificationInvalid);
    if (accountIdOf(caller) !== v.admin_id) throw new AppError(SupportErrors.verificationNotForYou);
    return v;
  }

  /** What the admin is asked to confirm, shown on the page the emailed link opens. */
  async function inspect(caller: Caller, token: string): Promise<VerificationRequestView> {
    return requestView(await pendingFor(db, caller, token));
  }

  async function requestView(v: SupportVerificationsTable): Promise<VerificationRequestView> {
    const [t, target, staff] = await Promise.all([
      repo.findTicket(db, v.org_id, v.ticket_id),
      deps.people.member(db, v.org_id, { userId: v.target_user_id }),
      deps.people.person(db, v.requested_by),
    ]);
    if (!t || !target) throw new AppError(SupportErrors.verificationInvalid);
    return {
      action: v.action as VerificationAction,
      ticketId: t.id,
      ticketSubject: t.subject,
      accountName: target.name,
      accountEmail: target.email,
      staffName: staff?.name ?? 'Castellan support',
      expiresAt: v.expires_at,
      status: toVerificationView(v, clock.now()).status,
    };
  }

  /** The admin confirms, signed in and proving it is them again (step-up: password and code, or a re-authentication just before). */
  async function confirm(ctx: RequestContext, caller: Caller, token: string, proof: { password?: string | undefined; code?: string | undefined }): Promise<VerificationRequestView> {
    const v = await pendingFor(db, caller, token);
    const shown = await requestView(v);
    if (!(await deps.people.isActiveAdmin(db, v.admin_id, v.org_id))) throw new AppError(SupportErrors.verificationNotForYou);
    // The one credential check: throttled like a sign-in, and audited when it fails.
    await deps.people.stepUp({ ...ctx }, caller, proof);
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const moved = await repo.moveVerification(trx, v.id, 'pending', {
        status: 'confirmed',
        confirmed_at: now.toISOString(),
        expires_at: new Date(now.getTime() + GRANT_TTL_MS).toISOString(),
      });
      if (!moved) throw new AppError(SupportErrors.verificationInvalid);
      await audit.record(trx, ctx, {
        action: 'support.verification_confirmed',
        orgId: v.org_id,
        target: { type: 'support_ticket', id: v.ticket_id },
        details: { verificationId: v.id, action: v.action, userId: v.target_user_id },
      });
    });
    return { ...shown, status: 'confirmed', expiresAt: new Date(now.getTime() + GRANT_TTL_MS).toISOString() };
  }

  /** Uses a confirmed grant for `action` once; refuses without one. */
  async function useGrant(trx: Executor, caller: Caller, ticketId: string, verificationId: string, action: VerificationAction): Promise<SupportVerificationsTable> {
    const t = await desk.loadForStaff(trx, caller, ticketId);
    const v = await repo.findVerification(trx, t.id, verificationId);
    if (!v) throw new AppError(CommonErrors.notFound);
    if (v.action !== action || v.status !== 'confirmed' || new Date(v.expires_at) <= clock.now()) throw new AppError(SupportErrors.verificationRequired);
    if (!(await repo.moveVerification(trx, v.id, 'confirmed', { status: 'used', used_at: clock.now().toISOString() }))) {
      throw new AppError(SupportErrors.verificationRequired);
    }
    return v;
  }

  async function discloseAccount(ctx: RequestContext, caller: Caller, ticketId: string, verificationId: string): Promise<SupportMember> {
    return db.transaction().execute(async (trx) => {
      const v = await useGrant(trx, caller, ticketId, verificationId, 'disclose_account');
      const user = await deps.people.member(trx, v.org_id, { userId: v.target_user_id });
      if (!user) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, {
        action: 'support.account_disclosed',
        orgId: v.org_id,
        target: { type: 'user', id: user.id },
        details: { verificationId: v.id, ticketId: v.ticket_id },
      });
      return user;
    });
  }

  async function deleteAccount(ctx: RequestContext, caller: Caller, ticketId: string, verificationId: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const v = await useGrant(trx, caller, ticketId, verificationId, 'delete_account');
      await deps.people.deleteMember(trx, ctx, v.org_id, v.target_user_id);
      await audit.record(trx, ctx, {
        action: 'support.account_deleted',
        orgId: v.org_id,
        target: { type: 'user', id: v.target_user_id },
        details: { verificationId: v.id, ticketId: v.ticket_id },
      });
    });
  }

  return { request, inspect, confirm, discloseAccount, deleteAccount };
}
