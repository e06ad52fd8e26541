import { describe, expect, it } from 'vitest';
import { isBusinessDay, SUPPORT_ZONE } from '../support/index.ts';
import { addBusinessDays, answerDue, daysToRespond, deadlinesOf, extensionRefusal } from './deadlines.ts';

const cal = { zone: SUPPORT_ZONE, isBusinessDay };
/** An instant on a Denver calendar day, at noon local. */
const denverNoon = (date: string) => new Date(`${date}T12:00:00-07:00`);

describe('DSR-4: request deadlines', () => {
  it('DSR-4: CCPA acknowledgement falls after 10 business days of the support calendar (Thanksgiving skipped)', () => {
    // Monday 16 November 2026: 17-20, 23-25, 27, 30 November, 1 December (26th is Thanksgiving).
    const { acknowledgeBy, dueAt } = deadlinesOf('ccpa', denverNoon('2026-11-16'), cal);
    expect(acknowledgeBy.toISOString()).toBe('2026-12-02T06:59:59.999Z');
    // 45 calendar days: 31 December, end of day in Denver.
    expect(dueAt.toISOString()).toBe('2027-01-01T06:59:59.999Z');
    // A Friday-evening receipt counts from Monday.
    expect(addBusinessDays(new Date('2026-03-07T05:00:00Z'), 1, cal).toISOString()).toBe('2026-03-10T05:59:59.999Z');
  });

  it('DSR-4: GDPR gives one calendar month, clamped at the end of a shorter month, and two more when extended', () => {
    expect(answerDue('gdpr', denverNoon('2027-01-31'), false, cal).toISOString()).toBe('2027-03-01T06:59:59.999Z');
    expect(answerDue('gdpr', denverNoon('2028-01-31'), false, cal).toISOString()).toBe('2028-03-01T06:59:59.999Z');
    expect(answerDue('gdpr', denverNoon('2027-01-31'), true, cal).toISOString()).toBe('2027-05-01T05:59:59.999Z');
    expect(answerDue('ccpa', denverNoon('2026-11-16'), true, cal).toISOString()).toBe('2027-02-15T06:59:59.999Z');
  });

  it('DSR-4: one extension only, and only before the first period ends', () => {
    const received = denverNoon('2026-11-16');
    expect(extensionRefusal('ccpa', received, false, new Date('2027-01-01T06:59:59.999Z'), cal)).toBeNull();
    expect(extensionRefusal('ccpa', received, false, new Date('2027-01-01T07:00:00Z'), cal)).toBe('window_closed');
    expect(extensionRefusal('ccpa', received, true, denverNoon('2026-11-20'), cal)).toBe('already_extended');
    expect(extensionRefusal('gdpr', denverNoon('2027-01-31'), false, denverNoon('2027-02-28'), cal)).toBeNull();
    expect(extensionRefusal('gdpr', denverNoon('2027-01-31'), false, denverNoon('2027-03-01'), cal)).toBe('window_closed');
    expect(daysToRespond(received, denverNoon('2026-12-01'), cal)).toBe(15);
  });
});
