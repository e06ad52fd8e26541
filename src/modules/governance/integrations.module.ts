import type { IntegrationsDeps } from './integrations.deps.ts';
import { createIntegrations } from './integrations.service.ts';
import { createWebhookFanout } from './webhooks.events.ts';
import { webhookDeliveryJob } from './webhooks.job.ts';

/** GOV-1, GOV-5: integrations, the audit hook that turns directory changes into webhook deliveries, and the delivery job. */
export function createIntegrationsModule(deps: IntegrationsDeps) {
  const service = createIntegrations(deps);
  const fanout = createWebhookFanout(deps);
  return { ...service, auditRecorded: fanout.recorded, jobHandlers: [webhookDeliveryJob(deps)] };
}

export type IntegrationsModule = ReturnType<typeof createIntegrationsModule>;
