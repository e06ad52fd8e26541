import { describe, expect, it } from 'vitest';
import { fts5Match, matchScore, searchTerms, versionTokens } from './kb.query.ts';

describe('knowledge-base query text', () => {
  it('SUP-7: only words survive: FTS syntax, quotes and operators in user text become plain quoted words', () => {
    expect(searchTerms('How do I "configure" SSSD* -with NEAR(ldap, tls) AND OR NOT')).toEqual(['configure', 'sssd', 'near', 'ldap', 'tls']);
    expect(searchTerms('"*()-^:+\'')).toEqual([]);
    expect(searchTerms('the a of')).toEqual([]);
    expect(searchTerms('Café naïve ÜBER 東京 ldap LDAP')).toEqual(['café', 'naïve', 'über', '東京', 'ldap']);
    expect(searchTerms('a'.repeat(500))).toEqual(['a'.repeat(64)]);
    expect(searchTerms(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
    expect(fts5Match(['near', 'ldap'], 'OR')).toBe('"near" OR "ldap"');
    expect(fts5Match(['a"b'], 'AND')).toBe('"a""b"');
  });

  it('SUP-7: system versions are read from free text: dots, glued numbers and other names', () => {
    expect(versionTokens('Ubuntu 18.04.6 LTS')).toEqual(['ubuntu', '18.04.6', 'lts']);
    expect(versionTokens('RHEL7.9, win10')).toEqual(['rhel', '7.9', 'windows', '10']);
    expect(versionTokens('Red Hat Enterprise Linux 8')).toEqual(['rhel', '8']);
    expect(versionTokens('Mac OS X 12.6')).toEqual(['macos', '12.6']);
    const score = (text: string, system: string, version: string) => matchScore(versionTokens(text), versionTokens(system), versionTokens(version));
    expect(score('Ubuntu 18.04.6 LTS', 'Ubuntu', '18.04')).toBeGreaterThan(0);
    expect(score('our servers run ubuntu server 22.04', 'Ubuntu', '22.04')).toBeGreaterThan(0);
    expect(score('Debian GNU/Linux 12 (bookworm)', 'Debian', '12')).toBeGreaterThan(0);
    expect(score('windows 10 22H2', 'Windows', '10')).toBeGreaterThan(0);
    expect(score('windows 10 22H2', 'Windows', '11')).toBe(0);
    expect(score('Ubuntu 18.040', 'Ubuntu', '18.04')).toBe(0);
    expect(score('Ubuntu 20.04', 'Ubuntu', '18.04')).toBe(0);
    expect(score('Windows Server 2019', 'Windows', '10')).toBe(0);
    expect(score('Windows Server 2012 R2', 'Windows Server', '2012 R2')).toBeGreaterThan(score('Windows Server 2012 R2', 'Windows Server', '2012'));
    expect(score('Windows Server 2012', 'Windows Server', '2012 R2')).toBe(0);
    expect(score('macOS Sonoma 14.5', 'macOS', '14')).toBeGreaterThan(0);
    expect(score('Debian 10 11 12', 'Debian', '11')).toBe(0);
  });
});
