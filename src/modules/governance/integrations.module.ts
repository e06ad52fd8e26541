import type { IntegrationsDeps } from './integrations.deps.ts';
import { createIntegrations } from './integrations.service.ts';
import { createWebhookFanout } from './webhooks.events.ts';
import { scheduleWebhookRetention, webhookDeliveryJob, webhookRetentionJob } from './webhooks.job.ts';

/** GOV-1, GOV-5: integrations, the audit hook that turns directory changes into webhook deliveries, and the delivery job. */
export function createIntegrationsModule(deps: IntegrationsDeps) {
  const service = createIntegrations(deps);
  const fanout = createWebhookFanout(deps);
  return {
    ...service,
    auditRecorded: fanout.recorded,
    jobHandlers: [webhookDeliveryJob(deps), webhookRetentionJob(deps)],
    /** Queues the daily retention of finished deliveries, once per installation (at every start; a no-op after the first). */
    scheduleRetention: () => scheduleWebhookRetention(deps.db, deps.jobs, deps.clock),
  };
}

export type IntegrationsModule = ReturnType<typeof createIntegrationsModule>;
