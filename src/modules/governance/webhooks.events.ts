import { sql } from 'kysely';
import type { WebhookEvent } from '../../contracts/integrations.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { IntegrationsDeps } from './integrations.deps.ts';
import * as repo from './integrations.repository.ts';
import { DELIVERY_JOB, JOB_MAX_ATTEMPTS } from './webhooks.job.ts';

/**
 * GOV-5: the directory changes a webhook hears of. Every change is written to the audit log in the
 * transaction that makes it (SEC-1); the audit module tells this hook of each entry, and an entry
 * that is one of these events becomes a delivery (and its job) for every installed webhook of the
 * organization that takes it, in the same transaction: no delivery of a change that was rolled back.
 * The reverse does not hold: the fan-out runs inside a savepoint, and whatever fails in it (a stored
 * events list that cannot be read, a failed insert) is rolled back to the savepoint and logged, so a
 * webhook never undoes the directory change it reports (on PostgreSQL a failed statement would
 * otherwise poison the whole transaction).
 */
const FROM_AUDIT: Record<string, WebhookEvent> = {
  'directory.user_invited': 'user.created',
  'directory.user_updated': 'user.updated',
  // An invited user who accepts becomes active: their status changed (docs/governance.md).
  'directory.invitation_accepted': 'user.updated',
  'directory.user_suspended': 'user.suspended',
  'directory.user_reactivated': 'user.reactivated',
  'directory.user_deleted': 'user.removed',
  'directory.group_created': 'group.created',
  'directory.group_updated': 'group.updated',
  'directory.group_deleted': 'group.deleted',
  'directory.member_added': 'group.members_changed',
  'directory.member_removed': 'group.members_changed',
};

/** What a delivery carries about the change: ids, and the names of changed fields, never their values. */
export function eventData(event: AuditEvent): Record<string, unknown> | undefined {
  const type = FROM_AUDIT[event.action];
  const target = event.target;
  if (!type || !target) return undefined;
  const d = event.details ?? {};
  if (type.startsWith('user.')) {
    const fields =
      event.action === 'directory.invitation_accepted' ? ['status'] : Array.isArray(d.fields) ? d.fields.filter((f): f is string => typeof f === 'string') : undefined;
    return { userId: target.id, ...(type === 'user.updated' && fields ? { fields } : {}) };
  }
  if (type === 'group.members_changed') {
    return { groupId: target.id, userId: typeof d.userId === 'string' ? d.userId : null, change: event.action === 'directory.member_added' ? 'added' : 'removed' };
  }
  return { groupId: target.id, ...(type === 'group.updated' && Array.isArray(d.fields) ? { fields: d.fields.filter((f): f is string => typeof f === 'string') } : {}) };
}

/** The event types an endpoint takes; never throws (a list that cannot be read takes none). */
export const parseEvents = (json: unknown): string[] => {
  let v: unknown;
  try {
    v = typeof json === 'string' ? JSON.parse(json) : json;
  } catch {
    return [];
  }
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
};

const SAVEPOINT = 'webhook_fanout';

export function createWebhookFanout(deps: Pick<IntegrationsDeps, 'clock' | 'jobs' | 'log'>) {
  /**
   * The audit module's hook, in the transaction that records the entry. It never throws: what fails
   * is rolled back to its savepoint and logged (ids only, never the payload), and the change commits.
   */
  async function recorded(trx: Executor, _ctx: RequestContext, event: AuditEvent): Promise<void> {
    const type = event.orgId ? FROM_AUDIT[event.action] : undefined;
    if (!type || !event.orgId) return;
    try {
      await sql`SAVEPOINT webhook_fanout`.execute(trx);
    } catch (e) {
      deps.log?.error({ err: failureOf(e), action: event.action, orgId: event.orgId }, 'webhook fan-out skipped: no savepoint');
      return;
    }
    try {
      await fanOut(trx, event.orgId, type, event);
      await sql`RELEASE SAVEPOINT webhook_fanout`.execute(trx);
    } catch (e) {
      deps.log?.error({ err: failureOf(e), action: event.action, orgId: event.orgId, target: event.target?.id }, 'webhook fan-out failed: the change is saved without its deliveries');
      try {
        await sql`ROLLBACK TO SAVEPOINT webhook_fanout`.execute(trx);
        await sql`RELEASE SAVEPOINT webhook_fanout`.execute(trx);
      } catch (e2) {
        deps.log?.error({ err: failureOf(e2), savepoint: SAVEPOINT }, 'webhook fan-out: rolling back to the savepoint failed');
      }
    }
  }

  async function fanOut(trx: Executor, orgId: string, type: WebhookEvent, event: AuditEvent): Promise<void> {
    const endpoints = (await repo.activeEndpoints(trx, orgId)).filter((e) => parseEvents(e.events).includes(type));
    if (endpoints.length === 0) return;
    const data = eventData(event);
    if (!data) return;
    const now = deps.clock.now().toISOString();
    const eventId = newId('evt');
    const payload = JSON.stringify({ id: eventId, type, createdAt: now, organizationId: orgId, data });
    for (const e of endpoints) {
      const id = newId('whd');
      await repo.insertDelivery(trx, {
        id,
        org_id: orgId,
        integration_id: e.integration_id,
        event_id: eventId,
        event_type: type,
        payload,
        status: 'pending',
        attempts: 0,
        last_http_status: null,
        last_error: null,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
        delivered_at: null,
      });
      await deps.jobs.enqueue(trx, { kind: DELIVERY_JOB, payload: { orgId, deliveryId: id }, maxAttempts: JOB_MAX_ATTEMPTS });
    }
  }
  return { recorded };
}

/** An error's class and message only: never what was being written. */
const failureOf = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : 'error').slice(0, 300);
