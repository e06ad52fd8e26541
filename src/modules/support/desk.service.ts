import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import { eligibilityOf } from './eligibility.ts';
import { pause, resume } from './sla.ts';
import type { SupportDeps } from './support.deps.ts';
import { SupportErrors } from './support.errors.ts';
import type { SupportTicketsTable } from './support.tables.ts';
import {
  CLOSE_REASONS,
  STAFF_CLOSE_REASON_NAMES,
  type CloseReason,
  PRIORITIES,
  type Priority,
  type TicketSummary,
  toVerificationView,
} from './support.views.ts';
import type { CloseTicketBody, DeskReplyBody, Macro, StaffTicket, UpdateTicketBody } from '../../contracts/desk.ts';
import type { DeskCore } from './tickets.core.ts';
import * as repo from './tickets.repository.ts';

export type StaffTicketView = StaffTicket;

export type { Macro };

/** SUP-3 and SUP-7: the desk's prepared answers; each out-of-scope one closes with its reason. */
export const MACROS: readonly Macro[] = [
  ...STAFF_CLOSE_REASON_NAMES.filter((r) => r !== 'resolved').map((r) => ({
    id: `out_of_scope_${r}`,
    title: `Out of scope: ${r.replace(/_/g, ' ')}`,
    body: `${CLOSE_REASONS[r]} We are closing this ticket for that reason.`,
    closeReason: r,
  })),
  {
    id: 'end_of_life',
    title: 'End-of-life system version',
    body: 'The system version you named has reached its end of life and is no longer supported. Please update to a supported version (see the list of supported protocols and system versions in the knowledge base), then reply here if the problem remains.',
    closeReason: null,
  },
];

const NOTE_MAX = 2000;

/** SUP-2..SUP-5: the staff side of the desk. Staff see tickets, never the accounts behind them (SUP-6). */
export function createDesk(deps: SupportDeps, core: DeskCore) {
  const { db, clock, audit } = deps;

  async function loadForStaff(ex: Executor, caller: Caller, ticketId: string): Promise<SupportTicketsTable> {
    requireCapability(caller, 'support.desk');
    const t = await repo.findTicketForStaff(ex, ticketId);
    if (!t) throw new AppError(CommonErrors.notFound);
    return t;
  }

  async function staffView(t: SupportTicketsTable): Promise<StaffTicketView> {
    const [view, org, verifications] = await Promise.all([core.viewOf(db, t), deps.people.organization(db, t.org_id), repo.listVerifications(db, t.id)]);
    const now = clock.now();
    return { ...view, orgName: org?.name ?? '', verifications: verifications.map((v) => toVerificationView(v, now)) };
  }

  async function queue(caller: Caller, limit: number): Promise<{ items: Array<TicketSummary & { orgName: string }> }> {
    requireCapability(caller, 'support.desk');
    const rows = await repo.queue(db, limit);
    const names = await deps.people.organizationNames(db, rows.map((t) => t.org_id));
    return { items: await Promise.all(rows.map(async (t) => ({ ...(await core.summaryOf(db, t)), orgName: names.get(t.org_id) ?? '' }))) };
  }

  /** Every staff action is audited (SUP-6), reading a ticket included. */
  async function get(ctx: RequestContext, caller: Caller, ticketId: string): Promise<StaffTicketView> {
    const t = await loadForStaff(db, caller, ticketId);
    await audit.record(db, ctx, { action: 'support.ticket_viewed', orgId: t.org_id, target: { type: 'support_ticket', id: t.id } });
    return staffView(t);
  }

  async function staffMember(ex: Executor, caller: Caller) {
    const me = await deps.people.person(ex, accountIdOf(caller) ?? '');
    if (!me) throw new AppError(CommonErrors.forbidden);
    return me;
  }

  /** A staff answer: the first one meets the first-response target; by default the ticket then waits on the customer. */
  async function reply(ctx: RequestContext, caller: Caller, ticketId: string, input: DeskReplyBody): Promise<StaffTicketView> {
    const body = typeof input.body === 'string' ? input.body.trim() : '';
    if (!body || body.length > 50_000) throw new AppError(CommonErrors.invalid, 'The message must have 1 to 50000 characters.', { details: { field: 'body' } });
    const saved = await db.transaction().execute(async (trx) => {
      const t = await loadForStaff(trx, caller, ticketId);
      if (t.status === 'closed') throw new AppError(SupportErrors.ticketClosed);
      const me = await staffMember(trx, caller);
      const now = clock.now();
      const wait = input.waitOnCustomer !== false;
      const patch: Partial<SupportTicketsTable> = {
        first_responded_at: t.first_responded_at ?? now.toISOString(),
        next_response_started_at: null,
        status: wait ? 'pending' : 'open',
        ...(wait ? pause(t, now) : resume(t, now)),
      };
      const next = await core.saveTicket(trx, t, patch);
      await core.sendToRequester(trx, next, { authorKind: 'staff', authorId: me.id, authorName: me.name, body });
      await audit.record(trx, ctx, {
        action: 'support.staff_replied',
        orgId: t.org_id,
        target: { type: 'support_ticket', id: t.id },
        details: { waitOnCustomer: wait },
      });
      return next;
    });
    deps.mail.wake();
    return staffView(saved);
  }

  /** SUP-3: staff close a ticket as resolved or out of scope; the customer is told the reason. */
  async function close(ctx: RequestContext, caller: Caller, ticketId: string, input: CloseTicketBody): Promise<StaffTicketView> {
    if (!(STAFF_CLOSE_REASON_NAMES as string[]).includes(input.reason)) {
      throw new AppError(CommonErrors.invalid, `The reason must be one of ${STAFF_CLOSE_REASON_NAMES.join(', ')}.`, { details: { field: 'reason' } });
    }
    const note = input.note?.trim() ? input.note.trim().slice(0, NOTE_MAX) : null;
    const reason = input.reason as CloseReason;
    const saved = await db.transaction().execute(async (trx) => {
      const t = await loadForStaff(trx, caller, ticketId);
      if (t.status === 'closed') throw new AppError(SupportErrors.ticketClosed);
      const me = await staffMember(trx, caller);
      const now = clock.now();
      const next = await core.saveTicket(trx, t, { status: 'closed', closed_at: now.toISOString(), close_reason: reason, close_note: note, ...pause(t, now) });
      await core.sendToRequester(trx, next, {
        authorKind: 'staff',
        authorId: me.id,
        authorName: me.name,
        body: `This ticket is closed. ${CLOSE_REASONS[reason]}${note ? `\n\n${note}` : ''}`,
      });
      await audit.record(trx, ctx, { action: 'support.ticket_closed', orgId: t.org_id, target: { type: 'support_ticket', id: t.id }, details: { reason } });
      return next;
    });
    deps.mail.wake();
    return staffView(saved);
  }

  /** Priority (recomputes the due times) and, for limited support, the critical-defect mark that makes a ticket eligible (SUP-2). */
  async function update(ctx: RequestContext, caller: Caller, ticketId: string, input: UpdateTicketBody): Promise<StaffTicketView> {
    if (input.priority !== undefined && !(PRIORITIES as readonly string[]).includes(input.priority)) {
      throw new AppError(CommonErrors.invalid, `The priority must be one of ${PRIORITIES.join(', ')}.`, { details: { field: 'priority' } });
    }
    const saved = await db.transaction().execute(async (trx) => {
      const t = await loadForStaff(trx, caller, ticketId);
      const now = clock.now();
      const patch: Partial<SupportTicketsTable> = {};
      if (input.priority !== undefined && input.priority !== t.priority) patch.priority = input.priority as Priority;
      if (input.criticalDefect !== undefined && (input.criticalDefect ? 1 : 0) !== t.critical_defect) {
        if (t.eligibility !== 'limited') throw new AppError(SupportErrors.notCriticalEligible);
        patch.critical_defect = input.criticalDefect ? 1 : 0;
        if (input.criticalDefect && !t.sla_started_at) {
          // The clocks start when staff accept the defect; it is theirs to answer now.
          Object.assign(patch, { sla_started_at: now.toISOString(), sla_paused_seconds: 0, sla_paused_since: null });
          if (t.status === 'pending') patch.status = 'open';
        }
        if (!input.criticalDefect) Object.assign(patch, { sla_started_at: null, sla_paused_since: null, sla_paused_seconds: 0 });
      }
      if (Object.keys(patch).length === 0) return t;
      const next = await core.saveTicket(trx, t, patch);
      await audit.record(trx, ctx, {
        action: 'support.ticket_updated',
        orgId: t.org_id,
        target: { type: 'support_ticket', id: t.id },
        details: { from: { priority: t.priority, criticalDefect: t.critical_defect === 1 }, to: { priority: next.priority, criticalDefect: next.critical_defect === 1 }, ...dueChange(t, next) },
      });
      return next;
    });
    return staffView(saved);
  }

  /** An attachment of the ticket (logs, screenshots are the ticket's own content); the reading is audited. */
  async function attachment(ctx: RequestContext, caller: Caller, ticketId: string, attachmentId: string) {
    const t = await loadForStaff(db, caller, ticketId);
    const a = await repo.findAttachment(db, t.org_id, t.id, attachmentId);
    if (!a) throw new AppError(CommonErrors.notFound);
    await audit.record(db, ctx, { action: 'support.attachment_viewed', orgId: t.org_id, target: { type: 'support_ticket', id: t.id }, details: { attachmentId: a.id } });
    return { filename: a.filename, contentType: a.content_type, content: Buffer.from(a.content) };
  }

  function macros(caller: Caller): { items: Macro[] } {
    requireCapability(caller, 'support.desk');
    return { items: [...MACROS] };
  }

  return { queue, get, reply, close, update, macros, attachment, loadForStaff, staffView };
}

/** The due times before and after a recomputation, for the audit log (SUP-4). */
export function dueChange(before: SupportTicketsTable, after: SupportTicketsTable) {
  const pick = (t: SupportTicketsTable) => ({
    firstResponseDueAt: t.first_response_due_at,
    nextResponseDueAt: t.next_response_due_at,
    resolutionDueAt: t.resolution_due_at,
  });
  return { duesBefore: pick(before), duesAfter: pick(after) };
}

/** SUP-2: on a change of plan, open tickets get the eligibility of the new plan and their due times recomputed. */
export function replanTicket(t: SupportTicketsTable, org: { plan: string; plan_ends_at: string | null; created_at: string }, now: Date): Partial<SupportTicketsTable> {
  const e = eligibilityOf(org, now);
  const patch: Partial<SupportTicketsTable> = { plan: org.plan };
  if (e.level === 'full' && t.eligibility === 'limited') {
    Object.assign(patch, { eligibility: 'full', eligibility_reason: e.reason, full_support_until: e.fullSupportUntil });
    if (!t.sla_started_at) Object.assign(patch, { sla_started_at: now.toISOString(), sla_paused_seconds: 0, sla_paused_since: t.status === 'pending' ? now.toISOString() : null });
  }
  return patch;
}
