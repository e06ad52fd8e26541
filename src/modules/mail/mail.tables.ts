export interface MailOutboxTable {
  id: string;
  message_id: string;
  to_address: string;
  subject: string;
  /** Encrypted at rest (it can hold single-use links); cleared once sent. */
  body_enc: string | null;
  category: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  claimed_by: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** The account the message is for, when it is for one (marketing mail always is). */
  user_id: string | null;
  /** A marketing message's list (PRV-7), e.g. `newsletter`. */
  list: string | null;
}

export interface MailTables {
  mail_outbox: MailOutboxTable;
}
