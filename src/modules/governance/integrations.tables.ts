/**
 * GOV-1, GOV-5: the integrations an organization installs, the endpoints its webhooks deliver to,
 * and the log of their deliveries. Instants are ISO-8601 text on both dialects.
 */

/** One integration installed from the catalogue (src/modules/governance/integrations.catalogue.ts). */
export interface IntegrationsTable {
  id: string;
  org_id: string;
  /** The catalogue key: `webhook` or `oauth-app`. */
  type: string;
  name: string;
  /** JSON: the integration's settings, never a secret (a webhook's URL and events, an application's redirect URIs). */
  settings: string;
  /** PRV-9: the third party that receives the data, as the disclosure ledger names it (a company, not a person). */
  recipient_name: string;
  recipient_address: string;
  /** JSON: the categories of personal data it receives (the disclosure ledger's vocabulary). */
  categories: string;
  status: 'installed' | 'uninstalled';
  /** The admin who installed it (a membership id). */
  installed_by: string | null;
  installed_at: string;
  uninstalled_by: string | null;
  uninstalled_at: string | null;
  /** The disclosure ledger's entry recorded at installation (PRV-9). */
  disclosure_id: string | null;
  /** `oauth-app`: the application resource that is the OpenID Connect client; null otherwise. */
  resource_id: string | null;
}

/** A webhook's endpoint and its signing secret; the row goes when the integration is uninstalled (GOV-5). */
export interface WebhookEndpointsTable {
  integration_id: string;
  org_id: string;
  url: string;
  /** SEC-2: the signing secret, sealed with the field cipher. */
  secret_enc: string;
  /** JSON: the event types it receives. */
  events: string;
  created_at: string;
  secret_rotated_at: string | null;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One event for one webhook, and how its attempts went. Never the secret; the payload holds ids only. */
export interface WebhookDeliveriesTable {
  id: string;
  org_id: string;
  integration_id: string;
  event_id: string;
  event_type: string;
  /** JSON: the event as it is sent (ids and field names, never values of personal data). */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface IntegrationsTables {
  integrations: IntegrationsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
