import type { Executor } from '../../db/schema.ts';

/** A job as its handler sees it. */
export interface Job<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  /** Attempts started so far, this one included (1 on the first run). */
  attempts: number;
  maxAttempts: number;
  dedupeKey: string | null;
  runAt: string;
  createdAt: string;
}

export interface JobContext {
  nodeId: string;
  /** Aborted when this node loses the job's lease, or stops before the job is finished. */
  signal: AbortSignal;
  /**
   * Renews the lease now (the runner also renews it on its own every third of
   * the lease). Throws JobLeaseLost when the lease has lapsed, since another
   * node may be running the job: call it just before a step that must not
   * happen twice, such as handing a message to the mail server.
   */
  heartbeat(): Promise<void>;
}

export interface JobHandler<P = unknown> {
  kind: string;
  /** Does the work; throwing fails the attempt (retried with backoff, unless it is a PermanentJobError). */
  run(job: Job<P>, ctx: JobContext): Promise<void>;
  /** Jobs of this kind one node runs at once (1). */
  concurrency?: number;
  /** Seconds to wait after the nth failed attempt before the next, before jitter (backoffSeconds). */
  backoff?: (failedAttempts: number) => number;
  /** This kind's lease, when it differs from the runner's. */
  leaseSeconds?: number;
  /** How often this node looks for due jobs of this kind, when it must be sooner than the runner's interval. */
  pollIntervalMs?: number;
  /** False: this node runs jobs of this kind only when drained (tests, the command line), never in the background. */
  background?: boolean;
  /**
   * A recurring kind: after each run, successful or given up on, the same row
   * is queued again this many seconds later. Start one by enqueueing it with a
   * dedupe key; enqueueing again changes nothing.
   */
  everySeconds?: number;
  /**
   * Told, in the transaction that marks the job failed, that it will not be
   * tried again, so the job's owner can record the outcome on its own rows.
   */
  onGiveUp?(ex: Executor, job: Job<P>, error: string): Promise<void>;
}

/** What a runner logs through: pino's shape. */
export interface JobLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

/** Thrown by `heartbeat()` when the lease lapsed: the attempt stops, and nothing is recorded by this node. */
export class JobLeaseLost extends Error {
  override name = 'JobLeaseLost';
  constructor() {
    super('the job lease lapsed; another node may hold the job');
  }
}

/** A failure no retry can mend (a malformed payload, a recipient that is gone): the job fails at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Seconds before the attempt after `failedAttempts` failed ones: 5 s, 10 s, 20 s, ... at most an hour. */
export const backoffSeconds = (failedAttempts: number): number => Math.min(3600, 5 * 2 ** Math.max(0, failedAttempts - 1));

/**
 * Each wait is lengthened by up to this fraction, at random, so that jobs
 * which failed together (an outage of the mail server) do not all come back
 * in the same instant.
 */
export const JITTER = 0.25;

/**
 * A failure as it is stored and logged: credentials and query strings are cut
 * out of URLs (single-use links carry their tokens there), `token=`-like pairs
 * are masked, and the text is kept short.
 */
export function describeFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#]\S*/gi, '$1')
    .replace(/\b(token|password|secret|key|code)=[^\s&]+/gi, '$1=[redacted]')
    .slice(0, 500);
}
