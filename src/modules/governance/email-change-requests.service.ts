import type { Kysely } from 'kysely';
import type { EmailChangeApproval, EmailChangeRequest, EmailChangeRequestPage, ListEmailChangeRequestsQuery } from '../../contracts/email-change-requests.ts';
import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { type FieldCipher, newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail, OutgoingMail } from '../mail/index.ts';
import { domainToASCII } from 'node:url';
import { controllerOf, deleteControlsOfAccount, findControl, setControlDomain } from './controls.repository.ts';
import { verifiedDomainsOf } from './domains.repository.ts';
import { EmailChangeRequestErrors } from './email-change-requests.errors.ts';
import { approvedMail, deniedMail, notices, requestedToAdminMail, requestedToPersonMail } from './email-change-requests.mail.ts';
import * as requests from './email-change-requests.repository.ts';
import type { EmailChangeRequestsTable } from './email-change-requests.tables.ts';
import { releaseNotice } from './governance.mail.ts';
import { addNotice } from './notices.repository.ts';

/** Seals the new address like a change link's detail (accounts' `one_time_tokens.detail_enc`). */
export const EMAIL_DETAIL = 'email_change_requests.email_enc';

/** What the requests ask of accounts and the directory, given by the composition root (they own those tables). */
export interface EmailChangePeople {
  /** The account's name and current address. */
  person(ex: Executor, accountId: string): Promise<{ email: string; name: string } | undefined>;
  /** The organization's active admins with an account: whom to tell of a new request. */
  admins(ex: Executor, orgId: string): Promise<Array<{ email: string; name: string }>>;
  orgName(ex: Executor, orgId: string): Promise<string>;
  /** Accounts' usual change link to the new address (or, when the address has an account, the mail that says so: ACC-7). */
  sendLink(trx: Executor, ctx: RequestContext, accountId: string, email: string): Promise<void>;
}

export interface EmailChangeRequestsDeps {
  db: Kysely<Database>;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  cipher: FieldCipher;
  people: EmailChangePeople;
  config: { publicUrl: string; siteName: string };
}

/** `j•••@example.com`, as accounts writes it in mail (the new address is never spelled out to the old one). */
const hint = (email: string) => `${email.slice(0, 1)}•••${email.slice(email.lastIndexOf('@'))}`;

function encodeCursor(row: EmailChangeRequestsTable): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string')) return { createdAt: v[0] as string, id: v[1] as string };
  } catch {
    // Not JSON: refused below like any other foreign cursor.
  }
  throw new AppError(CommonErrors.invalid, 'The cursor is not valid for this list; start again from the first page.', { details: { field: 'cursor' } });
}

/**
 * GOV-4: once an organization administers an account (GOV-3), a change of its address is a request
 * that the organization's admins approve or deny; approval sends the usual link to the new address,
 * so the mailbox is still proven before anything changes. Each step is audited in the organization's
 * log and told to the person by mail and by an in-app notice.
 */
export function createEmailChangeRequests(deps: EmailChangeRequestsDeps) {
  const { db, clock, audit, mail, cipher, people } = deps;
  const emailOf = (row: EmailChangeRequestsTable) => cipher.decrypt(row.email_enc, EMAIL_DETAIL);

  async function tellPerson(trx: Executor, row: EmailChangeRequestsTable, message: (to: string, name: string) => OutgoingMail, notice: { kind: string; title: string; body: string }) {
    const person = await people.person(trx, row.account_id);
    if (person) await mail.enqueue(trx, message(person.email, person.name));
    await addNotice(trx, { accountId: row.account_id, orgId: row.org_id, ...notice, at: clock.now() });
  }

  /** Called by accounts' `POST /me/email` (after the step-up) for an account `orgId` administers. */
  async function open(trx: Executor, ctx: RequestContext, input: { accountId: string; orgId: string; email: string }): Promise<{ requestId: string }> {
    const waiting = await requests.findOfAccount(trx, input.accountId, 'pending');
    if (waiting?.org_id === input.orgId) throw new AppError(EmailChangeRequestErrors.alreadyPending);
    // One left by an organization that no longer administers the account is moot: it is closed first.
    if (waiting) await requests.moveRequest(trx, waiting.id, 'pending', { state: 'cancelled', decided_at: clock.now().toISOString() });
    const row: EmailChangeRequestsTable = {
      id: newId('ecr'),
      account_id: input.accountId,
      org_id: input.orgId,
      email_enc: cipher.encrypt(input.email, EMAIL_DETAIL),
      state: 'pending',
      decided_by: null,
      decided_at: null,
      reason: null,
      created_at: clock.now().toISOString(),
    };
    try {
      await requests.insertRequest(trx, row);
    } catch (e) {
      // Two requests at once: the partial unique index keeps one pending.
      if (isAppError(e) && e.is(CommonErrors.conflict)) throw new AppError(EmailChangeRequestErrors.alreadyPending);
      throw e;
    }
    const orgName = await people.orgName(trx, input.orgId);
    const person = (await people.person(trx, input.accountId)) ?? { email: '', name: '' };
    const link = `${deps.config.publicUrl}/console/email-change-requests`;
    for (const admin of await people.admins(trx, input.orgId)) await mail.enqueue(trx, requestedToAdminMail(admin.email, admin.name, orgName, person, input.email, link));
    await tellPerson(trx, row, (to, name) => requestedToPersonMail(to, name, orgName, hint(input.email)), notices.requested(orgName, hint(input.email)));
    await audit.record(trx, ctx, { action: 'governance.email_change_requested', orgId: input.orgId, target: { type: 'user', id: input.accountId }, details: { requestId: row.id } });
    return { requestId: row.id };
  }

  async function view(ex: Executor, row: EmailChangeRequestsTable): Promise<EmailChangeRequest> {
    const person = await people.person(ex, row.account_id);
    return {
      id: row.id,
      state: row.state,
      accountId: row.account_id,
      name: person?.name ?? '',
      currentEmail: person?.email ?? '',
      newEmail: emailOf(row),
      createdAt: row.created_at,
      decidedAt: row.decided_at,
      decidedBy: row.decided_by,
      reason: row.reason,
    };
  }

  async function getRow(ex: Executor, orgId: string, requestId: string): Promise<EmailChangeRequestsTable> {
    const row = await requests.findRequest(ex, orgId, requestId);
    if (!row) throw new AppError(CommonErrors.notFound);
    return row;
  }

  /** The organization's requests, newest first; its admins only (a person's, never an API client's: `directory.govern`). */
  async function list(caller: Caller, orgId: string, query: ListEmailChangeRequestsQuery): Promise<EmailChangeRequestPage> {
    requireCapability(caller, 'directory.govern', { orgId });
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await requests.listRequests(db, orgId, { state: query.state, after, limit: query.limit + 1 });
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    return { items: await Promise.all(shown.map((r) => view(db, r))), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  async function get(caller: Caller, orgId: string, requestId: string): Promise<EmailChangeRequest> {
    requireCapability(caller, 'directory.govern', { orgId });
    return view(db, await getRow(db, orgId, requestId));
  }

  /** Approves or denies a pending request: one decision wins when two admins decide at once. */
  async function decide(ctx: RequestContext, caller: Caller, orgId: string, requestId: string, approve: boolean, reason: string | null): Promise<EmailChangeRequest> {
    requireCapability(caller, 'directory.govern', { orgId });
    const decidedBy = caller.kind === 'member' ? caller.membershipId : null;
    const row = await db.transaction().execute(async (trx) => {
      const found = await getRow(trx, orgId, requestId);
      const now = clock.now().toISOString();
      const patch = { state: approve ? ('approved' as const) : ('denied' as const), decided_by: decidedBy, decided_at: now, reason: approve ? null : reason };
      if (found.state !== 'pending' || !(await requests.moveRequest(trx, found.id, 'pending', patch))) throw new AppError(EmailChangeRequestErrors.alreadyDecided);
      const decided = { ...found, ...patch };
      const email = emailOf(found);
      const orgName = await people.orgName(trx, orgId);
      if (approve) {
        // The mailbox is still proven: the change happens when the link sent now is opened.
        await people.sendLink(trx, ctx, found.account_id, email);
        await tellPerson(trx, decided, (to, name) => approvedMail(to, name, orgName, hint(email)), notices.approved(orgName, hint(email)));
      } else {
        await tellPerson(trx, decided, (to, name) => deniedMail(to, name, orgName, hint(email), reason), notices.denied(orgName, hint(email), reason));
      }
      await audit.record(trx, ctx, {
        action: approve ? 'governance.email_change_approved' : 'governance.email_change_denied',
        orgId,
        target: { type: 'user', id: found.account_id },
        details: { requestId: found.id, ...(reason && !approve ? { reasonGiven: true } : {}) },
      });
      return decided;
    });
    mail.wake();
    return view(db, row);
  }

  /** The person withdraws their own pending request (`DELETE /me/email-change-request`). */
  async function cancelOwn(ctx: RequestContext, caller: Caller): Promise<void> {
    const accountId = accountIdOf(caller);
    if (!accountId) throw new AppError(CommonErrors.unauthenticated);
    await db.transaction().execute(async (trx) => {
      const found = await requests.findOfAccount(trx, accountId, 'pending');
      if (!found || !(await requests.moveRequest(trx, found.id, 'pending', { state: 'cancelled', decided_at: clock.now().toISOString() }))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'governance.email_change_cancelled', orgId: found.org_id, target: { type: 'user', id: accountId }, details: { requestId: found.id } });
    });
  }

  /** The person's request waiting for approval, for their account page. */
  async function pendingOf(ex: Executor, accountId: string): Promise<EmailChangeApproval> {
    const found = await requests.findOfAccount(ex, accountId, 'pending');
    // Once the organization lets go of the account (GOV-2: its domain un-verified), its request no longer holds anything up.
    if (!found || (await controllerOf(ex, accountId))?.orgId !== found.org_id) return null;
    return { requestId: found.id, state: 'pending_approval', orgId: found.org_id, orgName: await people.orgName(ex, found.org_id), createdAt: found.created_at };
  }

  /**
   * In accounts' transaction that takes a confirmed address: an account an organization administers
   * takes only the address its admins approved (a link mailed before control was asserted no longer
   * works), and the approved request is completed.
   */
  async function confirming(trx: Executor, ctx: RequestContext, accountId: string, email: string): Promise<void> {
    const approved = await requests.findOfAccount(trx, accountId, 'approved');
    const matches = approved !== undefined && emailOf(approved).toLowerCase() === email.toLowerCase();
    if (!matches) {
      if (await controllerOf(trx, accountId)) throw new AppError(EmailChangeRequestErrors.needsApproval, undefined, { details: { field: 'token' } });
      return;
    }
    await requests.moveRequest(trx, approved.id, 'approved', { state: 'completed' });
    await audit.record(trx, ctx, { action: 'governance.email_change_completed', orgId: approved.org_id, target: { type: 'user', id: accountId }, details: { requestId: approved.id } });
    await releaseIfAddressLeft(trx, ctx, accountId, email, approved.id);
  }

  /**
   * GOV-3, GOV-4: control follows the address. When the approved address is not at a domain the
   * controlling organization has verified (a personal address, say), the organization no longer
   * administers the account: the control row goes, the person is told in the app, and it is
   * audited, all in the transaction that takes the new address (what the control notice promises).
   */
  async function releaseIfAddressLeft(trx: Executor, ctx: RequestContext, accountId: string, email: string, requestId: string): Promise<void> {
    const control = await findControl(trx, accountId);
    if (!control) return;
    const host = email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase().replace(/\.$/, '');
    const ascii = domainToASCII(host) || host;
    const still = (await verifiedDomainsOf(trx, control.org_id)).find((d) => d.name === ascii);
    if (still) {
      // Controlled through the new address's domain from now on: removing the old one no longer releases it.
      if (control.domain_id !== still.id) await setControlDomain(trx, accountId, control.org_id, still.id);
      return;
    }
    await deleteControlsOfAccount(trx, accountId);
    const orgName = (await people.orgName(trx, control.org_id)) || 'an organization';
    const notice = releaseNotice({ siteName: deps.config.siteName, publicUrl: deps.config.publicUrl }, { orgName, reason: 'address_changed', email });
    await addNotice(trx, { accountId, orgId: control.org_id, kind: 'governance.control_released', ...notice, at: clock.now() });
    await audit.record(trx, ctx, {
      action: 'governance.control_released',
      orgId: control.org_id,
      target: { type: 'user', id: accountId },
      details: { reason: 'address_changed', requestId, accountIds: [accountId] },
    });
  }

  return {
    open,
    list,
    get,
    approve: (ctx: RequestContext, c: Caller, orgId: string, id: string) => decide(ctx, c, orgId, id, true, null),
    deny: (ctx: RequestContext, c: Caller, orgId: string, id: string, reason?: string) => decide(ctx, c, orgId, id, false, reason?.trim() || null),
    cancelOwn,
    pendingOf,
    confirming,
  };
}

export type EmailChangeRequests = ReturnType<typeof createEmailChangeRequests>;
