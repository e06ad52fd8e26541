import { describe, expect, it } from 'vitest';
import { safeReturnPath, signInPath } from './navigation.ts';

describe('the sign-in return path', () => {
  it('SUP-6: a verification link survives the detour through sign-in', () => {
    const path = '/support/verify?token=abc_DEF-123';
    expect(signInPath(path)).toBe('/sign-in?next=%2Fsupport%2Fverify%3Ftoken%3Dabc_DEF-123');
    expect(safeReturnPath(new URLSearchParams(signInPath(path).split('?')[1]).get('next'))).toBe(path);
  });

  it('UI: only paths on this site are followed, never another origin', () => {
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', '', null, undefined]) {
      expect(safeReturnPath(bad)).toBeNull();
    }
    expect(safeReturnPath('/console/support')).toBe('/console/support');
  });
});
