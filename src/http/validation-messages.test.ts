import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp, verifiedUser } from '../../test/helpers/app.ts';
import { dialects } from '../../test/helpers/databases.ts';
import { PATTERNS } from './validation-messages.ts';

/** Every `pattern` anywhere in a JSON schema document. */
function patternsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) patternsIn(n, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.add(value);
      else patternsIn(value, found);
    }
  }
  return found;
}

describe('validation messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialects[0]!);
  });
  afterAll(() => t.close());

  it('SEC-3: every pattern a route checks has a message written for people', async () => {
    const spec = json(await t.app.http.inject({ method: 'GET', url: '/openapi.json' }));
    const patterns = [...patternsIn(spec)];
    expect(patterns.length).toBeGreaterThan(3);
    expect(patterns.filter((p) => !(p in PATTERNS))).toEqual([]);
  });

  it('SEC-3: the API answers schema errors in words, never "must match pattern", and never repeats the value', async () => {
    const a = await verifiedUser(t);
    const url = `/api/v1/orgs/${a.organization.id}/users/${a.user.id}`;
    const res = await t.app.http.inject({ method: 'PATCH', url, headers: a.auth, payload: { loginShell: 'bash', name: '' } });
    expect(res.statusCode).toBe(400);
    const body = json(res);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { field: 'loginShell', message: 'must be an absolute path, starting with "/" (for example /bin/bash)' },
        { field: 'name', message: 'must not be empty' },
      ]),
    );
    expect(res.body).not.toMatch(/must match|must NOT|pattern/);
    expect(body.detail).toContain('loginShell must be an absolute path');

    const card = await t.app.http.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${a.organization.id}/billing/card`,
      headers: a.auth,
      payload: { number: '4242 4242 4242 4242', cvc: '73', expMonth: 13, expYear: 2030, holderName: 'Ada' },
    });
    expect(card.statusCode).toBe(400);
    expect(json(card).errors).toEqual(
      expect.arrayContaining([
        { field: 'number', message: 'must be 12 to 19 digits, without spaces' },
        { field: 'cvc', message: 'must be 3 or 4 digits' },
        { field: 'expMonth', message: 'must be 12 or less' },
      ]),
    );
    // Nothing of the card number comes back (the request id is random hex and may hold any digits).
    const { requestId: _requestId, ...answered } = json(card);
    expect(JSON.stringify(answered)).not.toContain('4242');
    expect(card.body).not.toContain('4242 4242');
  });
});
