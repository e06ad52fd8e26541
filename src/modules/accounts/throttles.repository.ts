import { sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';

export async function findThrottles(ex: Executor, keys: string[]) {
  return ex.selectFrom('throttles').selectAll().where('key', 'in', keys).execute();
}

/**
 * Counts one event against `key` in one atomic statement (an upsert), so that
 * nodes of a cluster share the count. A window older than `windowStart` restarts at 1.
 */
export async function countHit(ex: Executor, key: string, now: string, windowStart: string): Promise<number> {
  const r = await sql<{ count: number }>`
    insert into throttles (key, count, window_started_at, locked_until) values (${key}, 1, ${now}, null)
    on conflict (key) do update set
      count = case when throttles.window_started_at < ${windowStart} then 1 else throttles.count + 1 end,
      window_started_at = case when throttles.window_started_at < ${windowStart} then ${now} else throttles.window_started_at end
    returning count`.execute(ex);
  return Number(r.rows[0]?.count ?? 1);
}

export async function lock(ex: Executor, key: string, until: string, now: string): Promise<void> {
  await ex
    .updateTable('throttles')
    .set({ locked_until: until, count: 0, window_started_at: now })
    .where('key', '=', key)
    .execute();
}

export async function clearThrottle(ex: Executor, key: string): Promise<void> {
  await ex.deleteFrom('throttles').where('key', '=', key).execute();
}

/**
 * Reserves one attempt against `key` in one atomic statement, BEFORE the attempt's work (a password
 * hash) is done: the row's count goes up only while the key is not locked and fewer than `max`
 * attempts are counted in the window. Answers the count after the reservation, or null when the
 * key is locked or full, so N concurrent attempts can never check more than `max` (ACC-7).
 */
export async function reserve(ex: Executor, key: string, max: number, now: string, windowStart: string): Promise<number | null> {
  const r = await sql<{ count: number }>`
    insert into throttles (key, count, window_started_at, locked_until) values (${key}, 1, ${now}, null)
    on conflict (key) do update set
      count = case when throttles.window_started_at < ${windowStart} then 1 else throttles.count + 1 end,
      window_started_at = case when throttles.window_started_at < ${windowStart} then ${now} else throttles.window_started_at end
    where (throttles.locked_until is null or throttles.locked_until <= ${now})
      and (throttles.window_started_at < ${windowStart} or throttles.count < ${max})
    returning count`.execute(ex);
  const row = r.rows[0];
  return row === undefined ? null : Number(row.count);
}

/** Gives back a reserved attempt that turned out not to be a failure. */
export async function release(ex: Executor, key: string): Promise<void> {
  await sql`update throttles set count = case when count > 0 then count - 1 else 0 end where key = ${key}`.execute(ex);
}

/** Counters whose window started before `windowCutoff` and that hold no lockout still running at `now`. */
export async function deleteIdleThrottles(ex: Executor, windowCutoff: string, now: string): Promise<number> {
  const r = await ex
    .deleteFrom('throttles')
    .where('window_started_at', '<', windowCutoff)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
