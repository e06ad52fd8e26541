/**
 * The SCIM filter language (RFC 7644 §3.4.2.2), parsed by hand: the grammar is
 * small, and a parser we own lets us bound its cost. Identity providers send
 * filters we do not control, so the text, the node count and the nesting depth
 * are all capped before they can cost memory or stack (PRO-4).
 *
 * Also here: `matchesFilter`, the in-memory evaluation PATCH needs for value
 * paths such as `members[value eq "2819c223"]`.
 */
import { ScimError } from './errors.ts';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ScimFilter =
  | { op: 'and' | 'or'; filters: ScimFilter[] }
  | { op: 'not'; filter: ScimFilter }
  | { op: CompareOp; path: string; value: string | number | boolean | null }
  | { op: 'pr'; path: string }
  | { op: 'valuePath'; path: string; filter: ScimFilter };

export const MAX_FILTER_LENGTH = 10_000;
export const MAX_FILTER_NODES = 1000;
export const MAX_FILTER_DEPTH = 32;

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const ORDERING_OPS: ReadonlySet<string> = new Set(['gt', 'ge', 'lt', 'le']);

/** Core schema URNs are dropped from paths: `urn:…:core:2.0:User:userName` means `userName`. */
const CORE_PREFIXES = ['urn:ietf:params:scim:schemas:core:2.0:user', 'urn:ietf:params:scim:schemas:core:2.0:group'];
/** The one extension we know, written back in its registered spelling whatever case the client used. */
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA (RFC 7643 §2.1); `$ref` is the one name with "$".
const ATTR_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$/i;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function invalid(detail: string): never {
  throw new ScimError(400, 'invalidFilter', detail);
}

/**
 * An attribute path as a filter or PATCH writes it → its normal form: `attr`,
 * `attr.sub`, or `<extension URN>:attr[.sub]`. Undefined when it is no path.
 */
export function normalizeAttrPath(text: string): string | undefined {
  let urn: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    urn = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!URN.test(urn)) return undefined;
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => ATTR_NAME.test(p))) return undefined;
  if (urn === undefined) return rest;
  const lower = urn.toLowerCase();
  if (CORE_PREFIXES.includes(lower)) return rest;
  if (lower === ENTERPRISE_URN.toLowerCase()) return `${ENTERPRISE_URN}:${rest}`;
  return `${urn}:${rest}`;
}

type Token =
  | { kind: '(' | ')' | '[' | ']'; pos: number }
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number };

const WORD_CHAR = /[A-Za-z0-9_\-$:.+]/;

/**
 * Reads tokens one at a time, so a parse that fails early (too deep, a bad
 * operator) never pays for the rest of a long text. Strings are decoded as
 * JSON strings (RFC 8259 §7).
 */
class Lexer {
  private pos = 0;
  private current: Token | undefined;
  constructor(private readonly text: string) {
    this.current = this.read();
  }

  peek(): Token | undefined {
    return this.current;
  }

  advance(): void {
    this.current = this.read();
  }

  private read(): Token | undefined {
    const text = this.text;
    while (this.pos < text.length) {
      const i = this.pos;
      const c = text[i] as string;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
      } else if (c === '(' || c === ')' || c === '[' || c === ']') {
        this.pos++;
        return { kind: c, pos: i };
      } else if (c === '"') {
        const { value, end } = readString(text, i);
        this.pos = end;
        return { kind: 'string', value, pos: i };
      } else if (WORD_CHAR.test(c)) {
        let j = i + 1;
        while (j < text.length && WORD_CHAR.test(text[j] as string)) j++;
        this.pos = j;
        return { kind: 'word', text: text.slice(i, j), pos: i };
      } else {
        invalid(`unexpected character ${JSON.stringify(c)} at position ${i}`);
      }
    }
    return undefined;
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readString(text: string, start: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\\') {
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) invalid(`bad \\u escape at position ${i}`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        i += 2;
      } else {
        invalid(`bad escape at position ${i}`);
      }
    } else if (c < ' ') {
      invalid(`control character in string at position ${i}`);
    } else {
      out += c;
      i++;
    }
  }
  return invalid(`unterminated string starting at position ${start}`);
}

/** Recursive descent over the tokens; `depth` guards the stack, `nodes` the size of the result. */
class Parser {
  private depth = 0;
  private nodes = 0;
  constructor(
    private readonly lexer: Lexer,
    private readonly textLength: number,
  ) {}

  parse(): ScimFilter {
    if (this.peek() === undefined) invalid('the filter is empty');
    const f = this.orExpr(false);
    const extra = this.peek();
    if (extra) invalid(`unexpected ${describe(extra)} at position ${extra.pos}`);
    return f;
  }

  private peek(): Token | undefined {
    return this.lexer.peek();
  }

  private keyword(): string | undefined {
    const t = this.peek();
    return t?.kind === 'word' ? t.text.toLowerCase() : undefined;
  }

  private expect(kind: '(' | ')' | ']'): void {
    const t = this.peek();
    if (t?.kind !== kind) invalid(`expected "${kind}" ${where(t, this.textLength)}`);
    this.lexer.advance();
  }

  private node<T extends ScimFilter>(n: T): T {
    if (++this.nodes > MAX_FILTER_NODES) invalid(`the filter has more than ${MAX_FILTER_NODES} nodes`);
    return n;
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_FILTER_DEPTH) invalid(`the filter nests deeper than ${MAX_FILTER_DEPTH} at position ${pos}`);
  }

  /** Precedence: `or` binds loosest, then `and`, then `not` (RFC 7644 §3.4.2.2, Table 4). */
  private orExpr(inValuePath: boolean): ScimFilter {
    const first = this.andExpr(inValuePath);
    if (this.keyword() !== 'or') return first;
    const filters = [first];
    while (this.keyword() === 'or') {
      this.lexer.advance();
      filters.push(this.andExpr(inValuePath));
    }
    return this.node({ op: 'or', filters: filters.flatMap((f) => (f.op === 'or' ? f.filters : [f])) });
  }

  private andExpr(inValuePath: boolean): ScimFilter {
    const first = this.unary(inValuePath);
    if (this.keyword() !== 'and') return first;
    const filters = [first];
    while (this.keyword() === 'and') {
      this.lexer.advance();
      filters.push(this.unary(inValuePath));
    }
    return this.node({ op: 'and', filters: filters.flatMap((f) => (f.op === 'and' ? f.filters : [f])) });
  }

  private unary(inValuePath: boolean): ScimFilter {
    const t = this.peek();
    if (t === undefined) invalid('the filter ends where an expression was expected');
    if (t.kind === '(') return this.group(inValuePath);
    if (t.kind === 'word' && t.text.toLowerCase() === 'not') {
      this.lexer.advance();
      if (this.peek()?.kind !== '(') invalid(`"not" must be followed by "(" at position ${t.pos}`);
      this.enter(t.pos);
      const inner = this.group(inValuePath);
      this.depth--;
      return this.node({ op: 'not', filter: inner });
    }
    return this.attrExpr(inValuePath);
  }

  private group(inValuePath: boolean): ScimFilter {
    const open = this.peek() as Token;
    this.enter(open.pos);
    this.lexer.advance();
    const f = this.orExpr(inValuePath);
    this.expect(')');
    this.depth--;
    return f;
  }

  private attrExpr(inValuePath: boolean): ScimFilter {
    const t = this.peek();
    if (t?.kind !== 'word') invalid(`expected an attribute path ${where(t, this.textLength)}`);
    const path = normalizeAttrPath(t.text);
    if (path === undefined) invalid(`${JSON.stringify(t.text)} at position ${t.pos} is not an attribute path`);
    this.lexer.advance();
    const next = this.peek();
    if (next?.kind === '[') return this.valuePath(path, next.pos, inValuePath);
    return this.comparison(path, t);
  }

  /** `path pr` or `path op value`, after the path (written as `t`). */
  private comparison(path: string, t: Token & { kind: 'word' }): ScimFilter {
    const next = this.peek();
    const op = this.keyword();
    if (op === 'pr') {
      this.lexer.advance();
      return this.node({ op: 'pr', path });
    }
    if (op === undefined || !COMPARE_OPS.has(op)) invalid(`expected an operator after "${t.text}" ${where(next, this.textLength)}`);
    this.lexer.advance();
    const value = this.compValue();
    if (ORDERING_OPS.has(op) && (typeof value === 'boolean' || value === null)) {
      invalid(`"${op}" cannot compare with ${String(value)} (RFC 7644 §3.4.2.2)`);
    }
    return this.node({ op: op as CompareOp, path, value });
  }

  private valuePath(path: string, pos: number, inValuePath: boolean): ScimFilter {
    if (inValuePath) invalid(`value filters cannot nest, at position ${pos}`);
    this.enter(pos);
    this.lexer.advance();
    const inner = this.orExpr(true);
    this.expect(']');
    this.depth--;
    const after = this.peek();
    if (after?.kind !== 'word' || !after.text.startsWith('.')) return this.node({ op: 'valuePath', path, filter: inner });
    // `emails[type eq "work"].value eq "x"` is outside the RFC's grammar, but its meaning is
    // plain and an IdP configured to match on the work email sends it: the same element must
    // satisfy both, so it becomes `emails[type eq "work" and value eq "x"]`.
    const sub = after.text.slice(1);
    if (!ATTR_NAME.test(sub)) invalid(`${JSON.stringify(after.text)} at position ${after.pos} is not a sub-attribute`);
    this.lexer.advance();
    const condition = this.comparison(sub, after);
    const filters = [...(inner.op === 'and' ? inner.filters : [inner]), condition];
    return this.node({ op: 'valuePath', path, filter: this.node({ op: 'and', filters }) });
  }

  private compValue(): string | number | boolean | null {
    const t = this.peek();
    this.lexer.advance();
    if (t?.kind === 'string') return t.value;
    if (t?.kind === 'word') {
      const lower = t.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (JSON_NUMBER.test(t.text)) {
        const n = Number(t.text);
        if (Number.isFinite(n)) return n;
      }
    }
    return invalid(`expected a value (string, number, true, false or null) ${where(t, this.textLength)}`);
  }
}

function describe(t: Token): string {
  if (t.kind === 'word') return JSON.stringify(t.text);
  if (t.kind === 'string') return 'string';
  return `"${t.kind}"`;
}

function where(t: Token | undefined, end: number): string {
  return t === undefined ? `at the end (position ${end})` : `at position ${t.pos}, found ${describe(t)}`;
}

/** Parses a SCIM filter; any problem is a ScimError 400 `invalidFilter` naming where it is. */
export function parseFilter(text: string): ScimFilter {
  if (typeof text !== 'string') invalid('the filter must be a string');
  if (text.length > MAX_FILTER_LENGTH) invalid(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  return new Parser(new Lexer(text), text.length).parse();
}

/** Whether a path's comparison is case-exact; RFC 7643 §2.2 makes `caseExact` false the default. */
export type CaseExactLookup = (path: string) => boolean;

/**
 * Whether a JSON value (a resource, or one element of a multi-valued attribute)
 * matches the filter, as RFC 7644 §3.4.2.2 defines the operators. Attribute
 * names are matched case-insensitively (RFC 7643 §2.1); a multi-valued
 * attribute matches when any of its values does.
 */
export function matchesFilter(target: unknown, f: ScimFilter, caseExact: CaseExactLookup = () => false): boolean {
  switch (f.op) {
    case 'and':
      return f.filters.every((g) => matchesFilter(target, g, caseExact));
    case 'or':
      return f.filters.some((g) => matchesFilter(target, g, caseExact));
    case 'not':
      return !matchesFilter(target, f.filter, caseExact);
    case 'pr':
      return valuesAt(target, f.path).some(isPresent);
    case 'valuePath':
      return valuesAt(target, f.path).some((v) => matchesFilter(v, f.filter, caseExact));
    default: {
      const values = valuesAt(target, f.path);
      const expected = f.value;
      if (expected === null) return f.op === 'ne' ? values.some(isPresent) : f.op === 'eq' && !values.some(isPresent);
      const exact = caseExact(f.path);
      if (f.op === 'ne') return !values.some((v) => compare('eq', v, expected, exact));
      const op = f.op;
      return values.some((v) => compare(op, v, expected, exact));
    }
  }
}

function isPresent(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** A case-insensitive own-property lookup: attribute names are case-insensitive (RFC 7643 §2.1). */
export function getCi(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The values a path names in a JSON value, with multi-valued attributes flattened. */
function valuesAt(target: unknown, path: string): unknown[] {
  const colon = path.lastIndexOf(':');
  let current: unknown[] = [target];
  if (colon >= 0) current = [getCi(target, path.slice(0, colon))];
  for (const name of path.slice(colon + 1).split('.')) {
    current = current.flatMap((c) => (Array.isArray(c) ? c : [c])).map((c) => getCi(c, name));
  }
  return current.flatMap((c) => (Array.isArray(c) ? c : [c])).filter((c) => c !== undefined);
}

function compare(op: CompareOp, actual: unknown, expected: string | number | boolean, exact: boolean): boolean {
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return false;
    const a = exact ? actual : actual.toLowerCase();
    const e = exact ? expected : expected.toLowerCase();
    switch (op) {
      case 'eq':
        return a === e;
      case 'co':
        return a.includes(e);
      case 'sw':
        return a.startsWith(e);
      case 'ew':
        return a.endsWith(e);
      default:
        return ordered(op, a < e ? -1 : a > e ? 1 : 0);
    }
  }
  if (typeof actual !== typeof expected) return false;
  if (op === 'eq') return actual === expected;
  if (typeof expected === 'number' && typeof actual === 'number') return ordered(op, actual - expected);
  return false;
}

function ordered(op: CompareOp, cmp: number): boolean {
  switch (op) {
    case 'gt':
      return cmp > 0;
    case 'ge':
      return cmp >= 0;
    case 'lt':
      return cmp < 0;
    case 'le':
      return cmp <= 0;
    default:
      return false;
  }
}
