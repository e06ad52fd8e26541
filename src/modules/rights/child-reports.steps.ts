import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import * as repo from './child-reports.repository.ts';
import type { ChildReportsTable } from './child-reports.tables.ts';
import type { RightsDeps, RightsPeople } from './rights.deps.ts';

/** The job that erases a confirmed report's account once the waiting period is over (DSR-8), one per report. */
export const CHILD_ERASURE_JOB = 'rights.child_erasure';

export interface ChildErasurePayload {
  reportId: string;
}

export type ReportActor = { type: 'reporter' | 'system'; id: null } | { type: 'staff'; id: string };
export const SYSTEM: ReportActor = { type: 'system', id: null };

/** What a confirmation does to the account, which other modules own; given by the composition root. */
export interface ChildAccountPorts {
  /** ACC-6: ends every session of the account at once. */
  endSessions(ex: Executor, accountId: string): Promise<number>;
  /** DSR-5, DSR-8: erases the person through the personal-data registry, with the report as its reference. */
  erase(accountId: string, reportId: string): Promise<void>;
}

export interface ChildReportDeps extends RightsDeps {
  childAccounts: ChildAccountPorts;
}

/** DSR-8: appends a step to the report's history and to the audit log (SEC-1), in `ex`; the audit never names the address. */
export function createReportSteps(deps: RightsDeps) {
  const { audit, clock, mail, config } = deps;

  async function step(ex: Executor, ctx: RequestContext, r: ChildReportsTable, action: string, actor: ReportActor, note: string | null, details: Record<string, unknown> = {}): Promise<void> {
    await repo.insertEvent(ex, { id: newId('chre'), report_id: r.id, action, actor_type: actor.type, actor_id: actor.id, note, at: clock.now().toISOString() });
    await audit.record(ex, ctx, { action: `privacy.child_report_${action}`, target: { type: 'child_report', id: r.id }, details });
  }

  /** Tells every privacy staff member (as the overdue job does), without the reported address. */
  async function tellStaff(ex: Executor, people: RightsPeople, r: ChildReportsTable): Promise<void> {
    const link = `${config.publicUrl}/api/v1/staff/privacy/child-reports`;
    for (const s of await people.privacyStaff(ex)) {
      await mail.enqueue(ex, {
        to: s.email,
        subject: `Report of a child's account [${r.id}]`,
        text: `Hello ${s.name},\n\nSomeone reported, on ${r.received_at.slice(0, 10)}, an account they believe belongs to a child under 16 (report ${r.id}). Confirm or dismiss it: ${link}\n`,
        userId: s.id,
      });
    }
  }

  return { step, tellStaff };
}

export type ReportSteps = ReturnType<typeof createReportSteps>;
