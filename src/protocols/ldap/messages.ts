/**
 * LDAPv3 messages (RFC 4511 §4): framing of the bytes a connection receives, decoding of every
 * request a client can send, encoding of every response the server sends.
 *
 * A BerError from `decodeRequest` is what RFC 4511 §4.1.1 calls a message whose "encoding
 * structures or lengths of data fields are found to be incorrect": the server answers with a
 * Notice of Disconnection (protocolError) and closes the connection.
 */
import type { DirectoryFilter } from '../../modules/directory/index.ts';
import { BerError, BerReader, BerWriter, Tag, readLength } from './ber.ts';

/** RFC 4511 Appendix A. */
export const ResultCode = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  strongerAuthRequired: 8,
  unavailableCriticalExtension: 12,
  confidentialityRequired: 13,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  inappropriateMatching: 18,
  constraintViolation: 19,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  other: 80,
} as const;

/** RFC 2696: Simple Paged Results control. */
export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';
/** RFC 3062: Password Modify extended operation. */
export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';
/** RFC 4532: Who am I? extended operation (no request or response value codec needed). */
export const WHO_AM_I_OID = '1.3.6.1.4.1.4203.1.11.3';
/** RFC 4511 §4.14: StartTLS extended operation. */
export const START_TLS_OID = '1.3.6.1.4.1.1466.20037';
/** RFC 4511 §4.4.1: Notice of Disconnection. */
export const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

/** RFC 4511 §4.1.11. */
export interface Control {
  oid: string;
  critical: boolean;
  value?: Buffer;
}

/** RFC 4511 §4.1.9 (referrals are never sent). */
export interface LdapResult {
  code: number;
  matchedDN?: string;
  message?: string;
}

/** RFC 4511 §4.2. The name is not checked to be a DN here; `auth: 'unknown'` is a reserved or future choice. */
export type BindRequest = { op: 'bind'; version: number; name: string } & (
  | { auth: 'simple'; password: Buffer }
  | { auth: 'sasl'; mechanism: string; credentials?: Buffer }
  | { auth: 'unknown'; tag: number }
);

/** RFC 4511 §4.5.1. */
export interface SearchRequest {
  op: 'search';
  baseObject: string;
  /** baseObject 0, singleLevel 1, wholeSubtree 2. */
  scope: 0 | 1 | 2;
  /** neverDerefAliases 0, derefInSearching 1, derefFindingBaseObj 2, derefAlways 3. */
  derefAliases: 0 | 1 | 2 | 3;
  sizeLimit: number;
  timeLimit: number;
  typesOnly: boolean;
  filter: DirectoryFilter;
  attributes: string[];
}

/**
 * The protocolOp of a request. Modify, Add, Del and ModifyDN are only named (the server is
 * unwilling to perform them); a Compare's value is bytes, to be compared as the server sees fit.
 * An application tag that is no request is `unknown`.
 */
export type ProtocolOp =
  | BindRequest
  | { op: 'unbind' }
  | SearchRequest
  | { op: 'modify' | 'add' | 'delete' | 'modifyDN'; dn: string }
  | { op: 'compare'; dn: string; attribute: string; value: Buffer }
  /** `abandonId`: the messageID of the operation to abandon (the envelope's own is `messageId`). */
  | { op: 'abandon'; abandonId: number }
  | { op: 'extended'; name: string; value?: Buffer }
  | { op: 'unknown'; tag: number };

/** RFC 4511 §4.1.1: an LDAPMessage from a client. */
export type LdapRequest = ProtocolOp & { messageId: number; controls: Control[] };

/** Application tags of the responses (RFC 4511 Appendix B), keyed by the request they answer. */
export const ResponseTag = {
  bind: 0x61,
  searchEntry: 0x64,
  search: 0x65,
  modify: 0x67,
  add: 0x69,
  delete: 0x6b,
  modifyDN: 0x6d,
  compare: 0x6f,
  extended: 0x78,
} as const;

export type Frame = { kind: 'need-more' } | { kind: 'message'; bytes: number } | { kind: 'too-large' } | { kind: 'malformed' };

/**
 * Whether `buf` starts with a whole LDAPMessage: a universal SEQUENCE of definite length (RFC 4511
 * §5.1). Too large is decided from the header, before the contents arrive.
 */
export function frame(buf: Buffer, maxBytes: number): Frame {
  if (buf.length === 0) return { kind: 'need-more' };
  if (buf[0] !== Tag.SEQUENCE) return { kind: 'malformed' };
  let header: [number, number] | undefined;
  try {
    header = readLength(buf, 1);
  } catch {
    return { kind: 'malformed' };
  }
  if (header === undefined) return { kind: 'need-more' };
  const total = header[1] + header[0];
  if (total > maxBytes) return { kind: 'too-large' };
  return buf.length < total ? { kind: 'need-more' } : { kind: 'message', bytes: total };
}

/** Decodes one whole LDAPMessage (as framed by `frame`); throws BerError when it is malformed. */
export function decodeRequest(message: Buffer): LdapRequest {
  const top = new BerReader(message);
  const m = top.readSequence();
  if (!top.done) throw new BerError('bytes after the LDAPMessage');
  const messageId = m.readInteger();
  const op = decodeOp(m);
  const controls = m.peekTag() === 0xa0 ? decodeControls(m.readSequence(0xa0)) : [];
  m.skipRest();
  // The op is this message's own: completed in place rather than copied.
  return Object.assign(op, { messageId, controls });
}

/** Tag numbers of the requests (RFC 4511 Appendix B): one of these with the other form bit is malformed, not unknown. */
const REQUEST_TAG_NUMBERS = new Set([0, 2, 3, 6, 8, 10, 12, 14, 16, 23]);

function decodeOp(m: BerReader): ProtocolOp {
  const tag = m.peekTag();
  switch (tag) {
    case 0x60:
      return decodeBind(m.readSequence(tag));
    case 0x42:
      m.readNull(tag);
      return { op: 'unbind' };
    case 0x63:
      return decodeSearch(m.readSequence(tag));
    case 0x66:
      return { op: 'modify', dn: m.readSequence(tag).readString() };
    case 0x68:
      return { op: 'add', dn: m.readSequence(tag).readString() };
    case 0x4a:
      return { op: 'delete', dn: m.readString(tag) };
    case 0x6c:
      return { op: 'modifyDN', dn: m.readSequence(tag).readString() };
    case 0x6e:
      return decodeCompare(m.readSequence(tag));
    case 0x50:
      return { op: 'abandon', abandonId: m.readInteger(tag) };
    case 0x77:
      return decodeExtended(m.readSequence(tag));
  }
  if (tag === undefined || (tag & 0xc0) !== 0x40) throw new BerError('protocolOp is not an application element');
  if (REQUEST_TAG_NUMBERS.has(tag & 0x1f)) throw new BerError('request in the wrong form (primitive or constructed)');
  m.skip();
  return { op: 'unknown', tag };
}

/** RFC 4511 §4.2: version INTEGER (1 .. 127), name LDAPDN, authentication AuthenticationChoice. */
function decodeBind(r: BerReader): BindRequest {
  const version = r.readInteger(Tag.INTEGER, 1, 127);
  const name = r.readString();
  const tag = r.peekTag();
  let bind: BindRequest;
  if (tag === 0x80) {
    bind = { op: 'bind', version, name, auth: 'simple', password: r.readOctetString(tag) };
  } else if (tag === 0xa3) {
    // SaslCredentials ::= SEQUENCE { mechanism LDAPString, credentials OCTET STRING OPTIONAL }
    const s = r.readSequence(tag);
    const mechanism = s.readString();
    const credentials = s.peekTag() === Tag.OCTET_STRING ? s.readOctetString() : undefined;
    s.skipRest();
    bind = { op: 'bind', version, name, auth: 'sasl', mechanism, ...(credentials && { credentials }) };
  } else if (tag !== undefined && (tag & 0xc0) === 0x80 && (tag & 0x1f) !== 0 && (tag & 0x1f) !== 3) {
    // [1] and [2] are reserved (RFC 4511 §4.2); the server answers authMethodNotSupported.
    r.skip();
    bind = { op: 'bind', version, name, auth: 'unknown', tag };
  } else {
    throw new BerError('bind without an authentication choice');
  }
  r.skipRest();
  return bind;
}

function decodeSearch(r: BerReader): SearchRequest {
  const search: SearchRequest = {
    op: 'search',
    baseObject: r.readString(),
    scope: r.readEnumerated(2) as SearchRequest['scope'],
    derefAliases: r.readEnumerated(3) as SearchRequest['derefAliases'],
    sizeLimit: r.readInteger(),
    timeLimit: r.readInteger(),
    typesOnly: r.readBoolean(),
    filter: decodeFilter(r),
    attributes: [],
  };
  const list = r.readSequence();
  while (!list.done) search.attributes.push(list.readString());
  r.skipRest();
  return search;
}

/** RFC 4511 §4.10: entry LDAPDN, ava AttributeValueAssertion. */
function decodeCompare(r: BerReader): ProtocolOp {
  const dn = r.readString();
  const ava = r.readSequence();
  const attribute = attributeDescription(ava.readString());
  const value = ava.readOctetString();
  ava.skipRest();
  r.skipRest();
  return { op: 'compare', dn, attribute, value };
}

/** RFC 4511 §4.12: requestName [0] LDAPOID, requestValue [1] OCTET STRING OPTIONAL. */
function decodeExtended(r: BerReader): ProtocolOp {
  const name = oid(r.readString(0x80));
  const value = r.peekTag() === 0x81 ? r.readOctetString(0x81) : undefined;
  r.skipRest();
  return { op: 'extended', name, ...(value && { value }) };
}

/** RFC 4511 §4.1.11: Control ::= SEQUENCE { controlType, criticality BOOLEAN DEFAULT FALSE, controlValue OPTIONAL }. */
function decodeControls(list: BerReader): Control[] {
  const controls: Control[] = [];
  while (!list.done) {
    const c = list.readSequence();
    const control: Control = { oid: oid(c.readString()), critical: c.peekTag() === Tag.BOOLEAN ? c.readBoolean() : false };
    if (c.peekTag() === Tag.OCTET_STRING) control.value = c.readOctetString();
    c.skipRest();
    controls.push(control);
  }
  return controls;
}

/**
 * RFC 4511 §4.5.1: the ten choices of Filter; values as UTF-8 text. An empty and/or is kept (RFC
 * 4526: absolute true and false). Depth is bounded by the reader.
 */
function decodeFilter(r: BerReader): DirectoryFilter {
  const tag = r.peekTag();
  switch (tag) {
    case 0xa0:
    case 0xa1: {
      const set = r.readSequence(tag);
      const filters: DirectoryFilter[] = [];
      while (!set.done) filters.push(decodeFilter(set));
      return { type: tag === 0xa0 ? 'and' : 'or', filters };
    }
    case 0xa2: {
      const inner = r.readSequence(tag);
      const filter = decodeFilter(inner);
      if (!inner.done) throw new BerError('not with more than one filter');
      return { type: 'not', filter };
    }
    case 0xa3:
    case 0xa5:
    case 0xa6:
    case 0xa8: {
      const ava = r.readSequence(tag);
      const attribute = attributeDescription(ava.readString());
      const value = ava.readString();
      ava.skipRest();
      return { type: AVA_TYPES[tag], attribute, value };
    }
    case 0xa4:
      return decodeSubstrings(r.readSequence(tag));
    case 0x87:
      return { type: 'present', attribute: attributeDescription(r.readString(tag)) };
    case 0xa9:
      return decodeExtensible(r.readSequence(tag));
  }
  throw new BerError(`unknown filter choice ${tag === undefined ? 'end' : `0x${tag.toString(16)}`}`);
}

const AVA_TYPES = { 0xa3: 'equal', 0xa5: 'greaterOrEqual', 0xa6: 'lessOrEqual', 0xa8: 'approx' } as const;

/** SubstringFilter: at least one substring; initial only first, final only last, so at most one of each. */
function decodeSubstrings(r: BerReader): DirectoryFilter {
  const filter: DirectoryFilter & { type: 'substrings' } = { type: 'substrings', attribute: attributeDescription(r.readString()), any: [] };
  const list = r.readSequence();
  if (list.done) throw new BerError('substrings filter without substrings');
  for (let first = true; !list.done; first = false) {
    const tag = list.peekTag();
    const value = list.readString(tag === 0x80 || tag === 0x82 ? tag : 0x81);
    if (tag === 0x80 && !first) throw new BerError('initial substring not first');
    if (tag === 0x80) filter.initial = value;
    else if (tag === 0x81) filter.any.push(value);
    else if (!list.done) throw new BerError('final substring not last');
    else filter.final = value;
  }
  r.skipRest();
  return filter;
}

/** MatchingRuleAssertion (RFC 4511 §4.5.1.7.7): when matchingRule is absent, type must be present. */
function decodeExtensible(r: BerReader): DirectoryFilter {
  const matchingRule = r.peekTag() === 0x81 ? r.readString(0x81) : undefined;
  const attribute = r.peekTag() === 0x82 ? attributeDescription(r.readString(0x82)) : undefined;
  if (matchingRule === undefined && attribute === undefined) throw new BerError('extensible match without rule or type');
  const value = r.readString(0x83);
  const dnAttributes = r.peekTag() === 0x84 ? r.readBoolean(0x84) : false;
  r.skipRest();
  return { type: 'extensible', matchingRule, attribute, value, dnAttributes };
}

/** RFC 4512 §2.5: an attribute description is never empty (its syntax is otherwise the directory's concern). */
function attributeDescription(s: string): string {
  if (s === '') throw new BerError('empty attribute description');
  return s;
}

/** RFC 4511 §4.1.2: an LDAPOID is a <numericoid> (RFC 4512 §1.4). */
function oid(s: string): string {
  if (!/^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/.test(s)) throw new BerError('not a numeric OID');
  return s;
}

/** RFC 2696 §2: realSearchControlValue ::= SEQUENCE { size INTEGER (0..maxInt), cookie OCTET STRING }. */
export function decodePagedControl(value: Buffer): { size: number; cookie: Buffer } {
  const top = new BerReader(value);
  const r = top.readSequence();
  const paged = { size: r.readInteger(), cookie: r.readOctetString() };
  r.skipRest();
  if (!top.done) throw new BerError('bytes after the control value');
  return paged;
}

export function encodePagedControl(size: number, cookie: Buffer): Buffer {
  return new BerWriter().startSequence().writeInteger(size).writeOctetString(cookie).endSequence().toBuffer();
}

/** RFC 3062 §2: PasswdModifyRequestValue, each field optional, in tag order. */
export function decodePasswordModify(value: Buffer): { userIdentity?: string; oldPasswd?: Buffer; newPasswd?: Buffer } {
  const top = new BerReader(value);
  const r = top.readSequence();
  const userIdentity = r.peekTag() === 0x80 ? r.readString(0x80) : undefined;
  const oldPasswd = r.peekTag() === 0x81 ? r.readOctetString(0x81) : undefined;
  const newPasswd = r.peekTag() === 0x82 ? r.readOctetString(0x82) : undefined;
  r.skipRest();
  if (!top.done) throw new BerError('bytes after the request value');
  return { ...(userIdentity !== undefined && { userIdentity }), ...(oldPasswd && { oldPasswd }), ...(newPasswd && { newPasswd }) };
}

/** RFC 3062 §2: PasswdModifyResponseValue ::= SEQUENCE { genPasswd [0] OCTET STRING OPTIONAL }. */
export function encodePasswordModifyResponse({ genPasswd }: { genPasswd?: Buffer | string }): Buffer {
  const w = new BerWriter().startSequence();
  if (genPasswd !== undefined) w.writeOctetString(genPasswd, 0x80);
  return w.endSequence().toBuffer();
}

/** The writer messages are encoded with, one after the other (a message written while another is gets its own). */
let spare: BerWriter | undefined = new BerWriter();

/** An LDAPMessage from the server: messageID, the op written by `op`, then the controls. */
function message(id: number, controls: Control[] | undefined, op: (w: BerWriter) => void): Buffer {
  const w = spare ?? new BerWriter();
  spare = undefined;
  try {
    w.startSequence().writeInteger(id);
    op(w);
    if (controls?.length) {
      w.startSequence(0xa0);
      for (const c of controls) {
        w.startSequence().writeOctetString(c.oid);
        // RFC 4511 §5.1: a value equal to its DEFAULT is absent.
        if (c.critical) w.writeBoolean(true);
        if (c.value !== undefined) w.writeOctetString(c.value);
        w.endSequence();
      }
      w.endSequence();
    }
    return w.endSequence().toBuffer();
  } finally {
    spare = w.reset();
  }
}

/** The LDAPResult components (RFC 4511 §4.1.9), without the op's tag. */
function result(w: BerWriter, r: LdapResult): BerWriter {
  return w.writeEnumerated(r.code).writeOctetString(r.matchedDN ?? '').writeOctetString(r.message ?? '');
}

/** A response that is an LDAPResult alone: Modify, Add, Del, ModifyDN, Compare and SearchResultDone (RFC 4511 Appendix B). */
export function ldapResult(opTag: number, id: number, r: LdapResult, controls?: Control[]): Buffer {
  return message(id, controls, (w) => result(w.startSequence(opTag), r).endSequence());
}

/** RFC 4511 §4.2.2: serverSaslCreds [7]. */
export function bindResponse(id: number, r: LdapResult, serverSaslCreds?: Buffer, controls?: Control[]): Buffer {
  return message(id, controls, (w) => {
    result(w.startSequence(ResponseTag.bind), r);
    if (serverSaslCreds !== undefined) w.writeOctetString(serverSaslCreds, 0x87);
    w.endSequence();
  });
}

/** RFC 4511 §4.5.2: objectName, then each attribute's type and SET OF values. */
export function searchResultEntry(
  id: number,
  dn: string,
  attributes: Array<{ type: string; values: Array<string | Buffer> }>,
  controls?: Control[],
): Buffer {
  return message(id, controls, (w) => {
    w.startSequence(ResponseTag.searchEntry).writeOctetString(dn).startSequence();
    for (const a of attributes) {
      w.startSequence().writeOctetString(a.type).startSequence(Tag.SET);
      for (const v of a.values) w.writeOctetString(v);
      w.endSequence().endSequence();
    }
    w.endSequence().endSequence();
  });
}

export function searchResultDone(id: number, r: LdapResult, controls?: Control[]): Buffer {
  return ldapResult(ResponseTag.search, id, r, controls);
}

export function compareResponse(id: number, r: LdapResult, controls?: Control[]): Buffer {
  return ldapResult(ResponseTag.compare, id, r, controls);
}

/** RFC 4511 §4.12: responseName [10], responseValue [11]. */
export function extendedResponse(id: number, r: LdapResult, ext: { name?: string; value?: Buffer } = {}, controls?: Control[]): Buffer {
  return message(id, controls, (w) => {
    result(w.startSequence(ResponseTag.extended), r);
    if (ext.name !== undefined) w.writeOctetString(ext.name, 0x8a);
    if (ext.value !== undefined) w.writeOctetString(ext.value, 0x8b);
    w.endSequence();
  });
}

/** RFC 4511 §4.4.1: an unsolicited notification, messageID 0, sent before the server closes the connection. */
export function noticeOfDisconnection(r: LdapResult): Buffer {
  return extendedResponse(0, r, { name: NOTICE_OF_DISCONNECTION_OID });
}
