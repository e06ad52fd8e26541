import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { JobHandler, Jobs } from '../jobs/index.ts';
import { sweepExpired } from './oidc-store.ts';
import type { SigningKeys } from './signing-keys.service.ts';
import { sweepSaml } from './saml.repository.ts';

/**
 * PRO-2, PRO-5: lapsed sessions, codes, tokens and interactions, and lapsed SAML sign-ins and replay
 * records, are removed by one recurring job, on whichever node claims it.
 */
export const SWEEP_KIND = 'federation.oidc_sweep';
const SWEEP_EVERY_SECONDS = 15 * 60;

export function oidcSweepJob(db: Kysely<Database>, clock: Clock): JobHandler {
  return {
    kind: SWEEP_KIND,
    everySeconds: SWEEP_EVERY_SECONDS,
    async run() {
      await sweepExpired(db, clock);
      await sweepSaml(db, clock.now().toISOString());
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

/** PRO-2: the signing keys' schedule, one recurring job: rotation when due, and retirement of the keys whose tokens lapsed. */
export const KEY_ROTATION_KIND = 'federation.oidc_key_rotation';
const KEY_CHECK_EVERY_SECONDS = 60 * 60;

export function oidcKeyRotationJob(keys: SigningKeys, rotationDays: number): JobHandler {
  return {
    kind: KEY_ROTATION_KIND,
    everySeconds: KEY_CHECK_EVERY_SECONDS,
    async run() {
      // Audited when it changes anything (SEC-1); every node picks the new keys up (protocols/oidc/index.ts).
      await keys.rotateIfDue(systemContext(), rotationDays);
    },
  };
}

/** Queues the recurring key check once per installation; the first check is one period after the first start. */
export async function scheduleOidcKeyRotation(ex: Executor, jobs: Jobs, clock: Clock): Promise<void> {
  await jobs.enqueue(ex, { kind: KEY_ROTATION_KIND, payload: null, dedupeKey: KEY_ROTATION_KIND, runAt: new Date(clock.now().getTime() + KEY_CHECK_EVERY_SECONDS * 1000) });
}
