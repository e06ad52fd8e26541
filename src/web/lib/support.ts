// The support desk's labels and due-time arithmetic (SUP-2..SUP-5), shared by the
// customer's pages and the staff desk. Pure functions, except the useNow hook.
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, toApiError } from '../api.ts';
import type { StaffCloseReason } from '../../contracts/support.ts';
import type { CloseReason, TicketEnvironment, TicketPriority, TicketSla, TicketStatus } from '../api.ts';

/** SUP-4: service-level targets run in this zone's business hours, so due times are shown in it too. */
export const SUPPORT_ZONE = 'America/Denver';

/** Countdowns refresh this often (and the pages that show them reload their data as often). */
export const COUNTDOWN_REFRESH_MS = 60_000;

const MINUTE_MS = 60_000;
/** A due time nearer than this is "soon" (shown in orange). */
const SOON_MS = 2 * 60 * MINUTE_MS;

export const ENVIRONMENTS: readonly TicketEnvironment[] = ['production', 'staging', 'test', 'development'];
export const ENVIRONMENT_LABELS: Record<TicketEnvironment, string> = {
  production: 'Production',
  staging: 'Staging',
  test: 'Test',
  development: 'Development',
};

export const PRIORITIES: readonly TicketPriority[] = ['urgent', 'high', 'normal', 'low'];
export const PRIORITY_LABELS: Record<TicketPriority, string> = { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' };

/** How a ticket's status reads to the customer ("pending" waits on them) and to the desk. */
export const STATUS_LABELS: Record<TicketStatus, { customer: string; staff: string; color: string }> = {
  open: { customer: 'Open', staff: 'Open', color: 'blue' },
  pending: { customer: 'Waiting for your reply', staff: 'Waiting on customer', color: 'orange' },
  closed: { customer: 'Closed', staff: 'Closed', color: 'gray' },
};

/** SUP-3: why a ticket was closed; every reason but "resolved" is out of scope. */
export const CLOSE_REASONS: readonly StaffCloseReason[] = [
  'resolved',
  'end_user_support',
  'customization',
  'unsupported_protocol_or_equipment',
  'professional_services',
  'not_english',
];
export const CLOSE_REASON_LABELS: Record<CloseReason, string> = {
  resolved: 'Resolved',
  end_user_support: 'End-user support (the organization administrator’s)',
  customization: 'Customization',
  unsupported_protocol_or_equipment: 'Unsupported protocol or equipment',
  professional_services: 'Professional services',
  not_english: 'Not in English',
  organization_deleted: 'Organization deleted',
};

export const ELIGIBILITY_LABELS: Record<'full' | 'limited', { label: string; color: string }> = {
  full: { label: 'Full support', color: 'teal' },
  limited: { label: 'Limited support', color: 'yellow' },
};

export type DueKey = 'firstResponse' | 'nextResponse' | 'resolution';
export const DUE_LABELS: Record<DueKey, string> = {
  firstResponse: 'First response',
  nextResponse: 'Next response',
  resolution: 'Resolution',
};

export interface DueTime {
  key: DueKey;
  label: string;
  /** ISO instant. */
  at: string;
}

/** The targets still running, earliest first (a first response already given is not one). */
export function dueTimes(sla: TicketSla): DueTime[] {
  const list: DueTime[] = [];
  if (sla.firstResponseDueAt && !sla.firstRespondedAt) list.push({ key: 'firstResponse', label: DUE_LABELS.firstResponse, at: sla.firstResponseDueAt });
  if (sla.nextResponseDueAt) list.push({ key: 'nextResponse', label: DUE_LABELS.nextResponse, at: sla.nextResponseDueAt });
  if (sla.resolutionDueAt) list.push({ key: 'resolution', label: DUE_LABELS.resolution, at: sla.resolutionDueAt });
  return list.filter((d) => !Number.isNaN(Date.parse(d.at))).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The nearest running target, or null when none runs. */
export function nearestDue(sla: TicketSla): DueTime | null {
  return dueTimes(sla)[0] ?? null;
}

/** "3 d 4 h", "2 h 05 min", "12 min": a duration in whole minutes, rounded down. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / MINUTE_MS);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return `${hours} h ${String(mins).padStart(2, '0')} min`;
  return `${mins} min`;
}

/** "in 2 h 05 min", "overdue by 12 min", or "due now" within a minute either side. */
export function formatCountdown(dueAt: string, now: Date): string {
  const diff = Date.parse(dueAt) - now.getTime();
  if (Number.isNaN(diff)) return '';
  if (Math.abs(diff) < MINUTE_MS) return 'due now';
  return diff > 0 ? `in ${formatDuration(diff)}` : `overdue by ${formatDuration(diff)}`;
}

export type DueState = 'overdue' | 'soon' | 'later';

export function dueState(dueAt: string, now: Date): DueState {
  const diff = Date.parse(dueAt) - now.getTime();
  if (diff < 0) return 'overdue';
  return diff < SOON_MS ? 'soon' : 'later';
}

export const DUE_STATE_COLORS: Record<DueState, string> = { overdue: 'red', soon: 'orange', later: 'gray' };

/** The browser's own time zone (an IANA name), or UTC when it cannot tell. */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as a date and time in `timeZone`, with the zone's abbreviation: "Mon, Nov 23, 2026, 9:00 AM MST". */
export function formatInZone(iso: string, timeZone: string, locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const key = `${locale ?? ''}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, {
        timeZone,
        weekday: 'short',
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZoneName: 'short',
      });
    } catch {
      return iso;
    }
    formatters.set(key, f);
  }
  return f.format(d);
}

/** A calendar day (YYYY-MM-DD, e.g. an end-of-life date) as words, the same day in every time zone. */
export function formatCalendarDay(day: string, locale?: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'long' }).format(d);
}

/** A due time both in the viewer's zone and in America/Denver (once, when they are the same zone). */
export function dueTimeText(iso: string, timeZone: string, locale?: string): { local: string; support: string | null } {
  const local = formatInZone(iso, timeZone, locale);
  const support = formatInZone(iso, SUPPORT_ZONE, locale);
  return { local, support: support === local ? null : support };
}

/** "512 B", "1.5 KB", "3.2 MB". */
export function formatBytes(size: number): string {
  if (!Number.isFinite(size) || size < 0) return '';
  if (size < 1024) return `${size} B`;
  const kb = size / 1024;
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** Standard base64 of some bytes (what the API expects for attachments). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** The current time, refreshed every `intervalMs` (for countdowns). */
export function useNow(intervalMs = COUNTDOWN_REFRESH_MS): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/**
 * Loads something now and again every `intervalMs` (a ticket the other side may
 * answer meanwhile). A failed refresh keeps what was shown and reports its error;
 * `set` replaces the data after an action answered with the new state.
 */
export function usePolled<T>(load: () => Promise<T>, intervalMs = COUNTDOWN_REFRESH_MS) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await load();
      if (mine !== seq.current) return;
      setData(value);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(toApiError(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [load]);

  useEffect(() => {
    void reload();
    const id = setInterval(() => void reload(), intervalMs);
    return () => clearInterval(id);
  }, [reload, intervalMs]);

  const set = useCallback((value: T) => {
    // An answer to an earlier poll must not overwrite this newer state.
    seq.current++;
    setLoading(false);
    setData(value);
  }, []);

  return { data, error, loading, reload, set };
}
