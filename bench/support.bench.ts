/**
 * support: how many SUP-4 due times (addBusinessHours: Mon-Fri 09:00-17:00
 * America/Denver without federal holidays) can one process compute per second?
 *
 * The inputs: 10,000 pseudo-random starts over 2026 (any time of day or week,
 * so many start outside hours, on holidays and in the DST-change weeks) with
 * targets of 8 to 40 business hours in quarter hours. Each round runs the
 * computation for --seconds, then its baselines on the same inputs in the same
 * process: a plain Date addition (the ceiling: no calendar at all) and the same
 * due time computed naively, walking the wall clock hour by hour with Luxon.
 * The figure is the median rate (target >= 100,000 computations/s), with the
 * median of the rounds' ratios to each baseline.
 *
 * The due times are a computation, not a service, so they run in this process;
 * there is no client to move out.
 *
 * Then the inbound mail (SUP-1): how many mails sent over SMTP become
 * tickets per second, with Castellan, the baseline and the SMTP client each in
 * a process of its own? See inbound-mail.ts beside this file.
 *
 * Flags: --inputs N (default 10000), --seconds N (2 per phase), --rounds N (5);
 * for the mail part, --connections N (4), --mail-seconds N (3 per phase),
 * --mail-warmup N (1 s per phase, uncounted), --server-cpus, --client-cpus.
 */
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { addBusinessHours, federalHolidays, SUPPORT_ZONE } from '../src/modules/support/index.ts';
import { inboundMail } from './inbound-mail.ts';
import { benchFlags, median } from './load.ts';

const TARGET = 100_000;
const HOUR_MS = 3_600_000;

const options = (args: string[]) =>
  benchFlags(args, {
    inputs: { fallback: 10_000, min: 1 },
    seconds: { fallback: 2, min: 1 },
    rounds: { fallback: 5, min: 1 },
    connections: { fallback: 4, min: 1 },
    'mail-seconds': { fallback: 3, min: 1 },
    'mail-warmup': { fallback: 1, min: 0 },
  }, { cpuProf: false });

/** A deterministic pseudo-random sequence, so every run uses the same inputs. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

const holidays = new Map<number, Set<string>>();
function isBusinessHour(t: DateTime): boolean {
  let set = holidays.get(t.year);
  if (!set) holidays.set(t.year, (set = new Set(federalHolidays(t.year).map((h) => h.observed))));
  return t.weekday <= 5 && t.hour >= 9 && t.hour < 17 && !set.has(t.toISODate() as string);
}

/** The obvious implementation: walk the Denver wall clock an hour at a time. */
function naiveDue(from: number, hours: number): number {
  let t = DateTime.fromMillis(from, { zone: SUPPORT_ZONE });
  let remaining = Math.round(hours * HOUR_MS);
  while (remaining > 0) {
    if (isBusinessHour(t)) {
      const take = Math.min(remaining, HOUR_MS - (t.minute * 60_000 + t.second * 1000 + t.millisecond));
      t = t.plus({ milliseconds: take });
      remaining -= take;
    } else {
      t = t.plus({ hours: 1 }).startOf('hour');
    }
  }
  return t.toMillis();
}

/** Runs `op` over the inputs, round-robin, for `seconds`; answers operations per second. */
function rate(seconds: number, count: number, op: (i: number) => number): { rate: number; sink: number } {
  let ops = 0;
  let sink = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let now = start;
  while (now < deadline) {
    for (let k = 0; k < 1000; k++) {
      sink ^= op(ops % count);
      ops++;
    }
    now = performance.now();
  }
  return { rate: ops / ((now - start) / 1000), sink };
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  dueTimes(opts);
  await inboundMail({ connections: opts.connections, seconds: opts['mail-seconds'], rounds: opts.rounds, warmup: opts['mail-warmup'], cpus: opts.cpus });
}

function dueTimes(opts: { inputs: number; seconds: number; rounds: number }): void {
  const pick = rng(7);
  const year = Date.UTC(2026, 0, 1);
  const froms = Array.from({ length: opts.inputs }, () => new Date(year + pick(365 * 24 * 60) * 60_000));
  const hours = Array.from({ length: opts.inputs }, () => 8 + pick(32 * 4 + 1) / 4);

  // The naive walk must compute the same due times, or it is no baseline.
  for (let i = 0; i < opts.inputs; i++) {
    const fast = addBusinessHours(froms[i] as Date, hours[i] as number).getTime();
    const slow = naiveDue((froms[i] as Date).getTime(), hours[i] as number);
    if (fast !== slow) throw new Error(`input ${i}: ${new Date(fast).toISOString()} vs naive ${new Date(slow).toISOString()}`);
  }

  const phases = {
    calendar: (i: number) => addBusinessHours(froms[i] as Date, hours[i] as number).getTime() & 0xffff,
    'Date add': (i: number) => new Date((froms[i] as Date).getTime() + (hours[i] as number) * HOUR_MS).getTime() & 0xffff,
    naive: (i: number) => naiveDue((froms[i] as Date).getTime(), hours[i] as number) & 0xffff,
  };
  for (const op of Object.values(phases)) rate(0.5, opts.inputs, op); // warm-up

  const rates: Record<keyof typeof phases, number[]> = { calendar: [], 'Date add': [], naive: [] };
  const vsDate: number[] = [];
  const vsNaive: number[] = [];
  let sink = 0;
  process.stdout.write('phase               ops/s\n');
  for (let round = 1; round <= opts.rounds; round++) {
    for (const [name, op] of Object.entries(phases) as Array<[keyof typeof phases, (i: number) => number]>) {
      const r = rate(opts.seconds, opts.inputs, op);
      sink ^= r.sink;
      rates[name].push(r.rate);
      process.stdout.write(`${`${name} #${round}`.padEnd(14)} ${r.rate.toFixed(0).padStart(10)}\n`);
    }
    vsDate.push((rates.calendar.at(-1) ?? 0) / (rates['Date add'].at(-1) ?? 1));
    vsNaive.push((rates.calendar.at(-1) ?? 0) / (rates.naive.at(-1) ?? 1));
  }
  const measured = median(rates.calendar);
  process.stdout.write(`support: ${opts.inputs} inputs, 8-40 business hours from random starts in 2026 (checksum ${sink})\n`);
  process.stdout.write(
    `support: ratio per round to plain Date addition ${vsDate.map((r) => r.toFixed(3)).join(', ')}; to the naive hour-by-hour walk ${vsNaive.map((r) => r.toFixed(0)).join(', ')}\n`,
  );
  process.stdout.write(
    `support: ${measured.toFixed(0)} due-time computations/s vs ${median(rates['Date add']).toFixed(0)}/s for plain Date addition (median ratio ${median(vsDate).toFixed(3)}) and ${median(rates.naive).toFixed(0)}/s for the naive walk (median ratio ${median(vsNaive).toFixed(0)}x); target >= ${TARGET}/s: ${measured >= TARGET ? 'met' : 'NOT met'}\n`,
  );
}
