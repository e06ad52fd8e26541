import { describe, expect, it } from 'vitest';
import { importSummary } from './transfer.ts';

const result = (patch: Partial<Parameters<typeof importSummary>[0]> = {}) => ({ created: 3, groupsCreated: 2, skipped: 0, passwordHashesKept: 0, passwordHashesIgnored: 0, ...patch });

describe('DIR-5: the console’s import notice', () => {
  it('says what a CSV import did, as before', () => {
    expect(importSummary(result(), false)).toBe('Imported 3 users and created 2 groups.');
    expect(importSummary(result({ created: 1, groupsCreated: 0 }), true)).toBe('Imported 1 user. An invitation is on the way.');
  });

  it('counts what an LDIF import skipped, and the password hashes it kept or not, never showing one', () => {
    expect(importSummary(result({ skipped: 4, passwordHashesKept: 2, passwordHashesIgnored: 1 }), false)).toBe(
      'Imported 3 users and created 2 groups. Skipped 4 entries that are neither a user nor a group. Kept 2 password hashes until their users sign in. 1 user’s password hash was not kept.',
    );
    expect(importSummary(result({ skipped: 1, passwordHashesKept: 1, passwordHashesIgnored: 2 }), false)).toBe(
      'Imported 3 users and created 2 groups. Skipped 1 entry that is neither a user nor a group. Kept 1 password hash until its user signs in. 2 users’ password hashes were not kept.',
    );
  });
});
