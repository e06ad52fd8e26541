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

  /** Throws `error` (429 with Retry-After) while the key is locked. */
  async function assertOpen(key: string, error: ErrorDefinition): Promise<void> {
    const row = await repo.findThrottle(db, key);
    if (!row?.locked_until) return;
    const remainingMs = new Date(row.locked_until).getTime() - clock.now().getTime();
    if (remainingMs > 0) throw new AppError(error, undefined, { retryAfterSeconds: Math.ceil(remainingMs / 1000) });
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
