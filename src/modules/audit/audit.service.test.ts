import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { createAudit } from './audit.service.ts';

describe.each(dialects)('audit chain on $name', (dialect) => {
  let tdb: TestDatabase;
  let audit: ReturnType<typeof createAudit>;
  beforeEach(async () => {
    tdb = await dialect.open();
    await migrateToLatest(tdb.handle.db);
    audit = createAudit({ db: tdb.handle.db, dialect: tdb.handle.dialect, clock: new ManualClock() });
    for (let i = 0; i < 5; i++) {
      await audit.record(tdb.handle.db, systemContext(), { action: `test.event_${i}`, orgId: 'org_1', details: { i } });
    }
  });
  afterEach(() => tdb.cleanup());

  /** Tampering needs the append-only guard out of the way first, as an attacker with database access would. */
  async function dropGuards() {
    if (tdb.handle.dialect === 'sqlite') {
      await sql`drop trigger audit_log_no_update`.execute(tdb.handle.db);
      await sql`drop trigger audit_log_no_delete`.execute(tdb.handle.db);
    } else {
      await sql`drop trigger audit_log_no_change on audit_log`.execute(tdb.handle.db);
    }
  }

  it('SEC-1: an intact chain verifies', async () => {
    expect(await audit.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('SEC-1: the log is append-only in the database itself', async () => {
    await expect(sql`update audit_log set action = 'x' where seq = 2`.execute(tdb.handle.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 2`.execute(tdb.handle.db)).rejects.toThrow(/append-only/);
  });

  it('SEC-1: an altered entry is found and named', async () => {
    await dropGuards();
    await sql`update audit_log set details = '{"i":99}' where seq = 3`.execute(tdb.handle.db);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBad).toMatchObject({ seq: 3, reason: 'its content was altered' });
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

  it('SEC-1: a re-hashed forgery still breaks the link to the next entry', async () => {
    await dropGuards();
    const { entryHash } = await import('./audit.hash.ts');
    const row = await tdb.handle.db.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
    const forged = { ...row, seq: Number(row.seq), action: 'test.innocent' };
    const { hash: _h, ...rest } = forged;
    await tdb.handle.db
      .updateTable('audit_log')
      .set({ action: forged.action, hash: entryHash(rest) })
      .where('seq', '=', 2)
      .execute();
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.firstBad.seq).toBe(3);
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
