import { type Insertable, sql, type Updateable } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import type { ChildReportEventsTable, ChildReportsTable } from './child-reports.tables.ts';

/** DSR-8: reports are the operator's, not an organization's: no query here is tenant-scoped. */

/** Reports still waiting on staff or on their erasure. */
export const OPEN_REPORT_STATES = ['received', 'confirmed'] as const;

export async function insertReport(ex: Executor, row: Insertable<ChildReportsTable>): Promise<void> {
  await ex.insertInto('child_reports').values(row).execute();
}

export function findReport(ex: Executor, id: string): Promise<ChildReportsTable | undefined> {
  return ex.selectFrom('child_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Changes a report only while it is in `fromStates`; answers whether it did (two staff acting at once, or the job). */
export async function updateReport(ex: Executor, id: string, fromStates: readonly string[], patch: Updateable<ChildReportsTable>): Promise<boolean> {
  const r = await ex.updateTable('child_reports').set(patch).where('id', '=', id).where('state', 'in', fromStates).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Appends a step to the report's history, numbered after its last one. */
export async function insertEvent(ex: Executor, row: Omit<Insertable<ChildReportEventsTable>, 'seq'>): Promise<void> {
  const last = await ex.selectFrom('child_report_events').select((eb) => eb.fn.max('seq').as('seq')).where('report_id', '=', row.report_id).executeTakeFirst();
  await ex.insertInto('child_report_events').values({ ...row, seq: Number(last?.seq ?? 0) + 1 }).execute();
}

export function listEvents(ex: Executor, reportId: string): Promise<ChildReportEventsTable[]> {
  return ex.selectFrom('child_report_events').selectAll().where('report_id', '=', reportId).orderBy('seq').execute();
}

/** 0 for an open report, 1 for a decided one: the list shows open reports first. */
const rank = sql<number>`case when state in ('received', 'confirmed') then 0 else 1 end`;

export interface ListCursor {
  rank: number;
  receivedAt: string;
  id: string;
}

/** DSR-8: the staff list, open reports first, then newest first (then id), after the cursor. */
export function listReports(ex: Executor, opts: { after: ListCursor | null; limit: number }): Promise<ChildReportsTable[]> {
  const a = opts.after;
  return ex
    .selectFrom('child_reports')
    .selectAll()
    .$if(a !== null, (q) =>
      q.where((eb) => {
        const c = a as ListCursor;
        const sameRank = eb.and([eb(rank, '=', c.rank), eb.or([eb('received_at', '<', c.receivedAt), eb.and([eb('received_at', '=', c.receivedAt), eb('id', '<', c.id)])])]);
        return eb.or([eb(rank, '>', c.rank), sameRank]);
      }),
    )
    .orderBy(rank)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit + 1)
    .execute();
}

/** The reports about a person: their account, or their address. */
export function reportsOf(ex: Executor, subject: { accountId: string | null; email: string | null }): Promise<ChildReportsTable[]> {
  const { accountId, email } = subject;
  if (!accountId && !email) return Promise.resolve([]);
  return ex
    .selectFrom('child_reports')
    .selectAll()
    .where((eb) => eb.or([...(accountId ? [eb('account_id', '=', accountId)] : []), ...(email ? [eb('email_normalized', '=', email)] : [])]))
    .orderBy('received_at')
    .execute();
}

export function eventsOf(ex: Executor, reportIds: readonly string[]): Promise<ChildReportEventsTable[]> {
  if (reportIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('child_report_events').selectAll().where('report_id', 'in', reportIds).orderBy('seq').execute();
}

/** Clears a report's personal columns; the report, its state and its history stay. */
export async function deidentifyReport(ex: Executor, id: string, mark: string, at: string, patch: Updateable<ChildReportsTable> = {}): Promise<number> {
  const r = await ex
    .updateTable('child_reports')
    .set({ ...patch, email_normalized: `${mark}:${id}`, account_id: null, details: null, updated_at: at })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
