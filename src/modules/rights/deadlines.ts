import { DateTime } from 'luxon';

/**
 * DSR-4: the deadlines of a data-subject request, as pure arithmetic over an injected business
 * calendar (the support calendar's business days, SUP-4), so that they are tested at chosen dates.
 * Days are calendar days of the calendar's zone; a deadline falls at the end of its day
 * (23:59:59.999 in that zone), and the day of receipt is day 0.
 */

export const REGIMES = ['ccpa', 'gdpr', 'other'] as const;
export type Regime = (typeof REGIMES)[number];

/** The business days a deadline counts: the support calendar's (weekdays without observed federal holidays). */
export interface BusinessCalendar {
  /** The IANA zone whose calendar days are counted. */
  zone: string;
  /** Whether a calendar date (YYYY-MM-DD) is a business day. */
  isBusinessDay(date: string): boolean;
}

/** CCPA: acknowledge within 10 business days (Cal. Code Regs. tit. 11, § 7021(a)). */
export const ACKNOWLEDGE_BUSINESS_DAYS = 10;
/** CCPA: answer within 45 calendar days, once extended by 45 more (Cal. Civ. Code § 1798.130(a)(2)). */
export const CCPA_DAYS = 45;
/** GDPR Art. 12(3): one month, extendable by two further months. */
export const GDPR_MONTHS = 1;
export const GDPR_EXTENSION_MONTHS = 2;

export interface Deadlines {
  acknowledgeBy: Date;
  dueAt: Date;
}

const dayOf = (at: Date, cal: BusinessCalendar) => DateTime.fromJSDate(at, { zone: cal.zone }).startOf('day');
const endOf = (d: DateTime) => d.endOf('day').toJSDate();

/** The end of the `n`th business day after the day of `from` (the day itself is not counted). */
export function addBusinessDays(from: Date, n: number, cal: BusinessCalendar): Date {
  let d = dayOf(from, cal);
  let counted = 0;
  while (counted < n) {
    d = d.plus({ days: 1 });
    if (cal.isBusinessDay(d.toISODate() as string)) counted++;
  }
  return endOf(d);
}

/**
 * The first deadlines of a request received at `receivedAt`: the acknowledgement after 10 business
 * days, whatever the regime; the answer after 45 calendar days (CCPA, and `other`, which follows the
 * CCPA clock) or one calendar month (GDPR: 31 January gives 28 or 29 February).
 */
export function deadlinesOf(regime: Regime, receivedAt: Date, cal: BusinessCalendar): Deadlines {
  return { acknowledgeBy: addBusinessDays(receivedAt, ACKNOWLEDGE_BUSINESS_DAYS, cal), dueAt: answerDue(regime, receivedAt, false, cal) };
}

/** When the answer is due, with or without the one extension. */
export function answerDue(regime: Regime, receivedAt: Date, extended: boolean, cal: BusinessCalendar): Date {
  const d = dayOf(receivedAt, cal);
  if (regime === 'gdpr') return endOf(d.plus({ months: extended ? GDPR_MONTHS + GDPR_EXTENSION_MONTHS : GDPR_MONTHS }));
  return endOf(d.plus({ days: extended ? 2 * CCPA_DAYS : CCPA_DAYS }));
}

export type ExtensionRefusal = 'already_extended' | 'window_closed';

/**
 * DSR-4: whether the request may be extended at `now`. Only once; the notice must go out before the
 * first period ends (CCPA: before day 45 is over; GDPR: within the first month), so once the
 * original deadline has passed the extension is refused.
 */
export function extensionRefusal(regime: Regime, receivedAt: Date, alreadyExtended: boolean, now: Date, cal: BusinessCalendar): ExtensionRefusal | null {
  if (alreadyExtended) return 'already_extended';
  return now.getTime() > answerDue(regime, receivedAt, false, cal).getTime() ? 'window_closed' : null;
}

/** Whole calendar days from receipt to response, for the yearly report (DSR-5). */
export function daysToRespond(receivedAt: Date, respondedAt: Date, cal: BusinessCalendar): number {
  return Math.round(dayOf(respondedAt, cal).diff(dayOf(receivedAt, cal), 'days').days);
}
