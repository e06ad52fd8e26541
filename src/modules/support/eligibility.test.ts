import { describe, expect, it } from 'vitest';
import { eligibilityOf, freeSupportEnds } from './eligibility.ts';

const org = (plan: string, created_at: string, plan_ends_at: string | null = null) => ({ plan, created_at, plan_ends_at });

describe('SUP-2: eligibility by plan', () => {
  it('SUP-2: free support ends 7 calendar days after sign-up, to the minute on the Denver wall clock', () => {
    // Signed up Thursday 5 March 2026 at 10:17:45 MST; the clocks go forward on Sunday 8 March.
    expect(freeSupportEnds('2026-03-05T17:17:45.123Z').toISOString()).toBe('2026-03-12T16:17:00.000Z'); // 10:17 MDT
    // Signed up Thursday 29 October 2026 at 23:30 MDT; the clocks go back on Sunday 1 November.
    expect(freeSupportEnds('2026-10-30T05:30:00.000Z').toISOString()).toBe('2026-11-06T06:30:00.000Z'); // 23:30 MST
    const signedUp = '2026-03-05T17:17:45.000Z';
    expect(eligibilityOf(org('free', signedUp), new Date('2026-03-12T16:16:59.999Z')).level).toBe('full');
    expect(eligibilityOf(org('free', signedUp), new Date('2026-03-12T16:17:00.000Z')).level).toBe('limited');
  });

  it('SUP-2: paid is always full; jumpstart is full until its trial ends', () => {
    const now = new Date('2026-06-01T12:00:00.000Z');
    expect(eligibilityOf(org('paid', '2020-01-01T00:00:00.000Z'), now)).toMatchObject({ level: 'full', fullSupportUntil: null });
    expect(eligibilityOf(org('jumpstart', '2020-01-01T00:00:00.000Z', '2026-06-02T00:00:00.000Z'), now)).toMatchObject({ level: 'full', plan: 'jumpstart' });
    const ended = eligibilityOf(org('jumpstart', '2020-01-01T00:00:00.000Z', '2026-05-31T00:00:00.000Z'), now);
    expect(ended.level).toBe('limited');
    expect(ended.reason).toMatch(/trial ended on Saturday 30 May 2026, 18:00 MDT/);
  });
});
