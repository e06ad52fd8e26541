import { sql } from 'kysely';
import { lockSkipLocked } from '../../db/dialect.ts';
import type { DialectName, Executor } from '../../db/schema.ts';
import type { JobStatus, JobsTable } from './jobs.tables.ts';

// Status values in claims are literals, not parameters, so that both databases
// can match them to the partial indexes' predicates (`where status = 'queued'`).
const QUEUED = sql.lit<JobStatus>('queued');
const RUNNING = sql.lit<JobStatus>('running');
const DONE = sql.lit<JobStatus>('done');

/** Inserts a job; with a dedupe key already taken for its kind, inserts nothing and answers undefined. */
export async function insertJob(ex: Executor, row: JobsTable): Promise<string | undefined> {
  const inserted = await ex
    .insertInto('jobs')
    .values(row)
    .$if(row.dedupe_key !== null, (q) => q.onConflict((oc) => oc.columns(['kind', 'dedupe_key']).doNothing()))
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

export async function findByKey(ex: Executor, kind: string, dedupeKey: string) {
  return ex.selectFrom('jobs').select(['id', 'status']).where('kind', '=', kind).where('dedupe_key', '=', dedupeKey).executeTakeFirst();
}

/** Removes a job that has not started; a running or finished one stays. */
export async function deleteQueued(ex: Executor, kind: string, dedupeKey: string): Promise<boolean> {
  const r = await ex.deleteFrom('jobs').where('kind', '=', kind).where('dedupe_key', '=', dedupeKey).where('status', '=', QUEUED).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface ClaimOptions {
  kind: string;
  nodeId: string;
  now: string;
  leaseUntil: string;
  limit: number;
}

/**
 * Claims up to `limit` jobs of one kind for this node: first running ones whose
 * lease ran out (their node died), then queued ones that are due, oldest first.
 * Each is one statement; on PostgreSQL the candidates are locked with
 * FOR UPDATE SKIP LOCKED, so two nodes claiming at once get different jobs.
 * Claiming starts an attempt.
 */
export async function claim(ex: Executor, dialect: DialectName, opts: ClaimOptions): Promise<JobsTable[]> {
  const lapsed = await claimWhere(ex, dialect, opts, 'lapsed', opts.limit);
  if (lapsed.length >= opts.limit) return lapsed;
  return [...lapsed, ...(await claimWhere(ex, dialect, opts, 'due', opts.limit - lapsed.length))];
}

async function claimWhere(ex: Executor, dialect: DialectName, opts: ClaimOptions, which: 'due' | 'lapsed', limit: number) {
  const base = ex.selectFrom('jobs').select('id').where('kind', '=', opts.kind);
  const candidates =
    which === 'due'
      ? base.where('status', '=', QUEUED).where('run_at', '<=', opts.now).orderBy('run_at')
      : base.where('status', '=', RUNNING).where('lease_expires_at', '<', opts.now).orderBy('lease_expires_at');
  return ex
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      lease_owner: opts.nodeId,
      lease_expires_at: opts.leaseUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: opts.now,
    }))
    .where('id', 'in', lockSkipLocked(ex, candidates.limit(limit)))
    .returningAll()
    .execute();
}

/** Extends this node's lease; false when it has lapsed (another node may hold the job now). */
export async function renewLease(ex: Executor, id: string, nodeId: string, now: string, until: string): Promise<boolean> {
  const r = await ex
    .updateTable('jobs')
    .set({ lease_expires_at: until, updated_at: now })
    .where('id', '=', id)
    .where('lease_owner', '=', nodeId)
    .where('status', '=', RUNNING)
    .where('lease_expires_at', '>=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** How an attempt ended, recorded only while this node still holds the job. */
export type Outcome =
  | { status: 'done' }
  | { status: 'failed'; error: string }
  | { status: 'queued'; runAt: string; error: string | null; resetAttempts: boolean };

export async function finish(ex: Executor, id: string, nodeId: string, now: string, outcome: Outcome): Promise<boolean> {
  const ended = { status: outcome.status, lease_owner: null, lease_expires_at: null, updated_at: now };
  const set =
    outcome.status === 'done'
      ? { ...ended, last_error: null }
      : outcome.status === 'failed'
        ? { ...ended, last_error: outcome.error }
        : { ...ended, last_error: outcome.error, run_at: outcome.runAt, ...(outcome.resetAttempts ? { attempts: 0 } : {}) };
  const r = await ex
    .updateTable('jobs')
    .set(set)
    .where('id', '=', id)
    .where('lease_owner', '=', nodeId)
    .where('status', '=', RUNNING)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** At start, a node gives back what it held when it stopped, instead of waiting for the leases to run out. */
export async function releaseOwn(ex: Executor, nodeId: string, now: string): Promise<number> {
  const r = await ex
    .updateTable('jobs')
    .set({ status: 'queued', lease_owner: null, lease_expires_at: null, updated_at: now })
    .where('status', '=', RUNNING)
    .where('lease_owner', '=', nodeId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Deletes finished jobs older than `before`. Keyed ones stay: their row is
 * what makes the key enqueue once. Failed ones stay for operators to read.
 */
export async function pruneDone(ex: Executor, before: string): Promise<number> {
  const r = await ex.deleteFrom('jobs').where('status', '=', DONE).where('updated_at', '<', before).where('dedupe_key', 'is', null).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Queued and running jobs by kind, for /metrics; read from the partial indexes alone. */
export async function countPending(ex: Executor): Promise<Array<{ kind: string; status: string; n: number }>> {
  const count = (status: typeof QUEUED) =>
    ex
      .selectFrom('jobs')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', status)
      .groupBy('kind')
      .execute();
  const [queued, running] = await Promise.all([count(QUEUED), count(RUNNING)]);
  return [...queued.map((r) => ({ kind: r.kind, status: 'queued', n: Number(r.n) })), ...running.map((r) => ({ kind: r.kind, status: 'running', n: Number(r.n) }))];
}
