import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type DatabaseHandle, openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { testRunner } from '../../../test/helpers/jobs.ts';
import { sleep, until } from '../../../test/helpers/process.ts';
import type { JobHandler } from './jobs.types.ts';
import type { JobRunner } from './jobs.runner.ts';
import { createJobs } from './jobs.service.ts';

const JOBS = 200;

/**
 * Two nodes on one database. On PostgreSQL each node has its own connection
 * pool, as two processes would, so their claims are concurrent transactions
 * that only FOR UPDATE SKIP LOCKED keeps apart. SQLite has a single writer,
 * so two runners there share one connection.
 */
describe.each(dialects)('two nodes sharing the jobs table on $name', (dialect) => {
  const cleanups: Array<() => Promise<unknown> | undefined> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('two runners working the same jobs at once never run one twice, and both take a share', async () => {
    const tdb: TestDatabase = await dialect.openMigrated();
    cleanups.push(() => tdb.cleanup());
    await migrateToLatest(tdb.handle.db);
    let other: DatabaseHandle = tdb.handle;
    if (dialect.name === 'postgres') {
      const own = openDatabase({ databaseUrl: tdb.url, poolSize: 5 });
      cleanups.push(() => own.destroy());
      other = own;
    }
    const clock = new ManualClock();
    const jobs = createJobs({ clock });
    await tdb.handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < JOBS; i++) await jobs.enqueue(trx, { kind: 'test.work', payload: { i } });
    });

    const runs = new Map<string, string[]>();
    const work = (node: string): JobHandler => ({
      kind: 'test.work',
      concurrency: 4,
      run: async (job) => {
        runs.set(job.id, [...(runs.get(job.id) ?? []), node]);
        await sleep(Math.floor(Math.random() * 4));
      },
    });
    const runners: JobRunner[] = [
      testRunner(tdb.handle, clock, { nodeId: 'node-a', pollIntervalMs: 10, handlers: [work('node-a')] }),
      testRunner(other, clock, { nodeId: 'node-b', pollIntervalMs: 10, handlers: [work('node-b')] }),
    ];
    cleanups.push(() => Promise.all(runners.map((r) => r.stop())));
    // Both in the background, and both draining on top of it: four claimers at once.
    for (const r of runners) r.start();
    await Promise.all(runners.map((r) => r.drain()));
    const done = async () => (await tdb.handle.db.selectFrom('jobs').select('id').where('status', '=', 'done').execute()).length;
    await until(async () => (await done()) === JOBS, 20_000, 'every job to be done');
    await Promise.all(runners.map((r) => r.stop()));

    const twice = [...runs].filter(([, nodes]) => nodes.length > 1);
    expect(twice).toEqual([]);
    expect(runs.size).toBe(JOBS);
    const rows = await tdb.handle.db.selectFrom('jobs').select(['status', 'attempts', 'lease_owner']).execute();
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1 && r.lease_owner === null)).toBe(true);
    const byNode = { 'node-a': 0, 'node-b': 0 } as Record<string, number>;
    for (const [, [node]] of runs) byNode[node as string] = (byNode[node as string] ?? 0) + 1;
    console.info(`${dialect.name}: jobs run by node ${JSON.stringify(byNode)}`);
    expect(byNode['node-a']).toBeGreaterThan(0);
    expect(byNode['node-b']).toBeGreaterThan(0);
  });
});
