import type { Clock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import type { JobHandler, Jobs } from '../jobs/index.ts';
import type { ScimProvisioning } from './scim.service.ts';

/**
 * PRO-4: members SCIM deprovisioned are removed once their organization's wait is over, by one
 * recurring job on whichever node claims it; removal is audited as the system's.
 */
export const SCIM_DEPROVISION_KIND = 'directory.scim_deprovision';
const EVERY_SECONDS = 60 * 60;

export function scimDeprovisionJob(scim: Pick<ScimProvisioning, 'removeDeprovisioned'>): JobHandler {
  return {
    kind: SCIM_DEPROVISION_KIND,
    everySeconds: EVERY_SECONDS,
    async run() {
      // A batch at a time, until none is due.
      while ((await scim.removeDeprovisioned(systemContext())) > 0);
    },
  };
}

/** Queues the recurring removal once per installation (enqueueing again changes nothing). */
export async function scheduleScimDeprovision(ex: Executor, jobs: Jobs, clock: Clock): Promise<void> {
  await jobs.enqueue(ex, { kind: SCIM_DEPROVISION_KIND, payload: null, dedupeKey: SCIM_DEPROVISION_KIND, runAt: new Date(clock.now().getTime() + EVERY_SECONDS * 1000) });
}
