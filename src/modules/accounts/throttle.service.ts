import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import { AppError, type ErrorDefinition } from '../../core/errors.ts';
import type { Database, Executor } from '../../db/schema.ts';
import * as repo from './throttles.repository.ts';

export interface ThrottleRule {
  /** Events allowed within the window before the key is locked. */
  max: number;
  windowSeconds: number;
  lockSeconds: number;
}

/**
 * Rate limits and temporary lockouts (ACC-7), kept in the database so that
 * every node of a cluster sees the same counts.
 */
export function createThrottle(deps: { db: Kysely<Database>; clock: Clock }) {
  const { db, clock } = deps;

  /**
   * Throws `error` (429 with Retry-After) while any of the keys is locked.
   * Answers the keys that have a counter, so a caller clears only what exists.
   */
  async function assertOpen(keys: string | string[], error: ErrorDefinition): Promise<Set<string>> {
    const rows = await repo.findThrottles(db, Array.isArray(keys) ? keys : [keys]);
    const now = clock.now().getTime();
    const remainingMs = Math.max(0, ...rows.map((r) => (r.locked_until ? new Date(r.locked_until).getTime() - now : 0)));
    if (remainingMs > 0) throw new AppError(error, undefined, { retryAfterSeconds: Math.ceil(remainingMs / 1000) });
    return new Set(rows.map((r) => r.key));
  }

  /** Counts one event; returns true when this event locked the key. */
  async function hit(key: string, rule: ThrottleRule): Promise<boolean> {
    const now = clock.now();
    const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000).toISOString();
    const count = await repo.countHit(db, key, now.toISOString(), windowStart);
    if (count < rule.max) return false;
    await repo.lock(db, key, new Date(now.getTime() + rule.lockSeconds * 1000).toISOString(), now.toISOString());
    return true;
  }

  /** Counts one request and refuses it when over the limit; for limits on every request, not only failures. */
  async function consume(key: string, rule: ThrottleRule, error: ErrorDefinition): Promise<void> {
    await assertOpen(key, error);
    // `max` requests pass; the one after them locks the key.
    if (await hit(key, { ...rule, max: rule.max + 1 })) {
      throw new AppError(error, undefined, { retryAfterSeconds: rule.lockSeconds });
    }
  }

  const clear = (key: string) => repo.clearThrottle(db, key);

  /**
   * Reserves one attempt on every key before the attempt's costly work, atomically (ACC-7): when any
   * key is locked or already holds `max` attempts in its window, the keys reserved so far are given
   * back and `error` is thrown (429 with Retry-After). Each reservation is later settled: `failed`
   * counts it (locking the key once it reaches its max), `succeeded` gives it back.
   */
  async function reserve(keys: Array<{ key: string; rule: ThrottleRule }>, error: ErrorDefinition): Promise<Reservation> {
    const now = clock.now();
    const windowStart = (k: { rule: ThrottleRule }) => new Date(now.getTime() - k.rule.windowSeconds * 1000).toISOString();
    const counts = await repo.reserveAll(db, keys.map((k) => ({ key: k.key, max: k.rule.max, windowStart: windowStart(k) })), now.toISOString());
    const refused = keys.find((k) => !counts.has(k.key));
    if (refused) {
      for (const k of keys) if (counts.has(k.key)) await repo.release(db, k.key);
      const rows = await repo.findThrottles(db, [refused.key]);
      const lockedMs = Math.max(0, ...rows.map((r) => (r.locked_until ? new Date(r.locked_until).getTime() - now.getTime() : 0)));
      throw new AppError(error, undefined, { retryAfterSeconds: Math.max(1, Math.ceil((lockedMs || refused.rule.lockSeconds * 1000) / 1000)) });
    }
    const taken = keys.map((k) => ({ ...k, count: counts.get(k.key) as number }));
    return {
      /** The attempt failed: it stays counted; a key that reached its max is locked. Answers the keys that locked now. */
      async failed(): Promise<string[]> {
        const locked: string[] = [];
        for (const t of taken) {
          if (t.count < t.rule.max) continue;
          const at = clock.now();
          await repo.lock(db, t.key, new Date(at.getTime() + t.rule.lockSeconds * 1000).toISOString(), at.toISOString());
          locked.push(t.key);
        }
        return locked;
      },
      /**
       * The attempt succeeded: its reservation is given back, and `clearKeys` are cleared altogether;
       * in `ex` when given, so that a caller's transaction commits the settlement with its own writes.
       */
      async succeeded(clearKeys: readonly string[] = [], ex: Executor = db): Promise<void> {
        for (const t of taken) {
          if (clearKeys.includes(t.key)) await repo.clearThrottle(ex, t.key);
          else await repo.release(ex, t.key);
        }
      },
    };
  }

  return { assertOpen, hit, consume, clear, reserve };
}

export interface Reservation {
  failed(): Promise<string[]>;
  succeeded(clearKeys?: readonly string[], ex?: Executor): Promise<void>;
}

export type Throttle = ReturnType<typeof createThrottle>;
