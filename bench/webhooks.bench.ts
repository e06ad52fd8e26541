/**
 * webhooks: what do outgoing webhooks (GOV-5) cost a directory write?
 *
 *   POST /api/v1/orgs/{B}/groups per second  /  POST /api/v1/orgs/{A}/groups per second
 *
 * Two organizations on one `castellan serve`, each with a verified admin signed up through the API
 * (bench/seed.ts): A has no integration (the baseline), B has 5 webhooks installed over the API by
 * its admin, subscribed to every event of the catalogue, each pointing at a receiver of its own
 * (bench/webhook-receiver.ts: a process per endpoint, answering 204). The server runs with
 * CASTELLAN_WEBHOOK_ALLOW_PRIVATE=true, as an operator must for receivers on loopback, and with its
 * job worker on (the default), so every group created in B becomes 5 deliveries (5 rows and 5 jobs
 * in the write's own transaction) and 5 signed POSTs, sent by the same process while it serves the
 * load. So the ratio is the whole cost of the webhooks to the server: the fan-out in the write and
 * the deliveries competing with the writes for the server's core.
 *
 * The load: wrk (a process of its own on the client core) POSTs group creations, every one with a
 * name of its own (names are unique in an organization; each phase replays a file of fresh names,
 * more than it can use), with the admin's bearer token. Before any load, one creation in each
 * organization is checked to answer 201, and the one in B to reach all 5 receivers. wrk's non-2xx
 * answers fail the run, warm-up included, so the figure cannot be one of errors (a name used twice
 * would answer 409). The receivers run beside wrk, on the client core: the other end of the network.
 *
 * Deliveries are asynchronous: when a phase with webhooks ends, some are still queued. After each
 * such phase (and the warm-up) the benchmark waits, up to --drain seconds, until the receivers have
 * counted 5 for every group created in B and no more arrive, so that no delivery of B's phase runs
 * during A's next one; the backlog at the phase's end and the time it took to drain are printed. At
 * the end the server is stopped and the deliveries are counted in the database by status, beside
 * what the receivers counted. The server's CPU over each drain is added to its phase's, for a CPU
 * per write that includes every delivery the write caused.
 *
 * Paired rounds, without webhooks then with; the figure is the median of the rounds' ratios.
 *
 * Flags: --concurrency N (wrk connections, 8), --seconds N (5 per phase), --rounds N (3),
 * --warmup N (seconds, 2), --endpoints N (5), --drain N (seconds at most per wait, 120),
 * --max-rate N (writes per second the names of a phase are made for, 5000), --server-cpus,
 * --client-cpus, --cpu-prof (profile Castellan over the phases with webhooks and their drains).
 * DATABASE_URL runs it on PostgreSQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/helpers/process.ts';
import { cpuSeconds } from './proc.ts';
import { benchFlags, median, pairedRounds, verdict } from './load.ts';
import { type Child, type Server, NO_LIMITS, describePlacement, start, startCastellan } from './processes.ts';
import { profiled } from './profile.ts';
import { signIn, signUp, withApp } from './seed.ts';
import { type LoadResult, requireWrk, wrk, writeRequests } from './wrk.ts';

const PLAIN = 'bench.webhooks.none@example.com';
const HOOKED = 'bench.webhooks.five@example.com';
const RECIPIENT = { name: 'Bench Receivers Ltd', postalAddress: '1 Loopback Lane, 12345 Localhost' };
/** A receiver must have counted nothing more for this long before the deliveries are taken as drained. */
const QUIET_MS = 1000;

const options = (args: string[]) =>
  benchFlags(args, {
    concurrency: { fallback: 8, min: 1 },
    seconds: { fallback: 5, min: 1 },
    rounds: { fallback: 3, min: 1 },
    warmup: { fallback: 2, min: 0 },
    endpoints: { fallback: 5, min: 1 },
    drain: { fallback: 120, min: 1 },
    'max-rate': { fallback: 5000, min: 1 },
  });

interface Org {
  orgId: string;
  token: string;
}

/** The two organizations and their admins' sessions, through the API. */
async function seed(dataDir: string): Promise<{ plain: Org; hooked: Org }> {
  return withApp(dataDir, async (app) => {
    const org = async (email: string): Promise<Org> => ({ orgId: (await signUp(app, email, true)).orgId, token: await signIn(app, email) });
    return { plain: await org(PLAIN), hooked: await org(HOOKED) };
  });
}

interface Receiver extends Child {
  url: string;
}

/** One receiver (bench/webhook-receiver.ts) in its own process, once it answers. */
async function startReceiver(cpus: string | undefined): Promise<Receiver> {
  const port = await freePort();
  const child = start(process.execPath, ['--import', 'tsx', 'bench/webhook-receiver.ts', String(port)], { cpus });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the webhook receiver exited before answering:\n${child.output()}`);
    if (await countOf(url).then(() => true, () => false)) return { ...child, url };
    if (Date.now() > deadline) throw new Error(`the webhook receiver did not answer within 60 s:\n${child.output()}`);
    await sleep(100);
  }
}

async function countOf(url: string): Promise<number> {
  const res = await fetch(`${url}/count`);
  if (res.status !== 200) throw new Error(`${url}/count answered ${res.status}`);
  return ((await res.json()) as { received: number }).received;
}

const counts = (receivers: Receiver[]) => Promise.all(receivers.map((r) => countOf(r.url)));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** One call to the running server's API as `token`; anything but `expect` is an error. */
async function call<T>(url: string, method: 'GET' | 'POST', token: string, body?: unknown, expect = method === 'POST' ? 201 : 200): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Waits until every receiver has `each` deliveries and none has counted more for QUIET_MS, or `seconds` have
 * passed; answers how long the deliveries took to arrive (to the last one) and how many are still missing.
 */
async function drain(receivers: Receiver[], each: number, seconds: number): Promise<{ seconds: number; missing: number }> {
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let last = await counts(receivers);
  let changedAt = performance.now();
  for (;;) {
    const missing = sum(last.map((n) => Math.max(0, each - n)));
    const now = performance.now();
    // Drained: the time of the last delivery to arrive, not counting the quiet wait after it.
    if (missing === 0 && now - changedAt >= QUIET_MS) return { seconds: (changedAt - t0) / 1000, missing };
    if (now > deadline) return { seconds: (now - t0) / 1000, missing };
    await sleep(100);
    const next = await counts(receivers);
    if (next.some((n, i) => n !== last[i])) changedAt = performance.now();
    last = next;
  }
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  requireWrk();
  const out = process.stdout;
  const log = (s: string) => process.stderr.write(`webhooks: ${s}\n`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-webhooks-'));
  const prof = profiled(opts.cpuProf, dataDir);
  let castellan: Server | undefined;
  const receivers: Receiver[] = [];
  try {
    log('seeding two organizations (one for the baseline, one for the webhooks)...');
    const { plain, hooked } = await seed(dataDir);
    log(`starting ${opts.endpoints} webhook receivers and castellan serve...`);
    receivers.push(...(await Promise.all(Array.from({ length: opts.endpoints }, () => startReceiver(opts.cpus.client)))));
    castellan = await startCastellan({ dataDir, cpus: opts.cpus.server, env: { ...NO_LIMITS, CASTELLAN_WEBHOOK_ALLOW_PRIVATE: 'true' }, nodeArgs: prof.nodeArgs });
    const server = castellan;

    // The webhooks, installed by B's admin over the API, each subscribed to every event the catalogue offers.
    const { webhookEvents } = await call<{ webhookEvents: string[] }>(`${server.url}/api/v1/integrations/catalogue`, 'GET', hooked.token);
    for (const [i, r] of receivers.entries()) {
      const body = { type: 'webhook', name: `bench receiver ${i + 1}`, recipient: RECIPIENT, settings: { url: `${r.url}/hook`, events: webhookEvents } };
      await call(`${server.url}/api/v1/orgs/${hooked.orgId}/integrations`, 'POST', hooked.token, body);
    }

    // Checked outside the measure: a creation in each organization answers 201, and B's reaches every receiver.
    const groupsUrl = (o: Org) => `${server.url}/api/v1/orgs/${o.orgId}/groups`;
    await call(groupsUrl(plain), 'POST', plain.token, { name: 'check' });
    await call(groupsUrl(hooked), 'POST', hooked.token, { name: 'check' });
    /** Groups created in B so far: each is owed one delivery per receiver. */
    let hookedCreated = 1;
    const first = await drain(receivers, hookedCreated, 30);
    if (first.missing > 0) throw new Error(`a group created in the organization with webhooks did not reach every receiver within 30 s (received: ${(await counts(receivers)).join(', ')})`);
    log(`checked: a group creation answers 201 in both organizations; with webhooks, ${opts.endpoints} deliveries in ${first.seconds.toFixed(2)} s`);

    // Every phase POSTs names of its own: more than it can create at --max-rate.
    const names = opts['max-rate'] * Math.max(opts.seconds, opts.warmup);
    let phase = 0;
    let warmupErrors = 0;
    const drains: Array<{ backlog: number; seconds: number; missing: number; ops: number; phaseCpuMs: number | undefined; drainCpu: number | undefined }> = [];
    const load = (o: Org, seconds: number) => async (): Promise<LoadResult> => {
      phase++;
      const headers = { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' };
      const groupsPath = `/api/v1/orgs/${o.orgId}/groups`;
      const requestsFile = writeRequests(
        path.join(dataDir, `requests-${o === hooked ? 'hooked' : 'plain'}.tsv`),
        Array.from({ length: names }, (_, k) => ({ method: 'POST' as const, path: groupsPath, body: JSON.stringify({ name: `p${phase}-${k}` }), headers })),
      );
      const r = await wrk({ url: server.url, requestsFile, connections: opts.concurrency, seconds, cpus: opts.cpus.client, serverPid: server.pid });
      if (r.ops + opts.concurrency >= names) throw new Error(`a phase created ${r.ops} groups, near the ${names} names it was given: raise --max-rate`);
      if (o === hooked) {
        // The creations wrk counted; those still in flight when it stopped show as deliveries beyond them.
        hookedCreated += r.ops;
        const backlog = hookedCreated * receivers.length - sum(await counts(receivers));
        const cpu0 = cpuSeconds(server.pid);
        const d = await drain(receivers, hookedCreated, opts.drain);
        const cpu1 = cpuSeconds(server.pid);
        drains.push({ backlog, seconds: d.seconds, missing: d.missing, ops: r.ops, phaseCpuMs: r.serverCpuMs, drainCpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 });
      }
      return r;
    };
    const warm = async () => {
      if (opts.warmup === 0) return;
      for (const o of [plain, hooked]) warmupErrors += (await load(o, opts.warmup)()).errors;
    };

    log(`${opts.rounds} rounds of ${opts.seconds} s per phase (${names} fresh group names per phase)...`);
    const result = await pairedRounds(opts.rounds, warm, ['no webhooks', load(plain, opts.seconds)], [`${opts.endpoints} webhooks`, load(hooked, opts.seconds)]);
    const measured = drains.slice(opts.warmup === 0 ? 0 : 1);
    const received = await counts(receivers);
    await castellan.stop();

    // The deliveries as the server recorded them, once it has stopped.
    const stored = await withApp(dataDir, async (app) => {
      const rows = await app.db
        .selectFrom('webhook_deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('org_id', '=', hooked.orgId)
        .groupBy('status')
        .execute();
      const groups = await app.db
        .selectFrom('groups')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', hooked.orgId)
        .executeTakeFirstOrThrow();
      const plainDeliveries = await app.db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', plain.orgId)
        .executeTakeFirstOrThrow();
      return {
        byStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Record<string, number>,
        groups: Number(groups.n),
        plainDeliveries: Number(plainDeliveries.n),
      };
    });

    out.write(`webhooks: ${describePlacement(opts.cpus, 'wrk and the receivers')}; ${opts.concurrency} connections, ${opts.rounds} rounds of ${opts.seconds} s per phase, ${opts.warmup} s warm-up\n`);
    out.write(
      `webhooks: POST /api/v1/orgs/{org}/groups (a fresh name each), an org admin's bearer token; castellan serve on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'} with CASTELLAN_WEBHOOK_ALLOW_PRIVATE=true; ` +
        `baseline: an organization with no integration; subject: one with ${opts.endpoints} webhooks (all ${webhookEvents.length} events), each to a receiver process answering 204\n`,
    );
    out.write(result.table);
    out.write(
      `webhooks: after each phase with webhooks, deliveries still queued / time to drain: ${measured.map((d) => `${d.backlog} / ${d.seconds.toFixed(1)} s${d.missing > 0 ? ` (${d.missing} still missing)` : ''}`).join(', ')}` +
        ` (at most ${opts.drain} s waited); deliveries per second while draining (median): ${median(measured.map((d) => (d.seconds > 0 ? (d.backlog - d.missing) / d.seconds : 0))).toFixed(0)}\n`,
    );
    // The deliveries left at a phase's end are paid for during the drain: the server's CPU per write with them.
    const withDrain = measured.flatMap((d) => (d.phaseCpuMs === undefined || d.drainCpu === undefined || d.ops === 0 ? [] : [d.phaseCpuMs + (d.drainCpu * 1000) / d.ops]));
    if (withDrain.length > 0 && result.baselineCpuMs !== undefined) {
      const all = median(withDrain);
      out.write(`webhooks: server CPU per write with webhooks, the drain after the phase included (median): ${all.toFixed(3)} ms vs ${result.baselineCpuMs.toFixed(3)} ms without; per server CPU-second the ratio is ${(result.baselineCpuMs / all).toFixed(2)}\n`);
    }
    out.write(verdict('webhooks', result, { subject: `group creations with ${opts.endpoints} webhooks`, baseline: 'without' }));
    const statuses = ['delivered', 'pending', 'failed', 'cancelled'].map((s) => `${stored.byStatus[s] ?? 0} ${s}`).join(', ');
    out.write(
      `webhooks: deliveries at the end: ${statuses} (the database), of ${stored.groups * opts.endpoints} owed (${stored.groups} groups created in the organization with webhooks x ${opts.endpoints}); ` +
        `the receivers counted ${sum(received)} (${received.join(', ')}); ${stored.plainDeliveries} in the organization without\n`,
    );
    if (result.errors + warmupErrors > 0) throw new Error(`wrk saw ${result.errors + warmupErrors} answer(s) that were not 2xx, or socket errors (${warmupErrors} in the warm-up)`);
    out.write(prof.summary(result.subjectWindows, { ops: result.subjectOps, mainCpuMs: result.subjectMainCpuMs }));
  } finally {
    await castellan?.stop();
    for (const r of receivers) await r.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
