/** GOV-1, GOV-5: the integrations catalogue, an organization's installed integrations, and webhook deliveries. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Page, Query, StrictObject, StringEnum, pageQuery } from './common.ts';

/** The catalogue's keys (src/modules/governance/integrations.catalogue.ts describes each). */
export const INTEGRATION_TYPES = ['webhook', 'oauth-app'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

/** The events a webhook may receive: changes to the organization's directory. */
export const WEBHOOK_EVENTS = [
  'user.created',
  'user.updated',
  'user.suspended',
  'user.reactivated',
  'user.removed',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.members_changed',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const INTEGRATION_STATUSES = ['installed', 'uninstalled'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

export const CatalogueEntry = Type.Object({
  type: StringEnum(INTEGRATION_TYPES),
  title: Type.String(),
  description: Type.String(),
  /** PRV-9: the categories of personal data an integration of this type receives (the disclosure ledger's vocabulary). */
  categories: Type.Array(Type.String()),
  /** Each category's description, in the same order. */
  categoryLabels: Type.Array(Type.String()),
  /** What the data is used for, as the disclosure ledger records it. */
  purpose: Type.String(),
  /** The settings an install takes, by name, with what each is. */
  settings: Type.Record(Type.String(), Type.String()),
});
export type CatalogueEntry = Static<typeof CatalogueEntry>;
export const Catalogue = Type.Object({ items: Type.Array(CatalogueEntry), webhookEvents: Type.Array(Type.String()) });
export type Catalogue = Static<typeof Catalogue>;

export const Recipient = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'the third party that receives the data: a company or a person' }),
  postalAddress: Type.String({ minLength: 1, maxLength: 500, description: 'its postal address (the disclosure ledger names it, PRV-9)' }),
});

export const Integration = Type.Object({
  id: Type.String(),
  type: StringEnum(INTEGRATION_TYPES),
  name: Type.String(),
  status: StringEnum(INTEGRATION_STATUSES),
  /** Never a secret: a webhook's `url` and `events`, an application's `redirectUris`. */
  settings: Type.Record(Type.String(), Type.Unknown()),
  recipient: Type.Object({ name: Type.String(), postalAddress: Type.String() }),
  categories: Type.Array(Type.String()),
  /** `oauth-app`: the OpenID Connect client id (the application resource's id). */
  clientId: Nullable(Type.String()),
  installedBy: Nullable(Type.String()),
  installedAt: Type.String(),
  uninstalledBy: Nullable(Type.String()),
  uninstalledAt: Nullable(Type.String()),
  /** PRV-9: the disclosure ledger's entry recorded at installation. */
  disclosureId: Nullable(Type.String()),
});
export type Integration = Static<typeof Integration>;
export const IntegrationList = Page(Integration);
export type IntegrationList = Static<typeof IntegrationList>;

/** Answered once, at installation (and rotation): a webhook's signing secret, an application's client secret. */
export const InstalledIntegration = Type.Object({
  ...Integration.properties,
  signingSecret: Type.Optional(Type.String()),
  clientSecret: Type.Optional(Type.String()),
});
export type InstalledIntegration = Static<typeof InstalledIntegration>;

/**
 * Settings are checked by the service against the catalogue entry (422 `governance.invalid_integration`
 * naming the field; `governance.webhook_target_forbidden` for a webhook URL aimed inside the operator's network).
 */
export const InstallIntegrationBody = StrictObject({
  type: Type.String({ minLength: 1, maxLength: 50, description: `one of ${INTEGRATION_TYPES.join(', ')}` }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  recipient: Recipient,
  settings: Type.Record(Type.String({ maxLength: 50 }), Type.Unknown(), {
    maxProperties: 20,
    description: 'webhook: { url, events? (all when absent) }; oauth-app: { redirectUris, grantTypes?, public? }',
  }),
});
export type InstallIntegrationBody = Static<typeof InstallIntegrationBody>;

export const IntegrationParams = StrictObject({ orgId: Id, integrationId: Id });
export type IntegrationParams = Static<typeof IntegrationParams>;
export const IntegrationListQuery = Query({ ...pageQuery });
/** The catalogue takes no query. */
export const CatalogueQuery = StrictObject({});
export type IntegrationListQuery = Static<typeof IntegrationListQuery>;

export const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  status: StringEnum(DELIVERY_STATUSES),
  attempts: Type.Integer(),
  lastHttpStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  /** While pending: the next attempt is not before this instant. */
  nextAttemptAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
});
export type Delivery = Static<typeof Delivery>;
export const DeliveryList = Page(Delivery);
export type DeliveryList = Static<typeof DeliveryList>;

export const RotatedSecret = Type.Object({ signingSecret: Type.String() });
export type RotatedSecret = Static<typeof RotatedSecret>;
