import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import { createAttempts } from './jobs.attempt.ts';
import * as repo from './jobs.repository.ts';
import type { Jobs } from './jobs.service.ts';
import type { JobsTable } from './jobs.tables.ts';
import { type JobHandler, type JobLog, describeFailure } from './jobs.types.ts';

export interface JobRunnerDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  /** This node's name: it holds the leases. Unique per running process. */
  nodeId: string;
  /** How often to look for due jobs (also woken at once by this node's own enqueues). */
  pollIntervalMs: number;
  /** How long a claim lasts unless renewed; after it, another node may take the job over. */
  leaseSeconds: number;
  log: JobLog;
  handlers: Array<JobHandler<any>>;
  /** Enqueuers ring it after their transaction commits; the runner then looks at once. */
  jobs?: Pick<Jobs, 'onWake'>;
  /** How long stop() waits for jobs in flight (10 s); after that their leases run out and another node takes them. */
  stopTimeoutMs?: number;
  /** A random number in [0, 1), for the backoff's jitter. */
  random?: () => number;
}

/** Finished jobs are kept a day (operators can see what ran where), then deleted. */
const KEEP_DONE_MS = 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;

/**
 * Runs due jobs on this node. Every node runs one; they share the jobs table
 * through claims with leases, so each attempt at a job runs on one node, and a
 * job whose node died is taken over when its lease runs out.
 */
export function createJobRunner(deps: JobRunnerDeps) {
  const handlers = new Map<string, JobHandler<any>>();
  for (const h of deps.handlers) {
    if (handlers.has(h.kind)) throw new Error(`two handlers for job kind "${h.kind}"`);
    if (h.concurrency !== undefined && !(Number.isInteger(h.concurrency) && h.concurrency >= 1)) throw new Error(`job kind "${h.kind}": concurrency must be 1 or more`);
    if (h.everySeconds !== undefined && !(h.everySeconds > 0)) throw new Error(`job kind "${h.kind}": everySeconds must be above 0`);
    handlers.set(h.kind, h);
  }
  const attempts = createAttempts({ ...deps, random: deps.random ?? Math.random });
  const concurrency = (h: JobHandler<any>) => h.concurrency ?? 1;
  const leaseMs = (h: JobHandler<any>) => (h.leaseSeconds ?? deps.leaseSeconds) * 1000;

  /** Background attempts in flight, per kind. */
  const busy = new Map<string, number>();
  /** Every attempt in flight, background or drained: stop() waits for them. */
  const inFlight = new Set<Promise<unknown>>();
  let stopping = new AbortController();
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let pass: Promise<void> | undefined;
  let again = false;
  let lastPruneAt = Number.NEGATIVE_INFINITY;
  /**
   * At start the node gives back the jobs it held before it restarted. No claim
   * of this node may run before that: on a pool of connections it could commit
   * first, and the release would then hand back a job this node is running.
   */
  let released: Promise<void> = Promise.resolve();

  async function claim(h: JobHandler<any>, limit: number): Promise<JobsTable[]> {
    await released;
    const now = deps.clock.now();
    return repo.claim(deps.db, deps.dialect, {
      kind: h.kind,
      nodeId: deps.nodeId,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs(h)).toISOString(),
      limit,
    });
  }

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  }

  function launch(h: JobHandler<any>, row: JobsTable): void {
    busy.set(h.kind, (busy.get(h.kind) ?? 0) + 1);
    void track(attempts.execute(h, row, stopping.signal))
      .catch((e: unknown) => deps.log.error({ jobId: row.id, kind: h.kind, err: describeFailure(e) }, 'a job attempt could not be recorded'))
      .finally(() => {
        busy.set(h.kind, (busy.get(h.kind) ?? 1) - 1);
        kick();
      });
  }

  async function prune(): Promise<void> {
    const now = deps.clock.now().getTime();
    if (now - lastPruneAt < PRUNE_EVERY_MS) return;
    lastPruneAt = now;
    const n = await repo.pruneDone(deps.db, new Date(now - KEEP_DONE_MS).toISOString());
    if (n > 0) deps.log.info({ pruned: n }, 'deleted finished jobs older than a day');
  }

  /** One background pass: fill each kind's free slots with due jobs. A job that ends kicks off the next pass. */
  async function fill(): Promise<void> {
    await prune();
    for (const h of handlers.values()) {
      if (stopped) return;
      if (h.background === false) continue;
      const free = concurrency(h) - (busy.get(h.kind) ?? 0);
      if (free <= 0) continue;
      for (const row of await claim(h, free)) launch(h, row);
    }
  }

  function kick(): void {
    if (stopped) return;
    if (pass) {
      again = true;
      return;
    }
    pass = fill()
      .catch((e: unknown) => deps.log.error({ err: describeFailure(e) }, 'job runner pass failed'))
      .finally(() => {
        pass = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  /**
   * Runs every job due now, of every kind (background ones or not), and waits
   * for them; repeats until none is due. For tests and the command line.
   * Answers how many attempts it recorded. Jobs this node's background passes
   * took meanwhile are waited for too, so that nothing due is still running
   * when it returns.
   */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch: Array<Promise<boolean>> = [];
      for (const h of handlers.values()) {
        for (const row of await claim(h, concurrency(h))) batch.push(track(attempts.execute(h, row, stopping.signal)));
      }
      if (batch.length === 0) {
        if (inFlight.size === 0 && !pass) return total;
        await Promise.allSettled([pass, ...inFlight]);
        continue;
      }
      total += (await Promise.all(batch)).filter(Boolean).length;
    }
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      stopping = new AbortController();
      unsubscribe = deps.jobs?.onWake(kick);
      const background = [...handlers.values()].filter((h) => h.background !== false);
      timer = setInterval(kick, Math.min(deps.pollIntervalMs, ...background.map((h) => h.pollIntervalMs ?? deps.pollIntervalMs)));
      timer.unref();
      released = repo
        .releaseOwn(deps.db, deps.nodeId, deps.clock.now().toISOString())
        .then((n) => void (n > 0 && deps.log.info({ released: n }, 'released jobs this node held before it restarted')))
        .catch((e: unknown) => deps.log.error({ err: describeFailure(e) }, 'could not release the jobs this node held before it restarted'));
      void released.finally(kick);
    },
    /** Takes no new jobs, and waits (at most stopTimeoutMs) for those in flight. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      unsubscribe?.();
      unsubscribe = undefined;
      await pass;
      if (inFlight.size === 0) return;
      let timeout: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => true),
        new Promise<false>((resolve) => {
          timeout = setTimeout(resolve, deps.stopTimeoutMs ?? 10_000, false);
        }),
      ]);
      clearTimeout(timeout);
      if (!finished) {
        stopping.abort();
        deps.log.warn({ jobs: inFlight.size }, 'stopped with jobs still running; another node takes them over when their leases run out');
      }
    },
    /** Looks for due jobs now (after an enqueue on this node). */
    wake: kick,
    drain,
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
