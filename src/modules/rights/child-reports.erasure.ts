import { systemContext } from '../../core/context.ts';
import type { Job, JobHandler } from '../jobs/index.ts';
import { PermanentJobError } from '../jobs/index.ts';
import * as repo from './child-reports.repository.ts';
import { CHILD_ERASURE_JOB, type ChildErasurePayload, type ChildReportDeps, type ReportSteps, SYSTEM } from './child-reports.steps.ts';

const MARK = '[erased]';

/**
 * DSR-8: the erasure of a confirmed report's account, once the waiting period is over. The person
 * is erased through the personal-data registry (every module, one transaction, DSR-5) with the
 * report as reference; then the report is marked erased and cleared of the address, the account
 * and the reporter's text. A report dismissed meanwhile has no job left (dismissal cancels it);
 * one found no longer confirmed is left alone. Should marking the report fail after the erasure, the
 * retry erases again (the registry finds nothing more of the person) and marks it then.
 */
export function childErasureJob(deps: ChildReportDeps, steps: ReportSteps): JobHandler<ChildErasurePayload> {
  const { db, clock, childAccounts } = deps;
  return {
    kind: CHILD_ERASURE_JOB,
    async run(job: Job<ChildErasurePayload>) {
      const id = job.payload?.reportId;
      if (typeof id !== 'string') throw new PermanentJobError('the payload names no report');
      const row = await repo.findReport(db, id);
      if (!row || row.state !== 'confirmed' || !row.account_id) return;
      await childAccounts.erase(row.account_id, row.id);
      await db.transaction().execute(async (trx) => {
        const at = clock.now().toISOString();
        if (!(await repo.updateReport(trx, id, ['confirmed'], { state: 'erased', outcome: 'erased', erased_at: at, updated_at: at }))) return;
        await repo.deidentifyReport(trx, id, MARK, at);
        await steps.step(trx, systemContext(), { ...row, state: 'erased' }, 'erased', SYSTEM, 'The account and its personal data were erased.', { outcome: 'erased' });
      });
    },
  };
}
