import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database } from '../../db/schema.ts';
import { type Job, type JobContext, type JobHandler, type JobLog, PermanentJobError, describeFailure } from '../jobs/index.ts';
import { BODY_CONTEXT, MAIL_SEND, type MailBody, type MailSendPayload } from './mail.service.ts';
import * as repo from './outbox.repository.ts';
import type { MailTransport } from './transport.ts';

export interface MailSenderDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  transport: MailTransport;
  from: string;
  log: JobLog;
  /** How long a node holds a message it is sending (CASTELLAN_MAIL_LEASE_SECONDS). */
  leaseSeconds: number;
  /** How often a node looks for due mail (CASTELLAN_MAIL_POLL_MS). */
  pollIntervalMs: number;
  /** False: this node sends mail only when drained (CASTELLAN_MAIL_WORKER). */
  background: boolean;
  onSent?: () => void;
  onFailed?: () => void;
  /**
   * Asked just before a message goes out; false leaves it unsent, as `suppressed`
   * (PRV-7: marketing mail goes only to those who allow it at send time).
   */
  beforeSend?: (message: OutboxMessage) => Promise<boolean>;
  /** Told after the transport took a message (PRV-9: the mail provider's disclosure). */
  afterSend?: (message: OutboxMessage) => Promise<void>;
}

/** What the send hooks see of a message: never its body. */
export interface OutboxMessage {
  id: string;
  to: string;
  category: string;
  userId: string | null;
  list: string | null;
}

const mailIdOf = (job: Job<MailSendPayload>): string => {
  const id = (job.payload as Partial<MailSendPayload> | null)?.mailId;
  if (typeof id !== 'string') throw new PermanentJobError('the job names no message');
  return id;
};

/**
 * The `mail.send` job: sends one message of the outbox. The job runner claims,
 * leases and retries it; this handler only knows mail. Messages go one at a
 * time per node, in the order they became due.
 */
export function createMailSender(deps: MailSenderDeps): JobHandler<MailSendPayload> {
  async function run(job: Job<MailSendPayload>, ctx: JobContext): Promise<void> {
    const row = await repo.findMessage(deps.db, mailIdOf(job));
    // Gone (erased), or already ended: an earlier attempt sent it and then lost the job before recording so.
    if (!row || row.status !== 'queued') return;
    const message: OutboxMessage = { id: row.id, to: row.to_address, category: row.category, userId: row.user_id, list: row.list };
    if (deps.beforeSend && !(await deps.beforeSend(message))) {
      await repo.markSuppressed(deps.db, row.id, 'the recipient does not allow this mail');
      deps.log.info({ mailId: row.id, category: row.category }, 'mail suppressed: the recipient does not allow it');
      return;
    }
    if (!row.body_enc) throw new PermanentJobError('message body is missing');
    const body = JSON.parse(deps.cipher.decrypt(row.body_enc, BODY_CONTEXT)) as MailBody;
    // Hand the message over only while this node still holds the job: a lapsed lease means another node may send it.
    await ctx.heartbeat();
    try {
      await deps.transport.send({
        id: row.id,
        createdAt: row.created_at,
        messageId: row.message_id,
        from: deps.from,
        to: row.to_address,
        subject: row.subject,
        text: body.text,
        html: body.html,
        headers: body.headers,
      });
    } catch (e) {
      const error = describeFailure(e);
      await repo.recordFailedAttempt(deps.db, row.id, job.attempts, error);
      deps.onFailed?.();
      deps.log.warn({ mailId: row.id, attempts: job.attempts, err: error }, 'mail delivery failed');
      throw e;
    }
    await repo.markSent(deps.db, row.id, { at: deps.clock.now().toISOString(), nodeId: ctx.nodeId, attempts: job.attempts });
    deps.onSent?.();
    await deps.afterSend?.(message).catch((e: unknown) =>
      deps.log.error({ mailId: row.id, err: describeFailure(e) }, 'mail sent, but its after-send step failed'),
    );
    deps.log.info({ mailId: row.id, attempts: job.attempts }, 'mail sent');
  }

  return {
    kind: MAIL_SEND,
    // One at a time, as the outbox always sent: a campaign does not open a connection per recipient at once.
    concurrency: 1,
    leaseSeconds: deps.leaseSeconds,
    pollIntervalMs: deps.pollIntervalMs,
    background: deps.background,
    run,
    async onGiveUp(ex, job, error) {
      await repo.markFailed(ex, mailIdOf(job), job.attempts, error);
    },
  };
}
