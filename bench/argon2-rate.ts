/**
 * The sign-in benchmark's baseline: raw argon2id verifies per second, in a
 * process of its own, pinned by the caller to the cores the server runs on.
 * `concurrency` verifies are kept in flight (a closed loop, as wrk keeps that
 * many sign-ins in flight), on libuv's threadpool like the server's. The hash
 * carries its parameters, which are the project's own (bench/seed.ts makes it).
 *
 * usage: node --import tsx bench/argon2-rate.ts CONCURRENCY SECONDS WARMUP_SECONDS
 * with the hash and the password in BENCH_ARGON2_HASH and BENCH_ARGON2_PASSWORD;
 * prints one JSON line: ops, seconds, rate, p50Ms, p99Ms, cpuSeconds (the
 * process's), mainCpuSeconds (its main thread's, where JavaScript runs).
 */
import { performance } from 'node:perf_hooks';
import { cpuSeconds } from './proc.ts';
import { verify } from '@node-rs/argon2';

const [concurrency, seconds, warmup] = process.argv.slice(2).map(Number);
const hash = process.env.BENCH_ARGON2_HASH;
const password = process.env.BENCH_ARGON2_PASSWORD;
if (!concurrency || !seconds || warmup === undefined || Number.isNaN(warmup) || !hash || !password) {
  process.stderr.write('usage: BENCH_ARGON2_HASH=... BENCH_ARGON2_PASSWORD=... argon2-rate.ts CONCURRENCY SECONDS WARMUP_SECONDS\n');
  process.exit(2);
}

/** `concurrency` loops of verifies until the deadline; every verify started before it is counted. */
async function drive(forSeconds: number) {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + forSeconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      if (!(await verify(hash as string, password as string))) throw new Error('argon2id verify did not match the hash');
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency as number }, loop));
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

if (warmup > 0) await drive(warmup);
const cpu0 = process.cpuUsage();
const main0 = cpuSeconds(process.pid, true);
const { latencies, seconds: elapsed } = await drive(seconds);
const cpu = process.cpuUsage(cpu0);
const main1 = cpuSeconds(process.pid, true);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ ops: latencies.length, seconds: elapsed, rate: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99), cpuSeconds: (cpu.user + cpu.system) / 1e6, mainCpuSeconds: main0 === undefined || main1 === undefined ? undefined : main1 - main0 })}\n`,
);
