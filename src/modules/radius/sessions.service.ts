import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ListRadiusSessionsQuery, RadiusSession } from '../../contracts/radius.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import type { Clock } from '../../core/clock.ts';
import type { Database, Executor } from '../../db/schema.ts';
import * as repo from './radius.repository.ts';
import type { RadiusSessionsTable } from './radius.tables.ts';

/** RFC 2866 §5.1 Acct-Status-Type. */
export const ACCT_STATUS = { start: 1, stop: 2, interimUpdate: 3, accountingOn: 7, accountingOff: 8 } as const;

/** One Accounting-Request, as the edge read it (no RADIUS type reaches the module). */
export interface AccountingRecord {
  orgId: string;
  networkId: string;
  statusType: number;
  acctSessionId: string;
  userName: string;
  membershipId: string | null;
  nasAddress: string;
  callingStationId: string | null;
  inputOctets: number;
  outputOctets: number;
  sessionSeconds: number;
  terminateCause: number | null;
}

export interface RadiusSessionsDeps {
  db: Kysely<Database>;
  clock: Clock;
}

/** Ids that sort by time: the newest sessions come first in a page, and the cursor is the last id. */
const sessionId = (at: Date) => `rss_${at.getTime().toString(36).padStart(9, '0')}${randomBytes(8).toString('base64url')}`;

export const toSessionView = (r: RadiusSessionsTable): RadiusSession => ({
  id: r.id,
  networkId: r.network_id,
  acctSessionId: r.acct_session_id,
  userName: r.user_name,
  userId: r.membership_id,
  status: r.status as RadiusSession['status'],
  nasAddress: r.nas_address,
  callingStationId: r.calling_station_id,
  // PostgreSQL answers bigint as text.
  inputOctets: Number(r.input_octets),
  outputOctets: Number(r.output_octets),
  sessionSeconds: Number(r.session_time),
  terminateCause: r.terminate_cause === null ? null : Number(r.terminate_cause),
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  stoppedAt: r.stopped_at,
});

/** PRO-3: RADIUS accounting (RFC 2866): recorded from the NASes, read by the organization's admins. */
export function createRadiusSessions(deps: RadiusSessionsDeps) {
  const { db, clock } = deps;

  /**
   * Start, Interim-Update and Stop of one Acct-Session-Id fold into one row; Accounting-On and -Off
   * (a NAS restarting) are acknowledged and change nothing. Answers whether something was kept.
   */
  async function record(r: AccountingRecord): Promise<boolean> {
    const status = r.statusType === ACCT_STATUS.start ? 'started' : r.statusType === ACCT_STATUS.interimUpdate ? 'updated' : r.statusType === ACCT_STATUS.stop ? 'stopped' : null;
    if (!status || !r.acctSessionId) return false;
    const now = clock.now();
    const at = now.toISOString();
    const stopping = status === 'stopped';
    await repo.upsertSession(
      db,
      {
        id: sessionId(now),
        org_id: r.orgId,
        network_id: r.networkId,
        acct_session_id: r.acctSessionId,
        user_name: r.userName,
        membership_id: r.membershipId,
        status,
        nas_address: r.nasAddress,
        calling_station_id: r.callingStationId,
        input_octets: r.inputOctets,
        output_octets: r.outputOctets,
        session_time: r.sessionSeconds,
        terminate_cause: stopping ? r.terminateCause : null,
        // A session whose Start was lost began, as far as we know, when its first record says.
        started_at: status === 'started' ? at : new Date(now.getTime() - r.sessionSeconds * 1000).toISOString(),
        updated_at: at,
        stopped_at: stopping ? at : null,
      },
      stopping,
    );
    return true;
  }

  /** The organization's accounting sessions, newest first (its admins only; another organization's answer 404). */
  async function list(caller: Caller, orgId: string, q: ListRadiusSessionsQuery): Promise<{ items: RadiusSession[]; nextCursor: string | null }> {
    requireCapability(caller, 'directory.read', { orgId });
    const rows = await repo.listSessions(db, orgId, { networkId: q.networkId, membershipId: q.userId, before: q.cursor, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit);
    return { items: items.map(toSessionView), nextCursor: rows.length > q.limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** DSR-5: the directory's hook, in the transaction that removes members: their sessions go too (suspension keeps them). */
  async function membersRemoved(trx: Executor, orgId: string, membershipIds: string[]): Promise<number> {
    return repo.deleteSessionsOfMembers(trx, orgId, membershipIds);
  }

  return { record, list, membersRemoved };
}

export type RadiusSessions = ReturnType<typeof createRadiusSessions>;
