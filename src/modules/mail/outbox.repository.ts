import type { DialectName, Executor } from '../../db/schema.ts';
import type { MailOutboxTable } from './mail.tables.ts';

export async function insertMessage(ex: Executor, row: MailOutboxTable): Promise<void> {
  await ex.insertInto('mail_outbox').values(row).execute();
}

/**
 * Claims up to `limit` due messages for this node: queued ones whose time has
 * come, and ones whose previous claimant's lease ran out (it crashed). On
 * PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED, so two
 * nodes never claim the same message; SQLite has a single writer anyway.
 */
export async function claimDue(
  ex: Executor,
  dialect: DialectName,
  opts: { nodeId: string; now: string; leaseUntil: string; limit: number },
): Promise<MailOutboxTable[]> {
  const due = ex
    .selectFrom('mail_outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', opts.now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', opts.now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(opts.limit)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  return ex
    .updateTable('mail_outbox')
    .set((eb) => ({
      status: 'sending',
      claimed_by: opts.nodeId,
      lease_until: opts.leaseUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/**
 * Extends this node's claim on a message just before sending it; false when
 * the claim lapsed (another node may own the message now), and then it must
 * not be sent.
 */
export async function renewLease(ex: Executor, id: string, nodeId: string, now: string, until: string): Promise<boolean> {
  const r = await ex
    .updateTable('mail_outbox')
    .set({ lease_until: until })
    .where('id', '=', id)
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
    .where('lease_until', '>=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** At start, a node gives back what it held when it stopped, instead of waiting for the leases to run out. */
export async function releaseClaims(ex: Executor, nodeId: string): Promise<number> {
  const r = await ex
    .updateTable('mail_outbox')
    .set({ status: 'queued', lease_until: null })
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function markSent(ex: Executor, id: string, nodeId: string, at: string): Promise<void> {
  await ex
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: at, body_enc: null, lease_until: null, last_error: null })
    .where('id', '=', id)
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
    .execute();
}

/** A message that must not go out after all (a marketing mail whose recipient has since opted out). */
export async function markSuppressed(ex: Executor, id: string, nodeId: string, reason: string): Promise<void> {
  await ex
    .updateTable('mail_outbox')
    .set({ status: 'suppressed', body_enc: null, lease_until: null, last_error: reason.slice(0, 500) })
    .where('id', '=', id)
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
    .execute();
}

export async function markFailed(
  ex: Executor,
  id: string,
  nodeId: string,
  opts: { final: boolean; nextAttemptAt: string; error: string },
): Promise<void> {
  await ex
    .updateTable('mail_outbox')
    .set({
      status: opts.final ? 'failed' : 'queued',
      next_attempt_at: opts.nextAttemptAt,
      lease_until: null,
      last_error: opts.error.slice(0, 500),
    })
    .where('id', '=', id)
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
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
