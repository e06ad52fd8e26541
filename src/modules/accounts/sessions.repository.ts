import type { Executor } from '../../db/schema.ts';
import { sql } from 'kysely';
import type { SessionsTable, UsersTable } from './accounts.tables.ts';

export async function insertSession(ex: Executor, row: SessionsTable): Promise<void> {
  await ex.insertInto('sessions').values(row).execute();
}

/**
 * A session and its user in one query: every authenticated request asks this,
 * so it is written as one plain statement rather than built anew each time.
 */
export async function findSessionWithUser(ex: Executor, tokenHash: string) {
  const r = await sql<UsersTable & { session_id: string; session_expires_at: string; session_last_seen_at: string }>`
    select u.*, s.id as session_id, s.expires_at as session_expires_at, s.last_seen_at as session_last_seen_at
    from sessions s join users u on u.id = s.user_id
    where s.token_hash = ${tokenHash}`.execute(ex);
  return r.rows[0];
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
