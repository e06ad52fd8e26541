import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import { AppError, type ErrorDefinition } from '../../core/errors.ts';
import type { Database } from '../../db/schema.ts';
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

  return { assertOpen, hit, consume, clear };
}

export type Throttle = ReturnType<typeof createThrottle>;
