import type { Clock } from '../../core/clock.ts';
import { type FieldCipher, newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
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

export interface MailDeps {
  clock: Clock;
  cipher: FieldCipher;
  /** Domain for Message-IDs, taken from the sender address. */
  messageIdDomain: string;
}

export function createMail(deps: MailDeps) {
  const listeners = new Set<() => void>();

  /**
   * Queues a message in the outbox. Pass the transaction that makes the change
   * the message is about: the mail is then sent if and only if the change commits.
   */
  async function enqueue(ex: Executor, mail: OutgoingMail): Promise<string> {
    if (mail.category === 'marketing' && (!mail.userId || !mail.list)) throw new Error('marketing mail needs a userId and a list');
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
      next_attempt_at: now,
      lease_until: null,
      claimed_by: null,
      last_error: null,
      created_at: now,
      sent_at: null,
      user_id: mail.userId ?? null,
      list: mail.list ?? null,
    });
    return id;
  }

  /** Tells this node's worker that new mail is waiting (call after the transaction commits). */
  function wake(): void {
    for (const l of listeners) l();
  }

  function onWake(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** A new Message-ID in Castellan's own domain, for callers that must know it before enqueueing. */
  function newMessageId(): string {
    return `<${newId('msg')}@${deps.messageIdDomain}>`;
  }

  return { enqueue, wake, onWake, newMessageId };
}

export type Mail = ReturnType<typeof createMail>;
