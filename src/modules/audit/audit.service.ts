import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import type { Kysely } from 'kysely';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import { GENESIS_HASH, entryHash } from './audit.hash.ts';
import * as repo from './audit.repository.ts';
import type { AuditLogTable } from './audit.tables.ts';

export interface AuditEvent {
  action: string;
  orgId?: string | null;
  target?: { type: string; id: string } | null;
  /** Never a password, hash, token or secret: only what an auditor needs. */
  details?: Record<string, unknown>;
}

export interface AuditEntryView {
  id: string;
  seq: number;
  at: string;
  orgId: string | null;
  actor: { type: string; id: string | null };
  action: string;
  target: { type: string; id: string } | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export type VerifyResult =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBad: { seq: number; id: string | null; reason: string } };

export interface AuditDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
}

export function toView(r: AuditLogTable): AuditEntryView {
  return {
    id: r.id,
    seq: Number(r.seq),
    at: r.at,
    orgId: r.org_id,
    actor: { type: r.actor_type, id: r.actor_id },
    action: r.action,
    target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
    ip: r.ip,
    requestId: r.request_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}

export function createAudit(deps: AuditDeps) {
  const { dialect, clock } = deps;

  /**
   * Appends one entry to the hash chain (SEC-1). Call it with the transaction
   * that makes the change, so the change and its record commit together. The
   * head row is locked, so appends from several nodes are serialized.
   */
  async function record(ex: Executor, ctx: RequestContext, event: AuditEvent): Promise<void> {
    if (!ex.isTransaction) {
      await ex.transaction().execute((trx) => record(trx, ctx, event));
      return;
    }
    const head = await repo.lockHead(ex, dialect === 'postgres');
    const row: Omit<AuditLogTable, 'hash'> = {
      seq: Number(head.seq) + 1,
      id: newId('aud'),
      at: clock.now().toISOString(),
      org_id: event.orgId ?? null,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      action: event.action,
      target_type: event.target?.type ?? null,
      target_id: event.target?.id ?? null,
      ip: ctx.ip,
      request_id: ctx.requestId,
      details: JSON.stringify(event.details ?? {}),
      prev_hash: head.hash,
    };
    await repo.insertEntry(ex, { ...row, hash: entryHash(row) });
  }

  /** Walks the whole chain; names the first entry whose content, link or position is wrong. */
  async function verify(onProgress: (done: number, total: number) => void = () => {}): Promise<VerifyResult> {
    const total = await repo.countEntries(deps.db);
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    for (;;) {
      const page = await repo.pageAfter(deps.db, expectedSeq - 1, 1000);
      if (page.length === 0) break;
      for (const r of page) {
        const seq = Number(r.seq);
        if (seq !== expectedSeq) {
          return bad(checked, expectedSeq, null, `entry ${expectedSeq} is missing (next present is ${seq})`);
        }
        if (r.prev_hash !== prevHash) return bad(checked, seq, r.id, 'its link to the previous entry is broken');
        const { hash, ...rest } = r;
        if (entryHash({ ...rest, seq }) !== hash) return bad(checked, seq, r.id, 'its content was altered');
        prevHash = hash;
        expectedSeq += 1;
        checked += 1;
      }
      onProgress(checked, total);
    }
    const head = await repo.readHead(deps.db);
    if (Number(head.seq) !== expectedSeq - 1 || head.hash !== prevHash) {
      return bad(checked, expectedSeq, null, `the log ends at entry ${expectedSeq - 1} but entry ${head.seq} was written`);
    }
    return { ok: true, entries: checked };
  }

  function bad(entries: number, seq: number, id: string | null, reason: string): VerifyResult {
    return { ok: false, entries, firstBad: { seq, id, reason } };
  }

  async function list(
    filter: repo.AuditFilter,
    allOrgs = false,
  ): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    const rows = await repo.listEntries(deps.db, { ...filter, limit: filter.limit + 1 }, allOrgs);
    const items = rows.slice(0, filter.limit).map(toView);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > filter.limit && last ? String(last.seq) : null };
  }

  return { record, verify, list };
}

export type Audit = ReturnType<typeof createAudit>;
