import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { constantTimeEqual, newId } from '../../core/crypto.ts';
import type { Kysely } from 'kysely';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import { type Checkpoint, GENESIS_HASH, checkpointMac, entryHash, sealOf } from './audit.hash.ts';
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
  | {
      ok: false;
      entries: number;
      firstBad: { seq: number; id: string | null; reason: string };
      /** Set when a checkpoint was refused (its mac does not match) before the chain was read. */
      checkpointRefused?: true;
    };

export interface AuditDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  /** The audit key (`audit.key` in the data directory, or CASTELLAN_AUDIT_KEY): never in the database. */
  key: Buffer;
  /**
   * Told of each entry, in the transaction that appends it (GOV-5: webhook deliveries of directory
   * changes are queued there), wired by the composition root. A hook must not throw, nor leave the
   * transaction failed: what it throws would roll back the change it is told of. The webhook fan-out
   * runs inside its own savepoint, rolls back to it on any error and logs it, so the change commits.
   */
  recorded?: Array<(trx: Executor, ctx: RequestContext, event: AuditEvent) => Promise<void>>;
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
  const { clock } = deps;

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
    const head = await repo.lockHead(ex);
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
    // A log that was empty when the chain was keyed without the key at hand is sealed by its first entry.
    const seal = head.seal === null && Number(head.seq) === 0 ? sealOf(deps.key, 0, GENESIS_HASH) : undefined;
    await repo.insertEntry(ex, { ...row, hash: entryHash(deps.key, Number(head.keyed_from), row) }, seal);
    for (const hook of deps.recorded ?? []) await hook(ex, ctx, event);
  }

  /**
   * Walks the whole chain; names the first entry whose content, link or position is wrong, and
   * checks the chain against the operator's checkpoints: each must be intact and still in the log.
   */
  async function verify(onProgress: (done: number, total: number) => void = () => {}, checkpoints: readonly Checkpoint[] = []): Promise<VerifyResult> {
    for (const c of checkpoints) {
      if (!constantTimeEqual(checkpointMac(deps.key, c), c.mac)) {
        return { ...bad(0, c.seq, null, `the checkpoint of ${c.at} was not made with this log's audit key, or was edited`), checkpointRefused: true };
      }
    }
    const total = await repo.countEntries(deps.db);
    const head = await repo.readHead(deps.db);
    const keyedFrom = Number(head.keyed_from);
    const hashes = new Map(checkpoints.map((c) => [c.seq, c]));
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    const checkSeal = (): VerifyResult | undefined => {
      if (head.seal === null ? Number(head.seq) === 0 : constantTimeEqual(sealOf(deps.key, keyedFrom - 1, prevHash), head.seal)) return undefined;
      return bad(checked, keyedFrom - 1, null, keyedFrom > 1
        ? `the seal over entries 1 to ${keyedFrom - 1} does not match: they were rewritten, or this is not the log's audit key`
        : 'the seal does not match: this is not the log\'s audit key, or the log was replaced');
    };
    if (keyedFrom === 1) {
      const broken = checkSeal();
      if (broken) return broken;
    }
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
        if (entryHash(deps.key, keyedFrom, { ...rest, seq }) !== hash) return bad(checked, seq, r.id, 'its content was altered');
        const checkpoint = hashes.get(seq);
        if (checkpoint && checkpoint.hash !== hash) return bad(checked, seq, r.id, `it is not the entry the checkpoint of ${checkpoint.at} saw`);
        prevHash = hash;
        expectedSeq += 1;
        checked += 1;
        if (seq === keyedFrom - 1) {
          const broken = checkSeal();
          if (broken) return broken;
        }
      }
      onProgress(checked, total);
    }
    if (checked < keyedFrom - 1) return bad(checked, expectedSeq, null, `entries ${expectedSeq} to ${keyedFrom - 1} are missing`);
    if (Number(head.seq) !== expectedSeq - 1 || head.hash !== prevHash) {
      return bad(checked, expectedSeq, null, `the log ends at entry ${expectedSeq - 1} but entry ${head.seq} was written`);
    }
    for (const c of checkpoints) {
      if (c.seq > checked) return bad(checked, expectedSeq, null, `the log ends at entry ${checked} but the checkpoint of ${c.at} saw entry ${c.seq}: entries were removed`);
    }
    return { ok: true, entries: checked };
  }

  /** A checkpoint of the chain as it is now, signed with the audit key: keep it outside the database's reach. */
  async function checkpoint(): Promise<Checkpoint> {
    const head = await repo.readHead(deps.db);
    const c = { version: 1 as const, seq: Number(head.seq), hash: head.hash, at: clock.now().toISOString() };
    return { ...c, mac: checkpointMac(deps.key, c) };
  }

  function bad(entries: number, seq: number, id: string | null, reason: string): Extract<VerifyResult, { ok: false }> {
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

  return { record, verify, checkpoint, list };
}

export type Audit = ReturnType<typeof createAudit>;
