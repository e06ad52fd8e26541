import type { Executor } from '../../db/schema.ts';
import type { IntegrationsTable, WebhookDeliveriesTable, WebhookDeliveryStatus, WebhookEndpointsTable } from './integrations.tables.ts';

/** GOV-5: queries on the integrations tables; every function takes the organization's id (DIR-1). */

export async function insertIntegration(ex: Executor, row: IntegrationsTable): Promise<void> {
  await ex.insertInto('integrations').values(row).execute();
}

export function findIntegration(ex: Executor, orgId: string, id: string): Promise<IntegrationsTable | undefined> {
  return ex.selectFrom('integrations').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function countInstalled(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.selectFrom('integrations').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId).where('status', '=', 'installed').executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Newest first; `after` is the last row of the page before. */
export function listIntegrations(ex: Executor, orgId: string, opts: { after?: { at: string; id: string }; limit: number }): Promise<IntegrationsTable[]> {
  let q = ex.selectFrom('integrations').selectAll().where('org_id', '=', orgId);
  const after = opts.after;
  if (after) q = q.where((eb) => eb.or([eb('installed_at', '<', after.at), eb.and([eb('installed_at', '=', after.at), eb('id', '<', after.id)])]));
  return q.orderBy('installed_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

/** Marks it uninstalled if it was installed; answers whether it did. */
export async function markUninstalled(ex: Executor, orgId: string, id: string, by: string | null, at: string): Promise<boolean> {
  const r = await ex
    .updateTable('integrations')
    .set({ status: 'uninstalled', uninstalled_by: by, uninstalled_at: at })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', 'installed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** GOV-1: the installed integration whose application this resource is, if any. */
export function installedOwning(ex: Executor, orgId: string, resourceId: string): Promise<{ id: string } | undefined> {
  return ex.selectFrom('integrations').select('id').where('org_id', '=', orgId).where('resource_id', '=', resourceId).where('status', '=', 'installed').executeTakeFirst();
}

export async function insertEndpoint(ex: Executor, row: WebhookEndpointsTable): Promise<void> {
  await ex.insertInto('webhook_endpoints').values(row).execute();
}

export function findEndpoint(ex: Executor, orgId: string, integrationId: string): Promise<WebhookEndpointsTable | undefined> {
  return ex.selectFrom('webhook_endpoints').selectAll().where('org_id', '=', orgId).where('integration_id', '=', integrationId).executeTakeFirst();
}

export async function deleteEndpoint(ex: Executor, orgId: string, integrationId: string): Promise<void> {
  await ex.deleteFrom('webhook_endpoints').where('org_id', '=', orgId).where('integration_id', '=', integrationId).execute();
}

export async function setEndpointSecret(ex: Executor, orgId: string, integrationId: string, secretEnc: string, at: string): Promise<boolean> {
  const r = await ex.updateTable('webhook_endpoints').set({ secret_enc: secretEnc, secret_rotated_at: at }).where('org_id', '=', orgId).where('integration_id', '=', integrationId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The webhooks of an installed integration in the organization, with the events each takes. */
export function activeEndpoints(ex: Executor, orgId: string): Promise<Array<{ integration_id: string; events: string }>> {
  return ex
    .selectFrom('webhook_endpoints')
    .innerJoin('integrations', 'integrations.id', 'webhook_endpoints.integration_id')
    .select(['webhook_endpoints.integration_id', 'webhook_endpoints.events'])
    .where('webhook_endpoints.org_id', '=', orgId)
    .where('integrations.org_id', '=', orgId)
    .where('integrations.status', '=', 'installed')
    .execute();
}

/** What a finished delivery keeps of its payload: nothing. */
export const CLEARED = '';

const FINISHED = ['delivered', 'failed', 'cancelled'] as const;

/**
 * GOV-5 housekeeping, over every organization (a maintenance job, not a request): finished
 * deliveries are deleted once `deleteBefore` is past, and any payload still on a finished delivery
 * last touched before `clearBefore` is cleared. Bounded to `limit` rows each; answers the counts.
 */
export async function pruneDeliveries(ex: Executor, o: { deleteBefore: string; clearBefore: string; limit: number }): Promise<{ deleted: number; cleared: number }> {
  const old = await ex.selectFrom('webhook_deliveries').select('id').where('status', 'in', [...FINISHED]).where('updated_at', '<', o.deleteBefore).limit(o.limit).execute();
  const d = old.length === 0 ? undefined : await ex.deleteFrom('webhook_deliveries').where('id', 'in', old.map((r) => r.id)).executeTakeFirst();
  const stale = await ex
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', 'in', [...FINISHED])
    .where('updated_at', '<', o.clearBefore)
    .where('payload', '<>', CLEARED)
    .limit(o.limit)
    .execute();
  const c = stale.length === 0 ? undefined : await ex.updateTable('webhook_deliveries').set({ payload: CLEARED }).where('id', 'in', stale.map((r) => r.id)).executeTakeFirst();
  return { deleted: Number(d?.numDeletedRows ?? 0), cleared: Number(c?.numUpdatedRows ?? 0) };
}

/** DSR-1, DSR-5: the deliveries whose payload names one of these memberships (the events are about them). */
export async function deliveriesNaming(ex: Executor, membershipIds: readonly string[]): Promise<WebhookDeliveriesTable[]> {
  if (membershipIds.length === 0) return [];
  const ids = new Set(membershipIds);
  // LIKE narrows the rows (its `_` wildcard may let a few more through); the parsed payload decides.
  const rows = await ex
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where((eb) => eb.or([...ids].map((id) => eb('payload', 'like', `%${id}%`))))
    .execute();
  return rows.filter((r) => {
    try {
      const data = (JSON.parse(r.payload) as { data?: { userId?: unknown } }).data;
      return typeof data?.userId === 'string' && ids.has(data.userId);
    } catch {
      return false;
    }
  });
}

export async function deleteDeliveries(ex: Executor, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await ex.deleteFrom('webhook_deliveries').where('id', 'in', [...ids]).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function insertDelivery(ex: Executor, row: WebhookDeliveriesTable): Promise<void> {
  await ex.insertInto('webhook_deliveries').values(row).execute();
}

export function findDelivery(ex: Executor, orgId: string, id: string): Promise<WebhookDeliveriesTable | undefined> {
  return ex.selectFrom('webhook_deliveries').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function listDeliveries(ex: Executor, orgId: string, integrationId: string, opts: { after?: { at: string; id: string }; limit: number }): Promise<WebhookDeliveriesTable[]> {
  let q = ex.selectFrom('webhook_deliveries').selectAll().where('org_id', '=', orgId).where('integration_id', '=', integrationId);
  const after = opts.after;
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

/** GOV-5: every pending delivery of the integration is cancelled; answers how many. */
export async function cancelPending(ex: Executor, orgId: string, integrationId: string, at: string): Promise<number> {
  const r = await ex
    .updateTable('webhook_deliveries')
    .set({ status: 'cancelled', next_attempt_at: null, updated_at: at, payload: CLEARED })
    .where('org_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface AttemptRecord {
  status: WebhookDeliveryStatus;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
  updated_at: string;
}

/** Records an attempt on a delivery that is still pending; answers false when it no longer was (cancelled meanwhile). */
export async function recordAttempt(ex: Executor, orgId: string, id: string, a: AttemptRecord): Promise<boolean> {
  // A finished delivery keeps no payload: it names members (their ids are personal data).
  const r = await ex.updateTable('webhook_deliveries').set(a.status === 'pending' ? a : { ...a, payload: CLEARED }).where('org_id', '=', orgId).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The attempt of a delivery cancelled while it was in flight: logged, its status left as it is. */
export async function recordLateAttempt(ex: Executor, orgId: string, id: string, a: Pick<AttemptRecord, 'attempts' | 'last_http_status' | 'last_error' | 'updated_at'>): Promise<void> {
  await ex.updateTable('webhook_deliveries').set(a).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export async function setDeliveryStatus(ex: Executor, orgId: string, id: string, from: WebhookDeliveryStatus, to: WebhookDeliveryStatus, lastError: string | null, at: string): Promise<void> {
  await ex
    .updateTable('webhook_deliveries')
    .set({ status: to, next_attempt_at: null, updated_at: at, ...(to === 'pending' ? {} : { payload: CLEARED }), ...(lastError === null ? {} : { last_error: lastError }) })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', from)
    .execute();
}

/** DSR-1: the integrations these memberships installed or uninstalled. */
export function integrationsActedOnBy(ex: Executor, membershipIds: readonly string[]): Promise<IntegrationsTable[]> {
  if (membershipIds.length === 0) return Promise.resolve([]);
  return ex
    .selectFrom('integrations')
    .selectAll()
    .where((eb) => eb.or([eb('installed_by', 'in', [...membershipIds]), eb('uninstalled_by', 'in', [...membershipIds])]))
    .orderBy('installed_at')
    .execute();
}

/** DSR-5: the admin who installed or uninstalled is forgotten; the integration and its disclosure stay the organization's. */
export async function forgetActor(ex: Executor, membershipIds: readonly string[]): Promise<number> {
  if (membershipIds.length === 0) return 0;
  const ids = [...membershipIds];
  const a = await ex.updateTable('integrations').set({ installed_by: null }).where('installed_by', 'in', ids).executeTakeFirst();
  const b = await ex.updateTable('integrations').set({ uninstalled_by: null }).where('uninstalled_by', 'in', ids).executeTakeFirst();
  return Number(a.numUpdatedRows) + Number(b.numUpdatedRows);
}

/** DSR-6: everything of the organization's integrations. */
export async function deleteOrgIntegrations(ex: Executor, orgId: string): Promise<{ integrations: number; webhook_endpoints: number; webhook_deliveries: number }> {
  const d = await ex.deleteFrom('webhook_deliveries').where('org_id', '=', orgId).executeTakeFirst();
  const e = await ex.deleteFrom('webhook_endpoints').where('org_id', '=', orgId).executeTakeFirst();
  const i = await ex.deleteFrom('integrations').where('org_id', '=', orgId).executeTakeFirst();
  return { integrations: Number(i.numDeletedRows), webhook_endpoints: Number(e.numDeletedRows), webhook_deliveries: Number(d.numDeletedRows) };
}
