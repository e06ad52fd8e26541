import { sql } from 'kysely';
import { type Statement, statement } from '../../db/database.ts';
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

const clearOne = statement('delete from throttles where key = ?');

export async function clearThrottle(ex: Executor, key: string): Promise<void> {
  await clearOne.run(ex, [key]);
}

/** One key's reservation: its limit, and where its current window must have started to still count. */
export interface ReserveKey {
  key: string;
  max: number;
  windowStart: string;
}

const reserveStatements = new Map<number, Statement<{ key: string; count: number }>>();
/** The reservation statement for `n` keys, written once per number of keys. */
function reserveStatement(n: number): Statement<{ key: string; count: number }> {
  let s = reserveStatements.get(n);
  if (!s) {
    // Each key's own window start and limit, picked by key: one row of VALUES and one CASE arm per key.
    const windowStart = `case throttles.key ${Array.from({ length: n }, () => 'when ? then ?').join(' ')} end`;
    s = statement(`
      insert into throttles (key, count, window_started_at, locked_until) values ${Array.from({ length: n }, () => '(?, 1, ?, null)').join(', ')}
      on conflict (key) do update set
        count = case when throttles.window_started_at < ${windowStart} then 1 else throttles.count + 1 end,
        window_started_at = case when throttles.window_started_at < ${windowStart} then excluded.window_started_at else throttles.window_started_at end
      where (throttles.locked_until is null or throttles.locked_until <= ?)
        and (throttles.window_started_at < ${windowStart} or throttles.count < case throttles.key ${Array.from({ length: n }, () => 'when ? then cast(? as integer)').join(' ')} end)
      returning key, count`);
    reserveStatements.set(n, s);
  }
  return s;
}

/**
 * Reserves one attempt against each key in one atomic statement (an upsert), BEFORE the attempt's
 * work (a password hash) is done: a key's count goes up only while it is not locked and fewer than
 * its `max` attempts are counted in its window. Answers the count after the reservation of each key
 * that took it; a key that is locked or full is missing from the answer (and was not counted). So N
 * concurrent attempts can never check more than `max` (ACC-7).
 */
export async function reserveAll(ex: Executor, keys: readonly ReserveKey[], now: string): Promise<Map<string, number>> {
  const windows = keys.flatMap((k) => [k.key, k.windowStart]);
  const params = [
    ...keys.flatMap((k) => [k.key, now]),
    ...windows,
    ...windows,
    now,
    ...windows,
    ...keys.flatMap((k) => [k.key, k.max]),
  ];
  const rows = await reserveStatement(keys.length).all(ex, params);
  return new Map(rows.map((r) => [r.key, Number(r.count)]));
}

const releaseOne = statement('update throttles set count = case when count > 0 then count - 1 else 0 end where key = ?');

/** Gives back a reserved attempt that turned out not to be a failure. */
export async function release(ex: Executor, key: string): Promise<void> {
  await releaseOne.run(ex, [key]);
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
