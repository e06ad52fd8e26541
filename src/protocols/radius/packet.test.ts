import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DuplicateCache } from './duplicates.ts';
import { TokenBuckets } from './limits.ts';
import {
  Attr,
  Code,
  MalformedPacket,
  attr,
  decode,
  decodeUserPassword,
  encodeReply,
  encodeRequest,
  encodeUserPassword,
  hasMessageAuthenticator,
  verifyAccountingRequest,
  verifyMessageAuthenticator,
  verifyReply,
  verifyReplyMessageAuthenticator,
} from './packet.ts';

const SECRET = Buffer.from('xyzzy5461');

describe('PRO-3: the RADIUS packet format', () => {
  it('PRO-3: User-Password is hidden as RFC 2865 §5.2 says (the example of §7.1), and long passwords chain', () => {
    const authenticator = Buffer.from('0f403f9473978057bd83d5cb98f4227a', 'hex');
    const hidden = encodeUserPassword('arctangent', SECRET, authenticator);
    expect(hidden.toString('hex')).toBe('0dbe708d93d413ce3196e43f782a0aee');
    expect(decodeUserPassword(hidden, SECRET, authenticator)).toBe('arctangent');
    const long = 'p'.repeat(70) + 'Zoë123456';
    expect(decodeUserPassword(encodeUserPassword(long, SECRET, authenticator), SECRET, authenticator)).toBe(long);
    // Not a multiple of 16, or longer than 128 octets: not a User-Password.
    expect(decodeUserPassword(Buffer.alloc(15), SECRET, authenticator)).toBeUndefined();
    expect(decodeUserPassword(Buffer.alloc(144), SECRET, authenticator)).toBeUndefined();
  });

  it('PRO-3: a packet shorter than its Length field, or whose attributes overrun it, is malformed; octets past it are padding', () => {
    const good = encodeRequest(Code.accessRequest, 7, randomBytes(16), [attr(Attr.userName, 'alice')], SECRET);
    expect(decode(good).attributes.map((a) => a.type)).toEqual([Attr.messageAuthenticator, Attr.userName]);
    expect(decode(Buffer.concat([good, Buffer.from('trailing')])).raw.length).toBe(good.length);
    expect(() => decode(good.subarray(0, good.length - 1))).toThrow(MalformedPacket);
    expect(() => decode(Buffer.alloc(19))).toThrow(MalformedPacket);
    const overrun = Buffer.from(good);
    overrun[good.length - 6] = 200;
    expect(() => decode(overrun)).toThrow(MalformedPacket);
    const zero = Buffer.from(good);
    zero[21] = 0;
    expect(() => decode(zero)).toThrow(MalformedPacket);
  });

  it('PRO-3 (BlastRADIUS): a request’s Message-Authenticator verifies under its secret only, and two of them are refused', () => {
    const req = decode(encodeRequest(Code.accessRequest, 1, randomBytes(16), [attr(Attr.userName, 'alice')], SECRET));
    expect(hasMessageAuthenticator(req)).toBe(true);
    expect(verifyMessageAuthenticator(req, SECRET)).toBe(true);
    expect(verifyMessageAuthenticator(req, Buffer.from('another secret'))).toBe(false);
    const bare = decode(encodeRequest(Code.accessRequest, 1, randomBytes(16), [attr(Attr.userName, 'alice')], SECRET, { messageAuthenticator: false }));
    expect(hasMessageAuthenticator(bare)).toBe(false);
    expect(verifyMessageAuthenticator(bare, SECRET)).toBe(false);
    const twice = decode(encodeRequest(Code.accessRequest, 1, randomBytes(16), [attr(Attr.userName, 'alice'), { type: Attr.messageAuthenticator, value: Buffer.alloc(16) }], SECRET));
    expect(hasMessageAuthenticator(twice)).toBe(false);
    expect(verifyMessageAuthenticator(twice, SECRET)).toBe(false);
  });

  it('PRO-3: replies carry the Message-Authenticator first and a Response Authenticator over the whole packet (RFC 2865 §3, RFC 3579 §3.2)', () => {
    const authenticator = randomBytes(16);
    const req = decode(encodeRequest(Code.accessRequest, 42, authenticator, [attr(Attr.userName, 'alice')], SECRET));
    const bytes = encodeReply(req, Code.accessReject, [attr(Attr.replyMessage, 'Access denied.')], SECRET);
    const reply = decode(bytes);
    expect(reply.identifier).toBe(42);
    expect(reply.attributes.map((a) => a.type)).toEqual([Attr.messageAuthenticator, Attr.replyMessage]);
    expect(verifyReply(bytes, authenticator, SECRET)).toBe(true);
    expect(verifyReplyMessageAuthenticator(reply, authenticator, SECRET)).toBe(true);
    expect(verifyReply(bytes, randomBytes(16), SECRET)).toBe(false);
  });

  it('PRO-3: an Accounting-Request’s authenticator is checked as RFC 2866 §3 says', () => {
    const bytes = encodeRequest(Code.accountingRequest, 3, Buffer.alloc(16), [attr(Attr.acctSessionId, 's1')], SECRET);
    expect(verifyAccountingRequest(decode(bytes), SECRET)).toBe(true);
    expect(verifyAccountingRequest(decode(bytes), Buffer.from('nope'))).toBe(false);
    const tampered = Buffer.from(bytes);
    tampered[tampered.length - 1] = 0x33;
    expect(verifyAccountingRequest(decode(tampered), SECRET)).toBe(false);
  });
});

describe('PRO-3: retransmissions and rate limits', () => {
  it('PRO-3: a copy of a request in flight is held back; once answered, copies get the reply; other content under the same key is a new request', () => {
    const cache = new DuplicateCache(30_000);
    const p = decode(encodeRequest(Code.accessRequest, 9, randomBytes(16), [attr(Attr.userName, 'a')], SECRET));
    const key = DuplicateCache.keyOf('10.0.0.1', 5000, p);
    expect(cache.begin(key, p, 0).kind).toBe('new');
    expect(cache.begin(key, p, 10).kind).toBe('in_flight');
    cache.answered(key, Buffer.from('reply'));
    expect(cache.begin(key, p, 20)).toEqual({ kind: 'answered', reply: Buffer.from('reply') });
    const other = decode(encodeRequest(Code.accessRequest, 9, p.authenticator, [attr(Attr.userName, 'b')], SECRET));
    expect(cache.begin(key, other, 30).kind).toBe('new');
    // Past the window, a request is new again.
    cache.answered(key, Buffer.from('reply'));
    expect(cache.begin(key, other, 40_000).kind).toBe('new');
    expect(DuplicateCache.keyOf('10.0.0.1', 5001, p)).not.toBe(key);
  });

  it('PRO-3, ACC-7: a token bucket lets a burst through, then the rate', () => {
    const b = new TokenBuckets(1, 3);
    expect([0, 0, 0, 0].map(() => b.take('k', 0))).toEqual([true, true, true, false]);
    expect(b.take('k', 999)).toBe(false);
    expect(b.take('k', 1000)).toBe(true);
    expect(b.take('other', 1000)).toBe(true);
  });
});
