import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../app.ts';
import { errorCatalogue } from './errors.ts';

describe('error catalogue', () => {
  it('SEC-3: every error code is documented in docs/errors.md, and every documented code exists', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]);
    const codes = errorCatalogue().map((e) => e.code);
    expect(codes.length).toBeGreaterThan(20);
    expect([...documented].sort()).toEqual([...codes].sort());
  });
});
