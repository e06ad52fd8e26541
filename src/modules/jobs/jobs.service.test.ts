import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { createJobs } from './jobs.service.ts';

describe.each(dialects)('enqueueing jobs on $name', (dialect) => {
  let tdb: TestDatabase;
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const jobs = createJobs({ clock });
  const rows = () => tdb.handle.db.selectFrom('jobs').selectAll().orderBy('created_at').orderBy('id').execute();

  beforeEach(async () => {
    tdb = await dialect.openMigrated();
    await migrateToLatest(tdb.handle.db);
  });
  afterEach(() => tdb.cleanup());

  it('a job is a queued row, due now unless told when, with its payload as JSON', async () => {
    const now = await jobs.enqueue(tdb.handle.db, { kind: 'test.echo', payload: { orgId: 'org_1' } });
    const later = await jobs.enqueue(tdb.handle.db, { kind: 'test.echo', payload: [1, 2], runAt: new Date('2026-03-03T00:00:00.000Z'), maxAttempts: 2 });
    expect(now.created && later.created).toBe(true);
    const all = await rows();
    const a = all.find((r) => r.id === now.id);
    const b = all.find((r) => r.id === later.id);
    expect(a).toMatchObject({
      id: now.id,
      kind: 'test.echo',
      payload: '{"orgId":"org_1"}',
      status: 'queued',
      run_at: '2026-03-02T10:00:00.000Z',
      attempts: 0,
      max_attempts: 5,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      dedupe_key: null,
    });
    expect(b).toMatchObject({ id: later.id, payload: '[1,2]', run_at: '2026-03-03T00:00:00.000Z', max_attempts: 2 });
  });

  it('a job enqueued in a transaction that rolls back leaves nothing behind', async () => {
    const outcome = await tdb.handle.db
      .transaction()
      .execute(async (trx) => {
        await jobs.enqueue(trx, { kind: 'test.echo', payload: { n: 1 } });
        await jobs.enqueue(trx, { kind: 'test.echo', payload: { n: 2 }, dedupeKey: 'k' });
        expect(await trx.selectFrom('jobs').select('id').execute()).toHaveLength(2);
        throw new Error('the change the jobs were for failed');
      })
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect(await rows()).toEqual([]);
    // The key is free again: nothing of the rolled-back job holds it.
    expect((await jobs.enqueue(tdb.handle.db, { kind: 'test.echo', payload: null, dedupeKey: 'k' })).created).toBe(true);
  });

  it('a dedupe key is unique per kind: the second enqueue adds nothing and answers the first job', async () => {
    const first = await jobs.enqueue(tdb.handle.db, { kind: 'test.recheck', payload: { domain: 'a' }, dedupeKey: 'domain:a' });
    const again = await tdb.handle.db.transaction().execute((trx) => jobs.enqueue(trx, { kind: 'test.recheck', payload: { domain: 'changed' }, dedupeKey: 'domain:a' }));
    expect(again).toEqual({ id: first.id, created: false });
    const otherKind = await jobs.enqueue(tdb.handle.db, { kind: 'test.delete', payload: null, dedupeKey: 'domain:a' });
    const otherKey = await jobs.enqueue(tdb.handle.db, { kind: 'test.recheck', payload: null, dedupeKey: 'domain:b' });
    const unkeyed = [
      await jobs.enqueue(tdb.handle.db, { kind: 'test.recheck', payload: null }),
      await jobs.enqueue(tdb.handle.db, { kind: 'test.recheck', payload: null }),
    ];
    expect([otherKind, otherKey, ...unkeyed].every((j) => j.created)).toBe(true);
    const all = await rows();
    expect(all).toHaveLength(5);
    expect(all.find((r) => r.id === first.id)?.payload).toBe('{"domain":"a"}');
  });

  it('cancel removes a job that has not started, and leaves a running one', async () => {
    await jobs.enqueue(tdb.handle.db, { kind: 'test.delete', payload: null, dedupeKey: 'org_1' });
    await jobs.enqueue(tdb.handle.db, { kind: 'test.delete', payload: null, dedupeKey: 'org_2' });
    await tdb.handle.db.updateTable('jobs').set({ status: 'running', lease_owner: 'n', lease_expires_at: '2030-01-01T00:00:00.000Z' }).where('dedupe_key', '=', 'org_2').execute();
    expect(await jobs.cancel(tdb.handle.db, 'test.delete', 'org_1')).toBe(true);
    expect(await jobs.cancel(tdb.handle.db, 'test.delete', 'org_1')).toBe(false);
    expect(await jobs.cancel(tdb.handle.db, 'test.delete', 'org_2')).toBe(false);
    expect((await rows()).map((r) => r.dedupe_key)).toEqual(['org_2']);
  });

  it('a malformed job is refused before anything is written', async () => {
    const bad = [
      { kind: '', payload: null },
      { kind: 'Mail Send', payload: null },
      { kind: 'test.echo', payload: null, maxAttempts: 0 },
      { kind: 'test.echo', payload: null, maxAttempts: 1.5 },
      { kind: 'test.echo', payload: null, dedupeKey: '' },
      { kind: 'test.echo', payload: 'x'.repeat(20_000) },
    ];
    for (const spec of bad) await expect(jobs.enqueue(tdb.handle.db, spec)).rejects.toThrow();
    expect(await rows()).toEqual([]);
  });

  it('wake rings every listener until it unsubscribes', () => {
    let rung = 0;
    const off = jobs.onWake(() => (rung += 1));
    jobs.wake();
    off();
    jobs.wake();
    expect(rung).toBe(1);
  });
});
