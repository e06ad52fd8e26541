/**
 * SUP-4: the support business calendar. Monday to Friday, 09:00 to 17:00
 * America/Denver, without the U.S. federal holidays of 5 U.S.C. 6103(a) on
 * their observed dates. Pure code: no I/O, no clock, and nothing here depends
 * on the process's own time zone (calendar dates are counted as UTC day
 * numbers, wall times are resolved in the named zone by Luxon).
 */
import { DateTime } from 'luxon';
import { AppError, CommonErrors } from '../../core/errors.ts';

export const SUPPORT_ZONE = 'America/Denver';
export const OPENING_HOUR = 9;
export const CLOSING_HOUR = 17;
/** The most business hours one computation accepts (about 48 years): it bounds the work per call. */
export const MAX_BUSINESS_HOURS = 100_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BUSINESS_DAY_MS = (CLOSING_HOUR - OPENING_HOUR) * HOUR_MS;

export interface FederalHoliday {
  /** The name used in 5 U.S.C. 6103(a). */
  name: string;
  /** The holiday's own date, YYYY-MM-DD. */
  date: string;
  /** The day it is observed (the day off), YYYY-MM-DD. */
  observed: string;
}

// ---- calendar dates as day numbers (days since 1970-01-01), always through UTC methods ----

const dayNumber = (year: number, month: number, day: number): number => Date.UTC(year, month - 1, day) / DAY_MS;
/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
const weekdayOf = (dn: number): number => (((dn + 4) % 7) + 7) % 7;
const yearOf = (dn: number): number => new Date(dn * DAY_MS).getUTCFullYear();
const isoDate = (dn: number): string => new Date(dn * DAY_MS).toISOString().slice(0, 10);

/** The n-th given weekday of a month (n = 1 for the first). */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = dayNumber(year, month, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = dayNumber(year, month + 1, 1) - 1;
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** 5 U.S.C. 6103(b) and Executive Order 11582: Saturday to the Friday before, Sunday to the Monday after. */
function observedDay(dn: number): number {
  const wd = weekdayOf(dn);
  return wd === 6 ? dn - 1 : wd === 0 ? dn + 1 : dn;
}

const MONDAY = 1;
const THURSDAY = 4;

/** The holidays of 5 U.S.C. 6103(a) that fall in `year`, on their own dates. */
function statutoryDays(year: number): Array<{ name: string; day: number }> {
  const days = [
    { name: "New Year's Day", day: dayNumber(year, 1, 1) },
    { name: 'Birthday of Martin Luther King, Jr.', day: nthWeekday(year, 1, MONDAY, 3) },
    { name: "Washington's Birthday", day: nthWeekday(year, 2, MONDAY, 3) },
    { name: 'Memorial Day', day: lastWeekday(year, 5, MONDAY) },
    { name: 'Juneteenth National Independence Day', day: dayNumber(year, 6, 19) },
    { name: 'Independence Day', day: dayNumber(year, 7, 4) },
    { name: 'Labor Day', day: nthWeekday(year, 9, MONDAY, 1) },
    { name: 'Columbus Day', day: nthWeekday(year, 10, MONDAY, 2) },
    { name: 'Veterans Day', day: dayNumber(year, 11, 11) },
    { name: 'Thanksgiving Day', day: nthWeekday(year, 11, THURSDAY, 4) },
    { name: 'Christmas Day', day: dayNumber(year, 12, 25) },
  ];
  // Juneteenth was added by Pub. L. 117-17 in June 2021, first observed on Friday 18 June 2021.
  return year >= 2021 ? days : days.filter((d) => !d.name.startsWith('Juneteenth'));
}

const tables = new Map<number, readonly FederalHoliday[]>();

/**
 * The federal holidays observed in `year`, in date order. Observance can move a
 * holiday across a year's end: a Saturday New Year's Day is observed on
 * December 31 of the year before, so it is listed in that year's table (and
 * not in its own). The current statute's list is applied to every year.
 */
export function federalHolidays(year: number): readonly FederalHoliday[] {
  if (!Number.isInteger(year)) throw new AppError(CommonErrors.invalid, 'The year must be a whole number.', { details: { field: 'year' } });
  const cached = tables.get(year);
  if (cached) return cached;
  const table = [...statutoryDays(year - 1), ...statutoryDays(year), ...statutoryDays(year + 1)]
    .map(({ name, day }) => ({ name, day, observed: observedDay(day) }))
    .filter((h) => yearOf(h.observed) === year)
    .sort((a, b) => a.observed - b.observed)
    .map(({ name, day, observed }) => Object.freeze({ name, date: isoDate(day), observed: isoDate(observed) }));
  const frozen = Object.freeze(table);
  tables.set(year, frozen);
  return frozen;
}

const holidayDays = new Map<number, ReadonlySet<number>>();

function isObservedHoliday(dn: number): boolean {
  const year = yearOf(dn);
  let set = holidayDays.get(year);
  if (!set) {
    set = new Set(federalHolidays(year).map((h) => Date.parse(h.observed) / DAY_MS));
    holidayDays.set(year, set);
  }
  return set.has(dn);
}

// ---- wall time in the support zone, one cached record per calendar day ----

interface Day {
  /** The instant of local midnight (Denver changes its clocks at 02:00, so midnight always exists once). */
  start: number;
  open: number;
  close: number;
  business: boolean;
}

const days = new Map<number, Day>();
const MAX_CACHED_DAYS = 50_000;

function localInstant(dn: number, hour: number): number {
  const d = new Date(dn * DAY_MS);
  return DateTime.fromObject(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour },
    { zone: SUPPORT_ZONE },
  ).toMillis();
}

function day(dn: number): Day {
  let info = days.get(dn);
  if (info) return info;
  if (days.size >= MAX_CACHED_DAYS) days.clear();
  const wd = weekdayOf(dn);
  info = {
    start: localInstant(dn, 0),
    open: localInstant(dn, OPENING_HOUR),
    close: localInstant(dn, CLOSING_HOUR),
    business: wd !== 0 && wd !== 6 && !isObservedHoliday(dn),
  };
  days.set(dn, info);
  return info;
}

/** The support zone's calendar day of an instant. Denver is 6 or 7 hours behind UTC, so it is one of two days. */
function localDayOf(ms: number): number {
  const dn = Math.floor((ms - 6 * HOUR_MS) / DAY_MS);
  return ms < day(dn).start ? dn - 1 : dn;
}

// ---- the public helpers ----

/** The instants the calendar answers for: years 1900 to 9999, far beyond any ticket. */
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

function checkInstant(at: Date, field: string): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > LATEST) throw new AppError(CommonErrors.invalid, `${field} must be a valid date and time between the years 1900 and 9999.`, { details: { field } });
  return ms;
}

/** Whether an instant is inside business hours: [09:00, 17:00) Denver time on a business day. */
export function isBusinessTime(at: Date): boolean {
  const ms = checkInstant(at, 'at');
  const d = day(localDayOf(ms));
  return d.business && ms >= d.open && ms < d.close;
}

/** Whether a calendar date (YYYY-MM-DD) is a business day: a weekday that is not an observed federal holiday. */
export function isBusinessDay(date: string): boolean {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(date) : Number.NaN;
  if (!Number.isFinite(ms) || isoDate(ms / DAY_MS) !== date) {
    throw new AppError(CommonErrors.invalid, 'The date must be a calendar date, YYYY-MM-DD.', { details: { field: 'date' } });
  }
  return day(ms / DAY_MS).business;
}

/** The first business day's opening strictly after calendar day `dn`. */
function openingAfter(dn: number): number {
  let next = dn + 1;
  while (!day(next).business) next++;
  return day(next).open;
}

/** The first opening (09:00 on a business day) at or after `at`. */
export function nextOpening(at: Date): Date {
  const ms = checkInstant(at, 'at');
  const dn = localDayOf(ms);
  const d = day(dn);
  return new Date(d.business && ms <= d.open ? d.open : openingAfter(dn));
}

/**
 * The instant at which `hours` business hours have passed since `from`
 * (fractional hours are counted to the millisecond). Time outside business
 * hours does not count, so a start outside hours counts from the next opening.
 * A target that ends exactly at closing time is due at closing time, not at the
 * next opening. Zero hours gives `from` itself when it is inside business
 * hours, and the next opening otherwise.
 */
export function addBusinessHours(from: Date, hours: number): Date {
  const ms = checkInstant(from, 'from');
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours < 0 || hours > MAX_BUSINESS_HOURS) {
    throw new AppError(CommonErrors.invalid, `The business hours must be a number from 0 to ${MAX_BUSINESS_HOURS}.`, {
      details: { field: 'hours' },
    });
  }
  let remaining = Math.round(hours * HOUR_MS);
  let dn = localDayOf(ms);
  const first = day(dn);
  if (first.business && ms < first.close) {
    const cursor = Math.max(ms, first.open);
    if (remaining <= first.close - cursor) return new Date(cursor + remaining);
    remaining -= first.close - cursor;
  }
  // Whole days from here: every business day holds the same 8 hours (the clocks change at 02:00).
  for (;;) {
    dn++;
    const d = day(dn);
    if (!d.business) continue;
    if (remaining <= BUSINESS_DAY_MS) return new Date(d.open + remaining);
    remaining -= BUSINESS_DAY_MS;
  }
}

/**
 * The business time, in milliseconds, between two instants (0 when `to` is not
 * after `from`): the inverse of addBusinessHours, used to count the time a
 * ticket spent waiting on its customer (SUP-4).
 */
export function businessMsBetween(from: Date, to: Date): number {
  const a = checkInstant(from, 'from');
  const b = checkInstant(to, 'to');
  if (b <= a) return 0;
  let total = 0;
  for (let dn = localDayOf(a), last = localDayOf(b); dn <= last; dn++) {
    const d = day(dn);
    if (!d.business) continue;
    const start = Math.max(a, d.open);
    const end = Math.min(b, d.close);
    if (end > start) total += end - start;
  }
  return total;
}

// One formatter for every message: building an Intl formatter per call costs more than the rest of a ticket.
const PEOPLE_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: SUPPORT_ZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** An instant as people read it, to the minute, on the support zone's wall clock: "Thursday 12 March 2026, 10:17 MDT". */
export function formatSupportTimeForPeople(at: Date): string {
  const ms = checkInstant(at, 'at');
  const p = Object.fromEntries(PEOPLE_FORMAT.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** An instant as ISO-8601 with the support zone's offset, e.g. 2026-11-25T10:30:00-07:00 (milliseconds only when not zero). */
export function formatSupportTime(at: Date): string {
  const ms = checkInstant(at, 'at');
  return DateTime.fromMillis(ms, { zone: SUPPORT_ZONE }).toISO({ suppressMilliseconds: true }) as string;
}
