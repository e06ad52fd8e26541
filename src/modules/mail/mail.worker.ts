import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import { BODY_CONTEXT, type Mail, type MailBody } from './mail.service.ts';
import * as repo from './outbox.repository.ts';
import type { MailTransport } from './transport.ts';

export interface MailWorkerDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  cipher: FieldCipher;
  mail: Mail;
  transport: MailTransport;
  from: string;
  nodeId: string;
  pollIntervalMs: number;
  leaseSeconds: number;
  maxAttempts: number;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
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

/** Messages claimed at once; each one's claim is renewed just before it is sent. */
const BATCH = 5;

/** Retry after 5 s, 10 s, 20 s, ... at most an hour. */
export const backoffSeconds = (attempts: number): number => Math.min(3600, 5 * 2 ** Math.max(0, attempts - 1));

/**
 * Sends queued mail. Each node runs one; they share the outbox through
 * claims with leases, so a message is sent by one node, and a message claimed
 * by a node that died is picked up again when its lease runs out.
 */
export function createMailWorker(deps: MailWorkerDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  let unsubscribe: (() => void) | undefined;

  const leaseFrom = (now: Date) => new Date(now.getTime() + deps.leaseSeconds * 1000).toISOString();

  async function sendOne(row: Awaited<ReturnType<typeof repo.claimDue>>[number]): Promise<boolean> {
    // The batch may have taken long enough for the claim to lapse: renew it, or leave the message to its new owner.
    const now = deps.clock.now();
    if (!(await repo.renewLease(deps.db, row.id, deps.nodeId, now.toISOString(), leaseFrom(now)))) {
      deps.log.warn({ mailId: row.id }, 'mail claim lapsed before sending; left to another node');
      return false;
    }
    const message: OutboxMessage = { id: row.id, to: row.to_address, category: row.category, userId: row.user_id, list: row.list };
    if (deps.beforeSend && !(await deps.beforeSend(message))) {
      await repo.markSuppressed(deps.db, row.id, deps.nodeId, 'the recipient does not allow this mail');
      deps.log.info({ mailId: row.id, category: row.category }, 'mail suppressed: the recipient does not allow it');
      return true;
    }
    try {
      if (!row.body_enc) throw new Error('message body is missing');
      const body = JSON.parse(deps.cipher.decrypt(row.body_enc, BODY_CONTEXT)) as MailBody;
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
      await repo.markSent(deps.db, row.id, deps.nodeId, deps.clock.now().toISOString());
      deps.onSent?.();
      await deps.afterSend?.(message).catch((e: unknown) =>
        deps.log.error({ mailId: row.id, err: e instanceof Error ? e.message : String(e) }, 'mail sent, but its after-send step failed'),
      );
      deps.log.info({ mailId: row.id, attempts: row.attempts }, 'mail sent');
      return true;
    } catch (e) {
      const final = row.attempts >= deps.maxAttempts;
      const next = new Date(deps.clock.now().getTime() + backoffSeconds(row.attempts) * 1000);
      const error = e instanceof Error ? e.message : String(e);
      await repo.markFailed(deps.db, row.id, deps.nodeId, { final, nextAttemptAt: next.toISOString(), error });
      deps.onFailed?.();
      deps.log.warn({ mailId: row.id, attempts: row.attempts, final, err: error }, 'mail delivery failed');
      return true;
    }
  }

  /** One pass: claim a batch and send it; repeats while there is more due. */
  async function drain(background = false): Promise<number> {
    let total = 0;
    // A background pass stops claiming once the worker is stopped; the batch in hand is finished.
    while (!(background && stopped)) {
      const now = deps.clock.now();
      const claimed = await deps.db.transaction().execute((trx) =>
        repo.claimDue(trx, deps.dialect, {
          nodeId: deps.nodeId,
          now: now.toISOString(),
          leaseUntil: leaseFrom(now),
          limit: BATCH,
        }),
      );
      if (claimed.length === 0) return total;
      for (const row of claimed) {
        if (await sendOne(row)) total += 1;
      }
    }
    return total;
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain(true)
      .catch((e) => deps.log.error({ err: e instanceof Error ? e.message : String(e) }, 'mail worker pass failed'))
      .then(() => undefined)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      unsubscribe = deps.mail.onWake(kick);
      timer = setInterval(kick, deps.pollIntervalMs);
      timer.unref();
      repo
        .releaseClaims(deps.db, deps.nodeId)
        .then((n) => n > 0 && deps.log.info({ released: n }, 'released mail claimed before a restart'))
        .catch(() => {})
        .finally(kick);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      unsubscribe?.();
      await running;
    },
    /** Sends everything due now; for tests and the CLI. */
    drain: () => drain(false),
  };
}

export type MailWorker = ReturnType<typeof createMailWorker>;
