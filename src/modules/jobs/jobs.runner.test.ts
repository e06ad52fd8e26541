import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { gate, memoryLog, testRunner } from '../../../test/helpers/jobs.ts';
import { until } from '../../../test/helpers/process.ts';
import { createJobs } from './jobs.service.ts';
import { type Job, type JobHandler, JITTER, JobLeaseLost, PermanentJobError, backoffSeconds } from './jobs.types.ts';

describe.each(dialects)('the job runner on $name', (dialect) => {
  let tdb: TestDatabase;
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const jobs = createJobs({ clock });
  const db = () => tdb.handle.db;
  const row = (id: string) => db().selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const msFromNow = (iso: string | null) => new Date(iso ?? 0).getTime() - clock.now().getTime();

  beforeEach(async () => {
    tdb = await dialect.openMigrated();
    await migrateToLatest(tdb.handle.db);
  });
  afterEach(() => tdb.cleanup());

  it('runs each due job once and marks it done; a job not yet due waits for its time', async () => {
    const seen: Array<Job<unknown>> = [];
    const runner = testRunner(tdb.handle, clock, { handlers: [{ kind: 'test.echo', run: async (job) => void seen.push(job) }] });
    const now = await jobs.enqueue(db(), { kind: 'test.echo', payload: { n: 1 } });
    const later = await jobs.enqueue(db(), { kind: 'test.echo', payload: { n: 2 }, runAt: new Date(clock.now().getTime() + 60_000) });
    expect(await runner.drain()).toBe(1);
    expect(await runner.drain()).toBe(0);
    expect(seen.map((j) => [j.id, j.payload, j.attempts])).toEqual([[now.id, { n: 1 }, 1]]);
    expect(await row(now.id)).toMatchObject({ status: 'done', attempts: 1, lease_owner: null, lease_expires_at: null });
    clock.advance(60_000);
    expect(await runner.drain()).toBe(1);
    expect(await row(later.id)).toMatchObject({ status: 'done' });
  });

  it('a failed attempt is retried after exponential backoff plus jitter, and after max_attempts the job fails for good and its owner is told once', async () => {
    const told: Array<{ attempts: number; error: string; inTransaction: boolean }> = [];
    let runs = 0;
    const handler: JobHandler = {
      kind: 'test.flaky',
      run: async () => {
        runs += 1;
        throw new Error(`the far end said no (${runs})`);
      },
      onGiveUp: async (ex, job, error) => void told.push({ attempts: job.attempts, error, inTransaction: ex.isTransaction }),
    };
    const runner = testRunner(tdb.handle, clock, { handlers: [handler], random: () => 0.5 });
    const { id } = await jobs.enqueue(db(), { kind: 'test.flaky', payload: null, maxAttempts: 3 });
    for (const attempt of [1, 2]) {
      expect(await runner.drain()).toBe(1);
      const r = await row(id);
      expect(r).toMatchObject({ status: 'queued', attempts: attempt, last_error: `the far end said no (${attempt})` });
      // 5 s, then 10 s, each lengthened by the jitter (half of JITTER, with random() pinned at 0.5).
      expect(msFromNow(r.run_at)).toBe(backoffSeconds(attempt) * 1000 * (1 + JITTER * 0.5));
      expect(await runner.drain()).toBe(0);
      clock.advance(msFromNow(r.run_at));
    }
    expect(await runner.drain()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'the far end said no (3)', lease_owner: null });
    expect(told).toEqual([{ attempts: 3, error: 'the far end said no (3)', inTransaction: true }]);
    clock.advance(24 * 3600 * 1000);
    expect(await runner.drain()).toBe(0);
    expect(runs).toBe(3);
  });

  it("a handler's own backoff is used, and a PermanentJobError fails the job at once", async () => {
    const runner = testRunner(tdb.handle, clock, {
      handlers: [
        { kind: 'test.slow', backoff: () => 600, run: async () => Promise.reject(new Error('later')) },
        { kind: 'test.gone', run: async () => Promise.reject(new PermanentJobError('the recipient is gone')) },
      ],
    });
    const slow = await jobs.enqueue(db(), { kind: 'test.slow', payload: null });
    const gone = await jobs.enqueue(db(), { kind: 'test.gone', payload: null, maxAttempts: 10 });
    await runner.drain();
    expect(msFromNow((await row(slow.id)).run_at)).toBe(600_000 * (1 + JITTER * 0.5));
    expect(await row(gone.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'the recipient is gone' });
  });

  it('a failure is stored and logged without the credentials, query strings or tokens it carried', async () => {
    const log = memoryLog();
    const runner = testRunner(tdb.handle, clock, {
      log,
      handlers: [{ kind: 'test.hook', run: async () => Promise.reject(new Error('POST https://ops:hunter2@hooks.example.com/in?token=s3cr3t failed; token=s3cr3t')) }],
    });
    const { id } = await jobs.enqueue(db(), { kind: 'test.hook', payload: null });
    await runner.drain();
    const stored = (await row(id)).last_error ?? '';
    expect(stored).toContain('hooks.example.com/in');
    for (const text of [stored, JSON.stringify(log.lines)]) {
      expect(text).not.toContain('s3cr3t');
      expect(text).not.toContain('hunter2');
    }
  });

  it("a job whose node died is taken over when the lease runs out; the first node's late end records nothing", async () => {
    const stuck = gate();
    let sentByA = 0;
    let lostByA: unknown;
    const a = testRunner(tdb.handle, clock, {
      nodeId: 'node-a',
      handlers: [
        {
          kind: 'test.send',
          run: async (_job, ctx) => {
            await stuck.opened;
            // As the mail sender does: confirm the lease just before the step that must not happen twice.
            await ctx.heartbeat().catch((e: unknown) => {
              lostByA = e;
              expect(ctx.signal.aborted).toBe(true);
              throw e;
            });
            sentByA += 1;
          },
        },
      ],
    });
    const ranOnB: number[] = [];
    const b = testRunner(tdb.handle, clock, { nodeId: 'node-b', handlers: [{ kind: 'test.send', run: async (job) => void ranOnB.push(job.attempts) }] });
    const { id } = await jobs.enqueue(db(), { kind: 'test.send', payload: null });
    const drainingA = a.drain();
    await until(async () => (await row(id)).status === 'running', 5000, 'node A to claim the job');
    expect(await b.drain()).toBe(0); // A's lease still holds
    clock.advance(30_000 + 1);
    expect(await b.drain()).toBe(1);
    expect(ranOnB).toEqual([2]);
    stuck.open();
    expect(await drainingA).toBe(0);
    expect(lostByA).toBeInstanceOf(JobLeaseLost);
    expect(sentByA).toBe(0);
    expect(await row(id)).toMatchObject({ status: 'done', attempts: 2, lease_owner: null });
  });

  it('a long job keeps its lease: the runner renews it while the job runs, so no other node takes it', async () => {
    const long = gate();
    const handler = (ran: string[], node: string): JobHandler => ({
      kind: 'test.long',
      leaseSeconds: 1,
      run: async () => {
        ran.push(node);
        await long.opened;
      },
    });
    const ran: string[] = [];
    const a = testRunner(tdb.handle, clock, { nodeId: 'node-a', handlers: [handler(ran, 'a')] });
    const b = testRunner(tdb.handle, clock, { nodeId: 'node-b', handlers: [handler(ran, 'b')] });
    const { id } = await jobs.enqueue(db(), { kind: 'test.long', payload: null });
    const drainingA = a.drain();
    await until(() => ran.length === 1, 5000, 'node A to start the job');
    // Three times 0.6 s of the clock is well past the 1 s lease, had it not been renewed each time.
    for (let i = 0; i < 3; i++) {
      clock.advance(600);
      const renewedTo = new Date(clock.now().getTime() + 1000).toISOString();
      await until(async () => ((await row(id)).lease_expires_at ?? '') >= renewedTo, 5000, 'the lease to be renewed');
      expect(await b.drain()).toBe(0);
    }
    long.open();
    expect(await drainingA).toBe(1);
    expect(ran).toEqual(['a']);
    expect(await row(id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('a job whose node died during its last attempt is failed, not run again', async () => {
    const told: string[] = [];
    let runs = 0;
    const runner = testRunner(tdb.handle, clock, { handlers: [{ kind: 'test.once', run: async () => void (runs += 1), onGiveUp: async (_ex, _job, error) => void told.push(error) }] });
    const { id } = await jobs.enqueue(db(), { kind: 'test.once', payload: null, maxAttempts: 2 });
    await db().updateTable('jobs').set({ status: 'running', attempts: 2, lease_owner: 'dead-node', lease_expires_at: clock.now().toISOString() }).execute();
    clock.advance(1);
    expect(await runner.drain()).toBe(1);
    expect(runs).toBe(0);
    expect(await row(id)).toMatchObject({ status: 'failed', lease_owner: null });
    expect(told).toHaveLength(1);
  });

  it('a recurring kind runs again after its interval, from the same row, and enqueueing its key again adds nothing', async () => {
    let runs = 0;
    let failNext = false;
    const runner = testRunner(tdb.handle, clock, {
      handlers: [
        {
          kind: 'test.recheck',
          everySeconds: 86_400,
          run: async () => {
            runs += 1;
            if (failNext) throw new PermanentJobError('the resolver is down');
          },
        },
      ],
    });
    const first = await jobs.enqueue(db(), { kind: 'test.recheck', payload: { domain: 'example.com' }, dedupeKey: 'example.com' });
    expect(await runner.drain()).toBe(1);
    expect(await row(first.id)).toMatchObject({ status: 'queued', attempts: 0, last_error: null });
    expect(msFromNow((await row(first.id)).run_at)).toBe(86_400_000);
    expect(await jobs.enqueue(db(), { kind: 'test.recheck', payload: null, dedupeKey: 'example.com' })).toEqual({ id: first.id, created: false });
    expect(await runner.drain()).toBe(0);
    clock.advance(86_400_000);
    failNext = true;
    expect(await runner.drain()).toBe(1);
    // Given up on today, it still comes back tomorrow.
    expect(await row(first.id)).toMatchObject({ status: 'queued', attempts: 0, last_error: 'the resolver is down' });
    expect(runs).toBe(2);
    expect(await db().selectFrom('jobs').select('id').execute()).toHaveLength(1);
  });
});
