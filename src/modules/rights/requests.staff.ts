import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { answerDue, extensionRefusal, type Regime } from './deadlines.ts';
import { findFulfilment } from './fulfilment.repository.ts';
import { FULFILLED_KINDS } from './fulfilment.steps.ts';
import * as repo from './requests.repository.ts';
import { type Actor, OVERDUE_JOB, type Steps } from './requests.steps.ts';
import { OPEN_STATES, type Outcome, REASON_MAX, type RequestState, type StaffRequestView, toStaffView } from './requests.views.ts';
import type { RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';

const QUEUE_MAX = 200;
/** Fulfilment under way (an erasure, a correction being applied): closing now would undo its answer. */
const RUNNING = ['erasing', 'deciding'];
/** DSR-1: the fulfilment statuses that answered what was asked (the archive offered, the answer sent, corrected, erased). */
const FULFILLED = ['archive_offered', 'answered', 'corrected', 'erased'];

export interface QueueQuery {
  state?: RequestState | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** DSR-4: the privacy staff's queue and the steps they take on a request (extend, close). */
export function createRequestDesk(deps: RightsDeps, steps: Steps) {
  const { db, clock, calendar } = deps;

  const staffActor = (caller: Caller): Actor => {
    const id = accountIdOf(caller);
    return id ? { type: 'staff', id } : { type: 'system', id: null };
  };

  function cleanReason(reason: string | undefined, field: string): string | null {
    const r = reason?.trim() ?? '';
    if (r.length > REASON_MAX) throw new AppError(CommonErrors.invalid, `A reason is at most ${REASON_MAX} characters.`, { details: { field } });
    return r.length > 0 ? r : null;
  }

  /** DSR-4: open requests (or those in `state`) by due date, the overdue ones flagged. */
  async function queue(caller: Caller, q: QueueQuery): Promise<{ items: StaffRequestView[]; nextCursor: string | null }> {
    requireCapability(caller, 'privacy.requests');
    const limit = Math.min(Math.max(q.limit ?? 50, 1), QUEUE_MAX);
    const [dueAt, id] = q.cursor?.split('|') ?? [];
    const after = dueAt && id ? { dueAt, id } : null;
    const rows = await repo.queue(db, { states: q.state ? [q.state] : OPEN_STATES, after, limit });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const now = clock.now();
    return { items: items.map((r) => toStaffView(r, null, now)), nextCursor: rows.length > limit && last ? `${last.due_at}|${last.id}` : null };
  }

  async function openRequest(id: string): Promise<PrivacyRequestsTable> {
    const row = await repo.findRequest(db, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    if (row.state === 'completed') throw new AppError(RightsErrors.requestClosed);
    return row;
  }

  /**
   * DSR-4: the one extension (CCPA 45 more days, GDPR two more months), only while the first
   * period runs; the requester is sent the notice with its reasons in the same transaction.
   */
  async function extend(ctx: RequestContext, caller: Caller, id: string, input: { reason: string }): Promise<StaffRequestView> {
    requireCapability(caller, 'privacy.requests');
    const reason = cleanReason(input.reason, 'reason');
    if (!reason) throw new AppError(CommonErrors.invalid, 'Give the reasons for the extension: the requester is told them.', { details: { field: 'reason' } });
    const row = await openRequest(id);
    const regime = row.regime as Regime;
    const received = new Date(row.received_at);
    const now = clock.now();
    const refusal = extensionRefusal(regime, received, row.extended_at !== null, now, calendar);
    if (refusal === 'already_extended') throw new AppError(RightsErrors.alreadyExtended);
    if (refusal === 'window_closed') throw new AppError(RightsErrors.extensionWindowClosed, undefined, { details: { dueAt: row.due_at } });
    const dueAt = answerDue(regime, received, true, calendar).toISOString();
    const at = now.toISOString();
    return db.transaction().execute(async (trx) => {
      const patch = { state: 'extended', due_at: dueAt, extended_at: at, extension_reason: reason, updated_at: at };
      if (!(await repo.updateRequest(trx, id, OPEN_STATES, patch))) throw new AppError(RightsErrors.requestClosed);
      const next = { ...row, ...patch };
      await steps.step(trx, ctx, next, 'extended', staffActor(caller), reason, { dueAt });
      await steps.scheduleOverdue(trx, id, dueAt);
      await steps.tell(
        trx,
        next,
        `Your privacy request needs more time [${id}]`,
        `We need more time to answer your request for ${steps.kindName(row.kind)}, received on ${row.received_at.slice(0, 10)}.\n\nWhy: ${reason}\n\nWe will answer by ${dueAt.slice(0, 10)}.`,
      );
      return toStaffView(next, await repo.listEvents(trx, id), now);
    });
  }

  /**
   * DSR-2: access, know, correct and delete are answered as done only once verified and fulfilled;
   * a denial, with its reason, stays possible. Never while an erasure or a correction runs.
   */
  async function assertClosable(row: PrivacyRequestsTable, outcome: Outcome): Promise<void> {
    if (!(FULFILLED_KINDS as readonly string[]).includes(row.kind)) return;
    const status = (await findFulfilment(db, row.id))?.status ?? null;
    if (status !== null && RUNNING.includes(status)) throw new AppError(RightsErrors.fulfilmentRunning, undefined, { details: { fulfilment: status } });
    if (outcome !== 'denied' && (row.verification !== 'verified' || status === null || !FULFILLED.includes(status))) {
      throw new AppError(RightsErrors.notFulfilled, undefined, { details: { verification: row.verification, fulfilment: status } });
    }
  }

  /** DSR-5: the answer's outcome, logged with the reason for any denial; the requester is told. */
  async function close(ctx: RequestContext, caller: Caller, id: string, input: { outcome: Outcome; reason?: string | undefined }): Promise<StaffRequestView> {
    requireCapability(caller, 'privacy.requests');
    const reason = cleanReason(input.reason, 'reason');
    if (input.outcome === 'denied' && !reason) throw new AppError(RightsErrors.denialReasonRequired, undefined, { details: { field: 'reason' } });
    const row = await openRequest(id);
    await assertClosable(row, input.outcome);
    const now = clock.now();
    const at = now.toISOString();
    return db.transaction().execute(async (trx) => {
      const patch = { state: 'completed', outcome: input.outcome, outcome_reason: reason, responded_at: at, updated_at: at };
      if (!(await repo.updateRequest(trx, id, OPEN_STATES, patch))) throw new AppError(RightsErrors.requestClosed);
      const next = { ...row, ...patch };
      await repo.updateLog(trx, id, { responded_at: at, outcome: input.outcome, denial_reason: input.outcome === 'denied' ? reason : null });
      await steps.step(trx, ctx, next, 'closed', staffActor(caller), reason, { outcome: input.outcome });
      await deps.jobs.cancel(trx, OVERDUE_JOB, id);
      const answer = { complied: 'We have done what you asked.', partly_complied: 'We have done part of what you asked.', denied: 'We could not do what you asked.' }[input.outcome];
      await steps.tell(trx, next, `Your privacy request was answered [${id}]`, `${answer}${reason ? `\n\n${reason}` : ''}`);
      return toStaffView(next, await repo.listEvents(trx, id), now);
    });
  }

  return { queue, extend, close };
}
