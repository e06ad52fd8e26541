/**
 * A mail received for the support address (SUP-1), as the SMTP edge hands it
 * to the desk: parsed, decoded and bounded, with no protocol types left.
 */
export interface InboundMail {
  /** The SMTP envelope sender (MAIL FROM); null for the null sender `<>` of bounces. */
  envelopeFrom: string | null;
  /** The address of the From header; null when the mail has none or it cannot be parsed. */
  from: string | null;
  fromName: string | null;
  subject: string;
  /** The plain-text body (the HTML part converted to text when there is no text part). */
  text: string;
  /** The Message-ID, with its angle brackets, e.g. `<abc@example.com>`; null when missing. */
  messageId: string | null;
  /** Message-IDs from In-Reply-To, with angle brackets. */
  inReplyTo: string[];
  /** Message-IDs from References, with angle brackets, oldest first. */
  references: string[];
  /**
   * RFC 3834: true when `Auto-Submitted` is present with any value but `no`
   * (auto-replied, auto-generated, auto-notified), and for mail the
   * receiving edge otherwise knows to be automatic (a null envelope sender,
   * `Precedence: bulk|junk|list`, `X-Autoreply`).
   */
  autoSubmitted: boolean;
  attachments: InboundAttachment[];
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** What became of an inbound mail. */
export type InboundOutcome =
  | { kind: 'opened'; ticketId: string }
  | { kind: 'replied'; ticketId: string }
  /** Recorded on the ticket but changed nothing: an auto-reply (RFC 3834). */
  | { kind: 'recorded'; ticketId: string }
  /** No ticket: the sender is not an active admin's verified address; an explanation was sent (unless automatic). */
  | { kind: 'refused'; reason: 'not_an_admin' | 'no_sender' }
  /** No ticket: an automatic message (RFC 3834) that names none of ours opens nothing, and is not answered. */
  | { kind: 'ignored'; reason: 'automatic' }
  /** Already received (same Message-ID from the same organization): nothing done again. */
  | { kind: 'duplicate'; ticketId: string };
