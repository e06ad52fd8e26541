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
