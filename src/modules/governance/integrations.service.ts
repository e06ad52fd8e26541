import { type Delivery, type InstallIntegrationBody, type InstalledIntegration, type Integration, type IntegrationType, WEBHOOK_EVENTS } from '../../contracts/integrations.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId, randomToken } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { CATALOGUE, catalogueView, isIntegrationType } from './integrations.catalogue.ts';
import { type IntegrationsDeps, secretContext } from './integrations.deps.ts';
import { IntegrationErrors } from './integrations.errors.ts';
import * as repo from './integrations.repository.ts';
import type { IntegrationsTable, WebhookDeliveriesTable } from './integrations.tables.ts';
import { checkWebhookTarget } from './webhooks.address.ts';

/** Integrations one organization may have installed at once. */
export const MAX_INSTALLED = 50;

const invalid = (field: string, message: string) => new AppError(IntegrationErrors.invalidIntegration, message, { details: { field } });

function text(value: unknown, field: string, max: number): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (v.length === 0 || v.length > max) throw invalid(field, `${field} must be between 1 and ${max} characters.`);
  return v;
}

const json = <T>(s: string, fallback: T): T => {
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

export function toIntegrationView(r: IntegrationsTable): Integration {
  return {
    id: r.id,
    type: r.type as IntegrationType,
    name: r.name,
    status: r.status,
    settings: json<Record<string, unknown>>(r.settings, {}),
    recipient: { name: r.recipient_name, postalAddress: r.recipient_address },
    categories: json<string[]>(r.categories, []),
    clientId: r.resource_id,
    installedBy: r.installed_by,
    installedAt: r.installed_at,
    uninstalledBy: r.uninstalled_by,
    uninstalledAt: r.uninstalled_at,
    disclosureId: r.disclosure_id,
  };
}

const toDeliveryView = (d: WebhookDeliveriesTable): Delivery => ({
  id: d.id,
  eventId: d.event_id,
  eventType: d.event_type,
  status: d.status,
  attempts: Number(d.attempts),
  lastHttpStatus: d.last_http_status === null ? null : Number(d.last_http_status),
  lastError: d.last_error,
  nextAttemptAt: d.status === 'pending' ? d.next_attempt_at : null,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
  deliveredAt: d.delivered_at,
});

/** A page's cursor: the last row's instant and id. */
const cursorOf = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
function afterOf(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const v = json<unknown>(Buffer.from(cursor, 'base64url').toString('utf8'), null);
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string') throw new AppError(CommonErrors.invalid, 'The cursor is not valid.', { details: { field: 'cursor' } });
  return { at: v[0], id: v[1] };
}

function webhookEvents(value: unknown): string[] {
  if (value === undefined) return [...WEBHOOK_EVENTS];
  const known = WEBHOOK_EVENTS as readonly string[];
  if (!Array.isArray(value) || value.length === 0 || value.length > known.length) throw invalid('settings.events', `settings.events must be a list of some of ${known.join(', ')}.`);
  value.forEach((e, i) => {
    if (typeof e !== 'string' || !known.includes(e)) throw invalid(`settings.events[${i}]`, `settings.events[${i}] must be one of ${known.join(', ')}.`);
  });
  return [...new Set(value as string[])];
}

function oauthSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const unknown = Object.keys(settings).find((k) => !['redirectUris', 'grantTypes', 'public'].includes(k));
  if (unknown) throw invalid(`settings.${unknown}`, `settings.${unknown} is not a setting of an oauth-app.`);
  if (settings.public !== undefined && typeof settings.public !== 'boolean') throw invalid('settings.public', 'settings.public must be true or false.');
  return {
    protocol: 'oidc',
    redirectUris: settings.redirectUris ?? [],
    grantTypes: settings.grantTypes ?? ['authorization_code', 'refresh_token'],
    public: settings.public ?? false,
  };
}

/**
 * GOV-1, GOV-5: an organization's integrations. Only its admins install, read and uninstall them
 * (`directory.govern`: no API client scope reaches it); installing records the disclosure (PRV-9),
 * uninstalling revokes the credentials and cancels every pending delivery at once.
 */
export function createIntegrations(deps: IntegrationsDeps) {
  const { db, clock, cipher, audit, ledger, applications } = deps;
  const govern = (caller: Caller, orgId: string) => requireCapability(caller, 'directory.govern', { orgId });

  async function getRow(orgId: string, id: string): Promise<IntegrationsTable> {
    const row = await repo.findIntegration(db, orgId, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    return row;
  }

  function catalogue() {
    return { items: catalogueView(), webhookEvents: [...WEBHOOK_EVENTS] };
  }

  async function list(caller: Caller, orgId: string, q: { limit: number; cursor?: string | undefined }) {
    govern(caller, orgId);
    const rows = await repo.listIntegrations(db, orgId, { after: afterOf(q.cursor), limit: q.limit + 1 });
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return { items: items.map(toIntegrationView), nextCursor: rows.length > q.limit && last ? cursorOf(last.installed_at, last.id) : null };
  }

  async function get(caller: Caller, orgId: string, id: string): Promise<Integration> {
    govern(caller, orgId);
    return toIntegrationView(await getRow(orgId, id));
  }

  async function install(ctx: RequestContext, caller: Caller, orgId: string, input: InstallIntegrationBody): Promise<InstalledIntegration> {
    govern(caller, orgId);
    if (!isIntegrationType(input.type)) throw invalid('type', `type must be one of ${Object.keys(CATALOGUE).join(', ')}.`);
    const item = CATALOGUE[input.type];
    const name = text(input.name, 'name', 100);
    const recipient = { name: text(input.recipient?.name, 'recipient.name', 200), address: text(input.recipient?.postalAddress, 'recipient.postalAddress', 500) };
    const settings = input.settings ?? {};
    // Checked early, before a name is resolved or an application made; again in the transaction.
    if ((await repo.countInstalled(db, orgId)) >= MAX_INSTALLED) throw new AppError(IntegrationErrors.integrationLimitReached);
    const id = newId('int');
    const by = caller.kind === 'member' ? caller.membershipId : null;
    const now = clock.now().toISOString();
    const row: IntegrationsTable = {
      id,
      org_id: orgId,
      type: item.type,
      name,
      settings: '{}',
      recipient_name: recipient.name,
      recipient_address: recipient.address,
      categories: JSON.stringify(item.categories),
      status: 'installed',
      installed_by: by,
      installed_at: now,
      uninstalled_by: null,
      uninstalled_at: null,
      disclosure_id: null,
      resource_id: null,
    };
    let told: { signingSecret?: string; clientSecret?: string } = {};
    let endpoint: { url: string; events: string[]; secret: string } | undefined;
    if (item.type === 'webhook') {
      const unknown = Object.keys(settings).find((k) => k !== 'url' && k !== 'events');
      if (unknown) throw invalid(`settings.${unknown}`, `settings.${unknown} is not a setting of a webhook.`);
      const events = webhookEvents(settings.events);
      const url = await checkWebhookTarget(settings.url, deps.allowPrivate, deps.resolve);
      endpoint = { url: url.href, events, secret: `whsec_${randomToken(32)}` };
      row.settings = JSON.stringify({ url: url.href, events });
      told = { signingSecret: endpoint.secret };
    } else {
      const oidc = oauthSettings(settings);
      const app = await applications.create(ctx, caller, orgId, name, oidc);
      row.resource_id = app.resourceId;
      row.settings = JSON.stringify({ redirectUris: oidc.redirectUris, grantTypes: oidc.grantTypes, public: oidc.public });
      told = app.clientSecret ? { clientSecret: app.clientSecret } : {};
    }
    try {
      await db.transaction().execute(async (trx) => {
        // The limit again, with the organization locked: two installs at once cannot both pass it.
        if (deps.lockOrganization && !(await deps.lockOrganization(trx, orgId))) throw new AppError(CommonErrors.notFound);
        if ((await repo.countInstalled(trx, orgId)) >= MAX_INSTALLED) throw new AppError(IntegrationErrors.integrationLimitReached);
        const disclosure = await ledger.record(trx, {
          recipientName: recipient.name,
          recipientAddress: recipient.address,
          categories: item.categories,
          purpose: `${item.purpose}: ${name}`,
          orgId,
          recordedBy: accountIdOf(caller),
          reference: id,
        });
        row.disclosure_id = disclosure.id;
        await repo.insertIntegration(trx, row);
        if (endpoint) {
          await repo.insertEndpoint(trx, {
            integration_id: id,
            org_id: orgId,
            url: endpoint.url,
            secret_enc: cipher.encrypt(endpoint.secret, secretContext(id)),
            events: JSON.stringify(endpoint.events),
            created_at: now,
            secret_rotated_at: null,
          });
        }
        await audit.record(trx, ctx, {
          action: 'governance.integration_installed',
          orgId,
          target: { type: 'integration', id },
          details: { type: item.type, name, recipient: recipient.name, categories: item.categories, disclosureId: disclosure.id },
        });
      });
    } catch (e) {
      // The application made before the transaction goes with it.
      if (row.resource_id) await applications.remove(ctx, caller, orgId, row.resource_id).catch(() => undefined);
      throw e;
    }
    return { ...toIntegrationView(row), ...told };
  }

  async function uninstall(ctx: RequestContext, caller: Caller, orgId: string, id: string): Promise<Integration> {
    govern(caller, orgId);
    const row = await getRow(orgId, id);
    if (row.status !== 'installed') throw new AppError(IntegrationErrors.integrationUninstalled);
    // PRO-2: deleting the application revokes every grant and token issued to it, at once.
    if (row.resource_id) await applications.remove(ctx, caller, orgId, row.resource_id);
    const now = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      if (!(await repo.markUninstalled(trx, orgId, id, caller.kind === 'member' ? caller.membershipId : null, now))) throw new AppError(IntegrationErrors.integrationUninstalled);
      await repo.deleteEndpoint(trx, orgId, id);
      const cancelled = await repo.cancelPending(trx, orgId, id, now);
      await audit.record(trx, ctx, { action: 'governance.integration_uninstalled', orgId, target: { type: 'integration', id }, details: { type: row.type, name: row.name, cancelledDeliveries: cancelled } });
    });
    return toIntegrationView(await getRow(orgId, id));
  }

  async function deliveries(caller: Caller, orgId: string, id: string, q: { limit: number; cursor?: string | undefined }) {
    govern(caller, orgId);
    await getRow(orgId, id);
    const rows = await repo.listDeliveries(db, orgId, id, { after: afterOf(q.cursor), limit: q.limit + 1 });
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return { items: items.map(toDeliveryView), nextCursor: rows.length > q.limit && last ? cursorOf(last.created_at, last.id) : null };
  }

  /** A new signing secret for a webhook, answered this once; the old one signs nothing more. */
  async function rotateSecret(ctx: RequestContext, caller: Caller, orgId: string, id: string): Promise<{ signingSecret: string }> {
    govern(caller, orgId);
    const row = await getRow(orgId, id);
    if (row.status !== 'installed') throw new AppError(IntegrationErrors.integrationUninstalled);
    if (row.type !== 'webhook') throw invalid('type', 'Only a webhook has a signing secret (an integration’s application keeps its client secret while it is installed).');
    const secret = `whsec_${randomToken(32)}`;
    const now = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      if (!(await repo.setEndpointSecret(trx, orgId, id, cipher.encrypt(secret, secretContext(id)), now))) throw new AppError(IntegrationErrors.integrationUninstalled);
      await audit.record(trx, ctx, { action: 'governance.webhook_secret_rotated', orgId, target: { type: 'integration', id } });
    });
    return { signingSecret: secret };
  }

  /**
   * GOV-1: the directory's resource guard. The application behind an installed integration is
   * changed, deleted or given a new secret only through the integration, by an admin: never
   * through the resources API (an API client with directory:write, a SCIM token), which would
   * bypass the admins-only rule and the disclosure ledger.
   */
  async function guardResource(ex: Executor, orgId: string, resourceId: string): Promise<void> {
    const owner = await repo.installedOwning(ex, orgId, resourceId);
    if (owner) throw new AppError(IntegrationErrors.integrationOwned, undefined, { details: { integrationId: owner.id } });
  }

  return { catalogue, list, get, install, uninstall, deliveries, rotateSecret, guardResource };
}

export type Integrations = ReturnType<typeof createIntegrations>;

