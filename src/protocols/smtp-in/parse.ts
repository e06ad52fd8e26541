/**
 * Raw message bytes and envelope → the desk's InboundMail (SUP-1): decoded,
 * cleaned and bounded, with no trace of mailparser left.
 *
 * What a broken message becomes: mailparser reads leniently, so a wrong MIME
 * boundary, bad base64 or 8-bit junk still gives whatever text can be read,
 * and that is accepted. Only what it refuses outright (a header over 1 MiB,
 * thousands of nested parts) is an UnreadableMail, which the server answers
 * with a permanent error: the same bytes sent again would fail again.
 */
import { type AddressObject, type Attachment, type ParsedMail, simpleParser } from 'mailparser';
import type { InboundAttachment, InboundMail } from '../../modules/support/index.ts';
import { type HeaderLine, fieldValues, isAutoSubmitted, messageIds, singleMessageId } from './headers.ts';
import { bodyText, filename, mailbox, mediaType, oneLine, stripTags } from './sanitize.ts';

export interface ParseLimits {
  /** Characters of text kept, notes included; the rest of the body is cut with a note. */
  maxTextChars: number;
  maxSubjectChars: number;
  /** Attachments kept; any beyond are named in a note. */
  maxAttachments: number;
  /** Largest attachment kept; larger ones are named in a note. */
  maxAttachmentBytes: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxTextChars: 200_000,
  maxSubjectChars: 250,
  maxAttachments: 20,
  maxAttachmentBytes: 10 * 1024 * 1024,
};

const MAX_NAME_CHARS = 200;
/** HTML longer than this is not given to the converter (its cost grows with the size), but stripped. */
const MAX_HTML_TO_CONVERT = 1024 * 1024;

export interface Envelope {
  /** MAIL FROM; '' or null for the null sender `<>`. */
  mailFrom: string | null;
}

/** The message could not be read at all; `reason` is the parser's, never the content. */
export class UnreadableMail extends Error {
  override name = 'UnreadableMail';
}

export async function parseInbound(raw: Buffer, envelope: Envelope, limits: ParseLimits = DEFAULT_LIMITS): Promise<InboundMail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      maxHtmlLengthToParse: MAX_HTML_TO_CONVERT,
    });
  } catch (e) {
    throw new UnreadableMail(e instanceof Error ? e.message : String(e));
  }
  const lines: readonly HeaderLine[] = parsed.headerLines ?? [];
  const envelopeFrom = envelope.mailFrom ? envelope.mailFrom.trim() || null : null;
  const sender = fromHeader(parsed, lines);
  const { attachments, notes } = keptAttachments(parsed.attachments ?? [], limits);
  // The notes on left-out attachments come within the limit too, so that the desk keeps them.
  const noted = notes.join('\n');
  const budget = Math.max(0, limits.maxTextChars - (noted ? noted.length + 2 : 0));
  const text = [bodyText(readableText(parsed, raw, budget), budget), noted].filter(Boolean).join('\n\n');
  return {
    envelopeFrom,
    from: sender.address,
    fromName: sender.name,
    subject: oneLine(parsed.subject, limits.maxSubjectChars),
    text,
    messageId: singleMessageId(lines),
    inReplyTo: messageIds(fieldValues(lines, 'in-reply-to')),
    references: messageIds(fieldValues(lines, 'references')),
    autoSubmitted: isAutoSubmitted(lines, envelopeFrom),
    attachments,
  };
}

/**
 * The one author of the message (RFC 5322 §3.6: exactly one From field). Two
 * From fields, several addresses in one, a group or an address that is not
 * one leave no sender to believe: null.
 */
function fromHeader(parsed: ParsedMail, lines: readonly HeaderLine[]): { address: string | null; name: string | null } {
  const none = { address: null, name: null };
  if (lines.filter((l) => l.key === 'from').length !== 1) return none;
  const from = parsed.from as AddressObject | undefined;
  const only = from?.value.length === 1 ? from.value[0] : undefined;
  if (!only || only.group) return none;
  const address = mailbox(only.address);
  if (!address) return none;
  return { address, name: oneLine(only.name, MAX_NAME_CHARS) || null };
}

/** The text part; else the HTML made text; else, for a multipart whose parts could not be found, the raw body. */
function readableText(parsed: ParsedMail, raw: Buffer, maxChars: number): string {
  if (parsed.text?.trim()) return parsed.text;
  // Markup takes room: read a few times the text that will be kept, not more.
  if (typeof parsed.html === 'string' && parsed.html.trim()) return stripTags(parsed.html.slice(0, maxChars * 4));
  if ((parsed.attachments ?? []).length > 0) return '';
  return rawBody(raw);
}

/** What follows the header block, as text: what a reader would see of a message whose structure is broken. */
function rawBody(raw: Buffer): string {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : raw.length;
  return raw.subarray(end).toString('utf8');
}

const MIB = 1024 * 1024;
const size = (bytes: number) => (bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

/** At most this many attachments left out are named one by one. */
const MAX_NOTES = 10;

function keptAttachments(all: Attachment[], limits: ParseLimits): { attachments: InboundAttachment[]; notes: string[] } {
  const attachments: InboundAttachment[] = [];
  const notes: string[] = [];
  let unnamed = 0;
  const leaveOut = (note: string) => (notes.length < MAX_NOTES ? notes.push(note) : unnamed++);
  for (const a of all) {
    const contentType = mediaType(a.contentType);
    const name = filename(a.filename, contentType);
    if (a.content.length > limits.maxAttachmentBytes) {
      leaveOut(`[Attachment "${name}" (${size(a.content.length)}) was not kept: larger than ${size(limits.maxAttachmentBytes)}.]`);
    } else if (attachments.length >= limits.maxAttachments) {
      leaveOut(`[Attachment "${name}" was not kept: more than ${limits.maxAttachments} attachments.]`);
    } else {
      attachments.push({ filename: name, contentType, content: a.content });
    }
  }
  if (unnamed > 0) notes.push(`[${unnamed} more attachments were not kept.]`);
  return { attachments, notes };
}
