/**
 * Reading the few header fields the support desk relies on straight from the
 * raw header lines, where a parsed view would hide what matters: how many
 * times a field occurs, and what in it is garbage.
 */

/** A header line as mailparser keeps it: the lower-case name and the raw, still folded, line. */
export interface HeaderLine {
  key: string;
  line: string;
}

/** At most this many ids are kept from In-Reply-To or References. */
export const MAX_MESSAGE_IDS = 50;
/** RFC 5322 lines are at most 998 characters; an id longer than that is no id. */
const MAX_ID_LENGTH = 998;

/** The unfolded values of every occurrence of a field, in order (RFC 5322 §2.2.3). */
export function fieldValues(lines: readonly HeaderLine[], key: string): string[] {
  return lines
    .filter((l) => l.key === key)
    .map((l) => {
      const colon = l.line.indexOf(':');
      return (colon < 0 ? '' : l.line.slice(colon + 1)).replace(/\r?\n(?=[ \t])/g, '').trim();
    });
}

// msg-id = "<" id-left "@" id-right ">" (RFC 5322 §3.6.4): printable ASCII, no brackets or spaces inside.
const ID_IN_BRACKETS = /<([\x21-\x3b\x3d\x3f-\x7e]+)>/g;
const BARE_ID = /^[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+$/;

function validId(id: string): boolean {
  return id.length <= MAX_ID_LENGTH && id.includes('@') && !id.startsWith('@') && !id.endsWith('@');
}

/**
 * Every well-formed `<id@host>` in the values, normalized to one form (angle
 * brackets, no white space), without repeats, in order, at most `cap`.
 * Anything else in the field (comments, words, unbalanced brackets) is dropped.
 * A value holding no bracketed id but a single bare `id@host` (some old
 * clients write that) counts as that id.
 */
export function messageIds(values: readonly string[], cap = MAX_MESSAGE_IDS): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (out.length >= cap || !validId(id) || seen.has(id)) return;
    seen.add(id);
    out.push(`<${id}>`);
  };
  for (const value of values) {
    const bracketed = [...value.matchAll(ID_IN_BRACKETS)];
    for (const m of bracketed) add(m[1] as string);
    if (bracketed.length === 0 && BARE_ID.test(value)) add(value);
  }
  return out;
}

/**
 * The Message-ID, or null when the field is missing, unreadable or given more
 * than once: a message with two identities has none we can trust, and a
 * forged duplicate must not let one mail pass for another.
 */
export function singleMessageId(lines: readonly HeaderLine[]): string | null {
  const values = fieldValues(lines, 'message-id');
  if (values.length !== 1) return null;
  return messageIds(values, 1)[0] ?? null;
}

/** The first word of a structured field value, without comments or parameters, lower-cased. */
function keyword(value: string): string {
  return value
    .replace(/\([^()]*\)/g, ' ')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list']);

/**
 * RFC 3834 §5: `Auto-Submitted` with any value but `no` marks a message sent
 * by a program (auto-replied, auto-generated, auto-notified). The older
 * conventions of §3.1.8 count too: `Precedence: bulk|junk|list`, and the
 * `X-Autoreply` / `X-Autorespond` fields of vacation programs. A message with
 * the null envelope sender (a bounce) is automatic as well (§2).
 */
export function isAutoSubmitted(lines: readonly HeaderLine[], envelopeFrom: string | null): boolean {
  if (envelopeFrom === null) return true;
  if (fieldValues(lines, 'auto-submitted').some((v) => keyword(v) !== 'no')) return true;
  if (fieldValues(lines, 'precedence').some((v) => BULK_PRECEDENCE.has(keyword(v)))) return true;
  return ['x-autoreply', 'x-autorespond'].some((key) => fieldValues(lines, key).some((v) => keyword(v) !== 'no'));
}
