/**
 * The SMTP replies of the inbound edge, in one place: each outcome or failure
 * becomes a reply code (RFC 5321 §4.2) with its enhanced status code
 * (RFC 3463) written first in the text, so the sending server and the person
 * reading a bounce both know what happened.
 */
import type { PrivacyMailOutcome } from '../../modules/rights/index.ts';
import type { InboundOutcome } from '../../modules/support/index.ts';

/** An error smtp-server turns into a reply: `responseCode` and the message as text. */
export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function smtpError(responseCode: number, text: string): SmtpReplyError {
  return Object.assign(new Error(text), { responseCode });
}

export const replies = {
  /** RFC 5321 §3.3: 550 for a mailbox that is not here; 5.1.1 bad destination mailbox (RFC 3463). */
  unknownRecipient: (addresses: string) => smtpError(550, `5.1.1 Recipient not accepted: this server takes mail for ${addresses} only`),
  /** DSR-1: the privacy address's limits per sender and per sending IP; 450 4.7.1, so the sending server tries again later. */
  tooManyPrivacyRequests: () => smtpError(450, '4.7.1 Too many privacy requests from this sender or network: please try again later'),
  /** RFC 1870 §6.3: 552 when the message is larger than the fixed limit; 5.3.4 message too big. */
  tooBig: (limit: number) => smtpError(552, `5.3.4 Message too big: the limit is ${limit} bytes`),
  noSender: () =>
    smtpError(550, '5.1.7 The message has no single valid From address, so it cannot be answered: nothing was done'),
  unreadable: () => smtpError(550, '5.6.0 The message could not be read: nothing was done'),
  /** 451: the sending server keeps the message and tries again later (RFC 5321 §4.5.4.1). */
  tryLater: () => smtpError(451, '4.3.0 Temporary failure on our side: please try again later'),
};

/** The text of the 250 reply for what the desk did with the message. */
export function acceptedText(outcome: InboundOutcome): string {
  switch (outcome.kind) {
    case 'opened':
      return `2.0.0 Ticket ${outcome.ticketId} opened`;
    case 'replied':
      return `2.0.0 Added to ticket ${outcome.ticketId}`;
    case 'recorded':
      return `2.0.0 Recorded on ticket ${outcome.ticketId} (automatic message: nothing changed)`;
    case 'duplicate':
      return `2.0.0 Already received (ticket ${outcome.ticketId})`;
    case 'refused':
      return '2.0.0 Received, but no ticket was opened: a reply explains why';
    case 'ignored':
      return '2.0.0 Received: an automatic message that names none of our tickets, so nothing was done';
  }
}

/** DSR-1: the text of the 250 reply for what became of a message to the privacy address. */
export function privacyAcceptedText(outcome: PrivacyMailOutcome): string {
  switch (outcome.kind) {
    case 'recorded':
      return `2.0.0 Privacy request ${outcome.requestId} received`;
    case 'incomplete':
      return '2.0.0 Received, but no request was recorded: a reply names what it lacks';
    case 'ignored':
      return '2.0.0 Received: an automatic message, so no request was recorded';
    case 'refused':
      return '2.0.0 Received, but no request was recorded';
  }
}
