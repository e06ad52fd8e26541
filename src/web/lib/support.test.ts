import { describe, expect, it } from 'vitest';
import type { TicketSla } from '../api.ts';
import {
  bytesToBase64,
  dueState,
  dueTimeText,
  dueTimes,
  formatBytes,
  formatCalendarDay,
  formatCountdown,
  formatDuration,
  formatInZone,
  nearestDue,
} from './support.ts';

const sla = (patch: Partial<TicketSla> = {}): TicketSla => ({
  paused: false,
  firstResponseDueAt: null,
  firstRespondedAt: null,
  nextResponseDueAt: null,
  resolutionDueAt: null,
  ...patch,
});

describe('support due times', () => {
  it('SUP-4: the running targets, earliest first; a first response already given is no longer due', () => {
    const s = sla({ firstResponseDueAt: '2026-11-24T17:00:00.000Z', resolutionDueAt: '2026-11-30T23:00:00.000Z', nextResponseDueAt: '2026-11-24T16:00:00.000Z' });
    expect(dueTimes(s).map((d) => d.key)).toEqual(['nextResponse', 'firstResponse', 'resolution']);
    expect(nearestDue(s)).toEqual({ key: 'nextResponse', label: 'Next response', at: '2026-11-24T16:00:00.000Z' });
    const answered = { ...s, firstRespondedAt: '2026-11-24T15:00:00.000Z' };
    expect(dueTimes(answered).map((d) => d.key)).toEqual(['nextResponse', 'resolution']);
    expect(nearestDue(sla())).toBeNull();
    expect(dueTimes(sla({ resolutionDueAt: 'not a date' }))).toEqual([]);
  });

  it('SUP-4: countdowns in whole minutes, rounded down, with overdue and "due now"', () => {
    const now = new Date('2026-11-23T10:00:00.000Z');
    expect(formatCountdown('2026-11-23T10:45:30.000Z', now)).toBe('in 45 min');
    expect(formatCountdown('2026-11-23T12:05:00.000Z', now)).toBe('in 2 h 05 min');
    expect(formatCountdown('2026-11-26T14:00:00.000Z', now)).toBe('in 3 d 4 h');
    expect(formatCountdown('2026-11-25T10:00:00.000Z', now)).toBe('in 2 d');
    expect(formatCountdown('2026-11-23T09:48:00.000Z', now)).toBe('overdue by 12 min');
    expect(formatCountdown('2026-11-23T10:00:30.000Z', now)).toBe('due now');
    expect(formatCountdown('2026-11-23T09:59:30.000Z', now)).toBe('due now');
    expect(formatCountdown('garbage', now)).toBe('');
    expect(formatDuration(-61 * 60_000)).toBe('1 h 01 min');
  });

  it('SUP-4: a countdown one minute later has moved by one minute', () => {
    const due = '2026-11-23T11:00:00.000Z';
    expect(formatCountdown(due, new Date('2026-11-23T10:00:00.000Z'))).toBe('in 1 h 00 min');
    expect(formatCountdown(due, new Date('2026-11-23T10:01:00.000Z'))).toBe('in 59 min');
  });

  it('SUP-4: overdue, soon (under 2 hours) or later', () => {
    const now = new Date('2026-11-23T10:00:00.000Z');
    expect(dueState('2026-11-23T09:00:00.000Z', now)).toBe('overdue');
    expect(dueState('2026-11-23T11:59:00.000Z', now)).toBe('soon');
    expect(dueState('2026-11-23T12:00:00.000Z', now)).toBe('later');
  });

  it('SUP-4: the same instant in the viewer’s zone and in America/Denver, whatever the machine’s zone', () => {
    // 17:00 in Denver on a winter Monday (MST, UTC-7) is midnight UTC and 01:00 in Paris.
    const at = '2026-11-24T00:00:00.000Z';
    expect(formatInZone(at, 'America/Denver', 'en-US')).toBe('Mon, Nov 23, 2026, 5:00 PM MST');
    expect(formatInZone(at, 'Europe/Paris', 'en-US')).toMatch(/^Tue, Nov 24, 2026, 1:00 AM (GMT\+1|CET)$/);
    expect(dueTimeText(at, 'Europe/Paris', 'en-US').support).toBe('Mon, Nov 23, 2026, 5:00 PM MST');
    // Summer time: MDT, UTC-6.
    expect(formatInZone('2026-07-01T15:00:00.000Z', 'America/Denver', 'en-US')).toBe('Wed, Jul 1, 2026, 9:00 AM MDT');
    // A viewer in Denver sees it once.
    expect(dueTimeText(at, 'America/Denver', 'en-US')).toEqual({ local: 'Mon, Nov 23, 2026, 5:00 PM MST', support: null });
    expect(formatInZone('nope', 'America/Denver')).toBe('nope');
    expect(formatInZone(at, 'Not/AZone')).toBe(at);
  });

  it('SUP-7: an end-of-life day is the same calendar day in every zone', () => {
    expect(formatCalendarDay('2023-05-31', 'en-US')).toBe('May 31, 2023');
    expect(formatCalendarDay('soon', 'en-US')).toBe('soon');
  });
});

describe('support attachments', () => {
  it('SUP-1: sizes for people, and base64 as the API expects it', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024)).toBe('200 KB');
    expect(formatBytes(3.25 * 1024 * 1024)).toBe('3.3 MB');
    expect(formatBytes(-1)).toBe('');
    expect(bytesToBase64(new TextEncoder().encode('hello, support'))).toBe(Buffer.from('hello, support').toString('base64'));
    const big = new Uint8Array(100_000).map((_, i) => i % 256);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'));
    expect(bytesToBase64(new Uint8Array())).toBe('');
  });
});
