import { newId } from '../../core/crypto.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import * as repo from './requests.repository.ts';
import type { RightsDeps } from './rights.deps.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';

/** The job that marks a request overdue when its due date passes (DSR-4), one per open request. */
export const OVERDUE_JOB = 'rights.overdue';
export interface OverduePayload {
  requestId: string;
}

export type Actor = { type: 'requester' | 'system'; id: null } | { type: 'staff'; id: string };

const KIND_NAMES: Record<string, string> = {
  access: 'a copy of your personal data',
  know: 'what personal data we hold and how we use it',
  correct: 'a correction of your personal data',
  delete: 'the deletion of your personal data',
  opt_out: 'an opt-out of the sale and sharing of your personal data',
  shine_the_light: 'Your California Privacy Rights (Shine the Light)',
  question: 'a privacy question',
  complaint: 'a privacy complaint',
};

/** The steps every use case shares: history, audit, the requester's mail and the deadline job. */
export function createSteps(deps: RightsDeps) {
  const { audit, mail, jobs, clock, config } = deps;

  /** DSR-1: appends a step to the request's history and to the audit log (SEC-1), in `ex`. */
  async function step(ex: Executor, ctx: RequestContext, r: PrivacyRequestsTable, action: string, actor: Actor, note: string | null, details: Record<string, unknown> = {}): Promise<void> {
    await repo.insertEvent(ex, { id: newId('dsre'), request_id: r.id, action, actor_type: actor.type, actor_id: actor.id, note, at: clock.now().toISOString() });
    await audit.record(ex, ctx, { action: `privacy.request_${action}`, target: { type: 'privacy_request', id: r.id }, details: { kind: r.kind, regime: r.regime, ...details } });
  }

  const link = (r: PrivacyRequestsTable, token: string) => `${config.publicUrl}/api/v1/privacy/requests/${r.id}?token=${token}`;
  const kindName = (kind: string) => KIND_NAMES[kind] ?? kind;

  /** Mail to the requester (transactional), queued in the request's transaction. */
  async function tell(ex: Executor, r: PrivacyRequestsTable, subject: string, text: string): Promise<void> {
    await mail.enqueue(ex, { to: r.email, subject, text: `${text}\n\n-- \n${config.siteName} privacy\n`, ...(r.account_id ? { userId: r.account_id } : {}) });
  }

  /** DSR-4: the acknowledgement, sent at once and automatically, with the requester's link to follow the request. */
  async function acknowledge(ex: Executor, r: PrivacyRequestsTable, token: string, done: boolean, extra: readonly string[] = []): Promise<void> {
    const lines = [
      `We received your request for ${kindName(r.kind)} on ${r.received_at.slice(0, 10)} (reference ${r.id}).`,
      done && r.kind === 'opt_out'
        ? 'It has taken effect: we no longer sell or share your personal data. You do not need to do anything more.'
        : done
          ? 'We have answered it in a separate message.'
          : `We will answer by ${r.due_at.slice(0, 10)}. If we need more time, we will tell you why before then.`,
      ...(extra.length ? ['', ...extra] : []),
      '',
      `Follow your request here (keep this link to yourself): ${link(r, token)}`,
      // DSR-2: the privacy center's page for the same link, where the request is verified.
      `In your browser: ${config.publicUrl}/privacy/requests/${r.id}?token=${token}`,
    ];
    await tell(ex, r, `We received your privacy request [${r.id}]`, lines.join('\n'));
  }

  /** Schedules (or moves) the job that marks the request overdue once `dueAt` passes. */
  async function scheduleOverdue(ex: Executor, requestId: string, dueAt: string): Promise<void> {
    await jobs.cancel(ex, OVERDUE_JOB, requestId);
    await jobs.enqueue<OverduePayload>(ex, { kind: OVERDUE_JOB, payload: { requestId }, runAt: new Date(new Date(dueAt).getTime() + 1), dedupeKey: requestId, maxAttempts: 10 });
  }

  return { step, tell, acknowledge, scheduleOverdue, kindName };
}

export type Steps = ReturnType<typeof createSteps>;
