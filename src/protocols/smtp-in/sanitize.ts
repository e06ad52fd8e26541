/**
 * Bounds and cleans the decoded text of a mail before it leaves the SMTP edge.
 * Whatever a sender put in, the desk gets printable text of a known size.
 */

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidi
// embedding, override and isolate marks (which can make a subject read other than it is).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ONE_LINE_JUNK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same, minus tab and line feed, which a body keeps.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BODY_JUNK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * A header value shown on one line (subject, display name): every line break
 * or control character becomes a space, so that a decoded `=0D=0A` cannot
 * smuggle a second header line into anything built from it later.
 */
export function oneLine(value: string | undefined | null, max: number): string {
  if (!value) return '';
  return cut(value.replace(ONE_LINE_JUNK, ' ').replace(/\s+/g, ' ').trim(), max).trim();
}

export const TRUNCATED_NOTE = '\n\n[The rest of this message was cut: it was longer than the desk keeps.]';

/** A body: line ends made `\n`, control characters dropped, at most `max` characters. */
export function bodyText(value: string, max: number): string {
  const clean = value.replace(/\r\n?/g, '\n').replace(BODY_JUNK, '').trim();
  if (clean.length <= max) return clean;
  return cut(clean, Math.max(0, max - TRUNCATED_NOTE.length)) + TRUNCATED_NOTE;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", amp: '&' };
const BLOCK_TAG = /^\/?(p|div|br|li|tr|h[1-6]|blockquote|pre|table)\b/;

/**
 * Crude text from HTML, for when the converter gave up (too long, nested too
 * deep). One pass with indexOf, never a backtracking pattern, so that a flood
 * of unclosed `<` costs linear time. An unclosed tag ends the text.
 */
export function stripTags(html: string): string {
  const lower = html.toLowerCase();
  const parts: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      parts.push(html.slice(i));
      break;
    }
    parts.push(html.slice(i, lt));
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break;
    const head = lower.slice(lt + 1, Math.min(gt, lt + 16));
    const raw = /^(script|style)\b/.exec(head)?.[1];
    if (raw) {
      const close = lower.indexOf(`</${raw}`, gt);
      const after = close < 0 ? -1 : html.indexOf('>', close);
      if (after < 0) break;
      i = after + 1;
    } else {
      i = gt + 1;
    }
    parts.push(BLOCK_TAG.test(head) ? '\n' : ' ');
  }
  return parts
    .join('')
    .replace(/&(nbsp|lt|gt|quot|apos|#39|amp);/g, (_m, e: string) => ENTITIES[e] ?? '')
    .replace(/[ \t]+/g, ' ');
}

const MAX_FILENAME = 200;
const FALLBACK_NAMES: Record<string, string> = { 'message/rfc822': 'message.eml', 'text/calendar': 'invite.ics' };

/**
 * A file name that is only a name: no directories (a sender's `../../x`),
 * no control characters, no leading dots, bounded; a fallback when empty.
 */
export function filename(name: string | undefined, contentType: string): string {
  const base = oneLine((name ?? '').split(/[/\\]/).pop(), MAX_FILENAME).replace(/^[.\s]+/, '');
  return base || FALLBACK_NAMES[contentType] || 'attachment';
}

// RFC 2045 §5.1: type "/" subtype, each a token.
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,127}$/;

/** The media type, lower-cased, or `application/octet-stream` when it is not one. */
export function mediaType(value: string | undefined): string {
  const t = (value ?? '').trim().toLowerCase();
  return MEDIA_TYPE.test(t) ? t : 'application/octet-stream';
}

// The shape accounts accept at sign-up, so that every account's address can be matched.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** An address in the form accounts keep it (trimmed, lower case), or null when it is not one. */
export function mailbox(value: string | undefined | null): string | null {
  const a = (value ?? '').trim().toLowerCase();
  return a.length <= 254 && ADDRESS.test(a) ? a : null;
}
