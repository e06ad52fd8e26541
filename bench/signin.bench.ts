/**
 * signin: how close does sign-in over HTTP come to the speed of the password
 * check it is built around?
 *
 * A sign-in is one argon2id verify (several milliseconds of CPU, on libuv's
 * threadpool) plus main-thread work: HTTP parsing, validation, SQLite queries
 * (throttle checks, user lookup, session insert, audit append), crypto. The
 * argon2id verify is the floor, and it is deliberately slow (ACC-2), so the
 * figure is not the absolute rate, which depends on the machine, but the ratio
 *
 *   sign-ins per second over HTTP  /  raw argon2id verifies per second
 *
 * measured in the same run on the same cores with as many operations in
 * flight. `castellan serve` runs in its own process, driven by `wrk` in
 * another (POST /api/v1/sessions, one account); the baseline is a third
 * process (bench/argon2-rate.ts) pinned to the server's cores, verifying a hash
 * made with the project's own parameters. Each round runs the baseline then
 * the sign-ins; the figure is the median of the rounds' ratios (target >= 0.9:
 * everything around the hash, sessions, audit, throttle, must be nearly free).
 * It is reported, not asserted: the process fails only when something is
 * broken (a sign-in not answered 201, a verify that does not match).
 *
 * Flags: --concurrency N (default: the server's cores, at least 2, at most the
 * threadpool's 4), --seconds N (5 per phase), --rounds N (3), --warmup N
 * (seconds, 1), --server-cpus, --client-cpus, --cpu-prof.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { benchFlags, pairedRounds, verdict } from './load.ts';
import { cpuCount } from './proc.ts';
import { NO_LIMITS, describePlacement, runToEnd, startCastellan } from './processes.ts';
import { profiled } from './profile.ts';
import { PASSWORD, seedSignIn } from './seed.ts';
import { type LoadResult, requireWrk, wrk, writeRequests } from './wrk.ts';

const EMAIL = 'bench.signin@example.com';
const TARGET = 0.9;

const options = (args: string[]) =>
  benchFlags(args, {
    concurrency: { fallback: 0, min: 0 },
    seconds: { fallback: 5, min: 1 },
    rounds: { fallback: 3, min: 1 },
    warmup: { fallback: 1, min: 0 },
  });

/**
 * Only as many verifies as the server has cores can run at once (argon2 runs on
 * libuv's threadpool, 4 threads unless UV_THREADPOOL_SIZE says otherwise); at
 * least 2, so that one request's hash overlaps another's main-thread work.
 */
function defaultConcurrency(serverCpus: string | undefined): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(2, Math.min(cpuCount(serverCpus), pool));
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  const concurrency = opts.concurrency || defaultConcurrency(opts.cpus.server);
  requireWrk();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-signin-'));
  const prof = profiled(opts.cpuProf, dataDir);
  let castellan: Awaited<ReturnType<typeof startCastellan>> | undefined;
  try {
    const { hash } = await seedSignIn(dataDir, EMAIL);
    castellan = await startCastellan({ dataDir, cpus: opts.cpus.server, env: NO_LIMITS, nodeArgs: prof.nodeArgs });
    const body = JSON.stringify({ email: EMAIL, password: PASSWORD });
    const requestsFile = writeRequests(path.join(dataDir, 'requests.tsv'), [
      { method: 'POST', path: '/api/v1/sessions', body, headers: { 'content-type': 'application/json' } },
    ]);
    const first = await fetch(`${castellan.url}/api/v1/sessions`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    if (first.status !== 201) throw new Error(`a sign-in answered ${first.status}: ${(await first.text()).slice(0, 300)}`);

    const server = castellan;
    const signIns = (seconds: number) => () =>
      wrk({ url: server.url, requestsFile, connections: concurrency, seconds, cpus: opts.cpus.client, serverPid: server.pid });
    const rawVerify = async (): Promise<LoadResult> => {
      const out = await runToEnd(process.execPath, ['--import', 'tsx', 'bench/argon2-rate.ts', String(concurrency), String(opts.seconds), String(opts.warmup)], {
        cpus: opts.cpus.server,
        env: { BENCH_ARGON2_HASH: hash, BENCH_ARGON2_PASSWORD: PASSWORD },
      });
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ops: number; seconds: number; rate: number; p50Ms: number; p99Ms: number; cpuSeconds: number; mainCpuSeconds?: number };
      const perOp = (s: number | undefined) => (s === undefined ? undefined : (s * 1000) / r.ops);
      return { ...r, errors: 0, serverCores: r.cpuSeconds / r.seconds, serverCpuMs: perOp(r.cpuSeconds), mainCpuMs: perOp(r.mainCpuSeconds) };
    };
    const result = await pairedRounds(opts.rounds, async () => void (opts.warmup > 0 && (await signIns(opts.warmup)())), ['argon2id raw', rawVerify], ['HTTP sign-in', signIns(opts.seconds)]);

    const out = process.stdout;
    out.write(`signin: ${describePlacement(opts.cpus, 'wrk')}; ${concurrency} sign-ins (or verifies) in flight, ${opts.rounds} rounds of ${opts.seconds} s per phase\n`);
    out.write(`signin: argon2id parameters of the hash: ${hash.split('$').slice(1, 4).join(' ')}; the raw verifies run in their own process on the server's cores\n`);
    out.write(result.table);
    out.write(verdict('signin', result, { subject: 'sign-ins over HTTP', baseline: 'raw argon2id verifies', target: TARGET }));
    if (result.errors > 0) throw new Error(`${result.errors} sign-in(s) were not answered 2xx, or failed`);
    await castellan.stop();
    out.write(prof.summary(result.subjectWindows, { ops: result.subjectOps, mainCpuMs: result.subjectMainCpuMs }));
  } finally {
    await castellan?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
