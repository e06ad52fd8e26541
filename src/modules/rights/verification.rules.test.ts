import { describe, expect, it } from 'vitest';
import { type DataPointFacts, excludedPoint, matchPoints, requirementFor } from './verification.rules.ts';

const facts: DataPointFacts = { names: ['Grace Hopper'], organizations: ['Lighthouse Works'], usernames: ['ghopper'], inviters: ['ada@example.com'], sensitive: false };

describe('verification rules', () => {
  it('DSR-2: 2 data points for categories and corrections, 3 and a declaration for specific pieces and for deleting sensitive data', () => {
    expect(requirementFor('know', true)).toEqual({ points: 2, declaration: false });
    expect(requirementFor('correct', true)).toEqual({ points: 2, declaration: false });
    expect(requirementFor('access', false)).toEqual({ points: 3, declaration: true });
    expect(requirementFor('delete', true)).toEqual({ points: 3, declaration: true });
    expect(requirementFor('delete', false)).toEqual({ points: 2, declaration: false });
  });

  it('DSR-2: data points match as people write them, and only the kinds that matched are answered', () => {
    expect(matchPoints({ name: '  grace   HOPPER ', organization: 'Lighthouse', username: 'ghopper', invitedBy: 'ADA@example.com' }, facts, null)).toEqual(['name', 'username', 'invitedBy']);
    expect(matchPoints({ name: '', username: ' ' }, facts, null)).toEqual([]);
    expect(matchPoints({}, { ...facts, names: [] }, null)).toEqual([]);
  });

  it('DSR-2: a correction is never verified by the field being corrected', () => {
    expect(excludedPoint('correct', 'name')).toBe('name');
    expect(excludedPoint('correct', 'Display Name')).toBe('name');
    expect(excludedPoint('correct', 'username')).toBe('username');
    expect(excludedPoint('know', 'name')).toBeNull();
    expect(matchPoints({ name: 'Grace Hopper', organization: 'Lighthouse Works' }, facts, excludedPoint('correct', 'name'))).toEqual(['organization']);
  });
});
