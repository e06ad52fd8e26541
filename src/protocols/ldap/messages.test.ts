import { describe, expect, it } from 'vitest';
import type { DirectoryFilter } from '../../modules/directory/index.ts';
import { BerError, BerReader, BerWriter, MAX_DEPTH } from './ber.ts';
import {
  type Control,
  type LdapRequest,
  type ProtocolOp,
  NOTICE_OF_DISCONNECTION_OID,
  PAGED_RESULTS_OID,
  PASSWORD_MODIFY_OID,
  ResponseTag,
  ResultCode,
  START_TLS_OID,
  bindResponse,
  compareResponse,
  decodePagedControl,
  decodePasswordModify,
  decodeRequest,
  encodePagedControl,
  encodePasswordModifyResponse,
  extendedResponse,
  frame,
  ldapResult,
  noticeOfDisconnection,
  searchResultDone,
  searchResultEntry,
} from './messages.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** An OCTET STRING (or `tag`) holding ASCII text, as hex. */
const str = (s: string, tag = 0x04) => Buffer.concat([Buffer.from([tag, s.length]), Buffer.from(s)]).toString('hex');

// A test-only encoder of requests, from the ASN.1 of RFC 4511 §4, to check decoding against.
function encodeFilter(w: BerWriter, f: DirectoryFilter): void {
  switch (f.type) {
    case 'and':
    case 'or':
      w.startSequence(f.type === 'and' ? 0xa0 : 0xa1);
      for (const g of f.filters) encodeFilter(w, g);
      w.endSequence();
      return;
    case 'not':
      w.startSequence(0xa2);
      encodeFilter(w, f.filter);
      w.endSequence();
      return;
    case 'equal':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'approx':
      w.startSequence({ equal: 0xa3, greaterOrEqual: 0xa5, lessOrEqual: 0xa6, approx: 0xa8 }[f.type]);
      w.writeOctetString(f.attribute).writeOctetString(f.value).endSequence();
      return;
    case 'substrings':
      w.startSequence(0xa4).writeOctetString(f.attribute).startSequence();
      if (f.initial !== undefined) w.writeOctetString(f.initial, 0x80);
      for (const a of f.any) w.writeOctetString(a, 0x81);
      if (f.final !== undefined) w.writeOctetString(f.final, 0x82);
      w.endSequence().endSequence();
      return;
    case 'present':
      w.writeOctetString(f.attribute, 0x87);
      return;
    case 'extensible':
      w.startSequence(0xa9);
      if (f.matchingRule !== undefined) w.writeOctetString(f.matchingRule, 0x81);
      if (f.attribute !== undefined) w.writeOctetString(f.attribute, 0x82);
      w.writeOctetString(f.value, 0x83);
      if (f.dnAttributes) w.writeBoolean(true, 0x84);
      w.endSequence();
  }
}

function encodeOp(w: BerWriter, op: ProtocolOp): void {
  switch (op.op) {
    case 'bind':
      w.startSequence(0x60).writeInteger(op.version).writeOctetString(op.name);
      if (op.auth === 'simple') w.writeOctetString(op.password, 0x80);
      else if (op.auth === 'sasl') {
        w.startSequence(0xa3).writeOctetString(op.mechanism);
        if (op.credentials) w.writeOctetString(op.credentials);
        w.endSequence();
      } else w.writeOctetString('', op.tag);
      w.endSequence();
      return;
    case 'unbind':
      w.writeNull(0x42);
      return;
    case 'search':
      w.startSequence(0x63).writeOctetString(op.baseObject).writeEnumerated(op.scope).writeEnumerated(op.derefAliases);
      w.writeInteger(op.sizeLimit).writeInteger(op.timeLimit).writeBoolean(op.typesOnly);
      encodeFilter(w, op.filter);
      w.startSequence();
      for (const a of op.attributes) w.writeOctetString(a);
      w.endSequence().endSequence();
      return;
    case 'modify': // object, changes: one replace of description
      w.startSequence(0x66).writeOctetString(op.dn).startSequence().startSequence().writeEnumerated(2);
      w.startSequence().writeOctetString('description').startSequence(0x31).writeOctetString('x');
      w.endSequence().endSequence().endSequence().endSequence().endSequence();
      return;
    case 'add':
      w.startSequence(0x68).writeOctetString(op.dn).startSequence().startSequence().writeOctetString('cn');
      w.startSequence(0x31).writeOctetString('x').endSequence().endSequence().endSequence().endSequence();
      return;
    case 'delete':
      w.writeOctetString(op.dn, 0x4a);
      return;
    case 'modifyDN':
      w.startSequence(0x6c).writeOctetString(op.dn).writeOctetString('cn=new').writeBoolean(true);
      w.writeOctetString('ou=elsewhere', 0x80).endSequence();
      return;
    case 'compare':
      w.startSequence(0x6e).writeOctetString(op.dn).startSequence().writeOctetString(op.attribute).writeOctetString(op.value);
      w.endSequence().endSequence();
      return;
    case 'abandon':
      w.writeInteger(op.abandonId, 0x50);
      return;
    case 'extended':
      w.startSequence(0x77).writeOctetString(op.name, 0x80);
      if (op.value) w.writeOctetString(op.value, 0x81);
      w.endSequence();
      return;
    case 'unknown':
      w.writeOctetString('', op.tag);
  }
}

function encodeRequest(req: LdapRequest): Buffer {
  const w = new BerWriter().startSequence().writeInteger(req.messageId);
  encodeOp(w, req);
  if (req.controls.length) {
    w.startSequence(0xa0);
    for (const c of req.controls) {
      w.startSequence().writeOctetString(c.oid);
      if (c.critical) w.writeBoolean(true);
      if (c.value) w.writeOctetString(c.value);
      w.endSequence();
    }
    w.endSequence();
  }
  return w.endSequence().toBuffer();
}

const search = (filter: DirectoryFilter, more: Partial<LdapRequest & { op: 'search' }> = {}): LdapRequest => ({
  op: 'search',
  messageId: 2,
  controls: [],
  baseObject: 'dc=example,dc=com',
  scope: 2,
  derefAliases: 0,
  sizeLimit: 0,
  timeLimit: 0,
  typesOnly: false,
  filter,
  attributes: [],
  ...more,
});

/** The bytes of a search request around a filter given as hex. */
const searchWithFilter = (filterHex: string) => {
  const body = `${str('dc=x')} 0a0102 0a0100 020100 020100 010100 ${filterHex} 3000`;
  const op = hex(body);
  const inner = Buffer.concat([hex('020107'), Buffer.from([0x63, op.length]), op]);
  return Buffer.concat([Buffer.from([0x30, inner.length]), inner]);
};

describe('PRO-1: LDAP message framing', () => {
  const max = 1024;
  it.each([
    ['nothing', '', 'need-more'],
    ['the tag alone', '30', 'need-more'],
    ['part of a long length', '30 82 01', 'need-more'],
    ['part of the contents', '30 0c 02 01 01 60 07', 'need-more'],
    ['a tag other than SEQUENCE', '31 00', 'malformed'],
    ['a context tag', 'a0 00', 'malformed'],
    ['an indefinite length', '30 80 02 01 01', 'malformed'],
    ['a 5-byte length', '30 85 00 00 00 00 05', 'malformed'],
    ['a length over the limit, before its contents arrive', '30 84 7f ff ff ff', 'too-large'],
    ['a 2-byte length over the limit', '30 82 04 00', 'too-large'],
  ])('PRO-1: %s is %s', (_what, bytes, kind) => {
    expect(frame(hex(bytes), max)).toEqual({ kind });
  });

  it('PRO-1: a whole message is framed, and only it, when more follows', () => {
    const bind = hex('30 0c 02 01 01 60 07 02 01 03 04 00 80 00');
    expect(frame(bind, max)).toEqual({ kind: 'message', bytes: 14 });
    expect(frame(Buffer.concat([bind, hex('30 05 02 01 02 42 00')]), max)).toEqual({ kind: 'message', bytes: 14 });
    expect(frame(hex('30 81 03 02 01 01'), max)).toEqual({ kind: 'message', bytes: 6 });
    expect(frame(bind, 14)).toEqual({ kind: 'message', bytes: 14 });
    expect(frame(bind, 13)).toEqual({ kind: 'too-large' });
  });
});

describe('PRO-1: LDAP message codec, requests', () => {
  it('PRO-1: an anonymous simple bind, by hand from RFC 4511 §4.2', () => {
    expect(decodeRequest(hex('30 0c 02 01 01 60 07 02 01 03 04 00 80 00'))).toEqual({
      messageId: 1,
      controls: [],
      op: 'bind',
      version: 3,
      name: '',
      auth: 'simple',
      password: Buffer.alloc(0),
    });
  });

  it('PRO-1: a simple bind with a name and password', () => {
    const req = decodeRequest(hex(`30 12 02 01 02 60 0d 02 01 03 ${str('cn=a')} ${str('pw', 0x80)}`));
    expect(req).toMatchObject({ messageId: 2, op: 'bind', name: 'cn=a', auth: 'simple' });
    expect(req.op === 'bind' && req.auth === 'simple' && req.password.toString()).toBe('pw');
  });

  it('PRO-1: SASL binds are decoded for refusal, an unknown choice too; version 2 is decoded for the server to refuse', () => {
    expect(decodeRequest(hex('30 10 020103 60 0b 020103 0400 a3 04 0402 4142'))).toEqual({
      messageId: 3,
      controls: [],
      op: 'bind',
      version: 3,
      name: '',
      auth: 'sasl',
      mechanism: 'AB',
    });
    expect(decodeRequest(hex('30 13 020103 60 0e 020103 0400 a3 07 0402 4142 0401ff'))).toMatchObject({
      auth: 'sasl',
      mechanism: 'AB',
      credentials: hex('ff'),
    });
    expect(decodeRequest(hex('30 0c 020101 60 07 020103 0400 8100'))).toMatchObject({ op: 'bind', auth: 'unknown', tag: 0x81 });
    expect(decodeRequest(hex('30 0c 020101 60 07 020102 0400 8000'))).toMatchObject({ op: 'bind', version: 2 });
  });

  it('PRO-1: an abandon names the operation to abandon apart from its own messageID', () => {
    expect(decodeRequest(hex('30 06 02 01 03 50 01 02'))).toEqual({ messageId: 3, controls: [], op: 'abandon', abandonId: 2 });
  });

  it('PRO-1: an unbind', () => {
    expect(decodeRequest(hex('30 05 02 01 03 42 00'))).toEqual({ messageId: 3, controls: [], op: 'unbind' });
  });

  it('PRO-1: a search with a nested filter, by hand: (&(objectClass=person)(!(uid=x))(mail=*))', () => {
    const filter = `a0 29 a3 15 ${str('objectClass')} ${str('person')} a2 0a a3 08 ${str('uid')} ${str('x')} ${str('mail', 0x87)}`;
    const bytes = hex(`30 4b 02 01 05 63 46 ${str('dc=x')} 0a 01 02 0a 01 00 02 01 00 02 01 00 01 01 00 ${filter} 30 04 ${str('cn')}`);
    expect(decodeRequest(bytes)).toEqual(
      search(
        {
          type: 'and',
          filters: [
            { type: 'equal', attribute: 'objectClass', value: 'person' },
            { type: 'not', filter: { type: 'equal', attribute: 'uid', value: 'x' } },
            { type: 'present', attribute: 'mail' },
          ],
        },
        { messageId: 5, baseObject: 'dc=x', attributes: ['cn'] },
      ),
    );
  });

  const filters: Array<[string, DirectoryFilter]> = [
    ['and', { type: 'and', filters: [{ type: 'present', attribute: 'uid' }, { type: 'equal', attribute: 'cn', value: 'Ada' }] }],
    ['or', { type: 'or', filters: [{ type: 'present', attribute: 'uid' }, { type: 'approx', attribute: 'cn', value: 'Ada' }] }],
    ['empty and (RFC 4526 absolute true)', { type: 'and', filters: [] }],
    ['empty or (RFC 4526 absolute false)', { type: 'or', filters: [] }],
    ['not', { type: 'not', filter: { type: 'present', attribute: 'mail' } }],
    ['equalityMatch', { type: 'equal', attribute: 'uid', value: 'ada' }],
    ['equalityMatch with an empty value, (gidNumber=)', { type: 'equal', attribute: 'gidNumber', value: '' }],
    ['equalityMatch with UTF-8', { type: 'equal', attribute: 'cn', value: 'Zoë 李' }],
    ['substrings, all parts', { type: 'substrings', attribute: 'cn', initial: 'a', any: ['b', 'c'], final: 'd' }],
    ['substrings, any only', { type: 'substrings', attribute: 'cn', any: ['b'] }],
    ['substrings, initial only', { type: 'substrings', attribute: 'cn', initial: 'a', any: [] }],
    ['substrings, final only', { type: 'substrings', attribute: 'cn', any: [], final: 'z' }],
    ['greaterOrEqual', { type: 'greaterOrEqual', attribute: 'uidNumber', value: '1000' }],
    ['lessOrEqual', { type: 'lessOrEqual', attribute: 'uidNumber', value: '2000' }],
    ['present', { type: 'present', attribute: 'objectClass' }],
    ['approxMatch', { type: 'approx', attribute: 'sn', value: 'Lovelace' }],
    ['extensibleMatch, all fields', { type: 'extensible', matchingRule: '2.5.13.2', attribute: 'cn', value: 'x', dnAttributes: true }],
    ['extensibleMatch, type only', { type: 'extensible', matchingRule: undefined, attribute: 'cn', value: 'x', dnAttributes: false }],
    ['extensibleMatch, rule only', { type: 'extensible', matchingRule: 'caseIgnoreMatch', attribute: undefined, value: 'x', dnAttributes: false }],
  ];
  it.each(filters)('PRO-1: filter %s round-trips', (_what, filter) => {
    const req = search(filter);
    expect(decodeRequest(encodeRequest(req))).toEqual(req);
  });

  it(`PRO-1: filters nest up to the depth limit (${MAX_DEPTH}) and no deeper`, () => {
    const nots = (n: number): DirectoryFilter => (n === 0 ? { type: 'present', attribute: 'uid' } : { type: 'not', filter: nots(n - 1) });
    // LDAPMessage and SearchRequest take two levels.
    expect(decodeRequest(encodeRequest(search(nots(MAX_DEPTH - 2)))).op).toBe('search');
    expect(() => decodeRequest(encodeRequest(search(nots(MAX_DEPTH - 1))))).toThrow(BerError);
    // Built without recursion: 10,000 nested nots in 20 kB.
    const w = new BerWriter().startSequence().writeInteger(1).startSequence(0x63).writeOctetString('').writeEnumerated(0).writeEnumerated(0);
    w.writeInteger(0).writeInteger(0).writeBoolean(false);
    for (let i = 0; i < 10_000; i++) w.startSequence(0xa2);
    w.writeOctetString('uid', 0x87);
    for (let i = 0; i < 10_000; i++) w.endSequence();
    w.startSequence().endSequence().endSequence().endSequence();
    expect(() => decodeRequest(w.toBuffer())).toThrow(BerError);
  });

  it.each<[string, ProtocolOp]>([
    ['modify', { op: 'modify', dn: 'uid=ada,ou=people,dc=x' }],
    ['add', { op: 'add', dn: 'uid=new,ou=people,dc=x' }],
    ['delete', { op: 'delete', dn: 'uid=ada,ou=people,dc=x' }],
    ['modifyDN', { op: 'modifyDN', dn: 'uid=ada,ou=people,dc=x' }],
    ['compare', { op: 'compare', dn: 'uid=ada,ou=people,dc=x', attribute: 'mail', value: Buffer.from('ada@example.com') }],
    ['abandon', { op: 'abandon', abandonId: 2_147_483_647 }],
    ['extended without value (StartTLS)', { op: 'extended', name: START_TLS_OID }],
    ['extended with value (Password Modify)', { op: 'extended', name: PASSWORD_MODIFY_OID, value: hex('3000') }],
    ['unknown application tag (an IntermediateResponse from a client)', { op: 'unknown', tag: 0x79 }],
    ['unknown application tag (a BindResponse from a client)', { op: 'unknown', tag: 0x41 }],
  ])('PRO-1: %s round-trips', (_what, op) => {
    const req = { ...op, messageId: 9, controls: [] } as LdapRequest;
    expect(decodeRequest(encodeRequest(req))).toEqual(req);
  });

  it('PRO-1: controls: criticality defaults to FALSE, the value is optional, several are kept in order', () => {
    const controls: Control[] = [
      { oid: PAGED_RESULTS_OID, critical: true, value: encodePagedControl(500, Buffer.alloc(0)) },
      { oid: '1.3.6.1.4.1.4203.666.5.16', critical: false },
      { oid: '2.16.840.1.113730.3.4.2', critical: false, value: Buffer.alloc(0) },
    ];
    const req = search({ type: 'present', attribute: 'objectClass' }, { controls });
    expect(decodeRequest(encodeRequest(req))).toEqual(req);
    // By hand, RFC 2696 §2: size 10, empty cookie, criticality written as FALSE.
    const control = `a0 26 30 24 ${str(PAGED_RESULTS_OID)} 01 01 00 04 07 30 05 02 01 0a 04 00`;
    const bytes = hex(`30 2e 02 01 01 50 01 07 ${control}`);
    const decoded = decodeRequest(bytes);
    expect(decoded.controls).toEqual([{ oid: PAGED_RESULTS_OID, critical: false, value: hex('3005 02010a 0400') }]);
    expect(decodePagedControl(decoded.controls[0]!.value!)).toEqual({ size: 10, cookie: Buffer.alloc(0) });
  });

  it('PRO-1: trailing components of a SEQUENCE are ignored (RFC 4511 §4), well formed ones only', () => {
    const bind = '60 07 02 01 03 04 00 80 00';
    expect(decodeRequest(hex(`30 10 02 01 01 ${bind} 04 02 61 62`)).op).toBe('bind');
    expect(decodeRequest(hex(`30 0f 02 01 01 60 0a 02 01 03 04 00 80 00 85 01 00`)).op).toBe('bind');
    expect(() => decodeRequest(hex(`30 10 02 01 01 ${bind} 04 05 61 62`))).toThrow(BerError);
  });
});

describe('PRO-1: LDAP message codec, bad input', () => {
  const valid = [
    hex('30 0c 02 01 01 60 07 02 01 03 04 00 80 00'),
    encodeRequest(search({ type: 'and', filters: [{ type: 'substrings', attribute: 'cn', initial: 'a', any: ['b'], final: 'c' }, { type: 'not', filter: { type: 'extensible', matchingRule: '1.2', attribute: 'cn', value: 'v', dnAttributes: true } }] }, { attributes: ['cn', 'mail'], controls: [{ oid: '1.2.3', critical: true, value: Buffer.from('v') }] })),
    encodeRequest({ op: 'compare', dn: 'cn=a', attribute: 'cn', value: Buffer.from('a'), messageId: 4, controls: [] }),
    encodeRequest({ op: 'extended', name: PASSWORD_MODIFY_OID, value: hex('3000'), messageId: 5, controls: [] }),
  ];

  it('PRO-1: every truncation of a valid message is malformed', () => {
    for (const msg of valid) {
      for (let n = 0; n < msg.length; n++) {
        expect(() => decodeRequest(msg.subarray(0, n)), `${msg.toString('hex')} cut at ${n}`).toThrow(BerError);
      }
    }
  });

  it('PRO-1: every truncation is need-more to the framer, and a length cut short is malformed to the decoder', () => {
    for (const msg of valid) {
      for (let n = 0; n < msg.length; n++) expect(frame(msg.subarray(0, n), 1 << 20)).toEqual({ kind: 'need-more' });
      // The outer length one short: the last element now runs past the end of the message.
      expect(msg[1]).toBeLessThan(0x80);
      const short = Buffer.from(msg.subarray(0, msg.length - 1));
      short[1] = msg[1]! - 1;
      expect(() => decodeRequest(short)).toThrow(BerError);
    }
  });

  it.each([
    ['a negative messageID', '30 0c 02 01 ff 60 07 02 01 03 04 00 80 00'],
    ['a messageID over maxInt (5 bytes)', '30 10 02 05 00 80 00 00 00 60 07 02 01 03 04 00 80 00'],
    ['a messageID not in shortest form', '30 0d 02 02 00 01 60 07 02 01 03 04 00 80 00'],
    ['no messageID', '30 09 60 07 02 01 03 04 00 80 00'],
    ['a messageID that is an OCTET STRING', '30 0c 04 01 01 60 07 02 01 03 04 00 80 00'],
    ['no protocolOp', '30 03 02 01 01'],
    ['a universal protocolOp', '30 05 02 01 01 04 00'],
    ['a context protocolOp', '30 05 02 01 01 80 00'],
    ['bytes after the LDAPMessage', '30 05 02 01 03 42 00 00'],
    ['a SET envelope', '31 05 02 01 03 42 00'],
    ['an indefinite length', '30 80 02 01 03 42 00 00 00'],
    ['a 5-byte length', '30 85 00 00 00 00 05 02 01 03 42 00'],
    ['a length past the end', '30 0d 02 01 01 60 07 02 01 03 04 00 80 00'],
    ['an inner length past the end', '30 0c 02 01 01 60 07 02 01 03 04 09 80 00'],
    ['a huge inner length', '30 10 02 01 01 60 0b 02 01 03 04 84 ff ff ff ff 80 00'],
    ['bind version 0', '30 0c 02 01 01 60 07 02 01 00 04 00 80 00'],
    ['bind version 128', '30 0d 02 01 01 60 08 02 02 00 80 04 00 80 00'],
    ['bind without authentication', '30 0a 02 01 01 60 05 02 01 03 04 00'],
    ['bind with a universal authentication', '30 0c 02 01 01 60 07 02 01 03 04 00 04 00'],
    ['bind name not UTF-8', '30 0d 02 01 01 60 08 02 01 03 04 01 ff 80 00'],
    ['a constructed simple password', '30 0c 02 01 01 60 07 02 01 03 04 00 a0 00'],
    ['a primitive SASL choice', '30 0c 02 01 01 60 07 02 01 03 04 00 83 00'],
    ['unbind with contents', '30 06 02 01 03 42 01 00'],
    ['delete with a constructed DN', '30 05 02 01 03 6a 00'],
    ['a search in primitive form', '30 05 02 01 03 43 00'],
    ['abandon of a negative ID', '30 06 02 01 03 50 01 ff'],
    ['extended with a name that is no OID', `30 0f 02 01 01 77 0a ${str('StartTLS', 0x80)}`],
    ['extended with a constructed name', `30 0b 02 01 01 77 06 ${str('1.2', 0xa0)}`],
    ['extended without a name', '30 05 02 01 01 77 00'],
    ['compare without an assertion value', `30 11 02 01 01 6e 0c ${str('cn=a')} 30 04 ${str('cn')}`],
    ['compare with an empty attribute', `30 12 02 01 01 6e 0d ${str('cn=a')} 30 05 04 00 04 01 61`],
    ['a control with no OID', '30 0c 02 01 03 42 00 a0 05 30 03 01 01 ff'],
    ['a control with a name for an OID', `30 0e 02 01 03 42 00 a0 07 30 05 ${str('abc')}`],
    ['controls that are no SEQUENCE', '30 09 02 01 03 42 00 a0 02 04 00'],
  ])('PRO-1: %s is malformed', (_what, bytes) => {
    expect(() => decodeRequest(hex(bytes))).toThrow(BerError);
  });

  it.each([
    ['scope 3', `${str('dc=x')} 0a0103 0a0100 020100 020100 010100 ${str('uid', 0x87)} 3000`],
    ['derefAliases 4', `${str('dc=x')} 0a0102 0a0104 020100 020100 010100 ${str('uid', 0x87)} 3000`],
    ['a negative sizeLimit', `${str('dc=x')} 0a0102 0a0100 0201ff 020100 010100 ${str('uid', 0x87)} 3000`],
    ['a scope that is an INTEGER', `${str('dc=x')} 020102 0a0100 020100 020100 010100 ${str('uid', 0x87)} 3000`],
    ['no filter', `${str('dc=x')} 0a0102 0a0100 020100 020100 010100 3000`],
    ['no attribute list', `${str('dc=x')} 0a0102 0a0100 020100 020100 010100 ${str('uid', 0x87)}`],
    ['an attribute that is no string', `${str('dc=x')} 0a0102 0a0100 020100 020100 010100 ${str('uid', 0x87)} 3003 020101`],
  ])('PRO-1: a search with %s is malformed', (_what, body) => {
    const op = hex(body);
    const inner = Buffer.concat([hex('020107'), Buffer.from([0x63, op.length]), op]);
    expect(() => decodeRequest(Buffer.concat([Buffer.from([0x30, inner.length]), inner]))).toThrow(BerError);
  });

  it.each([
    ['a present filter with an empty attribute', '87 00'],
    ['a constructed present filter', `a7 05 ${str('uid')}`],
    ['an equality filter with an empty attribute', `a3 05 04 00 ${str('x')}`],
    ['an equality filter without a value', `a3 05 ${str('uid')}`],
    ['a primitive equality filter', `83 05 ${str('uid')}`],
    ['a value that is not UTF-8', `a3 08 ${str('uid')} 04 01 ff`],
    ['substrings with two initials', `a4 0c ${str('cn')} 30 06 ${str('a', 0x80)} ${str('b', 0x80)}`],
    ['substrings with an initial not first', `a4 0c ${str('cn')} 30 06 ${str('a', 0x81)} ${str('b', 0x80)}`],
    ['substrings with two finals', `a4 0c ${str('cn')} 30 06 ${str('a', 0x82)} ${str('b', 0x82)}`],
    ['substrings with a final not last', `a4 0c ${str('cn')} 30 06 ${str('a', 0x82)} ${str('b', 0x81)}`],
    ['substrings without substrings', `a4 06 ${str('cn')} 30 00`],
    ['substrings with an unknown choice', `a4 09 ${str('cn')} 30 03 ${str('a', 0x83)}`],
    ['substrings with a constructed choice', `a4 09 ${str('cn')} 30 03 ${str('a', 0xa0)}`],
    ['not without a filter', 'a2 00'],
    ['not with two filters', `a2 09 ${str('uid', 0x87)} ${str('cn', 0x87)}`],
    ['an and holding no filter', `a0 05 ${str('uid')}`],
    ['extensible without rule or type', `a9 03 ${str('x', 0x83)}`],
    ['extensible without a value', `a9 04 ${str('cn', 0x82)}`],
    ['extensible with an empty type', `a9 05 82 00 ${str('x', 0x83)}`],
    ['extensible with dnAttributes of 2 bytes', `a9 0b ${str('cn', 0x82)} ${str('x', 0x83)} 84 02 ff ff`],
    ['an unknown filter choice [10]', `aa 05 ${str('uid')}`],
    ['a universal filter', str('uid')],
  ])('PRO-1: %s is malformed', (_what, filterHex) => {
    expect(() => decodeRequest(searchWithFilter(filterHex))).toThrow(BerError);
  });
});

describe('PRO-1: LDAP message codec, responses', () => {
  it('PRO-1: a successful BindResponse, by hand from RFC 4511 §4.2.2', () => {
    expect(bindResponse(1, { code: ResultCode.success }).toString('hex')).toBe('300c020101' + '6107' + '0a0100' + '0400' + '0400');
    // saslBindInProgress (14) with serverSaslCreds [7].
    expect(bindResponse(1, { code: 14 }, hex('abcd')).toString('hex')).toBe('3010020101' + '610b' + '0a010e' + '0400' + '0400' + '8702abcd');
  });

  it('PRO-1: an LDAPResult carries matchedDN and the diagnostic message', () => {
    const bytes = ldapResult(ResponseTag.modify, 7, { code: ResultCode.unwillingToPerform, matchedDN: 'dc=x', message: 'no' });
    expect(bytes.toString('hex')).toBe(`3012020107670d0a0135${str('dc=x')}${str('no')}`);
    expect(ldapResult(ResponseTag.delete, 7, { code: 53 })[5]).toBe(0x6b);
    expect(compareResponse(3, { code: ResultCode.compareTrue }).toString('hex')).toBe('300c0201036f070a010604000400');
  });

  it('PRO-1: a SearchResultEntry, by hand from RFC 4511 §4.5.2', () => {
    const bytes = searchResultEntry(2, 'uid=a', [{ type: 'cn', values: ['A', Buffer.from('B')] }]);
    expect(bytes.toString('hex')).toBe(`301c020102 6417 ${str('uid=a')} 300e 300c ${str('cn')} 3106 ${str('A')} ${str('B')}`.replace(/ /g, ''));
    expect(searchResultEntry(2, 'uid=a', []).toString('hex')).toBe(`300e020102 6409 ${str('uid=a')} 3000`.replace(/ /g, ''));
  });

  it('PRO-1: long entries get long-form lengths that read back', () => {
    const values = Array.from({ length: 300 }, (_, i) => `member-${i}-${'x'.repeat(i)}`);
    const bytes = searchResultEntry(2 ** 31 - 1, 'cn=big', [{ type: 'member', values }]);
    expect(frame(bytes, bytes.length)).toEqual({ kind: 'message', bytes: bytes.length });
    const m = new BerReader(bytes).readSequence();
    expect(m.readInteger()).toBe(2 ** 31 - 1);
    const entry = m.readSequence(ResponseTag.searchEntry);
    expect(entry.readString()).toBe('cn=big');
    const attr = entry.readSequence().readSequence();
    expect(attr.readString()).toBe('member');
    const set = attr.readSequence(0x31);
    const read: string[] = [];
    while (!set.done) read.push(set.readString());
    expect(read).toEqual(values);
  });

  it('PRO-1: a SearchResultDone with the paged results response control (RFC 2696)', () => {
    const cookie = Buffer.from('next');
    const bytes = searchResultDone(2, { code: ResultCode.success }, [{ oid: PAGED_RESULTS_OID, critical: false, value: encodePagedControl(0, cookie) }]);
    const control = `3025 ${str(PAGED_RESULTS_OID)} 040b 3009 020100 ${str('next')}`;
    expect(bytes.toString('hex')).toBe(`3035 020102 6507 0a0100 0400 0400 a027 ${control}`.replace(/ /g, ''));
  });

  it('PRO-1: an ExtendedResponse with name and value, and one with neither', () => {
    expect(extendedResponse(4, { code: 0 }, { name: '1.2.3', value: hex('0102') }).toString('hex')).toBe(
      `3017 020104 7812 0a0100 0400 0400 ${str('1.2.3', 0x8a)} 8b020102`.replace(/ /g, ''),
    );
    expect(extendedResponse(4, { code: ResultCode.protocolError }).toString('hex')).toBe('300c020104' + '7807' + '0a0102' + '0400' + '0400');
  });

  it('PRO-1: the Notice of Disconnection is unsolicited: messageID 0 and its OID (RFC 4511 §4.4.1)', () => {
    expect(noticeOfDisconnection({ code: ResultCode.protocolError }).toString('hex')).toBe(
      `3024020100781f0a010204000400${str(NOTICE_OF_DISCONNECTION_OID, 0x8a)}`,
    );
  });

  it('PRO-1: a critical response control carries its criticality', () => {
    expect(ldapResult(ResponseTag.add, 1, { code: 0 }, [{ oid: '1.2', critical: true }]).toString('hex')).toBe(
      `3018 020101 6907 0a0100 0400 0400 a00a 3008 ${str('1.2')} 0101ff`.replace(/ /g, ''),
    );
  });
});

describe('PRO-1: LDAP control and extended values', () => {
  it('PRO-1: the paged results control value round-trips, and a bad one is malformed', () => {
    expect(encodePagedControl(10, Buffer.alloc(0)).toString('hex')).toBe('300502010a0400');
    expect(decodePagedControl(encodePagedControl(1000, Buffer.from([1, 2, 3])))).toEqual({ size: 1000, cookie: Buffer.from([1, 2, 3]) });
    for (const bad of ['', '3000', '3003 0201ff', '3005 0201ff 0400', '3005 02010a 0401', '300502010a0400 00', '3104 020100 0400']) {
      expect(() => decodePagedControl(hex(bad)), bad).toThrow(BerError);
    }
  });

  it('PRO-1: a Password Modify request value has three optional fields (RFC 3062 §2)', () => {
    expect(decodePasswordModify(hex('3000'))).toEqual({});
    const all = decodePasswordModify(hex(`3013 ${str('uid=ada', 0x80)} ${str('old', 0x81)} ${str('new', 0x82)}`));
    expect(all).toEqual({ userIdentity: 'uid=ada', oldPasswd: Buffer.from('old'), newPasswd: Buffer.from('new') });
    expect(decodePasswordModify(hex(`3005 ${str('new', 0x82)}`))).toEqual({ newPasswd: Buffer.from('new') });
    expect(decodePasswordModify(hex('3002 8000'))).toEqual({ userIdentity: '' });
    for (const bad of ['', '3001', '3003 8001ff', `3005 ${str('new', 0x82)} 00`, '30 03 80 05 61']) {
      expect(() => decodePasswordModify(hex(bad)), bad).toThrow(BerError);
    }
  });

  it('PRO-1: a Password Modify response value, with and without a generated password', () => {
    expect(encodePasswordModifyResponse({}).toString('hex')).toBe('3000');
    expect(encodePasswordModifyResponse({ genPasswd: 'abc' }).toString('hex')).toBe(`3005${str('abc', 0x80)}`);
  });
});
