import { describe, expect, it } from 'vitest';
import { escapeDnValue, parseDn } from './dn.ts';

describe('DNs (RFC 4514)', () => {
  it('DIR-5: a value with DN syntax in it survives escaping and reading back', () => {
    for (const v of ['R&D, West', 'a+b', 'quote "x"', '#hash', ' lead', 'trail ', 'back\\slash', 'semi;colon', '<angle>', 'équipe', 'x=y']) {
      const dn = `cn=${escapeDnValue(v)},ou=groups,o=org_1`;
      expect(parseDn(dn)?.[0], v).toEqual({ type: 'cn', value: v });
      expect(parseDn(dn)?.slice(1)).toEqual([{ type: 'ou', value: 'groups' }, { type: 'o', value: 'org_1' }]);
    }
  });

  it('reads hex escapes as UTF-8, and refuses what is not a DN', () => {
    expect(parseDn('cn=R\\26D\\2C West,o=x')?.[0]?.value).toBe('R&D, West');
    expect(parseDn('cn=caf\\C3\\A9')?.[0]?.value).toBe('café');
    expect(parseDn('not a dn')).toBeUndefined();
    expect(parseDn('cn=x\\')).toBeUndefined();
    expect(parseDn('')).toEqual([]);
  });
});
