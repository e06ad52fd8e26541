import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import * as repo from './jobs.repository.ts';

export interface EnqueueJob<P = unknown> {
  kind: string;
  /** Serialized as JSON: ids to act on, never a secret (the table is not encrypted). */
  payload: P;
  /** Not before this instant (now). */
  runAt?: Date;
  /** Attempts before the job is given up on (DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** Unique per kind: while a job with this key exists, enqueueing it again adds nothing. */
  dedupeKey?: string;
}

export interface Enqueued {
  id: string;
  /** False when a job with the same kind and dedupe key was already there (its id is answered). */
  created: boolean;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_PAYLOAD_CHARS = 16 * 1024;
const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export interface JobsDeps {
  clock: Clock;
}

/** The producer's side of the jobs table: enqueue, cancel, and ring the runner. */
export function createJobs(deps: JobsDeps) {
  const listeners = new Set<() => void>();

  /**
   * Adds a job. Pass the transaction that makes the change the job is about:
   * the job then exists if and only if the change commits.
   */
  async function enqueue<P>(ex: Executor, spec: EnqueueJob<P>): Promise<Enqueued> {
    const maxAttempts = spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!KIND.test(spec.kind) || spec.kind.length > 64) throw new Error(`invalid job kind "${spec.kind}"`);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1000) throw new Error('maxAttempts must be a whole number from 1 to 1000');
    if (spec.dedupeKey !== undefined && (spec.dedupeKey.length === 0 || spec.dedupeKey.length > 200)) throw new Error('a dedupe key has 1 to 200 characters');
    const payload = JSON.stringify(spec.payload ?? null);
    if (payload.length > MAX_PAYLOAD_CHARS) throw new Error('a job payload holds ids, not data: keep it under 16 KiB');
    const now = deps.clock.now().toISOString();
    const id = newId('job');
    const dedupeKey = spec.dedupeKey ?? null;
    const inserted = await repo.insertJob(ex, {
      id,
      kind: spec.kind,
      payload,
      status: 'queued',
      run_at: spec.runAt ? spec.runAt.toISOString() : now,
      attempts: 0,
      max_attempts: maxAttempts,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      dedupe_key: dedupeKey,
      created_at: now,
      updated_at: now,
    });
    if (inserted) return { id: inserted, created: true };
    const existing = dedupeKey === null ? undefined : await repo.findByKey(ex, spec.kind, dedupeKey);
    if (!existing) throw new Error('the job was neither inserted nor found');
    return { id: existing.id, created: false };
  }

  /** Removes the job with this key if it has not started; answers whether it did. A running or finished job stays. */
  function cancel(ex: Executor, kind: string, dedupeKey: string): Promise<boolean> {
    return repo.deleteQueued(ex, kind, dedupeKey);
  }

  /** Tells this node's runner that new jobs are waiting (call after the transaction commits). */
  function wake(): void {
    for (const l of listeners) l();
  }

  function onWake(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { enqueue, cancel, wake, onWake };
}

export type Jobs = ReturnType<typeof createJobs>;
