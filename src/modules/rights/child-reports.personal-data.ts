import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/schema.ts';
import * as repo from './child-reports.repository.ts';
import { emptyErasure, exportRows, type PersonalDataHandler } from './registry.ts';

const MARK = '[erased]';

/**
 * DSR-1, DSR-5, DSR-8: reports of a child's account are personal data of the person reported. An
 * access export shows the reports about the subject and their history. Erasure de-identifies them
 * (address, account and the reporter's text cleared; state and history stay), except the report
 * the erasure fulfils (`reason.reference`), which its own job marks erased and clears once the
 * erasure is done.
 */
export function createChildReportsPersonalData(db: Kysely<Database>, clock: Clock): PersonalDataHandler {
  return {
    module: 'child_reports',
    tables: ['child_reports', 'child_report_events'],
    withheld: [],
    async export(subject, ex = db) {
      const reports = await repo.reportsOf(ex, subject);
      const events = await repo.eventsOf(ex, reports.map((r) => r.id));
      return { child_reports: exportRows('child_reports', reports, []), child_report_events: exportRows('child_report_events', events, []) };
    },
    async erase(subject, reason, ex = db) {
      const out = { child_reports: emptyErasure(), child_report_events: emptyErasure() };
      const at = clock.now().toISOString();
      for (const r of await repo.reportsOf(ex, subject)) {
        if (r.id !== reason.reference) out.child_reports.deidentified += await repo.deidentifyReport(ex, r.id, MARK, at);
      }
      return out;
    },
  };
}
