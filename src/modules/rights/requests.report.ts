import { DateTime } from 'luxon';
import { type Caller, requireCapability } from '../../core/caller.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { daysToRespond } from './deadlines.ts';
import * as repo from './requests.repository.ts';
import { REQUEST_KINDS, type RequestKind } from './requests.views.ts';
import type { RightsDeps } from './rights.deps.ts';
import type { PrivacyRequestLogTable } from './rights.tables.ts';

export interface ReportFigures {
  received: number;
  /** Complied with in whole. */
  complied: number;
  /** Complied with in part. */
  partlyComplied: number;
  denied: number;
  /** Not answered yet. */
  open: number;
  /** Median calendar days from receipt to response, of those answered; null when none was. */
  medianDaysToRespond: number | null;
}

export interface YearReport {
  year: number;
  total: ReportFigures;
  byKind: Record<RequestKind, ReportFigures>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** DSR-5: the yearly metrics of the request log (received, complied in whole or part, denied, median days), per kind. */
export function createRequestReport(deps: RightsDeps) {
  const { db, calendar } = deps;

  function figures(rows: PrivacyRequestLogTable[]): ReportFigures {
    const answered = rows.filter((r) => r.responded_at !== null);
    return {
      received: rows.length,
      complied: rows.filter((r) => r.outcome === 'complied').length,
      partlyComplied: rows.filter((r) => r.outcome === 'partly_complied').length,
      denied: rows.filter((r) => r.outcome === 'denied').length,
      open: rows.length - answered.length,
      medianDaysToRespond: median(answered.map((r) => daysToRespond(new Date(r.received_at), new Date(r.responded_at as string), calendar))),
    };
  }

  /** The requests received in calendar year `year` (of the business calendar's zone). */
  async function yearReport(caller: Caller, year: number): Promise<YearReport> {
    requireCapability(caller, 'privacy.requests');
    if (!Number.isInteger(year) || year < 2000 || year > 9998) throw new AppError(CommonErrors.invalid, 'The year must be a whole number from 2000 to 9998.', { details: { field: 'year' } });
    const from = DateTime.fromObject({ year }, { zone: calendar.zone });
    const rows = await repo.logBetween(db, from.toUTC().toISO() as string, from.plus({ years: 1 }).toUTC().toISO() as string);
    const byKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, figures(rows.filter((r) => r.kind === k))])) as Record<RequestKind, ReportFigures>;
    return { year, total: figures(rows), byKind };
  }

  return { yearReport };
}
