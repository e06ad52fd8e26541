import { describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from '../../test/helpers/cli.ts';

/** stderr must be exactly one line, `castellan: ...`. */
function expectOneLineError(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, `stderr was:\n${stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^castellan: \S/);
  return lines[0] as string;
}

const due = (from: string, hours: string) => runCli(['support', 'due', '--from', from, '--business-hours', hours]);

/** Runs `work` with this process's time zone set to `tz` (Node applies a TZ change at once), then restores it. */
async function underTimeZone<T>(tz: string, work: () => Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

describe('castellan support due', () => {
  it('SUP-4: prints the due instant in ISO-8601 with the Denver offset', async () => {
    const r = await due('2026-11-25T09:00:00-07:00', '1.5');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('2026-11-25T10:30:00-07:00\n');
    expect(r.stderr).toBe('');
  });

  it('SUP-4: takes any offset or Z, and skips Thanksgiving and the weekend', async () => {
    const r = await due('2026-11-25T23:00:00Z', '2'); // 16:00 in Denver, the day before Thanksgiving
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('2026-11-27T10:00:00-07:00\n');
  });

  it('SUP-4: a target ending exactly at closing time is due at closing time', async () => {
    const r = await due('2026-11-20T09:00:00-07:00', '8');
    expect(r.stdout).toBe('2026-11-20T17:00:00-07:00\n');
  });

  it('SUP-4: the same answer under TZ=UTC and TZ=Pacific/Auckland, across the spring-forward weekend', async () => {
    const utc = await underTimeZone('UTC', async () => {
      expect(new Date('2026-07-01T00:00:00Z').getTimezoneOffset()).toBe(0);
      return due('2026-03-06T16:00:00-07:00', '2');
    });
    const auckland = await underTimeZone('Pacific/Auckland', async () => {
      // The zone really changed for this process.
      expect(new Date('2026-07-01T00:00:00Z').getTimezoneOffset()).toBe(-720);
      return due('2026-03-06T16:00:00-07:00', '2');
    });
    expect(utc.code, utc.stderr).toBe(0);
    expect(utc.stdout).toBe('2026-03-09T10:00:00-06:00\n');
    expect(auckland.stdout).toBe(utc.stdout);
  });

  it.each([
    ['a missing --from', ['support', 'due', '--business-hours', '8'], /--from/],
    ['a missing --business-hours', ['support', 'due', '--from', '2026-11-25T09:00:00Z'], /--business-hours/],
    ['an instant without an offset', ['support', 'due', '--from', '2026-11-25T09:00:00', '--business-hours', '8'], /offset or Z/],
    ['a date alone', ['support', 'due', '--from', '2026-11-25', '--business-hours', '8'], /offset or Z/],
    ['not an instant', ['support', 'due', '--from', 'tomorrow', '--business-hours', '8'], /offset or Z/],
    ['an impossible date', ['support', 'due', '--from', '2026-02-30T09:00:00Z', '--business-hours', '8'], /real date/],
    ['negative hours', ['support', 'due', '--from', '2026-11-25T09:00:00Z', '--business-hours', '-1'], /non-negative/],
    ['non-numeric hours', ['support', 'due', '--from', '2026-11-25T09:00:00Z', '--business-hours', 'eight'], /non-negative/],
    ['too many hours', ['support', 'due', '--from', '2026-11-25T09:00:00Z', '--business-hours', '1000000'], /0 to 100000/],
  ])('SEC-3: %s exits 2 with a one-line error', async (_what, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr)).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
