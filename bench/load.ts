/**
 * Shared by the benchmarks: flags, paired rounds, the median of ratios, and
 * the printed report. The load itself comes from another process (wrk.ts,
 * smtp-load.ts, argon2-rate.ts), never from this one.
 */
import { parseArgs } from 'node:util';
import { type Placement, placement } from './processes.ts';
import type { LoadResult } from './wrk.ts';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Whole-number flags (`--name N`), each with its default and least value, plus
 * `--server-cpus LIST` and `--client-cpus LIST` (where the processes run, see
 * processes.ts) and, where `accepts` says so, `--cpu-prof` (profile the server
 * under test); any other
 * flag, or a value that is not a whole number in range, is an error.
 */
export function benchFlags<K extends string>(
  args: string[],
  spec: Record<K, { fallback: number; min: number }>,
  accepts: { cpuProf: boolean } = { cpuProf: true },
): Record<K, number> & { cpus: Placement; cpuProf: boolean } {
  const names = Object.keys(spec) as K[];
  const { values } = parseArgs({
    strict: true,
    args,
    options: {
      ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      'server-cpus': { type: 'string' },
      'client-cpus': { type: 'string' },
      ...(accepts.cpuProf ? { 'cpu-prof': { type: 'boolean' as const } } : {}),
    },
  });
  const out = {} as Record<K, number>;
  for (const name of names) {
    const v = (values as Record<string, string | boolean | undefined>)[name] as string | undefined;
    const n = v === undefined ? spec[name].fallback : Number(v);
    if (!Number.isInteger(n) || n < spec[name].min) throw new Error(`--${name} must be a whole number >= ${spec[name].min}, got "${v}"`);
    out[name] = n;
  }
  const cpus = placement(values['server-cpus'] as string | undefined, values['client-cpus'] as string | undefined);
  return { ...out, cpus, cpuProf: values['cpu-prof'] === true };
}

export type Phase = [label: string, run: () => Promise<LoadResult>];

export interface Rounds {
  table: string;
  ratios: number[];
  baselineRate: number;
  subjectRate: number;
  ratio: number;
  errors: number;
  /** The monotonic-clock windows (microseconds, as in a V8 CPU profile) of the subject's measured phases. */
  subjectWindows: Array<[number, number]>;
  /** The operations the subject served in those windows. */
  subjectOps: number;
  /** The subject's server CPU time per operation (median), when known. */
  subjectCpuMs: number | undefined;
  /** The same, of the server's main thread alone. */
  subjectMainCpuMs: number | undefined;
  baselineCpuMs: number | undefined;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const fmt = (n: number | undefined, digits: number) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));

/**
 * Rounds of two phases back to back, the baseline then the subject, driven the
 * same way. Each round's figure is the ratio of the two rates, so that a shared
 * machine slowing down or speeding up between rounds moves both sides of a
 * ratio alike; the result is the median of those ratios. `warmup` runs first,
 * uncounted, so that both servers are past their JIT warm-up.
 */
export async function pairedRounds(rounds: number, warmup: () => Promise<void>, baseline: Phase, subject: Phase): Promise<Rounds> {
  await warmup();
  const rates = { baseline: [] as number[], subject: [] as number[] };
  const cpuMs = { baseline: [] as number[], subject: [] as number[] };
  const mainMs: number[] = [];
  const ratios: number[] = [];
  const rows: string[] = [];
  const subjectWindows: Array<[number, number]> = [];
  let subjectOps = 0;
  let errors = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const [side, [label, run]] of [
      ['baseline', baseline],
      ['subject', subject],
    ] as const) {
      const t0 = nowUs();
      const r = await run();
      if (side === 'subject') {
        subjectWindows.push([t0, nowUs()]);
        subjectOps += r.ops;
      }
      rates[side].push(r.rate);
      if (r.serverCpuMs !== undefined) cpuMs[side].push(r.serverCpuMs);
      if (side === 'subject' && r.mainCpuMs !== undefined) mainMs.push(r.mainCpuMs);
      errors += r.errors;
      rows.push(
        [
          `${label} #${round}`.padEnd(16),
          String(r.ops).padStart(8),
          r.rate.toFixed(r.rate < 1000 ? 1 : 0).padStart(9),
          fmt(r.p50Ms, 2).padStart(7),
          fmt(r.p99Ms, 2).padStart(7),
          fmt(r.serverCores, 2).padStart(7),
          fmt(r.serverCpuMs, 3).padStart(9),
          fmt(r.mainCpuMs, 3).padStart(10),
          (r.serverWaiting === undefined ? '-' : `${(100 * r.serverWaiting).toFixed(0)}%`).padStart(8),
          String(r.errors).padStart(6),
        ].join(' '),
      );
    }
    ratios.push((rates.subject.at(-1) ?? 0) / (rates.baseline.at(-1) ?? 1));
  }
  const header = `${'phase'.padEnd(16)} ${'ops'.padStart(8)} ${'per sec'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'srv cpu'.padStart(7)} ${'cpu ms/op'.padStart(9)} ${'main ms/op'.padStart(10)} ${'srv wait'.padStart(8)} ${'errors'.padStart(6)}`;
  return {
    table: `${header}\n${rows.join('\n')}\n`,
    ratios,
    baselineRate: median(rates.baseline),
    subjectRate: median(rates.subject),
    ratio: median(ratios),
    errors,
    subjectWindows,
    subjectOps,
    subjectCpuMs: cpuMs.subject.length ? median(cpuMs.subject) : undefined,
    baselineCpuMs: cpuMs.baseline.length ? median(cpuMs.baseline) : undefined,
    subjectMainCpuMs: mainMs.length ? median(mainMs) : undefined,
  };
}

/** The closing lines every benchmark prints: ratio per round, the spread, the median, and the target. */
export function verdict(name: string, r: Rounds, what: { subject: string; baseline: string; target?: number }): string {
  const digits = r.ratio < 0.1 ? 3 : 2;
  const spread = `${Math.min(...r.ratios).toFixed(digits)}..${Math.max(...r.ratios).toFixed(digits)}`;
  const rate = (x: number) => x.toFixed(x < 1000 ? 1 : 0);
  const cpu =
    r.subjectCpuMs !== undefined && r.baselineCpuMs !== undefined
      ? `${name}: server CPU per operation (median): ${r.subjectCpuMs.toFixed(3)} ms vs ${r.baselineCpuMs.toFixed(3)} ms for the baseline; ` +
        `per server CPU-second the ratio is ${(r.baselineCpuMs / r.subjectCpuMs).toFixed(digits)} (other processes' load moves it less than the rates)\n`
      : '';
  const target = what.target === undefined ? '' : `, target >= ${what.target}: ${r.ratio >= what.target ? 'met' : 'NOT met'}`;
  return (
    `${name}: ratio per round ${r.ratios.map((x) => x.toFixed(digits)).join(', ')} (spread ${spread})\n${cpu}` +
    `${name}: ${rate(r.subjectRate)}/s ${what.subject} vs ${rate(r.baselineRate)}/s ${what.baseline} (medians); median ratio ${r.ratio.toFixed(digits)}${target}\n`
  );
}
