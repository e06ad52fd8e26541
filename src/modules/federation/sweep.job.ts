import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { JobHandler, Jobs } from '../jobs/index.ts';
import { sweepExpired } from './oidc-store.ts';

/** PRO-2: lapsed sessions, codes, tokens and interactions are removed by one recurring job, on whichever node claims it. */
export const SWEEP_KIND = 'federation.oidc_sweep';
const SWEEP_EVERY_SECONDS = 15 * 60;

export function oidcSweepJob(db: Kysely<Database>, clock: Clock): JobHandler {
  return {
    kind: SWEEP_KIND,
    everySeconds: SWEEP_EVERY_SECONDS,
    async run() {
      await sweepExpired(db, clock);
    },
  };
}

/**
 * Queues the recurring sweep once per installation (enqueueing again changes nothing), first due one
 * period after the first start: nothing has lapsed before then.
 */
export async function scheduleOidcSweep(ex: Executor, jobs: Jobs, clock: Clock): Promise<void> {
  await jobs.enqueue(ex, { kind: SWEEP_KIND, payload: null, dedupeKey: SWEEP_KIND, runAt: new Date(clock.now().getTime() + SWEEP_EVERY_SECONDS * 1000) });
}
