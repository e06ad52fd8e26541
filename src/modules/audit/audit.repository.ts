import { sql } from 'kysely';
import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { AuditLogTable } from './audit.tables.ts';

const head = statement<{ seq: number; hash: string; keyed_from: number; seal: string | null }>(
  'select seq, hash, keyed_from, seal from audit_head where id = 1',
  'select seq, hash, keyed_from, seal from audit_head where id = 1 for update',
);

/** The head of the chain, locked for the rest of the transaction, so appends from several nodes are serialized. */
export async function lockHead(ex: Executor) {
  const row = await head.first(ex, []);
  if (!row) throw new Error('the audit log has no head row: the database is not migrated');
  return row;
}

const insertLog = statement(`
  insert into audit_log (seq, id, at, org_id, actor_type, actor_id, action, target_type, target_id, ip, request_id, details, prev_hash, hash)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const moveHead = statement('update audit_head set seq = ?, hash = ? where id = 1');
const moveHeadSealed = statement('update audit_head set seq = ?, hash = ?, seal = ? where id = 1');

/** Appends the entry and moves the head onto it; `seal` only with the first entry of a log that had none. */
export async function insertEntry(ex: Executor, row: AuditLogTable, seal?: string): Promise<void> {
  await insertLog.run(ex, [
    row.seq, row.id, row.at, row.org_id, row.actor_type, row.actor_id, row.action, row.target_type, row.target_id, row.ip, row.request_id, row.details, row.prev_hash, row.hash,
  ]);
  if (seal) await moveHeadSealed.run(ex, [row.seq, row.hash, seal]);
  else await moveHead.run(ex, [row.seq, row.hash]);
}

export async function readHead(ex: Executor) {
  return ex.selectFrom('audit_head').select(['seq', 'hash', 'keyed_from', 'seal']).where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function entryAt(ex: Executor, seq: number): Promise<AuditLogTable | undefined> {
  return ex.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirst();
}

export async function countEntries(ex: Executor): Promise<number> {
  const r = await ex
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function pageAfter(ex: Executor, afterSeq: number, limit: number): Promise<AuditLogTable[]> {
  return ex.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export interface AuditFilter {
  orgId: string | null;
  action?: string | undefined;
  /** Only actions that start with each of these. */
  actionPrefixes?: readonly string[] | undefined;
  actorId?: string | undefined;
  targetId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

/** Newest first. `orgId: null` reads across organizations (staff with the right role only). */
export async function listEntries(ex: Executor, f: AuditFilter, allOrgs: boolean): Promise<AuditLogTable[]> {
  return ex
    .selectFrom('audit_log')
    .selectAll()
    .$if(!allOrgs, (q) => q.where('org_id', '=', f.orgId))
    .$if(f.action !== undefined, (q) => q.where('action', '=', f.action as string))
    .$call((q) => (f.actionPrefixes ?? []).reduce((acc, p) => acc.where(sql<string>`substr(action, 1, ${sql.lit(p.length)})`, '=', p), q))
    .$if(f.actorId !== undefined, (q) => q.where('actor_id', '=', f.actorId as string))
    .$if(f.targetId !== undefined, (q) => q.where('target_id', '=', f.targetId as string))
    .$if(f.since !== undefined, (q) => q.where('at', '>=', f.since as string))
    .$if(f.until !== undefined, (q) => q.where('at', '<', f.until as string))
    .$if(f.beforeSeq !== undefined, (q) => q.where('seq', '<', f.beforeSeq as number))
    .orderBy('seq', 'desc')
    .limit(f.limit)
    .execute();
}

const about = (ex: Executor, ids: readonly string[]) => ex.selectFrom('audit_log').where((eb) => eb.or([eb('actor_id', 'in', ids), eb('target_id', 'in', ids)]));

/** DSR-1: the entries a person made, or that are about their account or memberships, in chain order. */
export async function entriesAbout(ex: Executor, ids: readonly string[]): Promise<AuditLogTable[]> {
  if (ids.length === 0) return [];
  return about(ex, ids).selectAll().orderBy('seq').execute();
}

export async function countEntriesAbout(ex: Executor, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await about(ex, ids).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
