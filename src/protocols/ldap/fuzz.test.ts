import { describe, expect, it } from 'vitest';
import { BerError, BerWriter, MAX_INT, readLength } from './ber.ts';
import { PAGED_RESULTS_OID, PASSWORD_MODIFY_OID, START_TLS_OID, decodeRequest, encodePagedControl, frame } from './messages.ts';

/**
 * PRO-1: whatever bytes a client sends, the codec answers with a request or a BerError, never
 * another exception, and framing always moves on. Random valid requests are mutated (byte and bit
 * flips, truncations, insertions, deletions, corrupted length bytes, splices) or replaced by
 * random bytes. The seed changes each run; a failure names it, and LDAP_FUZZ_SEED=<seed> replays it.
 */
const SEED = Number(process.env.LDAP_FUZZ_SEED) || Math.floor(Math.random() * 2 ** 32);
const CASES = 100_000;
const MAX_BYTES = 64 * 1024;

type Rand = (n: number) => number;

/** mulberry32: a small seeded PRNG; `rand(n)` is an integer in [0, n). */
function prng(seed: number): Rand {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}

const ATTRIBUTES = ['uid', 'cn', 'objectClass', 'gidNumber', 'cn;lang-fr', '2.5.4.3'];
const WORDS = ['', 'uid', 'dc=example,dc=com', 'Zoë', '李', 'a\u0000b', '*', 'x'.repeat(200)];
const OIDS = [PAGED_RESULTS_OID, PASSWORD_MODIFY_OID, START_TLS_OID, '1.3.6.1.4.1.4203.666.5.16', '2.5.13.2'];
const pick = <T>(rand: Rand, list: readonly T[]): T => list[rand(list.length)]!;

function writeFilter(w: BerWriter, rand: Rand, depth: number): void {
  const choice = depth > 4 ? 3 + rand(7) : rand(10);
  const word = () => pick(rand, WORDS);
  const attribute = () => pick(rand, ATTRIBUTES);
  if (choice <= 1) {
    w.startSequence(0xa0 + choice);
    for (let i = rand(4); i > 0; i--) writeFilter(w, rand, depth + 1);
    w.endSequence();
  } else if (choice === 2) {
    w.startSequence(0xa2);
    writeFilter(w, rand, depth + 1);
    w.endSequence();
  } else if (choice === 4) {
    w.startSequence(0xa4).writeOctetString(attribute()).startSequence();
    const [initial, final] = [rand(2), rand(2)];
    if (initial) w.writeOctetString(word(), 0x80);
    for (let i = initial || final ? rand(3) : 1 + rand(2); i > 0; i--) w.writeOctetString(word(), 0x81);
    if (final) w.writeOctetString(word(), 0x82);
    w.endSequence().endSequence();
  } else if (choice === 7) {
    w.writeOctetString(attribute(), 0x87);
  } else if (choice === 9) {
    w.startSequence(0xa9);
    const rule = rand(3);
    if (rule > 0) w.writeOctetString(pick(rand, OIDS), 0x81);
    if (rule < 2) w.writeOctetString(attribute(), 0x82);
    w.writeOctetString(word(), 0x83);
    if (rand(2)) w.writeBoolean(true, 0x84);
    w.endSequence();
  } else {
    w.startSequence(0xa0 + choice).writeOctetString(attribute()).writeOctetString(word()).endSequence();
  }
}

/** A random valid request of any kind. */
function validRequest(rand: Rand): Buffer {
  const w = new BerWriter().startSequence().writeInteger(rand(4) ? rand(1000) : MAX_INT - rand(3));
  const s = () => pick(rand, WORDS);
  switch (rand(11)) {
    case 0:
      w.startSequence(0x60).writeInteger(3).writeOctetString(s()).writeOctetString(s(), 0x80).endSequence();
      break;
    case 1:
      w.startSequence(0x60).writeInteger(3).writeOctetString(s()).startSequence(0xa3).writeOctetString('EXTERNAL').endSequence().endSequence();
      break;
    case 2:
      w.writeNull(0x42);
      break;
    case 3:
    case 4:
      w.startSequence(0x63).writeOctetString(s()).writeEnumerated(rand(3)).writeEnumerated(rand(4)).writeInteger(rand(500)).writeInteger(0).writeBoolean(!!rand(2));
      writeFilter(w, rand, 0);
      w.startSequence();
      for (let i = rand(4); i > 0; i--) w.writeOctetString(s());
      w.endSequence().endSequence();
      break;
    case 5:
      w.startSequence(0x66).writeOctetString(s()).startSequence().endSequence().endSequence();
      break;
    case 6:
      w.writeOctetString(s(), 0x4a);
      break;
    case 7:
      w.startSequence(0x6e).writeOctetString(s()).startSequence().writeOctetString(pick(rand, ATTRIBUTES)).writeOctetString(s());
      w.endSequence().endSequence();
      break;
    case 8:
      w.writeInteger(rand(100), 0x50);
      break;
    case 9:
      w.startSequence(0x77).writeOctetString(pick(rand, OIDS), 0x80);
      if (rand(2)) w.writeOctetString(Buffer.from([0x30, 0x00]), 0x81);
      w.endSequence();
      break;
    default:
      w.startSequence(0x6c).writeOctetString(s()).writeOctetString(s()).writeBoolean(true).endSequence();
  }
  if (rand(2)) {
    w.startSequence(0xa0).startSequence().writeOctetString(pick(rand, OIDS));
    if (rand(2)) w.writeBoolean(!!rand(2));
    w.writeOctetString(encodePagedControl(rand(1000), Buffer.from([rand(256)])));
    w.endSequence().endSequence();
  }
  return w.endSequence().toBuffer();
}

/** Offsets of every length byte in a well-formed message. */
function lengthOffsets(buf: Buffer, start = 0, end = buf.length, out: number[] = []): number[] {
  for (let p = start; p < end; ) {
    const [length, content] = readLength(buf, p + 1, end)!;
    out.push(p + 1);
    if (buf[p]! & 0x20) lengthOffsets(buf, content, content + length, out);
    p = content + length;
  }
  return out;
}

const LENGTH_BYTES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x85, 0xff];

function mutate(rand: Rand, msg: Buffer, other: Buffer): Buffer {
  const out = Buffer.from(msg);
  const at = () => rand(out.length);
  switch (rand(8)) {
    case 0:
      for (let i = 1 + rand(3); i > 0; i--) out[at()] = rand(256);
      return out;
    case 1:
      out[at()]! ^= 1 << rand(8);
      return out;
    case 2:
      return out.subarray(0, rand(out.length));
    case 3: {
      const p = at();
      const junk = Buffer.from(Array.from({ length: 1 + rand(4) }, () => rand(256)));
      return Buffer.concat([out.subarray(0, p), junk, out.subarray(p)]);
    }
    case 4: {
      const p = at();
      return Buffer.concat([out.subarray(0, p), out.subarray(p + 1 + rand(4))]);
    }
    case 5:
    case 6: {
      const offsets = lengthOffsets(msg);
      const p = pick(rand, offsets);
      out[p] = rand(2) ? pick(rand, LENGTH_BYTES) : (out[p]! + rand(5) - 2) & 0xff;
      return out;
    }
    default:
      return Buffer.concat([out.subarray(0, at()), other.subarray(rand(other.length))]);
  }
}

function randomBytes(rand: Rand): Buffer {
  const buf = Buffer.from(Array.from({ length: rand(64) }, () => rand(256)));
  if (buf.length > 0 && rand(2)) buf[0] = 0x30;
  if (buf.length > 1 && rand(2)) buf[1] = buf.length - 2;
  return buf;
}

/** frame then decodeRequest, as a connection would; returns a description of anything but a request or a BerError. */
function exercise(input: Buffer): string | undefined {
  try {
    const f = frame(input, MAX_BYTES);
    if (f.kind === 'message') {
      if (!(f.bytes > 0 && f.bytes <= input.length)) return `frame answered ${f.bytes} bytes of ${input.length}`;
      const req = decodeRequest(input.subarray(0, f.bytes));
      if (!(req.messageId >= 0 && req.messageId <= MAX_INT) || typeof req.op !== 'string') return 'a request without messageId or op';
      if (f.bytes === input.length) return undefined;
    }
    // The decoder is also given what the framer would not pass on.
    decodeRequest(input);
  } catch (e) {
    if (!(e instanceof BerError)) return `${e instanceof Error ? e.name : typeof e}: ${String(e)}`;
  }
  return undefined;
}

describe('PRO-1: LDAP codec fuzzing', () => {
  it(`PRO-1: ${CASES} malformed or truncated messages give a request or a BerError, nothing else`, () => {
    const rand = prng(SEED);
    const pool = Array.from({ length: 2000 }, () => validRequest(rand));
    const failures: string[] = [];
    let decoded = 0;
    for (let i = 0; i < CASES && failures.length < 5; i++) {
      const input = rand(10) === 0 ? randomBytes(rand) : mutate(rand, pick(rand, pool), pick(rand, pool));
      const failure = exercise(input);
      if (failure) failures.push(`case ${i}: ${failure}; input ${input.toString('hex')}`);
      else if (frame(input, MAX_BYTES).kind === 'message') decoded++;
    }
    expect(failures, `LDAP_FUZZ_SEED=${SEED}`).toEqual([]);
    // The mutations keep enough structure to reach the decoder, not only the framer.
    expect(decoded, `LDAP_FUZZ_SEED=${SEED}`).toBeGreaterThan(CASES / 10);
  });

  it('PRO-1: a stream of messages, some mutated, is framed to its end or to its first bad header', () => {
    const rand = prng(SEED ^ 0x5eed);
    for (let round = 0; round < 500; round++) {
      const stream = Buffer.concat(
        Array.from({ length: 1 + rand(8) }, () => {
          const valid = validRequest(rand);
          return rand(4) ? valid : mutate(rand, valid, valid);
        }),
      );
      let rest = stream;
      for (let f = frame(rest, MAX_BYTES); f.kind === 'message'; f = frame(rest, MAX_BYTES)) {
        expect(f.bytes, `LDAP_FUZZ_SEED=${SEED}`).toBeGreaterThan(0);
        expect(exercise(rest.subarray(0, f.bytes)), `LDAP_FUZZ_SEED=${SEED}`).toBeUndefined();
        rest = rest.subarray(f.bytes);
      }
    }
  });

  it('PRO-1: every valid random request decodes', () => {
    const rand = prng(SEED ^ 0xbeef);
    for (let i = 0; i < 2000; i++) {
      const valid = validRequest(rand);
      expect(frame(valid, MAX_BYTES), `LDAP_FUZZ_SEED=${SEED}`).toEqual({ kind: 'message', bytes: valid.length });
      expect(() => decodeRequest(valid), `LDAP_FUZZ_SEED=${SEED}: ${valid.toString('hex')}`).not.toThrow();
    }
  });
});
