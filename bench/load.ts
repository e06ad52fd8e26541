/** Shared by the benchmarks: a keep-alive HTTP client and a closed-loop load driver, in the same process as the server. */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

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
