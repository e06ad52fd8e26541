import Holidays from 'date-holidays';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import {
  addBusinessHours,
  businessMsBetween,
  federalHolidays,
  formatSupportTime,
  isBusinessDay,
  isBusinessTime,
  MAX_BUSINESS_HOURS,
  nextOpening,
  SUPPORT_ZONE,
} from './index.ts';

/** addBusinessHours on an ISO-8601 instant, answered in Denver time. */
const due = (from: string, hours: number): string => formatSupportTime(addBusinessHours(new Date(from), hours));

describe('SUP-4: the federal holiday table', () => {
  it('SUP-4: matches date-holidays (US, public and bank, America/Denver) on every weekday of 2020-2040', () => {
    // date-holidays lists a weekend holiday on its own date and its substitute day as well; only
    // weekdays matter to the calendar, so both sides are compared on their weekday dates.
    const hd = new Holidays('US', { types: ['public', 'bank'], timezone: SUPPORT_ZONE });
    for (let year = 2020; year <= 2040; year++) {
      const theirs = [year - 1, year, year + 1]
        .flatMap((y) => hd.getHolidays(y))
        .map((h) => h.date.slice(0, 10))
        .filter((d) => d.startsWith(`${year}-`) && ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
      const ours = federalHolidays(year).map((h) => h.observed);
      expect(ours, `year ${year}`).toEqual([...new Set(theirs)].sort());
    }
  });

  it('SUP-4: the 2026 table has the 11 holidays on their observed dates', () => {
    expect(federalHolidays(2026).map((h) => [h.date, h.observed])).toEqual([
      ['2026-01-01', '2026-01-01'],
      ['2026-01-19', '2026-01-19'], // 3rd Monday of January
      ['2026-02-16', '2026-02-16'], // 3rd Monday of February
      ['2026-05-25', '2026-05-25'], // last Monday of May
      ['2026-06-19', '2026-06-19'],
      ['2026-07-04', '2026-07-03'], // a Saturday: the Friday before
      ['2026-09-07', '2026-09-07'], // 1st Monday of September
      ['2026-10-12', '2026-10-12'], // 2nd Monday of October
      ['2026-11-11', '2026-11-11'],
      ['2026-11-26', '2026-11-26'], // 4th Thursday of November
      ['2026-12-25', '2026-12-25'],
    ]);
  });

  it('SUP-4: Sunday holidays move to the Monday after, Saturday ones to the Friday before', () => {
    const observed = (year: number, name: string) => federalHolidays(year).find((h) => h.name === name)?.observed;
    expect(observed(2021, 'Independence Day')).toBe('2021-07-05'); // Sunday
    expect(observed(2023, 'Veterans Day')).toBe('2023-11-10'); // Saturday
    expect(observed(2027, 'Christmas Day')).toBe('2027-12-24'); // Saturday
    expect(observed(2022, 'Christmas Day')).toBe('2022-12-26'); // Sunday
    expect(observed(2023, "New Year's Day")).toBe('2023-01-02'); // Sunday
  });

  it("SUP-4: a Saturday New Year's Day is observed on December 31 and listed in the year before", () => {
    expect(federalHolidays(2021).at(-1)).toEqual({ name: "New Year's Day", date: '2022-01-01', observed: '2021-12-31' });
    expect(federalHolidays(2022).some((h) => h.name === "New Year's Day")).toBe(false);
    expect(federalHolidays(2022)).toHaveLength(10);
    expect(federalHolidays(2027).at(-1)).toEqual({ name: "New Year's Day", date: '2028-01-01', observed: '2027-12-31' });
    expect(isBusinessDay('2021-12-31')).toBe(false);
    expect(isBusinessDay('2027-12-31')).toBe(false);
  });

  it('SUP-4: Juneteenth is a holiday only from 2021 (first observed Friday 18 June 2021)', () => {
    const juneteenth = (year: number) => federalHolidays(year).find((h) => h.name.startsWith('Juneteenth'))?.observed;
    expect(juneteenth(2020)).toBeUndefined();
    expect(isBusinessDay('2020-06-19')).toBe(true);
    expect(juneteenth(2021)).toBe('2021-06-18');
    expect(juneteenth(2022)).toBe('2022-06-20');
    expect(juneteenth(2026)).toBe('2026-06-19');
  });

  it('SUP-4: no business time on any observed holiday of 2020-2040', () => {
    for (let year = 2020; year <= 2040; year++) {
      for (const h of federalHolidays(year)) {
        expect(isBusinessDay(h.observed), h.observed).toBe(false);
        const noon = DateTime.fromISO(`${h.observed}T12:00`, { zone: SUPPORT_ZONE }).toJSDate();
        expect(isBusinessTime(noon), h.observed).toBe(false);
        // An hour counted from the holiday ends on a later day.
        const next = formatSupportTime(addBusinessHours(noon, 1));
        expect(next.slice(0, 10) > h.observed, next).toBe(true);
      }
    }
  });
});

describe('SUP-4: business hours', () => {
  it('SUP-4: counts within a day, and across a weekend', () => {
    expect(due('2026-11-18T10:00:00-07:00', 3)).toBe('2026-11-18T13:00:00-07:00');
    expect(due('2026-11-20T16:00:00-07:00', 2)).toBe('2026-11-23T10:00:00-07:00'); // Friday to Monday
    expect(due('2026-11-21T12:00:00-07:00', 2)).toBe('2026-11-23T11:00:00-07:00'); // from a Saturday
    expect(due('2026-11-16T09:00:00-07:00', 40)).toBe('2026-11-20T17:00:00-07:00'); // a full week
    expect(due('2026-11-16T09:00:00-07:00', 41)).toBe('2026-11-23T10:00:00-07:00');
  });

  it('SUP-4: skips observed holidays (Thanksgiving, a Friday-observed Independence Day, New Year on Dec 31)', () => {
    expect(due('2026-11-25T16:00:00-07:00', 2)).toBe('2026-11-27T10:00:00-07:00');
    expect(due('2026-11-26T10:00:00-07:00', 1)).toBe('2026-11-27T10:00:00-07:00'); // a start on a holiday
    expect(due('2026-07-02T16:00:00-06:00', 2)).toBe('2026-07-06T10:00:00-06:00');
    expect(due('2021-12-30T16:00:00-07:00', 2)).toBe('2022-01-03T10:00:00-07:00');
  });

  it('SUP-4: a start before opening or after closing counts from the next opening', () => {
    expect(due('2026-11-18T07:00:00-07:00', 1)).toBe('2026-11-18T10:00:00-07:00');
    expect(due('2026-11-18T18:00:00-07:00', 1)).toBe('2026-11-19T10:00:00-07:00');
    expect(due('2026-11-18T23:59:59-07:00', 1)).toBe('2026-11-19T10:00:00-07:00');
    expect(due('2026-11-19T00:00:00-07:00', 1)).toBe('2026-11-19T10:00:00-07:00');
  });

  it('SUP-4: a target that ends exactly at closing time is due at closing time', () => {
    expect(due('2026-11-18T09:00:00-07:00', 8)).toBe('2026-11-18T17:00:00-07:00');
    expect(due('2026-11-18T13:00:00-07:00', 4)).toBe('2026-11-18T17:00:00-07:00');
    expect(due('2026-11-18T07:00:00-07:00', 8)).toBe('2026-11-18T17:00:00-07:00');
    expect(due('2026-11-18T16:00:00-07:00', 9)).toBe('2026-11-19T17:00:00-07:00');
    expect(due('2026-11-20T16:30:00-07:00', 0.5)).toBe('2026-11-20T17:00:00-07:00'); // a Friday, not Monday 09:00
  });

  it('SUP-4: the spring-forward week (Sunday 8 March 2026) keeps 09:00-17:00 wall time', () => {
    expect(due('2026-03-06T16:00:00-07:00', 2)).toBe('2026-03-09T10:00:00-06:00');
    expect(addBusinessHours(new Date('2026-03-06T16:00:00-07:00'), 2).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(due('2026-03-08T02:30:00-07:00', 1)).toBe('2026-03-09T10:00:00-06:00'); // in the skipped hour's neighbourhood
    expect(due('2026-03-05T09:00:00-07:00', 24)).toBe('2026-03-09T17:00:00-06:00');
  });

  it('SUP-4: the fall-back week (Sunday 1 November 2026) keeps 09:00-17:00 wall time', () => {
    expect(due('2026-10-30T16:00:00-06:00', 2)).toBe('2026-11-02T10:00:00-07:00');
    expect(addBusinessHours(new Date('2026-10-30T16:00:00-06:00'), 2).toISOString()).toBe('2026-11-02T17:00:00.000Z');
    expect(due('2026-11-01T01:30:00-06:00', 1)).toBe('2026-11-02T10:00:00-07:00'); // the first 01:30
    expect(due('2026-11-01T01:30:00-07:00', 1)).toBe('2026-11-02T10:00:00-07:00'); // the repeated 01:30
    expect(due('2026-10-29T09:00:00-06:00', 24)).toBe('2026-11-02T17:00:00-07:00');
  });

  it('SUP-4: fractional hours count to the minute and below', () => {
    expect(due('2026-11-18T09:00:00-07:00', 0.25)).toBe('2026-11-18T09:15:00-07:00');
    expect(due('2026-11-18T09:00:00-07:00', 1 / 3)).toBe('2026-11-18T09:20:00-07:00');
    expect(due('2026-11-18T16:30:00-07:00', 1.5)).toBe('2026-11-19T10:00:00-07:00');
    expect(due('2026-11-18T09:00:00-07:00', 1 / 3600)).toBe('2026-11-18T09:00:01-07:00');
  });

  it('SUP-4: zero hours is the start itself inside hours, the next opening outside them', () => {
    expect(due('2026-11-18T11:22:33-07:00', 0)).toBe('2026-11-18T11:22:33-07:00');
    expect(due('2026-11-18T09:00:00-07:00', 0)).toBe('2026-11-18T09:00:00-07:00');
    expect(due('2026-11-18T07:00:00-07:00', 0)).toBe('2026-11-18T09:00:00-07:00');
    expect(due('2026-11-18T17:00:00-07:00', 0)).toBe('2026-11-19T09:00:00-07:00'); // closing time is outside hours
    expect(due('2026-11-21T10:00:00-07:00', 0)).toBe('2026-11-23T09:00:00-07:00');
  });

  it('SUP-4: isBusinessTime and nextOpening', () => {
    const at = (s: string) => new Date(s);
    expect(isBusinessTime(at('2026-11-18T09:00:00-07:00'))).toBe(true);
    expect(isBusinessTime(at('2026-11-18T16:59:59-07:00'))).toBe(true);
    expect(isBusinessTime(at('2026-11-18T17:00:00-07:00'))).toBe(false);
    expect(isBusinessTime(at('2026-11-18T08:59:59-07:00'))).toBe(false);
    expect(isBusinessTime(at('2026-11-21T12:00:00-07:00'))).toBe(false);
    expect(formatSupportTime(nextOpening(at('2026-11-18T09:00:00-07:00')))).toBe('2026-11-18T09:00:00-07:00');
    expect(formatSupportTime(nextOpening(at('2026-11-18T09:00:01-07:00')))).toBe('2026-11-19T09:00:00-07:00');
    expect(formatSupportTime(nextOpening(at('2026-11-25T18:00:00-07:00')))).toBe('2026-11-27T09:00:00-07:00');
  });

  it('SEC-3: bad input is refused with a typed error', () => {
    const from = new Date('2026-11-18T10:00:00-07:00');
    for (const hours of [-1, Number.NaN, Number.POSITIVE_INFINITY, MAX_BUSINESS_HOURS + 1, '8' as unknown as number]) {
      expect(() => addBusinessHours(from, hours)).toThrow(AppError);
    }
    for (const bad of [new Date('nope'), new Date(-8.64e15), '2026-11-18' as unknown as Date]) {
      expect(() => addBusinessHours(bad, 1)).toThrow(AppError);
      expect(() => isBusinessTime(bad)).toThrow(AppError);
    }
    expect(() => isBusinessDay('2026-02-30')).toThrow(AppError);
    expect(() => federalHolidays(2026.5)).toThrow(AppError);
    try {
      addBusinessHours(from, -1);
    } catch (e) {
      expect((e as AppError).code).toBe('common.invalid');
      expect((e as AppError).details).toEqual({ field: 'hours' });
    }
  });

  it('SUP-4: a large target lands on the same instant as adding it in pieces', () => {
    const from = new Date('2026-11-18T10:00:00-07:00');
    let stepped = from;
    for (let i = 0; i < 250; i++) stepped = addBusinessHours(stepped, 8);
    expect(addBusinessHours(from, 2000).toISOString()).toBe(stepped.toISOString());
  });
});

/** The slow reference: one minute at a time, each minute checked in Denver wall time with Luxon. */
function referenceDue(from: number, minutes: number): number {
  const holidays = new Map<number, Set<string>>();
  // Denver's offsets are whole hours, so the local day and hour, and with them whether support is
  // open, are the same for every minute of a UTC hour: each hour is looked up once.
  const openHours = new Map<number, boolean>();
  const open = (t: number) => {
    const hour = Math.floor(t / 3_600_000);
    let isOpen = openHours.get(hour);
    if (isOpen === undefined) {
      const dt = DateTime.fromMillis(t, { zone: SUPPORT_ZONE });
      let set = holidays.get(dt.year);
      if (!set) holidays.set(dt.year, (set = new Set(federalHolidays(dt.year).map((h) => h.observed))));
      isOpen = dt.weekday <= 5 && dt.hour >= 9 && dt.hour < 17 && !set.has(dt.toISODate() as string);
      openHours.set(hour, isOpen);
    }
    return isOpen;
  };
  let t = from;
  let left = minutes;
  if (left === 0) {
    while (!open(t)) t += 60_000;
    return t;
  }
  while (left > 0) {
    if (open(t)) left--;
    t += 60_000;
  }
  return t;
}

describe('SUP-4: against a minute-by-minute reference', () => {
  it('SUP-4: addBusinessHours equals the reference on random instants and targets', () => {
    const minute = 60_000;
    const start = Date.UTC(2020, 0, 1) / minute;
    const end = Date.UTC(2040, 11, 20) / minute;
    // Random instants over 2020-2040, and some in the DST-change and holiday weeks of 2026.
    const instants = fc.oneof(
      fc.integer({ min: start, max: end }),
      fc.integer({ min: Date.UTC(2026, 2, 5) / minute, max: Date.UTC(2026, 2, 10) / minute }),
      fc.integer({ min: Date.UTC(2026, 9, 29) / minute, max: Date.UTC(2026, 10, 3) / minute }),
      fc.integer({ min: Date.UTC(2026, 10, 24) / minute, max: Date.UTC(2026, 10, 28) / minute }),
      fc.integer({ min: Date.UTC(2021, 11, 29) / minute, max: Date.UTC(2022, 0, 3) / minute }),
    );
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 24 * 60 }), (fromMinute, minutes) => {
        const from = fromMinute * minute;
        const ours = addBusinessHours(new Date(from), minutes / 60).getTime();
        expect(new Date(ours).toISOString()).toBe(new Date(referenceDue(from, minutes)).toISOString());
      }),
      { numRuns: 150 },
    );
  });
});

describe('SUP-4: business time between two instants (the paused time of a ticket)', () => {
  it('SUP-4: counts only business hours, across a weekend, a holiday and the change of the clocks', () => {
    const ms = (a: string, b: string) => businessMsBetween(new Date(a), new Date(b)) / 3_600_000;
    expect(ms('2026-03-06T16:00:00-07:00', '2026-03-09T10:00:00-06:00')).toBe(2); // Friday 16–17, Monday 9–10 (MDT)
    expect(ms('2026-11-25T16:00:00-07:00', '2026-11-30T09:30:00-07:00')).toBe(9.5); // Wednesday 1 h, Thanksgiving 0, Friday 8, the weekend 0, Monday 0.5
    expect(ms('2026-03-07T12:00:00-07:00', '2026-03-08T12:00:00-06:00')).toBe(0);
    expect(ms('2026-03-10T12:00:00-06:00', '2026-03-10T11:00:00-06:00')).toBe(0);
    expect(() => businessMsBetween(new Date('nope'), new Date())).toThrow(AppError);
  });

  it('SUP-4: is the inverse of addBusinessHours from any start', () => {
    const minute = 60_000;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / minute, max: Date.UTC(2030, 0, 1) / minute }),
        fc.integer({ min: 0, max: 400 * 60 }),
        (fromMinute, minutes) => {
          const from = new Date(fromMinute * minute);
          const due = addBusinessHours(from, minutes / 60);
          expect(businessMsBetween(from, due)).toBe(minutes * minute);
        },
      ),
      { numRuns: 500 },
    );
  });
});
