import type { Executor } from '../../db/schema.ts';
import type { RadiusNetworksTable, RadiusSessionsTable } from './radius.tables.ts';

/** PRO-3: the RADIUS module's queries, on its own tables only; every one names its organization but `allNetworks`, which serves the listener. */

export function findNetwork(ex: Executor, orgId: string, resourceId: string): Promise<RadiusNetworksTable | undefined> {
  return ex.selectFrom('radius_networks').selectAll().where('org_id', '=', orgId).where('resource_id', '=', resourceId).executeTakeFirst();
}

export async function insertNetwork(ex: Executor, row: RadiusNetworksTable): Promise<void> {
  await ex.insertInto('radius_networks').values(row).execute();
}

export async function setClients(ex: Executor, orgId: string, resourceId: string, clients: string): Promise<void> {
  await ex.updateTable('radius_networks').set({ clients }).where('org_id', '=', orgId).where('resource_id', '=', resourceId).execute();
}

export async function setSecret(ex: Executor, orgId: string, resourceId: string, secretEnc: string, at: string): Promise<void> {
  await ex.updateTable('radius_networks').set({ secret_enc: secretEnc, secret_rotated_at: at }).where('org_id', '=', orgId).where('resource_id', '=', resourceId).execute();
}

export async function deleteNetwork(ex: Executor, orgId: string, resourceId: string): Promise<void> {
  await ex.deleteFrom('radius_sessions').where('org_id', '=', orgId).where('network_id', '=', resourceId).execute();
  await ex.deleteFrom('radius_networks').where('org_id', '=', orgId).where('resource_id', '=', resourceId).execute();
}

/**
 * Every network of every organization with its client list: the listener matches a packet's source
 * address against them (a CIDR match SQL cannot do on both dialects), then caches the answer briefly.
 */
export function allNetworks(ex: Executor): Promise<Array<Pick<RadiusNetworksTable, 'resource_id' | 'org_id' | 'secret_enc' | 'clients' | 'created_at'>>> {
  return ex.selectFrom('radius_networks').select(['resource_id', 'org_id', 'secret_enc', 'clients', 'created_at']).orderBy('created_at').orderBy('resource_id').execute();
}

export function findSession(ex: Executor, orgId: string, networkId: string, acctSessionId: string): Promise<RadiusSessionsTable | undefined> {
  return ex.selectFrom('radius_sessions').selectAll().where('org_id', '=', orgId).where('network_id', '=', networkId).where('acct_session_id', '=', acctSessionId).executeTakeFirst();
}

/** Start, Interim-Update and Stop of one Acct-Session-Id fold into one row (the first to arrive makes it; a lost Start does not lose the Stop). */
export async function upsertSession(ex: Executor, row: RadiusSessionsTable, stopping: boolean): Promise<void> {
  await ex
    .insertInto('radius_sessions')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['network_id', 'acct_session_id']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        input_octets: eb.ref('excluded.input_octets'),
        output_octets: eb.ref('excluded.output_octets'),
        session_time: eb.ref('excluded.session_time'),
        updated_at: eb.ref('excluded.updated_at'),
        ...(stopping ? { stopped_at: eb.ref('excluded.stopped_at'), terminate_cause: eb.ref('excluded.terminate_cause') } : {}),
      })),
    )
    .execute();
}

export function listSessions(ex: Executor, orgId: string, opts: { networkId?: string | undefined; membershipId?: string | undefined; before?: string | undefined; limit: number }): Promise<RadiusSessionsTable[]> {
  let q = ex.selectFrom('radius_sessions').selectAll().where('org_id', '=', orgId);
  if (opts.networkId) q = q.where('network_id', '=', opts.networkId);
  if (opts.membershipId) q = q.where('membership_id', '=', opts.membershipId);
  if (opts.before) q = q.where('id', '<', opts.before);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

export function sessionsOfMembers(ex: Executor, membershipIds: readonly string[]): Promise<RadiusSessionsTable[]> {
  if (membershipIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('radius_sessions').selectAll().where('membership_id', 'in', membershipIds).orderBy('id').execute();
}

export async function deleteSessionsOfMembers(ex: Executor, membershipIds: readonly string[]): Promise<number> {
  if (membershipIds.length === 0) return 0;
  const r = await ex.deleteFrom('radius_sessions').where('membership_id', 'in', membershipIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** DSR-6: up to `batch` of the organization's sessions, then (once none are left) its networks. */
export async function eraseOrgBatch(ex: Executor, orgId: string, batch: number): Promise<{ sessions: number; networks: number; more: boolean }> {
  const ids = (await ex.selectFrom('radius_sessions').select('id').where('org_id', '=', orgId).limit(batch + 1).execute()).map((r) => r.id);
  const now = ids.slice(0, batch);
  const s = now.length > 0 ? await ex.deleteFrom('radius_sessions').where('org_id', '=', orgId).where('id', 'in', now).executeTakeFirst() : { numDeletedRows: 0n };
  if (ids.length > batch) return { sessions: Number(s.numDeletedRows), networks: 0, more: true };
  const n = await ex.deleteFrom('radius_networks').where('org_id', '=', orgId).executeTakeFirst();
  return { sessions: Number(s.numDeletedRows), networks: Number(n.numDeletedRows), more: false };
}
