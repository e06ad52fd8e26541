/**
 * PRO-3: the RADIUS packet format (RFC 2865 §3, §5; RFC 2866 §3; RFC 3579 §3.2), decoded and
 * encoded here. The `radius` package decodes only with the shared secret in hand, and puts the
 * Message-Authenticator where it likes; a network is found by whose secret verifies the packet,
 * and every reply carries the Message-Authenticator FIRST (BlastRADIUS, CVE-2024-3596), so the
 * few dozen lines of the format are our own and checked by a fuzz test.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const Code = {
  accessRequest: 1,
  accessAccept: 2,
  accessReject: 3,
  accountingRequest: 4,
  accountingResponse: 5,
} as const;

export const Attr = {
  userName: 1,
  userPassword: 2,
  chapPassword: 3,
  nasIpAddress: 4,
  replyMessage: 18,
  proxyState: 33,
  callingStationId: 31,
  nasIdentifier: 32,
  acctStatusType: 40,
  acctInputOctets: 42,
  acctOutputOctets: 43,
  acctSessionId: 44,
  acctSessionTime: 46,
  acctTerminateCause: 49,
  acctInputGigawords: 52,
  acctOutputGigawords: 53,
  eapMessage: 79,
  messageAuthenticator: 80,
  nasIpv6Address: 95,
} as const;

/** RFC 2865 §3: no packet is shorter than its header or longer than 4096 octets. */
export const HEADER_BYTES = 20;
export const MAX_PACKET_BYTES = 4096;

export interface Attribute {
  type: number;
  value: Buffer;
}

export interface Packet {
  code: number;
  identifier: number;
  authenticator: Buffer;
  attributes: Attribute[];
  /** The packet's own octets (up to its Length field), as the authenticators are computed over them. */
  raw: Buffer;
}

export class MalformedPacket extends Error {
  override name = 'MalformedPacket';
}

/**
 * RFC 2865 §3: octets past the Length field are padding and ignored; a packet shorter than its
 * Length field, or whose attributes do not fill it exactly, is silently discarded (the caller
 * catches MalformedPacket and drops it).
 */
export function decode(buf: Buffer): Packet {
  if (buf.length < HEADER_BYTES) throw new MalformedPacket('shorter than a header');
  const length = buf.readUInt16BE(2);
  if (length < HEADER_BYTES || length > MAX_PACKET_BYTES || length > buf.length) throw new MalformedPacket('bad Length field');
  const raw = buf.subarray(0, length);
  const attributes: Attribute[] = [];
  for (let at = HEADER_BYTES; at < length; ) {
    if (at + 2 > length) throw new MalformedPacket('truncated attribute');
    const type = raw[at] as number;
    const len = raw[at + 1] as number;
    if (len < 2 || at + len > length) throw new MalformedPacket('bad attribute length');
    attributes.push({ type, value: raw.subarray(at + 2, at + len) });
    at += len;
  }
  return { code: raw[0] as number, identifier: raw[1] as number, authenticator: raw.subarray(4, 20), attributes, raw };
}

export const first = (p: Packet, type: number): Buffer | undefined => p.attributes.find((a) => a.type === type)?.value;
export const all = (p: Packet, type: number): Buffer[] => p.attributes.filter((a) => a.type === type).map((a) => a.value);
export const text = (p: Packet, type: number): string | undefined => first(p, type)?.toString('utf8');
/** An RFC 2865 "integer" (4 octets, network order), or undefined when absent or of another size. */
export function integer(p: Packet, type: number): number | undefined {
  const v = first(p, type);
  return v && v.length === 4 ? v.readUInt32BE(0) : undefined;
}

const md5 = (...parts: Buffer[]) => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};
const ZERO16 = Buffer.alloc(16);

/**
 * RFC 3579 §3.2: HMAC-MD5 over the whole packet, keyed by the secret, with the
 * Message-Authenticator's own value zeroed and the Request Authenticator in the header.
 */
function messageAuthenticatorOf(raw: Buffer, offset: number, secret: Buffer, requestAuthenticator?: Buffer): Buffer {
  const copy = Buffer.from(raw);
  ZERO16.copy(copy, offset);
  if (requestAuthenticator) requestAuthenticator.copy(copy, 4);
  return createHmac('md5', secret).update(copy).digest();
}

/** The value offset of the one Message-Authenticator (18 octets), or -1 when there is none or more than one, or one of the wrong size. */
function messageAuthenticatorOffset(p: Packet): number {
  let found = -1;
  for (let at = HEADER_BYTES; at < p.raw.length; at += p.raw[at + 1] as number) {
    if (p.raw[at] !== Attr.messageAuthenticator) continue;
    if (found !== -1 || p.raw[at + 1] !== 18) return -1;
    found = at + 2;
  }
  return found;
}

/** BlastRADIUS: whether the request carries exactly one Message-Authenticator, of the right size. */
export const hasMessageAuthenticator = (p: Packet): boolean => messageAuthenticatorOffset(p) !== -1;

/** RFC 3579 §3.2 for an Access-Request: its Message-Authenticator verifies under `secret`. */
export function verifyMessageAuthenticator(p: Packet, secret: Buffer): boolean {
  const offset = messageAuthenticatorOffset(p);
  if (offset === -1) return false;
  return timingSafeEqual(messageAuthenticatorOf(p.raw, offset, secret), p.raw.subarray(offset, offset + 16));
}

/** RFC 2866 §3: an Accounting-Request's authenticator is MD5(header with 16 zero octets, attributes, secret). */
export function verifyAccountingRequest(p: Packet, secret: Buffer): boolean {
  const copy = Buffer.from(p.raw);
  ZERO16.copy(copy, 4);
  return timingSafeEqual(md5(copy, secret), p.authenticator);
}

/**
 * RFC 2865 §5.2: User-Password is the password, padded with NULs to a multiple of 16 octets,
 * XORed with MD5(secret + previous block), the first block chained from the Request Authenticator.
 * Undefined when the attribute is not 16 to 128 octets in multiples of 16.
 */
export function decodeUserPassword(value: Buffer, secret: Buffer, requestAuthenticator: Buffer): string | undefined {
  if (value.length < 16 || value.length > 128 || value.length % 16 !== 0) return undefined;
  const out = Buffer.alloc(value.length);
  let previous = requestAuthenticator;
  for (let i = 0; i < value.length; i += 16) {
    const b = md5(secret, previous);
    for (let j = 0; j < 16; j++) out[i + j] = (value[i + j] as number) ^ (b[j] as number);
    previous = value.subarray(i, i + 16);
  }
  const end = out.indexOf(0);
  return out.subarray(0, end === -1 ? out.length : end).toString('utf8');
}

/** The client's side of RFC 2865 §5.2 (tests and the benchmark's own client). */
export function encodeUserPassword(password: string, secret: Buffer, requestAuthenticator: Buffer): Buffer {
  const plain = Buffer.from(password, 'utf8');
  const padded = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16));
  plain.copy(padded);
  const out = Buffer.alloc(padded.length);
  let previous = requestAuthenticator;
  for (let i = 0; i < padded.length; i += 16) {
    const b = md5(secret, previous);
    for (let j = 0; j < 16; j++) out[i + j] = (padded[i + j] as number) ^ (b[j] as number);
    previous = out.subarray(i, i + 16);
  }
  return out;
}

function frame(code: number, identifier: number, authenticator: Buffer, attributes: Attribute[]): Buffer {
  const length = HEADER_BYTES + attributes.reduce((n, a) => n + 2 + a.value.length, 0);
  if (length > MAX_PACKET_BYTES) throw new RangeError('RADIUS packet too large');
  const buf = Buffer.alloc(length);
  buf[0] = code;
  buf[1] = identifier;
  buf.writeUInt16BE(length, 2);
  authenticator.copy(buf, 4);
  let at = HEADER_BYTES;
  for (const a of attributes) {
    if (a.value.length > 253) throw new RangeError('RADIUS attribute too long');
    buf[at] = a.type;
    buf[at + 1] = a.value.length + 2;
    a.value.copy(buf, at + 2);
    at += 2 + a.value.length;
  }
  return buf;
}

/**
 * A reply to `request`: the Message-Authenticator FIRST (BlastRADIUS), computed with the request's
 * authenticator in the header (RFC 3579 §3.2), then the Response Authenticator over the whole
 * packet, Message-Authenticator included (RFC 2865 §3, RFC 2866 §4).
 */
export function encodeReply(request: Packet, code: number, attributes: Attribute[], secret: Buffer, opts: { messageAuthenticator?: boolean } = {}): Buffer {
  const withMa = opts.messageAuthenticator ?? true;
  const attrs = withMa ? [{ type: Attr.messageAuthenticator, value: ZERO16 }, ...attributes] : attributes;
  const buf = frame(code, request.identifier, request.authenticator, attrs);
  if (withMa) messageAuthenticatorOf(buf, HEADER_BYTES + 2, secret).copy(buf, HEADER_BYTES + 2);
  md5(buf, secret).copy(buf, 4);
  return buf;
}

/**
 * RFC 2865 §3 caps a packet at 4096 octets: the reply's own attributes stay, and the Proxy-State
 * attributes echoed from the request (RFC 2865 §5.33) are kept in order while they fit; the rest
 * are left out quietly (a request that filled its own 4096 octets with them asked for too much).
 */
export function fitReply(attributes: Attribute[], opts: { messageAuthenticator?: boolean } = {}): Attribute[] {
  let room = MAX_PACKET_BYTES - HEADER_BYTES - ((opts.messageAuthenticator ?? true) ? 18 : 0);
  for (const a of attributes) if (a.type !== Attr.proxyState) room -= 2 + a.value.length;
  return attributes.filter((a) => {
    if (a.type !== Attr.proxyState) return true;
    if (2 + a.value.length > room) {
      room = -1;
      return false;
    }
    room -= 2 + a.value.length;
    return true;
  });
}

/** A request as a client sends it (tests, fuzzing and the benchmark): Access-Requests get a Message-Authenticator first unless told not to. */
export function encodeRequest(code: number, identifier: number, authenticator: Buffer, attributes: Attribute[], secret: Buffer, opts: { messageAuthenticator?: boolean } = {}): Buffer {
  if (code === Code.accountingRequest) {
    const buf = frame(code, identifier, ZERO16, attributes);
    md5(buf, secret).copy(buf, 4);
    return buf;
  }
  const withMa = opts.messageAuthenticator ?? true;
  const buf = frame(code, identifier, authenticator, withMa ? [{ type: Attr.messageAuthenticator, value: ZERO16 }, ...attributes] : attributes);
  if (withMa) messageAuthenticatorOf(buf, HEADER_BYTES + 2, secret).copy(buf, HEADER_BYTES + 2);
  return buf;
}

/** RFC 2865 §3: the client's check of a reply's Response Authenticator (tests). */
export function verifyReply(reply: Buffer, requestAuthenticator: Buffer, secret: Buffer): boolean {
  const copy = Buffer.from(reply);
  requestAuthenticator.copy(copy, 4);
  return timingSafeEqual(md5(copy, secret), reply.subarray(4, 20));
}

/** RFC 3579 §3.2: the client's check of a reply's Message-Authenticator (tests). */
export function verifyReplyMessageAuthenticator(reply: Packet, requestAuthenticator: Buffer, secret: Buffer): boolean {
  const offset = messageAuthenticatorOffset(reply);
  if (offset === -1) return false;
  return timingSafeEqual(messageAuthenticatorOf(reply.raw, offset, secret, requestAuthenticator), reply.raw.subarray(offset, offset + 16));
}

export const attr = (type: number, value: string | Buffer): Attribute => ({ type, value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value });
export function intAttr(type: number, n: number): Attribute {
  const v = Buffer.alloc(4);
  v.writeUInt32BE(n >>> 0, 0);
  return { type, value: v };
}
