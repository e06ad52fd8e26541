import { readRows } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import { sql } from 'kysely';
import type { SessionsTable } from './accounts.tables.ts';
import { ACTOR_COLUMNS, type ActorRow } from './accounts.views.ts';

export async function insertSession(ex: Executor, row: SessionsTable): Promise<void> {
  await ex.insertInto('sessions').values(row).execute();
}

const ACTOR_SELECT = sql.raw(ACTOR_COLUMNS.map((c) => `u.${c}`).join(', '));

/**
 * A session and the acting user in one query: every authenticated request asks
 * this, so it is one plain statement reading only what a principal is made of.
 */
export async function findSessionWithActor(ex: Executor, tokenHash: string) {
  const rows = await readRows(
    ex,
    sql<ActorRow & { session_id: string; session_expires_at: string; session_last_seen_at: string }>`
      select ${ACTOR_SELECT}, s.id as session_id, s.expires_at as session_expires_at, s.last_seen_at as session_last_seen_at
      from sessions s join users u on u.id = s.user_id
      where s.token_hash = ${tokenHash}`,
  );
  return rows[0];
}

export async function touchSession(ex: Executor, sessionId: string, at: string): Promise<void> {
  await ex.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute();
}

export async function listUserSessions(ex: Executor, userId: string, now: string): Promise<SessionsTable[]> {
  return ex
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Deletes one of the user's sessions; scoped by user so nobody can end another's session by id. */
export async function deleteUserSession(ex: Executor, userId: string, sessionId: string): Promise<boolean> {
  const r = await ex.deleteFrom('sessions').where('user_id', '=', userId).where('id', '=', sessionId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function deleteAllUserSessions(ex: Executor, userId: string, exceptSessionId?: string): Promise<number> {
  const r = await ex
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .$if(exceptSessionId !== undefined, (q) => q.where('id', '!=', exceptSessionId as string))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteExpiredSessions(ex: Executor, now: string): Promise<number> {
  const r = await ex.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
