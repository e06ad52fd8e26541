import { DateTime } from 'luxon';
import { SUPPORT_ZONE, formatSupportTimeForPeople as when } from './calendar.ts';

/** SUP-2: `full` support, or `limited` to knowledge-base answers and critical defects that affect the customer base. */
export type EligibilityLevel = 'full' | 'limited';

export interface Eligibility {
  level: EligibilityLevel;
  plan: string;
  /** A sentence the customer and staff see on the ticket. */
  reason: string;
  /** When full support ends for a free organization or a jumpstart trial; null when it does not. */
  fullSupportUntil: string | null;
}

export const FREE_FULL_SUPPORT_DAYS = 7;

/**
 * The end of a free organization's full support: 7 calendar days after
 * sign-up, to the minute (the minute of sign-up, seconds dropped), on the
 * wall clock in America/Denver. Luxon's
 * `plus({ days })` keeps the wall-clock time across a change of the clocks,
 * so a sign-up at 10:17 is followed by full support until 10:17 a week later
 * even when the clocks change in between.
 */
export function freeSupportEnds(signedUpAt: string): Date {
  let ends = endsBySignup.get(signedUpAt);
  if (ends === undefined) {
    ends = DateTime.fromISO(signedUpAt, { zone: SUPPORT_ZONE }).startOf('minute').plus({ days: FREE_FULL_SUPPORT_DAYS }).toMillis();
    if (endsBySignup.size >= 10_000) endsBySignup.clear();
    endsBySignup.set(signedUpAt, ends);
  }
  return new Date(ends);
}

/** An organization's sign-up never changes: its end of free support is worked out once (time-zone arithmetic is slow). */
const endsBySignup = new Map<string, number>();

/** SUP-2, computed when a ticket is opened (and again when the plan changes). */
export function eligibilityOf(org: { plan: string; plan_ends_at: string | null; created_at: string }, now: Date): Eligibility {
  if (org.plan === 'paid') return { level: 'full', plan: 'paid', reason: 'Paid plan: full support.', fullSupportUntil: null };
  if (org.plan === 'jumpstart') {
    const ends = org.plan_ends_at ? new Date(org.plan_ends_at) : null;
    if (ends && now < ends) {
      return {
        level: 'full',
        plan: 'jumpstart',
        reason: `Jumpstart trial: full support from your dedicated specialist until ${when(ends)}.`,
        fullSupportUntil: ends.toISOString(),
      };
    }
    return {
      level: 'limited',
      plan: 'jumpstart',
      reason: `The jumpstart trial ended${ends ? ` on ${when(ends)}` : ''}: support is limited to the knowledge base and to critical defects that affect the customer base. Add a card to move to the paid plan.`,
      fullSupportUntil: ends ? ends.toISOString() : null,
    };
  }
  const until = freeSupportEnds(org.created_at);
  if (now < until) {
    return {
      level: 'full',
      plan: org.plan,
      reason: `Free plan: full support for the first ${FREE_FULL_SUPPORT_DAYS} days after sign-up, until ${when(until)}.`,
      fullSupportUntil: until.toISOString(),
    };
  }
  return {
    level: 'limited',
    plan: org.plan,
    reason: `Free plan: full support ended ${FREE_FULL_SUPPORT_DAYS} days after sign-up, on ${when(until)}. Support is now limited to the knowledge base and to critical defects that affect the customer base. Add a card to move to the paid plan.`,
    fullSupportUntil: until.toISOString(),
  };
}
