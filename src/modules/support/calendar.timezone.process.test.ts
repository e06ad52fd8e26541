import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childEnv, ROOT } from '../../../test/helpers/process.ts';

/**
 * SUP-4: the same instants whatever the server's own time zone. Vitest's
 * workers share one TZ, so the computations run in child processes, each
 * under its own TZ, and their outputs are compared.
 */
const SCRIPT = `
import { addBusinessHours, federalHolidays, formatSupportTime, isBusinessTime, nextOpening } from './src/modules/support/index.ts';
const starts = [
  '2026-03-06T16:00:00-07:00', '2026-03-08T01:30:00-07:00', '2026-10-30T16:00:00-06:00', '2026-11-01T01:30:00-07:00',
  '2026-11-25T16:00:00-07:00', '2021-12-30T16:00:00-07:00', '2026-11-18T07:00:00-07:00', '2026-11-18T18:00:00-07:00',
  '2026-12-31T23:30:00Z', '2027-01-01T06:30:00Z', '2026-06-30T23:59:59.999Z', '2030-04-01T12:34:56+14:00',
];
const out = { tz: Intl.DateTimeFormat().resolvedOptions().timeZone, offset: new Date('2026-07-01').getTimezoneOffset(), due: [], holidays: [] };
for (const s of starts) {
  const from = new Date(s);
  for (const h of [0, 0.5, 1, 2, 8, 8.25, 24, 40, 100]) out.due.push(formatSupportTime(addBusinessHours(from, h)));
  out.due.push(isBusinessTime(from), formatSupportTime(nextOpening(from)));
}
for (let y = 2020; y <= 2040; y++) out.holidays.push(...federalHolidays(y).map((h) => h.observed));
process.stdout.write(JSON.stringify(out));
`;

function runUnder(tz: string): Promise<{ tz: string; offset: number; due: unknown[]; holidays: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      env: childEnv({ TZ: tz }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as { tz: string; offset: number; due: unknown[]; holidays: string[] });
    });
  });
}

describe('SUP-4: independent of the server time zone', () => {
  it('SUP-4: TZ=UTC and TZ=Pacific/Auckland give the same holidays and due instants', async () => {
    const [utc, auckland] = await Promise.all([runUnder('UTC'), runUnder('Pacific/Auckland')]);
    // The children really ran in different zones.
    expect(utc.offset).toBe(0);
    expect(auckland.offset).toBe(-720);
    expect(auckland.due).toEqual(utc.due);
    expect(auckland.holidays).toEqual(utc.holidays);
    expect(utc.due.slice(0, 4)).toEqual(['2026-03-06T16:00:00-07:00', '2026-03-06T16:30:00-07:00', '2026-03-06T17:00:00-07:00', '2026-03-09T10:00:00-06:00']);
    expect(utc.holidays).toContain('2021-12-31');
    expect(utc.due.length).toBe(12 * 11);
  });
});
