import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import { sha256 } from '../../core/crypto.ts';
import { migrateTo, migrateToLatest } from '../../db/migrate.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { GENESIS_HASH, canonicalJson, entryHash } from './audit.hash.ts';
import { createAudit } from './audit.service.ts';

describe.each(dialects)('audit chain on $name', (dialect) => {
  let tdb: TestDatabase;
  let audit: ReturnType<typeof createAudit>;
  const key = randomBytes(32);
  const clock = new ManualClock();
  beforeEach(async () => {
    tdb = await dialect.openMigrated();
    await migrateToLatest(tdb.handle.db, undefined, { auditKey: key });
    audit = createAudit({ db: tdb.handle.db, dialect: tdb.handle.dialect, clock, key });
    for (let i = 0; i < 5; i++) {
      await audit.record(tdb.handle.db, systemContext(), { action: `test.event_${i}`, orgId: 'org_1', details: { i } });
    }
  });
  afterEach(() => tdb.cleanup());

  /** Tampering needs the database's guards out of the way first, as an attacker with database access would. */
  async function dropGuards() {
    const db = tdb.handle.db;
    if (tdb.handle.dialect === 'sqlite') {
      for (const t of ['audit_log_no_update', 'audit_log_no_delete', 'audit_head_forward', 'audit_head_no_delete', 'audit_head_no_insert']) await sql`drop trigger ${sql.raw(t)}`.execute(db);
    } else {
      await sql`drop trigger audit_log_no_change on audit_log`.execute(db);
      await sql`drop trigger audit_head_forward on audit_head`.execute(db);
      await sql`drop trigger audit_head_no_delete on audit_head`.execute(db);
    }
  }

  /** What someone with the database but not the key can compute: the unkeyed hash. */
  const publicHash = (row: Record<string, unknown>) => {
    const { prev_hash, hash: _hash, ...fields } = row;
    return sha256(`${String(prev_hash)}\n${canonicalJson({ ...fields, seq: Number(fields.seq) })}`);
  };

  const entries = () => tdb.handle.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();

  it('SEC-1: an intact chain verifies', async () => {
    expect(await audit.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('SEC-1: the chain is keyed: another key finds it broken', async () => {
    const other = createAudit({ db: tdb.handle.db, dialect: tdb.handle.dialect, clock, key: randomBytes(32) });
    const r = await other.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBad.reason).toMatch(/seal does not match/);
  });

  it('SEC-1: the log is append-only in the database itself', async () => {
    await expect(sql`update audit_log set action = 'x' where seq = 2`.execute(tdb.handle.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 2`.execute(tdb.handle.db)).rejects.toThrow(/append-only/);
  });

  it('SEC-1: the head has the same guard: it cannot be moved back, deleted, duplicated or re-sealed', async () => {
    const db = tdb.handle.db;
    const head = await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    const row = (await entries())[2];
    await expect(db.updateTable('audit_head').set({ seq: 3, hash: row?.hash as string }).execute()).rejects.toThrow(/only moves forward/);
    await expect(db.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).execute()).rejects.toThrow(/only moves forward/);
    await expect(db.updateTable('audit_head').set({ keyed_from: 99 }).execute()).rejects.toThrow(/only moves forward/);
    await expect(db.updateTable('audit_head').set({ seal: 'x' }).execute()).rejects.toThrow(/only moves forward/);
    await expect(db.deleteFrom('audit_head').execute()).rejects.toThrow(/only moves forward/);
    await expect(db.insertInto('audit_head').values({ ...head, id: 2 }).execute()).rejects.toThrow(/only moves forward/);
    if (tdb.handle.dialect === 'postgres') await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/only moves forward/);
    expect(await audit.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('SEC-1: an altered entry is found and named', async () => {
    await dropGuards();
    await sql`update audit_log set details = '{"i":99}' where seq = 3`.execute(tdb.handle.db);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBad).toMatchObject({ seq: 3, reason: 'its content was altered' });
  });

  it('SEC-1: rewriting an entry and re-hashing the rest with the public hash is caught', async () => {
    await dropGuards();
    const db = tdb.handle.db;
    let prev = GENESIS_HASH;
    for (const row of await entries()) {
      const forged = { ...row, prev_hash: prev, action: Number(row.seq) === 2 ? 'test.innocent' : row.action };
      const hash = publicHash(forged);
      await db.updateTable('audit_log').set({ action: forged.action, prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
      prev = hash;
    }
    await db.updateTable('audit_head').set({ hash: prev }).execute();
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBad).toMatchObject({ seq: 1, reason: 'its content was altered' });
  });

  it('SEC-1: a removed entry is found, in the middle and at the end', async () => {
    await dropGuards();
    await sql`delete from audit_log where seq = 2`.execute(tdb.handle.db);
    const middle = await audit.verify();
    expect(middle.ok).toBe(false);
    if (!middle.ok) expect(middle.firstBad.seq).toBe(2);

    await sql`delete from audit_log where seq > 0`.execute(tdb.handle.db);
    for (let i = 0; i < 3; i++) await audit.record(tdb.handle.db, systemContext(), { action: 'again' });
    await sql`delete from audit_log where seq = 8`.execute(tdb.handle.db);
    const end = await audit.verify();
    expect(end.ok).toBe(false);
  });

  it('SEC-1: truncation with the head moved back, or an emptied log, is caught by a checkpoint', async () => {
    const checkpoint = await audit.checkpoint();
    expect(checkpoint).toMatchObject({ version: 1, seq: 5 });
    expect(await audit.verify(undefined, [checkpoint])).toEqual({ ok: true, entries: 5 });
    await dropGuards();
    const db = tdb.handle.db;
    const third = (await entries())[2];
    await db.deleteFrom('audit_log').where('seq', '>', 3).execute();
    await db.updateTable('audit_head').set({ seq: 3, hash: third?.hash as string }).execute();
    // Without the checkpoint the shorter log is consistent: what the chain alone cannot prove.
    expect(await audit.verify()).toEqual({ ok: true, entries: 3 });
    const truncated = await audit.verify(undefined, [checkpoint]);
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.firstBad.reason).toMatch(/checkpoint .* saw entry 5: entries were removed/);

    await db.deleteFrom('audit_log').execute();
    await db.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).execute();
    expect((await audit.verify(undefined, [checkpoint])).ok).toBe(false);
  });

  it('SEC-1: a checkpoint names the entry it saw: a replaced entry at that position is caught; an edited checkpoint is refused', async () => {
    const checkpoint = await audit.checkpoint();
    const r = await audit.verify(undefined, [{ ...checkpoint, seq: 4 }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBad.reason).toMatch(/not made with this log's audit key, or was edited/);
    const early = await audit.checkpoint();
    await audit.record(tdb.handle.db, systemContext(), { action: 'later' });
    expect(await audit.verify(undefined, [early, checkpoint])).toEqual({ ok: true, entries: 6 });
  });

  it('SEC-1: concurrent appends keep one unbroken chain', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => audit.record(tdb.handle.db, systemContext(), { action: 'parallel', details: { i } })),
    );
    expect(await audit.verify()).toEqual({ ok: true, entries: 25 });
  });

  it('lists newest first with a cursor', async () => {
    const first = await audit.list({ orgId: 'org_1', limit: 2 });
    expect(first.items.map((e) => e.action)).toEqual(['test.event_4', 'test.event_3']);
    const second = await audit.list({ orgId: 'org_1', limit: 2, beforeSeq: Number(first.nextCursor) });
    expect(second.items.map((e) => e.action)).toEqual(['test.event_2', 'test.event_1']);
    expect((await audit.list({ orgId: 'org_2', limit: 10 })).items).toEqual([]);
  });
});

describe.each(dialects)('audit chain written before it was keyed, on $name', (dialect) => {
  let tdb: TestDatabase;
  afterEach(() => tdb.cleanup());

  /** A log as the release before the keyed chain wrote it: SHA-256 links, the head at its last entry. */
  async function legacyLog(n: number) {
    tdb = await dialect.open();
    const db = tdb.handle.db;
    await migrateTo(db, '0009-jobs');
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= n; seq++) {
      const row = { seq, id: `aud_legacy_${seq}`, at: new Date(Date.UTC(2026, 0, seq)).toISOString(), org_id: 'org_1', actor_type: 'system', actor_id: null, action: `legacy.${seq}`, target_type: null, target_id: null, ip: null, request_id: null, details: '{}', prev_hash: prev };
      const hash = entryHash(Buffer.alloc(32), Number.POSITIVE_INFINITY, row);
      await db.insertInto('audit_log').values({ ...row, hash }).execute();
      await db.updateTable('audit_head').set({ seq, hash } as never).execute();
      prev = hash;
    }
    return db;
  }

  it('SEC-1: upgrading needs the audit key when the log has entries', async () => {
    const db = await legacyLog(2);
    await expect(migrateToLatest(db)).rejects.toThrow(/needs the audit key/);
  });

  it('SEC-1: the old entries are sealed: they verify, and rewriting them (even re-hashed) is caught', async () => {
    const key = randomBytes(32);
    const db = await legacyLog(4);
    await migrateToLatest(db, undefined, { auditKey: key });
    const audit = createAudit({ db, dialect: tdb.handle.dialect, clock: new ManualClock(), key });
    await audit.record(db, systemContext(), { action: 'keyed.1' });
    await audit.record(db, systemContext(), { action: 'keyed.2' });
    expect(await audit.verify()).toEqual({ ok: true, entries: 6 });
    expect((await db.selectFrom('audit_head').select('keyed_from').executeTakeFirstOrThrow()).keyed_from).toBe(5);

    if (tdb.handle.dialect === 'sqlite') {
      await sql`drop trigger audit_log_no_update`.execute(db);
    } else {
      await sql`drop trigger audit_log_no_change on audit_log`.execute(db);
    }
    // Rewrite entry 2 and re-hash 2..4 as the old release would have: the seal and the first keyed link both catch it.
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '<=', 4).orderBy('seq').execute();
    let prev = rows[0]?.hash as string;
    for (const row of rows.slice(1)) {
      const forged = { ...row, seq: Number(row.seq), prev_hash: prev, action: row.seq === 2 ? 'legacy.innocent' : row.action };
      const { hash: _h, ...rest } = forged;
      const hash = entryHash(Buffer.alloc(32), Number.POSITIVE_INFINITY, rest);
      await db.updateTable('audit_log').set({ action: forged.action, prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
      prev = hash;
    }
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBad).toMatchObject({ seq: 4 });
  });
});
