import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { normalizeEmail, validEmail } from '../accounts/index.ts';
import * as repo from './child-reports.repository.ts';
import type { ReportSteps } from './child-reports.steps.ts';
import type { ChildReportsTable } from './child-reports.tables.ts';
import { CHILD_DETAILS_MAX, type ChildReportReceipt } from './child-reports.views.ts';
import type { RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';

export interface ChildReportInput {
  accountEmail: string;
  details: string;
}

/** DSR-8: the public form's limits, per reported address and per IP (the throttle, as requests use it). */
const PER_ADDRESS = { max: 3, windowSeconds: 86_400, lockSeconds: 3600 };
const PER_IP = { max: 10, windowSeconds: 3600, lockSeconds: 3600 };

/** DSR-8: anyone can report a suspected child's account; no account is needed. */
export function createChildReportIntake(deps: RightsDeps, steps: ReportSteps) {
  const { db, clock, throttle, people } = deps;

  function cleanDetails(details: string): string {
    const d = details.trim();
    if (d.length === 0 || d.length > CHILD_DETAILS_MAX) throw new AppError(CommonErrors.invalid, `Details are 1 to ${CHILD_DETAILS_MAX} characters.`, { details: { field: 'details' } });
    return d;
  }

  /**
   * Stores the report with the account that has the address, if any (looked up, never told: DIR-1
   * rule 4), and tells privacy staff. The answer is the same whatever the address.
   */
  async function report(ctx: RequestContext, input: ChildReportInput): Promise<ChildReportReceipt> {
    const email = normalizeEmail(validEmail(input.accountEmail));
    const details = cleanDetails(input.details);
    await throttle.consume(`rights.child_report:ip:${ctx.ip ?? 'unknown'}`, PER_IP, RightsErrors.tooManyChildReports);
    await throttle.consume(`rights.child_report:address:${email}`, PER_ADDRESS, RightsErrors.tooManyChildReports);
    const at = clock.now().toISOString();
    const row: ChildReportsTable = {
      id: newId('chr'),
      state: 'received',
      email_normalized: email,
      account_id: null,
      details,
      outcome: null,
      decided_by: null,
      dismiss_reason: null,
      received_at: at,
      confirmed_at: null,
      erase_at: null,
      erased_at: null,
      dismissed_at: null,
      updated_at: at,
    };
    await db.transaction().execute(async (trx) => {
      row.account_id = (await people.accountIdByEmail(trx, email)) ?? null;
      await repo.insertReport(trx, row);
      await steps.step(trx, ctx, row, 'received', { type: 'reporter', id: null }, null);
      await steps.tellStaff(trx, people, row);
    });
    return { id: row.id, state: 'received' };
  }

  return { report };
}
