import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { SessionsTable } from './accounts.tables.ts';

const insert = statement(`
  insert into sessions (id, account_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent, reauthenticated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);

export async function insertSession(ex: Executor, row: SessionsTable): Promise<void> {
  await insert.run(ex, [row.id, row.account_id, row.token_hash, row.created_at, row.last_seen_at, row.expires_at, row.ip, row.user_agent, row.reauthenticated_at]);
}

/** What a signed-in request is made of: the session and the few columns of its account that permissions need. */
export interface SessionRow {
  session_id: string;
  session_expires_at: string;
  session_last_seen_at: string;
  account_id: string;
  staff_role: string | null;
  status: string;
  email_verified_at: string | null;
  totp_enabled_at: string | null;
}

/**
 * A session and its account in one query: every authenticated request asks
 * this, so it is one plain statement reading only what a caller is made of.
 */
const sessionWithAccount = statement<SessionRow>(`
  select s.id as session_id, s.expires_at as session_expires_at, s.last_seen_at as session_last_seen_at,
         a.id as account_id, a.staff_role, a.status, a.email_verified_at, a.totp_enabled_at
  from sessions s join accounts a on a.id = s.account_id
  where s.token_hash = ?`);

export async function findSessionWithAccount(ex: Executor, tokenHash: string): Promise<SessionRow | undefined> {
  return sessionWithAccount.first(ex, [tokenHash]);
}

export async function markReauthenticated(ex: Executor, accountId: string, sessionId: string, at: string): Promise<void> {
  await ex.updateTable('sessions').set({ reauthenticated_at: at }).where('id', '=', sessionId).where('account_id', '=', accountId).execute();
}

export async function reauthenticatedAt(ex: Executor, accountId: string, sessionId: string): Promise<string | null> {
  const row = await ex.selectFrom('sessions').select('reauthenticated_at').where('id', '=', sessionId).where('account_id', '=', accountId).executeTakeFirst();
  return row?.reauthenticated_at ?? null;
}

const touch = statement('update sessions set last_seen_at = ? where id = ?');

export async function touchSession(ex: Executor, sessionId: string, at: string): Promise<void> {
  await touch.run(ex, [at, sessionId]);
}

export async function listAccountSessions(ex: Executor, accountId: string, now: string): Promise<SessionsTable[]> {
  return ex
    .selectFrom('sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Deletes one of the user's sessions; scoped by user so nobody can end another's session by id. */
export async function deleteAccountSession(ex: Executor, accountId: string, sessionId: string): Promise<boolean> {
  const r = await ex.deleteFrom('sessions').where('account_id', '=', accountId).where('id', '=', sessionId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function deleteAllAccountSessions(ex: Executor, accountId: string, exceptSessionId?: string): Promise<number> {
  const r = await ex
    .deleteFrom('sessions')
    .where('account_id', '=', accountId)
    .$if(exceptSessionId !== undefined, (q) => q.where('id', '!=', exceptSessionId as string))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteExpiredSessions(ex: Executor, now: string): Promise<number> {
  const r = await ex.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
