import type { Kysely } from 'kysely';
import type { Clock } from '../../src/core/clock.ts';
import type { Database, DialectName } from '../../src/db/schema.ts';
import { type JobLog, type JobRunnerDeps, createJobRunner } from '../../src/modules/jobs/index.ts';

/** A log that keeps what it is told, so tests can read it (and check it holds no secret). */
export function memoryLog(): JobLog & { lines: Array<{ level: string; msg: string } & Record<string, unknown>> } {
  const lines: Array<{ level: string; msg: string } & Record<string, unknown>> = [];
  const at = (level: string) => (o: object, msg: string) => void lines.push({ ...o, level, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A promise opened from outside: jobs in tests wait on it to stay in flight. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A runner as a node runs it, with the runner's defaults a test does not care about. */
export function testRunner(
  db: { db: Kysely<Database>; dialect: DialectName },
  clock: Clock,
  opts: Partial<JobRunnerDeps> & Pick<JobRunnerDeps, 'handlers'>,
) {
  return createJobRunner({
    db: db.db,
    dialect: db.dialect,
    clock,
    nodeId: 'node-a',
    pollIntervalMs: 20,
    leaseSeconds: 30,
    log: memoryLog(),
    random: () => 0.5,
    ...opts,
  });
}
