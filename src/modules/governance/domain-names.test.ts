import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { addressForms, normalizeDomainName } from './domain-names.ts';
import { isPublicMailDomain } from './public-mail-domains.ts';

const codeOf = (name: unknown) => {
  try {
    normalizeDomainName(name);
  } catch (e) {
    return isAppError(e) ? e.code : String(e);
  }
  return 'accepted';
};

describe('domain names', () => {
  it('GOV-2: names are trimmed, lower-cased, lose the trailing dot, and IDNs become A-labels', () => {
    expect(normalizeDomainName('  Example.COM. ')).toBe('example.com');
    expect(normalizeDomainName('Bücher.example')).toBe('xn--bcher-kva.example');
    expect(normalizeDomainName('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    expect(normalizeDomainName('münchen.de')).toBe('xn--mnchen-3ya.de');
    expect(normalizeDomainName('a-b.co.uk')).toBe('a-b.co.uk');
    // Full stops other than '.' become dots in the mapping, the trailing one included (UTS #46).
    expect(normalizeDomainName('example.com。')).toBe('example.com');
    expect(normalizeDomainName('Example．COM｡')).toBe('example.com');
    expect(normalizeDomainName('bücher。example。')).toBe('xn--bcher-kva.example');
    expect(codeOf('example.com。.')).toBe('governance.invalid_domain');
    expect(codeOf('example.com..')).toBe('governance.invalid_domain');
    expect(codeOf('gmail.com。')).toBe('governance.public_mail_domain');
    expect(codeOf('192.0.2.1。')).toBe('governance.invalid_domain');
    expect(addressForms('xn--bcher-kva.example')).toEqual(['xn--bcher-kva.example', 'bücher.example']);
    expect(addressForms('example.com')).toEqual(['example.com']);
  });

  it('GOV-2: addresses, single labels, bad labels and over-long names are refused', () => {
    for (const bad of ['', ' ', '.', 'localhost', 'com.', '192.0.2.1', '::1', '[::1]', '10.0.0.1.', 'a..b', '-a.example', 'a-.example', 'a_b.example', 'a b.example', 'x.123', `${'a'.repeat(64)}.com`, `${'abcdefghi.'.repeat(26)}com`, 42, null]) {
      expect(codeOf(bad), String(bad)).toBe('governance.invalid_domain');
    }
    expect(codeOf(`${'a'.repeat(63)}.com`)).toBe('accepted');
  });

  it('GOV-2: public mail domains, their country variants and their sub-domains are refused', () => {
    for (const name of ['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.co.jp', 'yahoo.fr', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'yandex.ru', 'yandex.com', 'yandex.com.tr', 'zoho.com', 'fastmail.com', 'tutanota.com', 'hey.com', 'qq.com', '163.com', 'eu.gmail.com']) {
      expect(isPublicMailDomain(name), name).toBe(true);
      expect(codeOf(name), name).toBe('governance.public_mail_domain');
    }
    for (const name of ['example.com', 'yahoo-fans.example', 'notgmail.com', 'gmail.com.example.org', 'yahoo.example.co.uk.corp']) expect(isPublicMailDomain(name), name).toBe(false);
  });
});
