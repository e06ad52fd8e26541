/**
 * The HTTP load generator: `wrk` (Debian: `apt-get install wrk`), in a process
 * of its own, one thread, pinned to the client core. It replays a file of
 * requests (bench/requests.lua) over a fixed number of keep-alive connections
 * (a closed loop: each connection sends its next request when the answer
 * arrives), which is what API clients and browsers do.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuSeconds, runQueueSeconds } from './proc.ts';
import { ROOT, runToEnd } from './processes.ts';

export interface HttpRequest {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Writes the requests for bench/requests.lua: one per line, tab-separated. */
export function writeRequests(file: string, requests: HttpRequest[]): string {
  const clean = (s: string) => {
    if (/[\t\n\r]/.test(s)) throw new Error(`a request field holds a tab or a line break: ${JSON.stringify(s)}`);
    return s;
  };
  const lines = requests.map((r) =>
    [r.method ?? 'GET', r.path, r.body ?? '', ...Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`)].map(clean).join('\t'),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface LoadResult {
  ops: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx or 3xx, plus socket errors and timeouts. */
  errors: number;
  /** CPU the server process used over the phase, in cores (1.0: one core busy all along); undefined off Linux. */
  serverCores?: number | undefined;
  /** The server's CPU time per operation, in milliseconds. */
  serverCpuMs?: number | undefined;
  /** The CPU time of the server's main thread (its JavaScript) per operation, in milliseconds. */
  mainCpuMs?: number | undefined;
  /** The share of the phase the server's main thread was ready to run but waited for a core taken by another process. */
  serverWaiting?: number | undefined;
}

let checked = false;
export function requireWrk(): void {
  if (checked) return;
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' });
  } catch (e) {
    // wrk -v prints its version and exits 1; only a missing binary is a problem.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('wrk is not installed: the HTTP benchmarks need it as their load generator (Debian and Ubuntu: apt-get install wrk)');
    }
  }
  checked = true;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

/** The figures from wrk's report (with --latency). */
export function parseWrk(out: string): Omit<LoadResult, 'serverCores' | 'serverCpuMs' | 'mainCpuMs' | 'serverWaiting'> {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(out);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!total || !rate) throw new Error(`cannot read wrk's report:\n${out}`);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1] as string, m[2] as string) : Number.NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    ops: Number(total[1]),
    seconds: toMs(total[2] as string, total[3] as string) / 1000,
    rate: Number(rate[1]),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    errors: non2xx + socketErrors,
  };
}

/**
 * One phase: wrk against `url` for `seconds` with `connections` connections,
 * replaying `requestsFile`; the server's CPU use over the phase is read from
 * /proc when its pid is given.
 */
export async function wrk(opts: { url: string; requestsFile: string; connections: number; seconds: number; cpus: string | undefined; serverPid?: number }): Promise<LoadResult> {
  requireWrk();
  const args = ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '--timeout', '10s', '-s', path.join(ROOT, 'bench/requests.lua'), opts.url, '--', opts.requestsFile];
  const pid = opts.serverPid;
  const read = () => (pid === undefined ? undefined : { cpu: cpuSeconds(pid), main: cpuSeconds(pid, true), wait: runQueueSeconds(pid) });
  const before = read();
  const out = await runToEnd('wrk', args, { cpus: opts.cpus });
  const after = read();
  const result = parseWrk(out);
  const delta = (k: 'cpu' | 'main' | 'wait') => (before?.[k] !== undefined && after?.[k] !== undefined ? (after[k] as number) - (before[k] as number) : undefined);
  const perOp = (s: number | undefined) => (s === undefined || result.ops === 0 ? undefined : (s * 1000) / result.ops);
  const used = delta('cpu');
  const wait = delta('wait');
  return {
    ...result,
    serverCores: used === undefined ? undefined : used / result.seconds,
    serverCpuMs: perOp(used),
    mainCpuMs: perOp(delta('main')),
    serverWaiting: wait === undefined ? undefined : wait / result.seconds,
  };
}
