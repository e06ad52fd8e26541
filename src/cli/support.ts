import { type Command, InvalidArgumentError } from 'commander';
import { addBusinessHours, formatSupportTime } from '../modules/support/index.ts';
import { CliError, type CliIo, action, describeError } from './common.ts';

/**
 * An ISO-8601 instant: a date, a time and a UTC offset or Z. A time without an
 * offset is refused rather than read in the server's own zone, because SUP-4
 * asks for the same answer whatever that zone is.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/i;

export function instantArg(value: string): Date {
  const m = INSTANT.exec(value);
  if (!m) throw new InvalidArgumentError('Expected an ISO-8601 instant with an offset or Z, e.g. 2026-11-25T09:00:00-07:00.');
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const local = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], Number(frac.padEnd(3, '0')));
  const check = new Date(local);
  // Date.UTC rolls over (February 30 becomes March 2): refuse what does not round-trip.
  if (check.getUTCMonth() !== fields[1] - 1 || check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    throw new InvalidArgumentError('Not a real date and time.');
  }
  const offsetMinutes = zone.toUpperCase() === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offsetMinutes) > 18 * 60) throw new InvalidArgumentError('The UTC offset is out of range.');
  return new Date(local - offsetMinutes * 60_000);
}

/** A non-negative decimal number of hours, such as 8 or 1.5. */
export function hoursArg(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('Expected a non-negative number of hours, such as 8 or 1.5.');
  return Number(value);
}

/** SUP-4: `castellan support due`, the business-hours calculator; it needs no database. */
export function supportCommand(program: Command, io: CliIo): void {
  const support = program.command('support').description('the support desk');
  support
    .command('due')
    .description('the instant a target of business hours (Mon-Fri 09:00-17:00 America/Denver, without federal holidays) falls due')
    .requiredOption('--from <instant>', 'the start, ISO-8601 with an offset or Z (e.g. 2026-11-25T09:00:00-07:00)', instantArg)
    .requiredOption('--business-hours <n>', 'business hours to count, a non-negative number (fractions allowed)', hoursArg)
    .action(
      action(io, (opts: { from: Date; businessHours: number }) => {
        try {
          io.stdout.write(`${formatSupportTime(addBusinessHours(opts.from, opts.businessHours))}\n`);
        } catch (e) {
          // The calculator refuses only what it was given (too many hours): a usage error.
          throw new CliError(describeError(e), 2);
        }
      }),
    );
}
