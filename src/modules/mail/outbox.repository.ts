import { sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import type { MailOutboxTable } from './mail.tables.ts';

export async function insertMessage(ex: Executor, row: MailOutboxTable): Promise<void> {
  await ex.insertInto('mail_outbox').values(row).execute();
}

export async function findMessage(ex: Executor, id: string): Promise<MailOutboxTable | undefined> {
  return ex.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

// Each outcome is recorded only on a message still queued: a job attempt that
// comes late (after a lapsed lease) never overwrites how the message ended.

export async function markSent(ex: Executor, id: string, opts: { at: string; nodeId: string; attempts: number }): Promise<void> {
  await ex
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: opts.at, sent_by: opts.nodeId, attempts: opts.attempts, body_enc: null, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

/** A message that must not go out after all (a marketing mail whose recipient has since opted out). */
export async function markSuppressed(ex: Executor, id: string, reason: string): Promise<void> {
  await ex
    .updateTable('mail_outbox')
    .set({ status: 'suppressed', body_enc: null, last_error: reason.slice(0, 500) })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

export async function recordFailedAttempt(ex: Executor, id: string, attempts: number, error: string): Promise<void> {
  await ex
    .updateTable('mail_outbox')
    .set({ attempts, last_error: error.slice(0, 500) })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

/** Given up on: it will never be sent, so its body (and any single-use link in it) goes. */
export async function markFailed(ex: Executor, id: string, attempts: number, error: string): Promise<void> {
  await ex
    .updateTable('mail_outbox')
    .set({ status: 'failed', attempts, body_enc: null, last_error: error.slice(0, 500) })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

export async function countByStatus(ex: Executor): Promise<Record<string, number>> {
  const rows = await ex
    .selectFrom('mail_outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** DSR-1, DSR-5: the messages for an account or to an address (compared lower-cased). */
function toSubject(ex: Executor, accountId: string | null, email: string | null) {
  return ex.selectFrom('mail_outbox').where((eb) =>
    eb.or([...(accountId ? [eb('user_id', '=', accountId)] : []), ...(email ? [eb(sql<string>`lower(to_address)`, '=', email)] : [])]),
  );
}

export async function messagesFor(ex: Executor, accountId: string | null, email: string | null): Promise<MailOutboxTable[]> {
  if (!accountId && !email) return [];
  return toSubject(ex, accountId, email).selectAll().orderBy('created_at').execute();
}

export async function deleteMessagesFor(ex: Executor, accountId: string | null, email: string | null): Promise<number> {
  if (!accountId && !email) return 0;
  const ids = (await toSubject(ex, accountId, email).select('id').execute()).map((r) => r.id);
  if (ids.length === 0) return 0;
  const r = await ex.deleteFrom('mail_outbox').where('id', 'in', ids).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** IN lists of at most this many addresses: SQLite takes at most 32,766 bound values in a statement. */
const IN_CHUNK = 5000;

/** DSR-6: the messages to people without an account (an organization's invitees), by address (lower-cased). */
export async function deleteAccountlessMessagesTo(ex: Executor, addresses: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < addresses.length; i += IN_CHUNK) {
    const chunk = addresses.slice(i, i + IN_CHUNK).map((a) => a.toLowerCase());
    const r = await ex.deleteFrom('mail_outbox').where('user_id', 'is', null).where(sql<string>`lower(to_address)`, 'in', chunk).executeTakeFirst();
    deleted += Number(r.numDeletedRows);
  }
  return deleted;
}
