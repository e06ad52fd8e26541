import type { Executor } from '../../db/schema.ts';
import type { SessionsTable } from './accounts.tables.ts';

export async function insertSession(ex: Executor, row: SessionsTable): Promise<void> {
  await ex.insertInto('sessions').values(row).execute();
}

/** A session and its user in one query: every authenticated request asks this. */
export async function findSessionWithUser(ex: Executor, tokenHash: string) {
  return ex
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id as session_id', 'sessions.expires_at as session_expires_at', 'sessions.last_seen_at as session_last_seen_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
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
