import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { gate, memoryLog, testRunner } from '../../../test/helpers/jobs.ts';
import { sleep, until } from '../../../test/helpers/process.ts';
import type { JobRunner } from './jobs.runner.ts';
import { createJobs } from './jobs.service.ts';

/** The runner in the background, as `castellan serve` runs it: started, woken, stopped. */
describe.each(dialects)('a running job runner on $name', (dialect) => {
  let tdb: TestDatabase;
  let runner: JobRunner | undefined;
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const jobs = createJobs({ clock });
  const db = () => tdb.handle.db;
  const status = async (id: string) => (await db().selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst())?.status;

  beforeEach(async () => {
    tdb = await dialect.openMigrated();
    await migrateToLatest(tdb.handle.db);
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await tdb.cleanup();
  });

  it("runs a job as soon as it is enqueued on its node and rung; a kind that is not run in the background waits for drain()", async () => {
    runner = testRunner(tdb.handle, clock, {
      jobs,
      pollIntervalMs: 3_600_000, // only the ring can start the first job
      handlers: [
        { kind: 'test.now', run: async () => {} },
        { kind: 'test.elsewhere', background: false, run: async () => {} },
      ],
    });
    runner.start();
    const now = await jobs.enqueue(db(), { kind: 'test.now', payload: null });
    const elsewhere = await jobs.enqueue(db(), { kind: 'test.elsewhere', payload: null });
    jobs.wake();
    await until(async () => (await status(now.id)) === 'done', 5000, 'the rung job to run');
    expect(await status(elsewhere.id)).toBe('queued');
    expect(await runner.drain()).toBe(1);
    expect(await status(elsewhere.id)).toBe('done');
  });

  it('works through a backlog with the concurrency its kind allows, and never more at once', async () => {
    let running = 0;
    let most = 0;
    runner = testRunner(tdb.handle, clock, {
      jobs,
      handlers: [
        {
          kind: 'test.batch',
          concurrency: 3,
          run: async () => {
            most = Math.max(most, ++running);
            await sleep(5);
            running -= 1;
          },
        },
      ],
    });
    for (let i = 0; i < 20; i++) await jobs.enqueue(db(), { kind: 'test.batch', payload: { i } });
    runner.start();
    await until(async () => (await db().selectFrom('jobs').select('id').where('status', '=', 'done').execute()).length === 20, 10_000, 'the backlog');
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
  });

  it('stop() takes no new job and waits for the one in flight to finish', async () => {
    const inFlight = gate();
    let started = false;
    runner = testRunner(tdb.handle, clock, {
      jobs,
      handlers: [
        {
          kind: 'test.slow',
          run: async () => {
            started = true;
            await inFlight.opened;
          },
        },
      ],
    });
    runner.start();
    const first = await jobs.enqueue(db(), { kind: 'test.slow', payload: null });
    jobs.wake();
    await until(() => started, 5000, 'the job to start');
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    const second = await jobs.enqueue(db(), { kind: 'test.slow', payload: null });
    jobs.wake();
    runner.wake();
    await sleep(50);
    expect(stopped).toBe(false);
    expect(await status(first.id)).toBe('running');
    inFlight.open();
    await stopping;
    expect(await status(first.id)).toBe('done');
    expect(await status(second.id)).toBe('queued');
  });

  it('stop() waits only so long: then the job is told to stop, through its signal', async () => {
    let aborted = false;
    const log = memoryLog();
    runner = testRunner(tdb.handle, clock, {
      jobs,
      log,
      stopTimeoutMs: 100,
      handlers: [
        {
          kind: 'test.stubborn',
          run: async (_job, ctx) => {
            await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
            aborted = true;
          },
        },
      ],
    });
    runner.start();
    const { id } = await jobs.enqueue(db(), { kind: 'test.stubborn', payload: null });
    jobs.wake();
    await until(async () => (await status(id)) === 'running', 5000, 'the job to start');
    await runner.stop();
    await until(() => aborted, 5000, 'the job to see the abort');
    expect(log.lines.map((l) => l.msg)).toContain('stopped with jobs still running; another node takes them over when their leases run out');
  });

  it('a node that restarts gives back the jobs it held at once, and finished jobs are deleted after a day unless keyed', async () => {
    const ran: string[] = [];
    const held = await jobs.enqueue(db(), { kind: 'test.mine', payload: null });
    await db().updateTable('jobs').set({ status: 'running', attempts: 1, lease_owner: 'node-a', lease_expires_at: '2030-01-01T00:00:00.000Z' }).where('id', '=', held.id).execute();
    const old = await jobs.enqueue(db(), { kind: 'test.mine', payload: null });
    const oldKeyed = await jobs.enqueue(db(), { kind: 'test.mine', payload: null, dedupeKey: 'once' });
    const recent = await jobs.enqueue(db(), { kind: 'test.mine', payload: null });
    const lastWeek = new Date(clock.now().getTime() - 7 * 86_400_000).toISOString();
    await db().updateTable('jobs').set({ status: 'done', updated_at: lastWeek }).where('id', 'in', [old.id, oldKeyed.id]).execute();
    await db().updateTable('jobs').set({ status: 'done' }).where('id', '=', recent.id).execute();

    runner = testRunner(tdb.handle, clock, { nodeId: 'node-a', jobs, handlers: [{ kind: 'test.mine', run: async (job) => void ran.push(job.id) }] });
    runner.start();
    await until(async () => (await status(held.id)) === 'done', 5000, 'the held job to run');
    expect(ran).toEqual([held.id]);
    expect(await status(old.id)).toBeUndefined();
    expect(await status(oldKeyed.id)).toBe('done');
    expect(await status(recent.id)).toBe('done');
  });
});
