/** Shared by the benchmarks: a keep-alive HTTP client and a closed-loop load driver, in the same process as the server. */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

/**
 * A minimal JSON-over-HTTP client on node:http with a keep-alive agent: one
 * socket per concurrent request, reused, so the measure includes HTTP parsing
 * and routing but not a TCP handshake per sign-in (browsers and API clients
 * reuse connections too). node:http rather than fetch because fetch's own
 * overhead would be charged to Castellan: client and server share this process.
 */
export function httpClient(base: string, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(base);
  function request(
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          hostname,
          port,
          path: pathname,
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            'content-length': payload.length,
            'user-agent': 'castellan-bench',
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  const post = (pathname: string, body: unknown) => request('POST', pathname, body);
  const get = (pathname: string, headers: Record<string, string> = {}) => request('GET', pathname, undefined, headers);
  return { request, post, get, close: () => agent.destroy() };
}

/**
 * On-CPU nanoseconds of the calling thread (the main thread here) from Linux's
 * schedstat; undefined elsewhere. Unlike event-loop utilisation, which counts
 * wall time and so also the time the thread waited for a core, this is the work
 * itself.
 */
export function mainThreadCpuNs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/**
 * A closed loop: `concurrency` workers each run `op` back to back until the
 * deadline. Every operation started before the deadline is counted, and the
 * elapsed time runs until the last one finished, so nothing is cut off and both
 * phases are treated alike. Latencies are kept for the percentiles.
 */
export async function drive(concurrency: number, seconds: number, op: () => Promise<void>) {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuNs();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await op();
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const main1 = mainThreadCpuNs();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const ops = latencies.length;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(ops - 1, Math.floor(p * ops))] ?? 0;
  return {
    ops,
    seconds: elapsedMs / 1000,
    rate: ops / (elapsedMs / 1000),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    cores: cpuMs / elapsedMs,
    perCpuSecond: ops / (cpuMs / 1000),
    mainCpuMs: main0 !== undefined && main1 !== undefined ? (main1 - main0) / 1e6 / ops : undefined,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Whole-number flags (`--name N`), each with its default and least value; any
 * other flag, or a value that is not a whole number in range, is an error.
 */
export function intFlags<K extends string>(args: string[], spec: Record<K, { fallback: number; min: number }>): Record<K, number> {
  const names = Object.keys(spec) as K[];
  const { values } = parseArgs({ args, options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])) });
  const out = {} as Record<K, number>;
  for (const name of names) {
    const v = values[name] as string | undefined;
    const n = v === undefined ? spec[name].fallback : Number(v);
    if (!Number.isInteger(n) || n < spec[name].min) throw new Error(`--${name} must be a whole number >= ${spec[name].min}, got "${v}"`);
    out[name] = n;
  }
  return out;
}

/**
 * Rounds of two phases back to back, the measured operation then its baseline,
 * with the same client and concurrency. Each round's figure is the ratio of
 * the two rates, so that a shared machine slowing down or speeding up between
 * rounds moves both sides of a ratio alike; the result is their median.
 */
export async function pairedRounds(opts: { rounds: number; seconds: number; concurrency: number }, measured: [string, () => Promise<void>], baseline: [string, () => Promise<void>]) {
  await drive(opts.concurrency, 1, measured[1]); // warm-up
  await drive(opts.concurrency, 1, baseline[1]);
  const rates = { measured: [] as number[], baseline: [] as number[] };
  const ratios: number[] = [];
  const rows: string[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const [side, [label, op]] of [
      ['measured', measured],
      ['baseline', baseline],
    ] as const) {
      const r = await drive(opts.concurrency, opts.seconds, op);
      rates[side].push(r.rate);
      rows.push(`${`${label} #${round}`.padEnd(12)} ${String(r.ops).padStart(7)} ${r.rate.toFixed(0).padStart(9)} ${r.p50Ms.toFixed(2).padStart(7)} ${r.p99Ms.toFixed(2).padStart(7)}`);
    }
    ratios.push((rates.measured.at(-1) ?? 0) / (rates.baseline.at(-1) ?? 1));
  }
  return {
    table: `phase            ops   req/s  p50 ms  p99 ms\n${rows.join('\n')}\n`,
    ratios,
    measuredRate: median(rates.measured),
    baselineRate: median(rates.baseline),
    ratio: median(ratios),
  };
}
