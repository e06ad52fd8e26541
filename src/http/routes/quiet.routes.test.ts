import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

/** Issue 13, item 18: what the web app asks on every page answers without a failure when the answer is "no". */
describe.each(dialects)('quiet probes on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_PAYMENT_PROVIDER: 'test' } });
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.http.inject({ method: 'GET', url, headers });

  it('ACC-6: GET /api/v1/session answers signedIn false without a session (never a 401), true with one, false once it is revoked', async () => {
    const anonymous = await get('/api/v1/session');
    expect(anonymous.statusCode).toBe(200);
    expect(json(anonymous)).toEqual({ signedIn: false });
    expect(json(await get('/api/v1/session', { cookie: 'castellan_session=forged' }))).toEqual({ signedIn: false });
    expect(json(await get('/api/v1/session', { authorization: 'Bearer forged' }))).toEqual({ signedIn: false });

    const u = await verifiedUser(t);
    expect(json(await get('/api/v1/session', u.auth))).toEqual({ signedIn: true });
    expect((await t.app.http.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: u.auth })).statusCode).toBe(204);
    const after = await get('/api/v1/session', u.auth);
    expect(after.statusCode).toBe(200);
    expect(json(after)).toEqual({ signedIn: false });
  });

  it('PRV-10: GET …/billing answers {card: null} when there is no card (no billing.no_card 404), then the card by brand and last 4 only', async () => {
    const a = await verifiedUser(t);
    const url = `/api/v1/orgs/${a.organization.id}/billing`;
    const none = await get(url, a.auth);
    expect(none.statusCode).toBe(200);
    expect(json(none)).toEqual({ card: null });
    const put = await t.app.http.inject({
      method: 'PUT',
      url: `${url}/card`,
      headers: a.auth,
      payload: { number: '4242424242424242', cvc: '123', expMonth: 12, expYear: 2040, holderName: 'Ada Lovelace' },
    });
    expect(put.statusCode, put.body).toBe(200);
    const some = json(await get(url, a.auth));
    expect(some.card).toMatchObject({ brand: 'visa', last4: '4242', holderName: 'Ada Lovelace' });
    expect(JSON.stringify(some)).not.toContain('4242424242424242');
    // Another organization's billing is not found (DIR-1); a member who is not an admin may not read it.
    const b = await verifiedUser(t);
    expect((await get(`/api/v1/orgs/${b.organization.id}/billing`, a.auth)).statusCode).toBe(404);
    expect((await get(url)).statusCode).toBe(401);
  });
});
