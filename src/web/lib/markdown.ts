// A small, safe subset of Markdown for the privacy policy (PRV-8), parsed into a tree that the
// page renders as React elements: never as HTML, so nothing in a policy can inject markup or script.
//
// Blocks: ATX headings (#…######), paragraphs, bulleted (- * +) and numbered (1. or 1)) lists,
// block quotes (>), and rules (--- *** ___). Inline: `code`, **strong** / __strong__,
// *emphasis* / _emphasis_, and [links](url) whose url is http(s), mailto, or a path on this
// site (/…). Anything else, raw HTML included, is shown as the text it is.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { type: 'quote'; children: Inline[] }
  | { type: 'rule' };

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const BULLET = /^ {0,3}[-*+][ \t]+(.*)$/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;
const QUOTE = /^ {0,3}>[ \t]?(.*)$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
/** Nesting deeper than this is shown as text: a policy never needs it, and it bounds recursion. */
const MAX_DEPTH = 6;

/**
 * The link targets allowed: the web, mail, and paths on this site. Never a target a browser reads as
 * protocol-relative (`//host`, and `/\host`, since browsers take a backslash for a slash), and never
 * one with control characters or spaces, which browsers drop before reading the rest.
 */
export function safeHref(url: string): string | null {
  const u = url.trim();
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\\\s\u0000-\u001f\u007f]/.test(u)) return null;
  if (/^https?:\/\/[^/]/i.test(u) || /^mailto:./i.test(u)) return u;
  if (/^\/(?![/\\])/.test(u)) return u;
  return null;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; start: number; items: string[][] } | null = null;
  let quote: string[] = [];

  const flush = () => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', children: parseInline(paragraph.join(' ')) });
    if (list) blocks.push({ type: 'list', ordered: list.ordered, start: list.start, items: list.items.map((i) => parseInline(i.join(' '))) });
    if (quote.length > 0) blocks.push({ type: 'quote', children: parseInline(quote.join(' ')) });
    paragraph = [];
    list = null;
    quote = [];
  };

  for (const raw of lines) {
    const line = raw.replace(/\t/g, '    ');
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ type: 'heading', level: (heading[1] as string).length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(heading[2] ?? '') });
      continue;
    }
    if (RULE.test(line)) {
      flush();
      blocks.push({ type: 'rule' });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = numbered !== null;
      if (!list || list.ordered !== ordered) {
        flush();
        list = { ordered, start: numbered ? Number(numbered[1]) : 1, items: [] };
      }
      list.items.push([(bullet ? bullet[1] : numbered?.[2]) ?? '']);
      continue;
    }
    const quoted = QUOTE.exec(line);
    if (quoted) {
      if (paragraph.length > 0 || list) flush();
      quote.push(quoted[1] ?? '');
      continue;
    }
    // A line that continues the open block: a list item's next line, or the paragraph's.
    if (list) list.items.at(-1)?.push(line.trim());
    else if (quote.length > 0) quote.push(line.trim());
    else paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * Inline spans, left to right. Each delimiter's closer is searched with
 * indexOf, and a delimiter found to have no closer is not searched for again,
 * so even text made of nothing but unmatched delimiters parses in linear time.
 */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const exhausted = new Set<string>();
  const pushText = () => {
    if (buffer) out.push({ type: 'text', text: buffer });
    buffer = '';
  };

  /** The closer of `delim` at or after `from`; for `_`, one not inside a word. */
  const closerOf = (delim: string, from: number): number => {
    if (exhausted.has(delim)) return -1;
    let at = text.indexOf(delim, from);
    while (at !== -1 && delim[0] === '_' && isWordChar(text[at + delim.length])) at = text.indexOf(delim, at + 1);
    if (at === -1) exhausted.add(delim);
    return at;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!>]/.test(text[i + 1] as string)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = closerOf('`', i + 1);
      if (end > i + 1) {
        pushText();
        out.push({ type: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((c === '*' || c === '_') && depth < MAX_DEPTH && !(c === '_' && isWordChar(text[i - 1]))) {
      const strong = text[i + 1] === c;
      const delim = strong ? c + c : c;
      const end = closerOf(delim, i + delim.length + 1);
      if (end !== -1 && text[i + delim.length] !== ' ') {
        pushText();
        out.push({ type: strong ? 'strong' : 'em', children: parseInline(text.slice(i + delim.length, end), depth + 1) });
        i = end + delim.length;
        continue;
      }
    }
    if (c === '[' && depth < MAX_DEPTH) {
      const close = closerOf('](', i + 1);
      const end = close === -1 ? -1 : closerOf(')', close + 2);
      if (close !== -1 && end !== -1 && !text.slice(i + 1, close).includes('[')) {
        const href = safeHref(text.slice(close + 2, end));
        const children = parseInline(text.slice(i + 1, close), depth + 1);
        pushText();
        if (href) out.push({ type: 'link', href, children });
        else out.push(...children);
        i = end + 1;
        continue;
      }
    }
    buffer += c;
    i++;
  }
  pushText();
  return out;
}

/** The plain text of inline spans (for titles and accessible names). */
export function plainText(nodes: Inline[]): string {
  return nodes.map((n) => (n.type === 'text' || n.type === 'code' ? n.text : plainText(n.children))).join('');
}
