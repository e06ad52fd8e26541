import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Executor } from '../../db/schema.ts';
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

/** The larger of the stored value and the one that came (CASE WHEN: GREATEST is PostgreSQL's, max(a, b) SQLite's). */
const larger = (column: 'input_octets' | 'output_octets' | 'session_time') => sql<number>`case when ${sql.ref(`excluded.${column}`)} > ${sql.ref(`radius_sessions.${column}`)} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`radius_sessions.${column}`)} end`;

/**
 * Start, Interim-Update and Stop of one Acct-Session-Id fold into one row (the first to arrive
 * makes it; a lost Start does not lose the Stop). UDP reorders: a session never leaves `stopped`
 * (an Interim-Update that comes after the Stop changes nothing of it), and its counters and time
 * only grow (RFC 2866 §5.3-5.7: they count from the session's start).
 */
export async function upsertSession(ex: Executor, row: RadiusSessionsTable, stopping: boolean): Promise<void> {
  await ex
    .insertInto('radius_sessions')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['network_id', 'acct_session_id']).doUpdateSet(() => ({
        status: sql<string>`case when ${sql.ref('radius_sessions.status')} = 'stopped' then 'stopped' else ${sql.ref('excluded.status')} end`,
        input_octets: larger('input_octets'),
        output_octets: larger('output_octets'),
        session_time: larger('session_time'),
        updated_at: sql<string>`${sql.ref('excluded.updated_at')}`,
        // The first Stop says when and why the session ended; a copy of it later changes neither.
        ...(stopping ? { stopped_at: sql<string>`coalesce(${sql.ref('radius_sessions.stopped_at')}, ${sql.ref('excluded.stopped_at')})`, terminate_cause: sql<number>`coalesce(${sql.ref('radius_sessions.terminate_cause')}, ${sql.ref('excluded.terminate_cause')})` } : {}),
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

/** DSR-1, DSR-5: whose sessions a person's are: those of their memberships, and those of their organizations under a name they sign in with. */
export interface SessionOwner {
  membershipIds: readonly string[];
  /** Per organization, the User-Names that are the person's (compared case-insensitively). */
  logins: ReadonlyArray<{ orgId: string; names: readonly string[] }>;
}

function ownedBy(owner: SessionOwner) {
  const logins = owner.logins.map((l) => ({ orgId: l.orgId, names: [...new Set(l.names.map((n) => n.toLowerCase()))] })).filter((l) => l.names.length > 0);
  if (owner.membershipIds.length === 0 && logins.length === 0) return undefined;
  return (eb: ExpressionBuilder<Database, 'radius_sessions'>) =>
    eb.or([
      ...(owner.membershipIds.length > 0 ? [eb('membership_id', 'in', owner.membershipIds)] : []),
      ...logins.map((l) => eb.and([eb('org_id', '=', l.orgId), eb(eb.fn<string>('lower', ['user_name']), 'in', l.names)])),
    ]);
}

export function sessionsOf(ex: Executor, owner: SessionOwner): Promise<RadiusSessionsTable[]> {
  const where = ownedBy(owner);
  if (!where) return Promise.resolve([]);
  return ex.selectFrom('radius_sessions').selectAll().where(where).orderBy('id').execute();
}

export async function deleteSessionsOf(ex: Executor, owner: SessionOwner): Promise<number> {
  const where = ownedBy(owner);
  if (!where) return 0;
  const r = await ex.deleteFrom('radius_sessions').where(where).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** DSR-5: when members are removed from the organization, their sessions go with them. */
export async function deleteSessionsOfMembers(ex: Executor, orgId: string, membershipIds: readonly string[]): Promise<number> {
  if (membershipIds.length === 0) return 0;
  const r = await ex.deleteFrom('radius_sessions').where('org_id', '=', orgId).where('membership_id', 'in', membershipIds).executeTakeFirst();
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
