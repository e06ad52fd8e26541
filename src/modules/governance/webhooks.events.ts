import type { WebhookEvent } from '../../contracts/integrations.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { IntegrationsDeps } from './integrations.deps.ts';
import * as repo from './integrations.repository.ts';
import { DELIVERY_JOB, MAX_ATTEMPTS } from './webhooks.job.ts';

/**
 * GOV-5: the directory changes a webhook hears of. Every change is written to the audit log in the
 * transaction that makes it (SEC-1); the audit module tells this hook of each entry, and an entry
 * that is one of these events becomes a delivery (and its job) for every installed webhook of the
 * organization that takes it, in the same transaction: no change without its deliveries, and no
 * delivery of a change that was rolled back.
 */
const FROM_AUDIT: Record<string, WebhookEvent> = {
  'directory.user_invited': 'user.created',
  'directory.user_updated': 'user.updated',
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
    const fields = Array.isArray(d.fields) ? d.fields.filter((f): f is string => typeof f === 'string') : undefined;
    return { userId: target.id, ...(type === 'user.updated' && fields ? { fields } : {}) };
  }
  if (type === 'group.members_changed') {
    return { groupId: target.id, userId: typeof d.userId === 'string' ? d.userId : null, change: event.action === 'directory.member_added' ? 'added' : 'removed' };
  }
  return { groupId: target.id, ...(type === 'group.updated' && Array.isArray(d.fields) ? { fields: d.fields.filter((f): f is string => typeof f === 'string') } : {}) };
}

const parseEvents = (json: string): string[] => {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
};

export function createWebhookFanout(deps: Pick<IntegrationsDeps, 'clock' | 'jobs'>) {
  /** The audit module's hook, in the transaction that records the entry. */
  async function recorded(trx: Executor, _ctx: RequestContext, event: AuditEvent): Promise<void> {
    const type = event.orgId ? FROM_AUDIT[event.action] : undefined;
    if (!type || !event.orgId) return;
    const orgId = event.orgId;
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
      await deps.jobs.enqueue(trx, { kind: DELIVERY_JOB, payload: { orgId, deliveryId: id }, maxAttempts: MAX_ATTEMPTS, dedupeKey: id });
    }
  }
  return { recorded };
}
