import { addBusinessHours, businessMsBetween } from './calendar.ts';
import type { SupportTicketsTable } from './support.tables.ts';

/** Service-level targets, in business hours (SUP-4). */
export interface Targets {
  firstResponseHours: number;
  nextResponseHours: number;
  resolutionHours: number;
}

type Clocks = Pick<
  SupportTicketsTable,
  | 'status'
  | 'sla_started_at'
  | 'sla_paused_seconds'
  | 'sla_paused_since'
  | 'first_responded_at'
  | 'next_response_started_at'
  | 'next_response_pause_base'
>;

export interface Dues {
  first_response_due_at: string | null;
  next_response_due_at: string | null;
  resolution_due_at: string | null;
}

const NONE: Dues = { first_response_due_at: null, next_response_due_at: null, resolution_due_at: null };

/**
 * The due times of a ticket's running clocks. Each clock counts business
 * hours from its start, less the business time the ticket waited on its
 * customer: so the target is reached at `start + target + paused` business
 * hours. A paused or closed ticket has no due time (its clocks stand still);
 * a ticket without targets (limited support) has none either.
 */
export function duesOf(t: Clocks, targets: Targets | null): Dues {
  if (!targets || !t.sla_started_at || t.sla_paused_since || t.status === 'closed') return NONE;
  const start = new Date(t.sla_started_at);
  const paused = t.sla_paused_seconds / 3600;
  return {
    first_response_due_at: t.first_responded_at ? null : addBusinessHours(start, targets.firstResponseHours + paused).toISOString(),
    next_response_due_at: t.next_response_started_at
      ? addBusinessHours(new Date(t.next_response_started_at), targets.nextResponseHours + (t.sla_paused_seconds - t.next_response_pause_base) / 3600).toISOString()
      : null,
    resolution_due_at: addBusinessHours(start, targets.resolutionHours + paused).toISOString(),
  };
}

/** Stops the clocks (waiting on the customer, or closed); nothing changes if they already stand still. */
export function pause(t: Clocks, now: Date): Partial<SupportTicketsTable> {
  return t.sla_paused_since ? {} : { sla_paused_since: now.toISOString() };
}

/** Starts the clocks again, adding the business time they stood still to the paused total. */
export function resume(t: Clocks, now: Date): Partial<SupportTicketsTable> {
  if (!t.sla_paused_since) return {};
  const seconds = Math.floor(businessMsBetween(new Date(t.sla_paused_since), now) / 1000);
  return { sla_paused_since: null, sla_paused_seconds: t.sla_paused_seconds + seconds };
}
