import type { Clock } from '../../core/clock.ts';
import { type FieldCipher, newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import type { Jobs } from '../jobs/index.ts';
import { insertMessage } from './outbox.repository.ts';

export type MailCategory = 'transactional' | 'marketing';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  category?: MailCategory;
  /** The account the message is for; required for marketing mail, which is checked against it at send time. */
  userId?: string;
  /** A marketing message's list (PRV-7). */
  list?: string;
  /** The Message-ID to send with, angle brackets included, when the caller threads on it (support replies); one is made otherwise. */
  messageId?: string;
}

/** The part of a message that can hold secrets (single-use links): encrypted in the outbox. */
export interface MailBody {
  text: string;
  html?: string | undefined;
  headers?: Record<string, string> | undefined;
}

export const BODY_CONTEXT = 'mail_outbox.body';

/**
 * The outbox is one kind of job: each message is a row of `mail_outbox` (the
 * mail module's record of it, with the encrypted body) and a `mail.send` job
 * whose payload is the row's id. The jobs table schedules, leases and retries;
 * nothing personal or secret is copied into it.
 */
export const MAIL_SEND = 'mail.send';
export interface MailSendPayload {
  mailId: string;
}

export interface MailDeps {
  clock: Clock;
  cipher: FieldCipher;
  jobs: Jobs;
  /** Domain for Message-IDs, taken from the sender address. */
  messageIdDomain: string;
  /** Delivery attempts before a message is given up on (CASTELLAN_MAIL_MAX_ATTEMPTS). */
  maxAttempts: number;
}

export function createMail(deps: MailDeps) {
  /**
   * Queues a message in the outbox, and its job. Pass the transaction that
   * makes the change the message is about: the mail is then sent if and only
   * if the change commits.
   */
  async function enqueue(ex: Executor, mail: OutgoingMail): Promise<string> {
    if (mail.category === 'marketing' && (!mail.userId || !mail.list)) throw new Error('marketing mail needs a userId and a list');
    // The message and its job are written together or not at all.
    if (!ex.isTransaction) return ex.transaction().execute((trx) => enqueue(trx, mail));
    const id = newId('mail');
    const now = deps.clock.now().toISOString();
    const body: MailBody = { text: mail.text, html: mail.html, headers: mail.headers };
    await insertMessage(ex, {
      id,
      message_id: mail.messageId ?? `<${id}@${deps.messageIdDomain}>`,
      to_address: mail.to,
      subject: mail.subject,
      body_enc: deps.cipher.encrypt(JSON.stringify(body), BODY_CONTEXT),
      category: mail.category ?? 'transactional',
      status: 'queued',
      attempts: 0,
      last_error: null,
      created_at: now,
      sent_at: null,
      sent_by: null,
      user_id: mail.userId ?? null,
      list: mail.list ?? null,
    });
    await deps.jobs.enqueue<MailSendPayload>(ex, { kind: MAIL_SEND, payload: { mailId: id }, maxAttempts: deps.maxAttempts });
    return id;
  }

  /** Tells this node's job runner that new mail is waiting (call after the transaction commits). */
  function wake(): void {
    deps.jobs.wake();
  }

  /** A new Message-ID in Castellan's own domain, for callers that must know it before enqueueing. */
  function newMessageId(): string {
    return `<${newId('msg')}@${deps.messageIdDomain}>`;
  }

  return { enqueue, wake, newMessageId };
}

export type Mail = ReturnType<typeof createMail>;
