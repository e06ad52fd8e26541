/**
 * A message's record: what it is and how it ended. When it is tried, and by
 * which node, is its `mail.send` job's business (the jobs module); the job
 * carries only this row's id, so the addresses, subjects and encrypted bodies
 * stay in the mail module's own table.
 */
export interface MailOutboxTable {
  id: string;
  message_id: string;
  /** @personal */
  to_address: string;
  /** @personal */
  subject: string;
  /** Encrypted at rest (it can hold single-use links); cleared once sent, suppressed or given up on. */
  body_enc: string | null;
  category: string;
  /** `queued` until it is `sent`, `suppressed` (PRV-7) or `failed` (given up on). */
  status: MailStatus;
  /** Delivery attempts made. */
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** The node that handed it to the transport. */
  sent_by: string | null;
  /** @personal The account the message is for, when it is for one (marketing mail always is). */
  user_id: string | null;
  /** A marketing message's list (PRV-7), e.g. `newsletter`. */
  list: string | null;
}

export type MailStatus = 'queued' | 'sent' | 'suppressed' | 'failed';

export interface MailTables {
  mail_outbox: MailOutboxTable;
}
