import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/schema.ts';
import * as repo from './jobs.repository.ts';
import type { JobsTable } from './jobs.tables.ts';
import { type Job, type JobHandler, type JobLog, JITTER, JobLeaseLost, PermanentJobError, backoffSeconds, describeFailure } from './jobs.types.ts';

export interface AttemptDeps {
  db: Kysely<Database>;
  clock: Clock;
  nodeId: string;
  leaseSeconds: number;
  log: JobLog;
  random: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One attempt at one claimed job: run its handler while keeping the lease
 * alive, then record how it ended (done, re-armed, retried later, or failed),
 * always on the condition that this node still holds the job. A node that lost
 * the lease records nothing: the job belongs to whoever took it over.
 */
export function createAttempts(deps: AttemptDeps) {
  const leaseMs = (h: JobHandler<any>) => (h.leaseSeconds ?? deps.leaseSeconds) * 1000;
  const now = () => deps.clock.now().getTime();
  const ids = (job: Job<unknown>) => ({ jobId: job.id, kind: job.kind, attempts: job.attempts });

  function toJob(row: JobsTable, payload: unknown): Job<unknown> {
    return {
      id: row.id,
      kind: row.kind,
      payload,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      dedupeKey: row.dedupe_key,
      runAt: row.run_at,
      createdAt: row.created_at,
    };
  }

  /** Runs the job; answers false when this node lost it along the way (nothing was recorded). */
  async function execute(h: JobHandler<any>, row: JobsTable, stopping: AbortSignal): Promise<boolean> {
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload);
    } catch {
      return giveUp(h, toJob(row, null), 'the payload is not valid JSON');
    }
    const job = toJob(row, payload);
    // Claiming started an attempt beyond the last: the node running the last one died.
    if (row.attempts > row.max_attempts) return giveUp(h, { ...job, attempts: row.max_attempts }, row.last_error ?? 'its node stopped during the last attempt');

    const lost = new AbortController();
    const heartbeat = async () => {
      const t = now();
      if (!(await repo.renewLease(deps.db, job.id, deps.nodeId, iso(t), iso(t + leaseMs(h))))) {
        lost.abort(new JobLeaseLost());
        throw new JobLeaseLost();
      }
    };
    // Renew well before the lease runs out; a failed renewal (the database is away) is tried again next time.
    const renewal = setInterval(() => heartbeat().catch(() => {}), Math.max(50, leaseMs(h) / 3));
    renewal.unref();
    let failure: { error: unknown } | undefined;
    try {
      await h.run(job, { nodeId: deps.nodeId, signal: AbortSignal.any([lost.signal, stopping]), heartbeat });
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(renewal);
    }
    if (lost.signal.aborted || failure?.error instanceof JobLeaseLost) {
      deps.log.warn(ids(job), 'job lease lapsed during the attempt; left to the node that holds it now');
      return false;
    }
    if (!failure) return finish(h, job, h.everySeconds ? rearm(h, null) : { status: 'done' });
    const error = describeFailure(failure.error);
    if (failure.error instanceof PermanentJobError || job.attempts >= job.maxAttempts) return giveUp(h, job, error);
    const waitMs = (h.backoff ?? backoffSeconds)(job.attempts) * 1000 * (1 + JITTER * deps.random());
    deps.log.warn({ ...ids(job), retryInSeconds: Math.round(waitMs / 1000), err: error }, 'job failed; it will be tried again');
    return finish(h, job, { status: 'queued', runAt: iso(now() + waitMs), error, resetAttempts: false });
  }

  const rearm = (h: JobHandler<any>, error: string | null): repo.Outcome => ({
    status: 'queued',
    runAt: iso(now() + (h.everySeconds ?? 0) * 1000),
    error,
    resetAttempts: true,
  });

  async function finish(h: JobHandler<any>, job: Job<unknown>, outcome: repo.Outcome): Promise<boolean> {
    if (await repo.finish(deps.db, job.id, deps.nodeId, iso(now()), outcome)) return true;
    deps.log.warn(ids(job), 'job finished after its lease lapsed; its outcome is left to the node that holds it now');
    return false;
  }

  /** The last attempt failed: the job is marked failed (a recurring one waits for its next turn), and its owner told. */
  async function giveUp(h: JobHandler<any>, job: Job<unknown>, error: string): Promise<boolean> {
    const outcome: repo.Outcome = h.everySeconds ? rearm(h, error) : { status: 'failed', error };
    const at = iso(now());
    let held: boolean;
    try {
      held = await deps.db.transaction().execute(async (trx) => {
        const ok = await repo.finish(trx, job.id, deps.nodeId, at, outcome);
        if (ok) await h.onGiveUp?.(trx, job, error);
        return ok;
      });
    } catch (e) {
      // The owner's step failed: the job is recorded failed all the same, or it would be given up on again and again.
      deps.log.error({ ...ids(job), err: describeFailure(e) }, 'the give-up step of a job failed');
      held = await repo.finish(deps.db, job.id, deps.nodeId, at, outcome);
    }
    if (held) deps.log.error({ ...ids(job), err: error }, 'job failed for the last time');
    return held;
  }

  return { execute };
}
