import { sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import { FIRST_POSIX_ID } from './posix.ts';

/**
 * The organization's next POSIX id, unique within it: users' uidNumber (and
 * their private gidNumber) and groups' gidNumber come from one counter, so
 * they never collide. One atomic statement, so concurrent nodes never share an id.
 */
export async function allocatePosixId(ex: Executor, orgId: string): Promise<number> {
  return allocatePosixIds(ex, orgId, 1);
}

/** Reserves `count` consecutive POSIX ids at once (bulk import); answers the first. */
export async function allocatePosixIds(ex: Executor, orgId: string, count: number): Promise<number> {
  const r = await sql<{ id: number }>`
    insert into posix_counters (org_id, next_id) values (${orgId}, ${FIRST_POSIX_ID + count})
    on conflict (org_id) do update set next_id = posix_counters.next_id + ${count}
    returning next_id - ${count} as id`.execute(ex);
  return Number(r.rows[0]?.id);
}

/**
 * Moves the organization's counter past `id`, an id an import kept (DIR-5), so that the counter
 * never hands it out again; a counter already past it stays where it is. One atomic statement.
 */
export async function reservePosixIdsThrough(ex: Executor, orgId: string, id: number): Promise<void> {
  const next = Math.max(FIRST_POSIX_ID, id + 1);
  await sql`
    insert into posix_counters (org_id, next_id) values (${orgId}, ${next})
    on conflict (org_id) do update set next_id = case when posix_counters.next_id < excluded.next_id then excluded.next_id else posix_counters.next_id end`.execute(ex);
}
