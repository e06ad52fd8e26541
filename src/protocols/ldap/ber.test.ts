import { afterEach, describe, expect, it, vi } from 'vitest';
import { BerError, BerReader, BerWriter, MAX_DEPTH, MAX_INT, Tag, readLength } from './ber.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const reader = (s: string) => new BerReader(hex(s));
const written = (f: (w: BerWriter) => unknown) => {
  const w = new BerWriter();
  f(w);
  return w.toBuffer().toString('hex');
};

describe('PRO-1: BER reader', () => {
  it.each([
    ['02 01 00', 0],
    ['02 01 7f', 127],
    ['02 02 00 80', 128],
    ['02 02 01 00', 256],
    ['02 03 01 00 00', 65536],
    ['02 04 7f ff ff ff', MAX_INT],
  ])('PRO-1: reads INTEGER %s as %d', (bytes, value) => {
    const r = reader(bytes);
    expect(r.readInteger()).toBe(value);
    expect(r.done).toBe(true);
  });

  it.each([
    ['empty', '02 00'],
    ['negative', '02 01 ff'],
    ['negative, 4 bytes', '02 04 80 00 00 00'],
    ['over-long (5 bytes, 2^31)', '02 05 00 80 00 00 00'],
    ['not in shortest form (leading 00)', '02 02 00 05'],
    ['not in shortest form (leading ff)', '02 02 ff 80'],
    ['wrong tag', '0a 01 01'],
    ['past the end', '02 02 01'],
  ])('PRO-1: refuses an INTEGER that is %s', (_what, bytes) => {
    expect(() => reader(bytes).readInteger()).toThrow(BerError);
  });

  it('PRO-1: INTEGER and ENUMERATED bounds are the caller’s', () => {
    expect(reader('02 01 7f').readInteger(Tag.INTEGER, 1, 127)).toBe(127);
    expect(() => reader('02 02 00 80').readInteger(Tag.INTEGER, 1, 127)).toThrow(BerError);
    expect(() => reader('02 01 00').readInteger(Tag.INTEGER, 1, 127)).toThrow(BerError);
    expect(reader('0a 01 02').readEnumerated(2)).toBe(2);
    expect(() => reader('0a 01 03').readEnumerated(2)).toThrow(BerError);
    expect(() => reader('0a 01 ff').readEnumerated()).toThrow(BerError);
    expect(reader('50 01 05').readInteger(0x50)).toBe(5);
  });

  it('PRO-1: BOOLEAN is one byte, any non-zero being TRUE', () => {
    expect(reader('01 01 ff').readBoolean()).toBe(true);
    expect(reader('01 01 01').readBoolean()).toBe(true);
    expect(reader('01 01 00').readBoolean()).toBe(false);
    expect(reader('84 01 ff').readBoolean(0x84)).toBe(true);
    expect(() => reader('01 00').readBoolean()).toThrow(BerError);
    expect(() => reader('01 02 ff ff').readBoolean()).toThrow(BerError);
  });

  it('PRO-1: NULL has no contents', () => {
    expect(() => reader('05 00').readNull()).not.toThrow();
    expect(() => reader('42 01 00').readNull(0x42)).toThrow(BerError);
  });

  it('PRO-1: an OCTET STRING is a view of the contents, primitive only', () => {
    const buf = hex('04 03 61 62 63');
    const value = new BerReader(buf).readOctetString();
    expect(value.toString()).toBe('abc');
    expect(value.buffer).toBe(buf.buffer);
    expect(reader('04 00').readOctetString().length).toBe(0);
    expect(() => reader('24 05 04 03 61 62 63').readOctetString(0x24)).toThrow(BerError);
    expect(() => reader('24 05 04 03 61 62 63').readOctetString()).toThrow(BerError);
  });

  it('PRO-1: a string is UTF-8, and invalid UTF-8 is malformed rather than replaced', () => {
    expect(reader('04 06 c3 a9 e2 82 ac 41').readString()).toBe('é€A');
    // The byte order mark stays a character.
    expect(reader('04 04 ef bb bf 41').readString()).toBe('\ufeffA');
    for (const bad of ['04 01 ff', '04 02 c0 80', '04 03 ed a0 80', '04 02 e2 82', '04 01 80', '04 04 f4 90 80 80']) {
      expect(() => reader(bad).readString(), bad).toThrow(BerError);
    }
  });

  it.each([
    ['short form', '04 03 61 62 63', 3],
    ['long form, one byte', `04 81 80 ${'61'.repeat(128)}`, 128],
    ['long form, not minimal', '04 81 03 61 62 63', 3],
    ['long form, four bytes', '04 84 00 00 00 03 61 62 63', 3],
  ])('PRO-1: reads a definite length in %s', (_what, bytes, length) => {
    expect(reader(bytes).readOctetString().length).toBe(length);
  });

  it.each([
    ['indefinite (0x80)', '30 80 02 01 01 00 00'],
    ['5 length bytes', '04 85 00 00 00 00 01 61'],
    ['length bytes cut', '04 82 01'],
    ['no length', '04'],
    ['length past the end', '04 05 61 62'],
    ['4-byte length past the end', '04 84 ff ff ff ff 61'],
    ['a multi-byte tag', '1f 01 01 00'],
    ['a multi-byte context tag', 'bf 1f 00'],
  ])('PRO-1: refuses %s', (_what, bytes) => {
    expect(() => reader(bytes).readOctetString(hex(bytes)[0])).toThrow(BerError);
    expect(() => reader(bytes).skip()).toThrow(BerError);
  });

  it('PRO-1: readLength says when the length bytes have not all arrived', () => {
    expect(readLength(hex('30'), 1)).toBeUndefined();
    expect(readLength(hex('30 82 01'), 1)).toBeUndefined();
    expect(readLength(hex('30 82 01 00'), 1)).toEqual([256, 4]);
    expect(() => readLength(hex('30 80'), 1)).toThrow(BerError);
  });

  it('PRO-1: a sequence is read level by level, bounded by its length', () => {
    const r = reader('30 06 02 01 05 04 01 61 04 01 62');
    const seq = r.readSequence();
    expect(seq.readInteger()).toBe(5);
    expect(seq.peekTag()).toBe(Tag.OCTET_STRING);
    expect(seq.readString()).toBe('a');
    expect(seq.done).toBe(true);
    expect(seq.peekTag()).toBeUndefined();
    expect(() => seq.readString()).toThrow(BerError);
    // The parent goes on after the sequence.
    expect(r.readString()).toBe('b');
  });

  it('PRO-1: an element cannot run past the sequence that holds it', () => {
    const seq = reader('30 03 04 03 61 62 63').readSequence();
    expect(() => seq.readOctetString()).toThrow(BerError);
  });

  it('PRO-1: readSequence wants a constructed tag', () => {
    expect(() => reader('30 00').readSequence(0x10)).toThrow(BerError);
    expect(() => reader('04 00').readSequence()).toThrow(BerError);
    expect(reader('a0 00').readSequence(0xa0).done).toBe(true);
  });

  it('PRO-1: skip and skipRest pass over elements, checking their lengths', () => {
    const r = reader('30 0a 04 01 61 a1 03 04 01 62 05 00 02 01 01');
    const seq = r.readSequence();
    expect(seq.skip()).toBe(Tag.OCTET_STRING);
    seq.skipRest();
    expect(seq.done).toBe(true);
    expect(r.readInteger()).toBe(1);
    expect(() => reader('30 03 04 05 61').readSequence().skipRest()).toThrow(BerError);
    expect(() => reader('').skip()).toThrow(BerError);
  });

  it(`PRO-1: nesting deeper than ${MAX_DEPTH} is refused`, () => {
    const nested = (depth: number) => {
      const w = new BerWriter();
      for (let i = 0; i < depth; i++) w.startSequence();
      for (let i = 0; i < depth; i++) w.endSequence();
      return new BerReader(w.toBuffer());
    };
    const descend = (r: BerReader) => {
      while (!r.done) r = r.readSequence();
    };
    expect(() => descend(nested(MAX_DEPTH))).not.toThrow();
    expect(() => descend(nested(MAX_DEPTH + 1))).toThrow(BerError);
  });

  describe('PRO-1: a huge declared length allocates nothing', () => {
    afterEach(() => vi.restoreAllMocks());
    it('PRO-1: 4 GiB declared in 10 bytes is refused without allocating', () => {
      const spies = [vi.spyOn(Buffer, 'alloc'), vi.spyOn(Buffer, 'allocUnsafe'), vi.spyOn(Buffer, 'allocUnsafeSlow')];
      const r = reader('30 08 04 84 ff ff ff ff 61 62');
      const seq = r.readSequence();
      expect(() => seq.readOctetString()).toThrow(BerError);
      expect(() => reader('04 84 ff ff ff ff 61').readString()).toThrow(BerError);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    });
  });

  it('PRO-1: reader bounds must lie inside the buffer', () => {
    expect(() => new BerReader(hex('0400'), 1, 3)).toThrow(BerError);
    expect(() => new BerReader(hex('0400'), 2, 1)).toThrow(BerError);
  });
});

describe('PRO-1: BER writer', () => {
  it.each([
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [255, '020200ff'],
    [256, '02020100'],
    [32767, '02027fff'],
    [32768, '0203008000'],
    [MAX_INT, '02047fffffff'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [-0x80000000, '020480000000'],
  ])('PRO-1: writes INTEGER %d in its shortest form', (value, bytes) => {
    expect(written((w) => w.writeInteger(value))).toBe(bytes);
  });

  it('PRO-1: refuses integers outside int32', () => {
    expect(() => new BerWriter().writeInteger(2 ** 31)).toThrow(RangeError);
    expect(() => new BerWriter().writeInteger(1.5)).toThrow(RangeError);
  });

  it('PRO-1: writes ENUMERATED, BOOLEAN (TRUE as 0xFF), NULL and strings', () => {
    expect(written((w) => w.writeEnumerated(53))).toBe('0a0135');
    expect(written((w) => w.writeBoolean(true).writeBoolean(false, 0x84))).toBe('0101ff840100');
    expect(written((w) => w.writeNull(0x42))).toBe('4200');
    expect(written((w) => w.writeOctetString('é', 0x80).writeOctetString(Buffer.from([0, 1])))).toBe('8002c3a904020001');
  });

  it.each([
    [127, '7f'],
    [128, '8180'],
    [255, '81ff'],
    [256, '820100'],
    [65535, '82ffff'],
    [65536, '83010000'],
  ])('PRO-1: a length of %d is written %s', (length, header) => {
    expect(written((w) => w.writeOctetString(Buffer.alloc(length))).slice(2, 2 + header.length)).toBe(header);
  });

  it('PRO-1: sequences get their length at the end, moving long contents', () => {
    expect(written((w) => w.startSequence().writeInteger(1).startSequence(0x61).endSequence().endSequence())).toBe('3005020101' + '6100');
    const big = 'x'.repeat(300);
    const buf = new BerWriter().startSequence().startSequence(0xa0).writeOctetString(big).endSequence().writeInteger(7).endSequence().toBuffer();
    expect(buf.subarray(0, 8).toString('hex')).toBe('30820137a0820130');
    const r = new BerReader(buf).readSequence();
    expect(r.readSequence(0xa0).readString()).toBe(big);
    expect(r.readInteger()).toBe(7);
  });

  it('PRO-1: every sequence must be closed, and only opened ones', () => {
    expect(() => new BerWriter().startSequence().toBuffer()).toThrow();
    expect(() => new BerWriter().endSequence()).toThrow();
  });

  it('PRO-1: what the writer writes, the reader reads back', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 500; i++) {
      const value = next() >>> (next() % 32) & MAX_INT;
      const s = 'ü'.repeat(next() % 200);
      const buf = new BerWriter().startSequence().writeInteger(value).writeOctetString(s).writeBoolean(value % 2 === 0).endSequence().toBuffer();
      const r = new BerReader(buf).readSequence();
      expect([r.readInteger(), r.readString(), r.readBoolean()]).toEqual([value, s, value % 2 === 0]);
    }
  });
});
