import type { Clock } from '../../core/clock.ts';
import type { Executor } from '../../db/schema.ts';
import { type JobHandler, type Jobs, PermanentJobError, describeFailure } from '../jobs/index.ts';
import { type IntegrationsDeps, secretContext } from './integrations.deps.ts';
import * as repo from './integrations.repository.ts';
import { postWebhook } from './webhooks.send.ts';

/**
 * GOV-5: each delivery is a job. An attempt POSTs the event, signed; a 2xx answer delivers it, any
 * other outcome is retried with exponential backoff until the attempts are spent. The delivery's
 * status is read before the attempt and written after it only if still pending: a delivery the
 * uninstall cancelled is never sent, and one cancelled while in flight is never retried.
 */
export const DELIVERY_JOB = 'governance.webhook_delivery';
/** Attempts a delivery gets: counted on the delivery, so an attempt cut short by a shutdown is not one. */
export const MAX_ATTEMPTS = 6;
/** The job's own limit: room for a few attempts interrupted by shutdowns before the delivery's are spent. */
export const JOB_MAX_ATTEMPTS = MAX_ATTEMPTS + 4;
const TIMEOUT_MS = 10_000;

/** Seconds before the attempt after the nth failed one: 30 s, 2 min, 8 min, 32 min, about 2 h. */
export const deliveryBackoff = (failedAttempts: number): number => Math.min(6 * 3600, 30 * 4 ** Math.max(0, failedAttempts - 1));

interface DeliveryPayload {
  orgId: string;
  deliveryId: string;
}

export function webhookDeliveryJob(deps: IntegrationsDeps): JobHandler<DeliveryPayload> {
  const { db, clock, cipher } = deps;
  return {
    kind: DELIVERY_JOB,
    concurrency: 4,
    backoff: deliveryBackoff,
    // The attempt's own deadline, and room to record it.
    leaseSeconds: Math.ceil((deps.timeoutMs ?? TIMEOUT_MS) / 1000) + 30,
    async run(job, ctx) {
      const { orgId, deliveryId } = job.payload ?? ({} as DeliveryPayload);
      if (typeof orgId !== 'string' || typeof deliveryId !== 'string') throw new PermanentJobError('malformed payload');
      const delivery = await repo.findDelivery(db, orgId, deliveryId);
      if (!delivery || delivery.status !== 'pending') return;
      const integration = await repo.findIntegration(db, orgId, delivery.integration_id);
      const endpoint = await repo.findEndpoint(db, orgId, delivery.integration_id);
      if (!integration || integration.status !== 'installed' || !endpoint) {
        await repo.setDeliveryStatus(db, orgId, deliveryId, 'pending', 'cancelled', null, clock.now().toISOString());
        return;
      }
      const secret = cipher.decrypt(endpoint.secret_enc, secretContext(integration.id));
      await ctx.heartbeat();
      const result = await postWebhook({
        url: endpoint.url,
        body: delivery.payload,
        secret,
        eventType: delivery.event_type,
        deliveryId,
        timestamp: Math.floor(clock.now().getTime() / 1000),
        allowPrivate: deps.allowPrivate,
        timeoutMs: deps.timeoutMs ?? TIMEOUT_MS,
        signal: ctx.signal,
        ...(deps.resolve ? { resolve: deps.resolve } : {}),
      });
      // This node is stopping (or lost the job): the attempt did not happen as far as the delivery
      // goes. Nothing is recorded on it, and the job is left to be tried again.
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('the delivery was interrupted');
      const now = clock.now();
      const attempts = Number(delivery.attempts) + 1;
      const delivered = result.error === null;
      const spent = result.forbidden || attempts >= MAX_ATTEMPTS || job.attempts >= job.maxAttempts;
      const status = delivered ? 'delivered' : spent ? 'failed' : 'pending';
      const attempt = {
        attempts,
        last_http_status: result.status,
        last_error: result.error === null ? null : describeFailure(result.error),
        updated_at: now.toISOString(),
      };
      const recorded = await db.transaction().execute(async (trx) => {
        const ok = await repo.recordAttempt(trx, orgId, deliveryId, {
          ...attempt,
          status,
          next_attempt_at: status === 'pending' ? new Date(now.getTime() + deliveryBackoff(attempts) * 1000).toISOString() : null,
          delivered_at: delivered ? now.toISOString() : null,
        });
        // Cancelled while in flight: the attempt is logged, and nothing more happens.
        if (!ok) await repo.recordLateAttempt(trx, orgId, deliveryId, attempt);
        return ok;
      });
      if (!recorded || delivered) return;
      deps.log?.info({ deliveryId, attempt: attempts, status: result.status, outcome: status }, 'webhook delivery failed');
      if (status === 'failed') throw new PermanentJobError(attempt.last_error ?? 'failed');
      throw new Error(attempt.last_error ?? 'failed');
    },
    async onGiveUp(ex, job, error) {
      const p = job.payload;
      if (p && typeof p.orgId === 'string' && typeof p.deliveryId === 'string') {
        await repo.setDeliveryStatus(ex, p.orgId, p.deliveryId, 'pending', 'failed', describeFailure(error), clock.now().toISOString());
      }
    },
  };
}

/**
 * GOV-5 retention: once a day, finished deliveries (delivered, failed, cancelled) are deleted 30
 * days after they finished, and a payload still on a finished delivery a day old is cleared (it names
 * members; a delivery clears its own when it finishes, this catches any left behind).
 */
export const DELIVERY_RETENTION_JOB = 'governance.webhook_retention';
const RETENTION_EVERY_SECONDS = 24 * 60 * 60;
export const KEEP_FINISHED_DAYS = 30;
const CLEAR_AFTER_MS = 24 * 60 * 60 * 1000;
const PRUNE_BATCH = 500;

export function webhookRetentionJob(deps: Pick<IntegrationsDeps, 'db' | 'clock' | 'log'>): JobHandler {
  return {
    kind: DELIVERY_RETENTION_JOB,
    everySeconds: RETENTION_EVERY_SECONDS,
    async run(_job, ctx) {
      const now = deps.clock.now().getTime();
      const o = { deleteBefore: new Date(now - KEEP_FINISHED_DAYS * 86_400_000).toISOString(), clearBefore: new Date(now - CLEAR_AFTER_MS).toISOString(), limit: PRUNE_BATCH };
      let total = { deleted: 0, cleared: 0 };
      for (;;) {
        const n = await repo.pruneDeliveries(deps.db, o);
        total = { deleted: total.deleted + n.deleted, cleared: total.cleared + n.cleared };
        if (n.deleted < PRUNE_BATCH && n.cleared < PRUNE_BATCH) break;
        await ctx.heartbeat();
      }
      if (total.deleted + total.cleared > 0) deps.log?.info(total, 'webhook deliveries pruned');
    },
  };
}

/** Queues the daily retention once per installation (enqueueing again changes nothing). */
export async function scheduleWebhookRetention(ex: Executor, jobs: Jobs, clock: Clock): Promise<void> {
  await jobs.enqueue(ex, { kind: DELIVERY_RETENTION_JOB, payload: null, dedupeKey: DELIVERY_RETENTION_JOB, runAt: new Date(clock.now().getTime() + 60 * 60 * 1000) });
}
