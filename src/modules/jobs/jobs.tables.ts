/**
 * One row per unit of background work, for every kind of job (mail, and the
 * coming deletions, deadlines, webhook deliveries, domain re-checks), on both
 * databases. Times are ISO 8601 text in UTC, as everywhere in Castellan.
 */
export interface JobsTable {
  id: string;
  /** What runs it, e.g. `mail.send`: one handler per kind. */
  kind: string;
  /** JSON text: ids to act on, never a secret or a message body (those stay in their owner's tables). */
  payload: string;
  status: JobStatus;
  /** When a queued job is due. */
  run_at: string;
  /** Attempts started so far, the current one included. */
  attempts: number;
  max_attempts: number;
  /** The node running it, while `running`. */
  lease_owner: string | null;
  /** After this instant a running job's node is presumed dead and another node may take the job over. */
  lease_expires_at: string | null;
  /** Why the last attempt failed, for operators; secrets are stripped before it is stored. */
  last_error: string | null;
  /** When set, unique per kind: enqueueing the same key again adds nothing. */
  dedupe_key: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * `queued`: waiting for `run_at` (also between retries); `running`: held by
 * `lease_owner`; `done`: finished; `failed`: given up on after `max_attempts`
 * (or a permanent error) and never tried again, as the mail outbox has always
 * called a message it gave up on.
 */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTables {
  jobs: JobsTable;
}
