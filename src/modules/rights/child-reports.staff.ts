import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import * as repo from './child-reports.repository.ts';
import { CHILD_ERASURE_JOB, type ChildErasurePayload, type ChildReportDeps, type ReportActor, type ReportSteps, SYSTEM } from './child-reports.steps.ts';
import type { ChildReportsTable } from './child-reports.tables.ts';
import { ERASURE_DELAY_MS, type StaffChildReportView, toStaffChildReport } from './child-reports.views.ts';
import { REASON_MAX } from './requests.views.ts';
import { RightsErrors } from './rights.errors.ts';

const LIST_MAX = 200;

export interface ChildReportListQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** DSR-8: privacy staff list the reports, confirm them (sharing stops, sessions end, erasure is scheduled) or dismiss them. */
export function createChildReportDesk(deps: ChildReportDeps, steps: ReportSteps) {
  const { db, clock, jobs, optOuts, childAccounts } = deps;

  const staffActor = (caller: Caller): ReportActor => {
    const id = accountIdOf(caller);
    return id ? { type: 'staff', id } : SYSTEM;
  };

  /** Open reports first, newest first. */
  async function list(caller: Caller, q: ChildReportListQuery): Promise<{ items: StaffChildReportView[]; nextCursor: string | null }> {
    requireCapability(caller, 'privacy.requests');
    const limit = Math.min(Math.max(q.limit ?? 50, 1), LIST_MAX);
    const [rank, receivedAt, id] = q.cursor?.split('|') ?? [];
    const after = (rank === '0' || rank === '1') && receivedAt && id ? { rank: Number(rank), receivedAt, id } : null;
    const rows = await repo.listReports(db, { after, limit });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const cursor = last ? `${(repo.OPEN_REPORT_STATES as readonly string[]).includes(last.state) ? 0 : 1}|${last.received_at}|${last.id}` : null;
    return { items: items.map((r) => toStaffChildReport(r, null)), nextCursor: rows.length > limit ? cursor : null };
  }

  async function reportIn(ex: Executor, id: string, states: readonly string[]): Promise<ChildReportsTable> {
    const row = await repo.findReport(ex, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    if (!states.includes(row.state)) throw new AppError(RightsErrors.childReportDecided);
    return row;
  }

  /**
   * DSR-8: a confirmed report about an account stops all sale and sharing at once (a consent
   * opt-out, PRV-4), ends every session of the account, and schedules its erasure after the
   * waiting period; without an account, the report is closed saying so. All in one transaction.
   */
  async function confirm(ctx: RequestContext, caller: Caller, id: string): Promise<StaffChildReportView> {
    requireCapability(caller, 'privacy.requests');
    const actor = staffActor(caller);
    return db.transaction().execute(async (trx) => {
      const row = await reportIn(trx, id, ['received']);
      const now = clock.now();
      const at = now.toISOString();
      const accountId = row.account_id;
      const patch = accountId
        ? { state: 'confirmed', confirmed_at: at, erase_at: new Date(now.getTime() + ERASURE_DELAY_MS).toISOString(), decided_by: actor.id, updated_at: at }
        : { state: 'closed', outcome: 'no_account', confirmed_at: at, decided_by: actor.id, updated_at: at };
      if (!(await repo.updateReport(trx, id, ['received'], patch))) throw new AppError(RightsErrors.childReportDecided);
      const next = { ...row, ...patch };
      await steps.step(trx, ctx, next, 'confirmed', actor, null, { account: accountId !== null });
      if (!accountId) {
        await steps.step(trx, ctx, next, 'closed', SYSTEM, 'No account had the reported address.', { outcome: 'no_account' });
      } else {
        await optOuts.optOut(trx, ctx, { accountId }, 'child_report');
        await steps.step(trx, ctx, next, 'opted_out', SYSTEM, 'Sale and sharing stopped at once.');
        const ended = await childAccounts.endSessions(trx, accountId);
        await steps.step(trx, ctx, next, 'sessions_ended', SYSTEM, `${ended} session(s) ended.`, { sessions: ended });
        await jobs.enqueue<ChildErasurePayload>(trx, { kind: CHILD_ERASURE_JOB, payload: { reportId: id }, runAt: new Date(next.erase_at as string), dedupeKey: id, maxAttempts: 10 });
        await steps.step(trx, ctx, next, 'erasure_scheduled', SYSTEM, `Erasure at ${next.erase_at}.`, { eraseAt: next.erase_at });
      }
      return toStaffChildReport(next, await repo.listEvents(trx, id));
    });
  }

  /** DSR-8: a report found wrong, before its erasure ran: the erasure job is cancelled. */
  async function dismiss(ctx: RequestContext, caller: Caller, id: string, input: { reason: string }): Promise<StaffChildReportView> {
    requireCapability(caller, 'privacy.requests');
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > REASON_MAX) throw new AppError(CommonErrors.invalid, `A reason is 1 to ${REASON_MAX} characters.`, { details: { field: 'reason' } });
    const actor = staffActor(caller);
    return db.transaction().execute(async (trx) => {
      const row = await reportIn(trx, id, repo.OPEN_REPORT_STATES);
      const at = clock.now().toISOString();
      const patch = { state: 'dismissed', outcome: 'dismissed', dismiss_reason: reason, dismissed_at: at, decided_by: actor.id, updated_at: at };
      if (!(await repo.updateReport(trx, id, repo.OPEN_REPORT_STATES, patch))) throw new AppError(RightsErrors.childReportDecided);
      const cancelled = await jobs.cancel(trx, CHILD_ERASURE_JOB, id);
      const next = { ...row, ...patch };
      await steps.step(trx, ctx, next, 'dismissed', actor, reason, { from: row.state, erasureCancelled: cancelled });
      return toStaffChildReport(next, await repo.listEvents(trx, id));
    });
  }

  return { list, confirm, dismiss };
}
