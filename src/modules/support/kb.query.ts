/**
 * SUP-7: what user text becomes before it reaches a full-text index. Only
 * words (runs of Unicode letters and digits) survive, so quotes, `*`, `-`,
 * parentheses, `NEAR`, `AND`, `OR` and `NOT` can never be read as FTS5 or
 * tsquery syntax: each word is passed as a quoted string (FTS5) or as a bound
 * parameter (PostgreSQL). Both dialects get the same words, so they agree.
 */

/** More words than this are dropped: a pasted log line is not a better search. */
export const MAX_TERMS = 16;
/** Longer words are cut: nothing in English is longer, and it bounds the index's work. */
const MAX_TERM_LENGTH = 64;

/**
 * PostgreSQL's English configuration drops these (Snowball's list); SQLite's
 * FTS5 does not, so they are dropped here for both, and both dialects then
 * match the same articles.
 */
const STOPWORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself ' +
    'they them their theirs themselves what which who whom this that these those am is are was were be been being have has had having ' +
    'do does did doing a an the and but if or because as until while of at by for with about against between into through during ' +
    'before after above below to from up down in out on off over under again further then once here there when where why how all any ' +
    'both each few more most other some such no nor not only own same so than too very s t can will just don should now'
  ).split(' '),
);

/** The distinct lowercase words of the text, stopwords left out, in the order they first appear. */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = m[0].slice(0, MAX_TERM_LENGTH);
    if (STOPWORDS.has(word) || terms.includes(word)) continue;
    terms.push(word);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/** An FTS5 MATCH expression of quoted words: every word (`AND`) or any word (`OR`). */
export function fts5Match(terms: string[], join: 'AND' | 'OR'): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(` ${join} `);
}

// ---- System versions named in free text ("Ubuntu 18.04.6 LTS", "windows 10 22H2").

/** Other names people use for a listed system, rewritten before matching. */
const ALIASES: Array<[RegExp, string]> = [
  [/\bred hat enterprise linux\b/g, 'rhel'],
  [/\bredhat enterprise linux\b/g, 'rhel'],
  [/\bmicrosoft windows\b/g, 'windows'],
  [/\bms windows\b/g, 'windows'],
  [/\bmac os x\b/g, 'macos'],
  [/\bmac os\b/g, 'macos'],
  [/\bos x\b/g, 'macos'],
  [/\bosx\b/g, 'macos'],
  [/\bwin\b/g, 'windows'],
];

/** At most this many words (letters only) may stand between a system and its version ("Ubuntu Server 22.04", "Debian GNU/Linux 12"). */
const MAX_FILLERS = 2;

/** Lowercase words; a word glued to a number is split ("rhel7", "win10", "R2"); version dots are kept. */
export function versionTokens(text: string): string[] {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .flatMap((w) => {
      const word = w.replace(/^\.+|\.+$/g, '');
      const glued = /^(\p{L}+)(\p{N}[\p{N}.]*)$/u.exec(word);
      return glued ? [glued[1]!, glued[2]!] : [word];
    });
  let s = ` ${words.join(' ')} `;
  for (const [re, to] of ALIASES) s = s.replace(re, to);
  return s.split(' ').filter((w) => w.length > 0);
}

/** `18.04` matches `18.04` and `18.04.6`, not `18.040`; other words match exactly. */
const versionPartMatches = (want: string, got: string, last: boolean) => got === want || (last && got.startsWith(`${want}.`));

/**
 * How well `text` names the system version (its number of matching words), or
 * 0 when it does not: the system's words in order, at most two words of
 * letters, then the version's words.
 */
export function matchScore(text: string[], system: string[], version: string[]): number {
  if (system.length === 0 || version.length === 0) return 0;
  let best = 0;
  for (let i = 0; i + system.length <= text.length; i++) {
    if (!system.every((w, k) => text[i + k] === w)) continue;
    for (let fillers = 0; fillers <= MAX_FILLERS; fillers++) {
      const start = i + system.length + fillers;
      if (start + version.length > text.length) break;
      if (fillers > 0 && !/^\p{L}+$/u.test(text[start - 1]!)) break;
      if (version.every((w, k) => versionPartMatches(w, text[start + k]!, k === version.length - 1))) {
        best = Math.max(best, system.length + version.length);
        break;
      }
    }
  }
  return best;
}
