/**
 * consent: how fast is reading a visitor's current consent state (PRV-4: the
 * state is derived from the append-only events) over HTTP, with a million
 * consent events in the database, next to a bare Fastify route?
 *
 * The events (bench/seed.ts): 100,000 visitors with 10 events each (every
 * purpose, some twice), written into the data directory before the server
 * starts. Then `castellan serve`, in its own process, is driven by `wrk`, in
 * another, with GET /api/v1/consent carrying a random visitor's cookie (the
 * hooks, the visitor cookie check, the latest event of each purpose, the
 * serialized state). The baseline is a bare Fastify route in a third process
 * answering a body of the same size to the very same requests. Each round
 * runs the baseline then the consent reads, back to back; the figure is the
 * median of the rounds' ratios (target >= 0.4).
 *
 * Flags: --events N (default 1000000), --subjects N (100000),
 * --concurrency N (connections, 8), --seconds N (3 per phase), --rounds N (5),
 * --warmup N (seconds per side before the rounds, 2), --requests N (distinct
 * visitors replayed, 50000), --server-cpus, --client-cpus, --cpu-prof.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { againstBareRoute } from './http-pair.ts';
import { benchFlags, verdict } from './load.ts';
import { describePlacement } from './processes.ts';
import { rng, seedConsentEvents, visitorId } from './seed.ts';
import { type HttpRequest, requireWrk } from './wrk.ts';

const TARGET = 0.4;

const options = (args: string[]) =>
  benchFlags(args, {
    events: { fallback: 1_000_000, min: 1 },
    subjects: { fallback: 100_000, min: 1 },
    concurrency: { fallback: 8, min: 1 },
    seconds: { fallback: 3, min: 1 },
    rounds: { fallback: 5, min: 1 },
    warmup: { fallback: 2, min: 1 },
    requests: { fallback: 50_000, min: 1 },
  });

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  requireWrk();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-consent-'));
  try {
    process.stderr.write(`consent: writing ${opts.events} consent events for ${opts.subjects} visitors...\n`);
    const seeded = await seedConsentEvents(dataDir, opts);
    const pick = rng(7);
    const requests: HttpRequest[] = Array.from({ length: opts.requests }, () => ({
      path: '/api/v1/consent',
      headers: { cookie: `castellan_visitor=${visitorId(pick(opts.subjects))}` },
    }));
    const pair = await againstBareRoute(dataDir, requests, opts, {
      subject: 'consent',
      sampleSize: 100,
      check(sample) {
        const refused = sample.find((s) => s.status !== 200);
        if (refused) throw new Error(`a consent read answered ${refused.status}: ${refused.text.slice(0, 300)}`);
        if (!sample.some((s) => s.text.includes('"recorded":true'))) throw new Error('no answer showed a recorded choice: the events were not read');
      },
    });

    const out = process.stdout;
    out.write(`consent: ${seeded.count} consent events for ${opts.subjects} visitors (${seeded.dialect}), written in ${seeded.seconds.toFixed(1)} s; castellan serve at ${pair.url}\n`);
    out.write(`consent: ${describePlacement(opts.cpus, 'wrk')}; ${opts.concurrency} connections, ${opts.requests} distinct requests replayed\n`);
    out.write(`consent: the bare route answers ${pair.bodyBytes} bytes, the size of a visitor's state\n`);
    out.write(pair.result.table);
    out.write(verdict('consent', pair.result, { subject: 'consent-state reads over HTTP', baseline: 'bare-route answers', target: TARGET }));
    out.write(pair.profile);
    if (pair.result.errors > 0) throw new Error(`${pair.result.errors} request(s) were not answered 2xx, or failed`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
