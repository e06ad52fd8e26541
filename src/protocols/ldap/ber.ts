/**
 * The subset of BER (X.690) that LDAPv3 uses, read strictly and written minimally (RFC 4511 §5.1):
 * single-byte tags, definite lengths of at most 4 length bytes, primitive OCTET STRINGs.
 *
 * Reading: every length is checked against the bytes that are really there before anything is
 * read, so a declared length never makes us allocate or read past the end; anything malformed is a
 * `BerError` (never a RangeError); nesting is limited so a deep filter cannot exhaust the stack.
 * Values are views into the message buffer, not copies.
 */
import { isUtf8 } from 'node:buffer';

/** Malformed BER: the only error the reader throws. */
export class BerError extends Error {
  override name = 'BerError';
}

/** Universal tags (X.690 §8) LDAP uses; constructed forms carry 0x20. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  ENUMERATED: 0x0a,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** RFC 4511 §4.1.1: maxInt INTEGER ::= 2147483647 -- (2^^31 - 1) --. */
export const MAX_INT = 0x7fffffff;
/** Constructed elements nested deeper than this are refused. */
export const MAX_DEPTH = 32;

const CONSTRUCTED = 0x20;

/** A cursor over one level of elements, between `start` and `end` of `buf`. */
export class BerReader {
  readonly #buf: Buffer;
  readonly #end: number;
  readonly #depth: number;
  #pos: number;

  constructor(buf: Buffer, start = 0, end = buf.length, depth = 0) {
    if (!(start >= 0 && start <= end && end <= buf.length)) throw new BerError('reader bounds outside the buffer');
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
    this.#depth = depth;
  }

  /** Whether every element of this level has been read. */
  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The next element's tag, or undefined at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.#buf[this.#pos];
  }

  /** A reader over the contents of the next element, which must be constructed (SEQUENCE, SET or a tagged one). */
  readSequence(tag: number = Tag.SEQUENCE): BerReader {
    if (!(tag & CONSTRUCTED)) throw new BerError(`tag 0x${hex(tag)} is not constructed`);
    if (this.#depth >= MAX_DEPTH) throw new BerError(`nested deeper than ${MAX_DEPTH}`);
    const [start, end] = this.#element(tag);
    return new BerReader(this.#buf, start, end, this.#depth + 1);
  }

  /** An INTEGER in [min, max]; LDAP's are all within 0..maxInt (RFC 4511 §4.1.1), so at most 4 content bytes. */
  readInteger(tag: number = Tag.INTEGER, min = 0, max = MAX_INT): number {
    const [start, end] = this.#element(tag);
    const len = end - start;
    if (len < 1 || len > 4) throw new BerError(`integer of ${len} bytes`);
    const b = this.#buf;
    // X.690 §8.3.2: the first 9 bits are neither all zeros nor all ones.
    if (len > 1 && ((b[start] === 0 && b[start + 1]! < 0x80) || (b[start] === 0xff && b[start + 1]! >= 0x80))) {
      throw new BerError('integer not in its shortest form');
    }
    const value = b.readIntBE(start, len);
    if (value < min || value > max) throw new BerError(`integer ${value} outside ${min}..${max}`);
    return value;
  }

  /** An ENUMERATED value in 0..max (X.690 §8.4: encoded as an INTEGER). */
  readEnumerated(max = MAX_INT, tag: number = Tag.ENUMERATED): number {
    return this.readInteger(tag, 0, max);
  }

  /** X.690 §8.2: one content byte, any non-zero value is TRUE (DER's 0xFF is not required). */
  readBoolean(tag: number = Tag.BOOLEAN): boolean {
    const [start, end] = this.#element(tag);
    if (end - start !== 1) throw new BerError('boolean of other than one byte');
    return this.#buf[start] !== 0;
  }

  readNull(tag: number = Tag.NULL): void {
    const [start, end] = this.#element(tag);
    if (end !== start) throw new BerError('null with contents');
  }

  /** The contents of a primitive element (RFC 4511 §5.1: OCTET STRINGs are primitive only), as a view. */
  readOctetString(tag: number = Tag.OCTET_STRING): Buffer {
    if (tag & CONSTRUCTED) throw new BerError(`tag 0x${hex(tag)} is not primitive`);
    const [start, end] = this.#element(tag);
    return this.#buf.subarray(start, end);
  }

  /**
   * An LDAPString (RFC 4511 §4.1.2: UTF-8). Invalid UTF-8 (overlong forms, surrogates, cut
   * sequences) is malformed, not replaced by U+FFFD: replacing would let different bytes compare
   * equal. A byte order mark is kept as a character.
   */
  readString(tag: number = Tag.OCTET_STRING): string {
    const bytes = this.readOctetString(tag);
    if (!isUtf8(bytes)) throw new BerError('string is not valid UTF-8');
    return bytes.toString('utf8');
  }

  /** Skips the next element, whatever it is; returns its tag. */
  skip(): number {
    const tag = this.peekTag();
    if (tag === undefined) throw new BerError('no element to skip');
    this.#element(tag);
    return tag;
  }

  /** Skips what is left of this level, each element checked to be well formed (RFC 4511 §4: trailing components are ignored). */
  skipRest(): void {
    while (!this.done) this.skip();
  }

  /** Reads the header of the next element, which must have `tag`; returns its contents' [start, end) and moves past it. */
  #element(tag: number): [number, number] {
    if (this.done) throw new BerError(`expected tag 0x${hex(tag)}, found the end`);
    const found = this.#buf[this.#pos]!;
    if ((found & 0x1f) === 0x1f) throw new BerError('multi-byte tag');
    if (found !== tag) throw new BerError(`expected tag 0x${hex(tag)}, found 0x${hex(found)}`);
    const header = readLength(this.#buf, this.#pos + 1, this.#end);
    if (header === undefined) throw new BerError('truncated length');
    const [length, start] = header;
    if (length > this.#end - start) throw new BerError('length runs past the end');
    this.#pos = start + length;
    return [start, this.#pos];
  }
}

/**
 * The definite length at `at` (X.690 §8.1.3; RFC 4511 §5.1 excludes the indefinite form) as
 * [length, first content byte], or undefined when the length bytes run past `end`. Long forms of up
 * to 4 bytes are read, minimal or not (BER allows a longer form, and some clients always use 4).
 */
export function readLength(buf: Buffer, at: number, end = buf.length): [number, number] | undefined {
  if (at >= end) return undefined;
  const first = buf[at]!;
  if (first < 0x80) return [first, at + 1];
  const n = first & 0x7f;
  if (n === 0) throw new BerError('indefinite length');
  if (n > 4) throw new BerError(`length of ${n} bytes`);
  if (at + 1 + n > end) return undefined;
  return [buf.readUIntBE(at + 1, n), at + 1 + n];
}

/** Strings of at most this many UTF-16 units take at most 126 bytes of UTF-8: a one-byte length. */
const SHORT_STRING = 42;
/** A writer reset with a buffer larger than this lets it go. */
const KEEP_BYTES = 64 * 1024;

/** A growable buffer of BER elements in their shortest encodings. */
export class BerWriter {
  #buf = Buffer.alloc(256);
  #len = 0;
  /** Offsets of the length bytes reserved by `startSequence`, innermost last. */
  readonly #open: number[] = [];

  startSequence(tag: number = Tag.SEQUENCE): this {
    this.#reserve(2);
    this.#buf[this.#len++] = tag;
    this.#open.push(this.#len++);
    return this;
  }

  /** Closes the innermost sequence: its length is written, moving the contents when it needs long form. */
  endSequence(): this {
    const at = this.#open.pop();
    if (at === undefined) throw new Error('endSequence without startSequence');
    const length = this.#len - at - 1;
    const extra = lengthSize(length) - 1;
    if (extra > 0) {
      this.#reserve(extra);
      this.#buf.copyWithin(at + 1 + extra, at + 1, this.#len);
      this.#len += extra;
    }
    writeLength(this.#buf, at, length);
    return this;
  }

  writeInteger(value: number, tag: number = Tag.INTEGER): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > MAX_INT) throw new RangeError(`integer ${value} outside int32`);
    let n = 1;
    while (n < 4 && (value < -(2 ** (8 * n - 1)) || value >= 2 ** (8 * n - 1))) n++;
    this.#header(tag, n);
    this.#len = this.#buf.writeIntBE(value, this.#len, n);
    return this;
  }

  writeEnumerated(value: number, tag: number = Tag.ENUMERATED): this {
    return this.writeInteger(value, tag);
  }

  /** RFC 4511 §5.1: TRUE is encoded as 0xFF. */
  writeBoolean(value: boolean, tag: number = Tag.BOOLEAN): this {
    this.#header(tag, 1);
    this.#buf[this.#len++] = value ? 0xff : 0x00;
    return this;
  }

  writeNull(tag: number = Tag.NULL): this {
    this.#header(tag, 0);
    return this;
  }

  /** Strings are written as UTF-8. */
  writeOctetString(value: Buffer | string, tag: number = Tag.OCTET_STRING): this {
    if (typeof value === 'string' && value.length <= SHORT_STRING) {
      // At most 3 bytes per UTF-16 unit, so its length fits the one-byte form: written in one pass.
      this.#reserve(2 + 3 * value.length);
      const buf = this.#buf;
      buf[this.#len++] = tag;
      const at = this.#len++;
      // ASCII is copied here (a native call costs more for a short string); anything else is encoded by Buffer.
      let i = 0;
      for (; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[this.#len + i] = c;
      }
      const n = i === value.length ? i : buf.write(value, this.#len, 'utf8');
      buf[at] = n;
      this.#len += n;
      return this;
    }
    const length = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    this.#header(tag, length);
    if (typeof value === 'string') this.#buf.write(value, this.#len, 'utf8');
    else value.copy(this.#buf, this.#len);
    this.#len += length;
    return this;
  }

  /** A copy of what was written; every sequence must be closed. */
  toBuffer(): Buffer {
    if (this.#open.length > 0) throw new Error(`${this.#open.length} sequence(s) not closed`);
    return Buffer.from(this.#buf.subarray(0, this.#len));
  }

  /** Empties the writer for another use, keeping its buffer unless it grew large. */
  reset(): this {
    this.#len = 0;
    this.#open.length = 0;
    if (this.#buf.length > KEEP_BYTES) this.#buf = Buffer.allocUnsafe(256);
    return this;
  }

  #header(tag: number, length: number): void {
    this.#reserve(1 + lengthSize(length) + length);
    this.#buf[this.#len++] = tag;
    this.#len = writeLength(this.#buf, this.#len, length);
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    // Only the bytes written are ever read.
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(grown, 0, 0, this.#len);
    this.#buf = grown;
  }
}

/** Bytes a length takes in its shortest form (X.690 §8.1.3.3–5). */
function lengthSize(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  if (length < 0x1000000) return 4;
  if (length <= 0xffffffff) return 5;
  throw new RangeError(`length ${length} needs more than 4 bytes`);
}

function writeLength(buf: Buffer, at: number, length: number): number {
  if (length < 0x80) {
    buf[at] = length;
    return at + 1;
  }
  const n = lengthSize(length) - 1;
  buf[at] = 0x80 | n;
  return buf.writeUIntBE(length, at + 1, n);
}

const hex = (n: number) => n.toString(16).padStart(2, '0');
