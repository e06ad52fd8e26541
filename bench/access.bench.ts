/**
 * access: how fast is the one access decision (DIR-3) over HTTP, in a large
 * directory, next to a bare Fastify route?
 *
 * The directory (bench/seed.ts): 100,000 users, 10,000 groups (each user in
 * 3), 1,000 resources, each bound to 10 groups and 10 users. The users and
 * groups go in through `castellan import users` (a CSV file), whose wall time
 * is the second figure. Then `castellan serve` starts in its own process, and
 * `wrk`, in another, drives GET /api/v1/orgs/{orgId}/access?userId=&resourceId=
 * (authenticated, validated, two lookups and the bindings query) with random
 * pairs. The baseline is a bare Fastify route in a third process answering a
 * body of the same size to the very same requests. Each round runs the
 * baseline then the decision, back to back; the figure is the median of the
 * rounds' ratios (target >= 0.4).
 *
 * Flags: --users N (default 100000), --groups N (10000), --resources N (1000),
 * --concurrency N (connections, default 8), --seconds N (3 per phase),
 * --rounds N (5), --warmup N (seconds per side before the rounds, 2),
 * --requests N (distinct random pairs replayed, 50000), --server-cpus,
 * --client-cpus, --cpu-prof (see README, "Benchmarks").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { againstBareRoute } from './http-pair.ts';
import { benchFlags, verdict } from './load.ts';
import { describePlacement } from './processes.ts';
import { rng, seedDirectory } from './seed.ts';
import { type HttpRequest, requireWrk } from './wrk.ts';

const TARGET = 0.4;

const options = (args: string[]) =>
  benchFlags(args, {
    users: { fallback: 100_000, min: 10 },
    groups: { fallback: 10_000, min: 3 },
    resources: { fallback: 1_000, min: 1 },
    concurrency: { fallback: 8, min: 1 },
    seconds: { fallback: 3, min: 1 },
    rounds: { fallback: 5, min: 1 },
    warmup: { fallback: 2, min: 1 },
    requests: { fallback: 50_000, min: 1 },
  });

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  requireWrk();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-access-'));
  try {
    const dir = await seedDirectory(dataDir, opts, (s) => process.stderr.write(`access: ${s}\n`));
    const pick = rng(7);
    const requests: HttpRequest[] = Array.from({ length: opts.requests }, () => ({
      path: `/api/v1/orgs/${dir.orgId}/access?userId=${dir.userIds[pick(dir.userIds.length)]}&resourceId=${dir.resourceIds[pick(dir.resourceIds.length)]}`,
      headers: { authorization: `Bearer ${dir.token}` },
    }));
    let allowed = 0;
    const pair = await againstBareRoute(dataDir, requests, opts, {
      subject: 'access',
      sampleSize: 200,
      check(sample) {
        const refused = sample.find((s) => s.status !== 200);
        if (refused) throw new Error(`an access decision answered ${refused.status}: ${refused.text.slice(0, 300)}`);
        allowed = sample.filter((s) => s.text.startsWith('{"allowed":true')).length;
      },
    });

    const out = process.stdout;
    out.write(`access: ${opts.users} users, ${dir.groupIds.length} groups, ${dir.resourceIds.length} resources, ${dir.bindings} bindings (castellan serve at ${pair.url}; SQLite unless DATABASE_URL)\n`);
    out.write(`access: ${describePlacement(opts.cpus, 'wrk')}; ${opts.concurrency} connections, ${opts.requests} distinct requests replayed\n`);
    out.write(`access: the bare route answers ${pair.bodyBytes} bytes, the typical decision's size; ${allowed} of ${pair.sample.length} sampled decisions were "allowed"\n`);
    out.write(pair.result.table);
    out.write(`access: castellan import users of ${opts.users} users took ${dir.importSeconds.toFixed(1)} s wall time, process start included (${(opts.users / dir.importSeconds).toFixed(0)} users/s)\n`);
    out.write(verdict('access', pair.result, { subject: 'access decisions over HTTP', baseline: 'bare-route answers', target: TARGET }));
    out.write(pair.profile);
    if (pair.result.errors > 0) throw new Error(`${pair.result.errors} request(s) were not answered 2xx, or failed`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
