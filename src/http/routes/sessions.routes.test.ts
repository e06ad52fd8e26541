import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { type TestApp, GOOD_PASSWORD, json, settleMail, signup, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

const post = (t: TestApp, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.http.inject({ method: 'POST', url, payload: payload as object, headers });

/** The problem body without its per-request fields. */
const stable = (body: Record<string, unknown>) => {
  const { requestId: _r, ...rest } = body;
  return rest;
};

describe.each(dialects)('sessions on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_SIGNIN_MAX_FAILURES: '3', CASTELLAN_LOCKOUT_SECONDS: '600' } });
  });
  afterAll(() => t.close());

  it('ACC-7: a wrong password and an unknown email get the same 401 body', async () => {
    const u = await verifiedUser(t);
    const wrong = await post(t, '/api/v1/sessions', { email: u.body.email, password: 'not-the-password-9' });
    const unknown = await post(t, '/api/v1/sessions', { email: uniqueEmail('nobody'), password: 'not-the-password-9' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(stable(json(wrong))).toEqual(stable(json(unknown)));
    expect(json(wrong).code).toBe('accounts.invalid_credentials');
  });

  it('ACC-7: repeated failures lock the account with 429 and Retry-After, also for the right password, then it opens again', async () => {
    const u = await verifiedUser(t);
    for (let i = 0; i < 3; i++) {
      expect((await post(t, '/api/v1/sessions', { email: u.body.email, password: `wrong-password-${i}` })).statusCode).toBe(401);
    }
    const locked = await post(t, '/api/v1/sessions', { email: u.body.email, password: GOOD_PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(json(locked).code).toBe('accounts.locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(600);
    // An unknown email is locked out the same way, so a lockout reveals nothing either.
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 3; i++) await post(t, '/api/v1/sessions', { email: ghost, password: `wrong-password-${i}` });
    const ghostLocked = await post(t, '/api/v1/sessions', { email: ghost, password: GOOD_PASSWORD });
    expect(ghostLocked.statusCode).toBe(429);
    expect(stable(json(ghostLocked))).toEqual(stable(json(locked)));

    const lockouts = await t.app.audit.list({ orgId: u.organization.id, action: 'auth.lockout', limit: 10 });
    expect(lockouts.items).toHaveLength(1);
    (t.clock as ManualClock).advance(601_000);
    expect((await post(t, '/api/v1/sessions', { email: u.body.email, password: GOOD_PASSWORD })).statusCode).toBe(201);
  });

  it('ACC-5 and ACC-6: sign-in sets an HttpOnly cookie; the cookie works, writes need the CSRF token, sign-out ends it', async () => {
    const u = await verifiedUser(t);
    const res = await post(t, '/api/v1/sessions', { email: u.body.email, password: GOOD_PASSWORD });
    expect(res.statusCode).toBe(201);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/castellan_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const { token, csrfToken } = json(res);
    const cookie = `castellan_session=${token}`;
    const me = await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(json(me).csrfToken).toBe(csrfToken);

    const noCsrf = await t.app.http.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: { cookie } });
    expect(noCsrf.statusCode).toBe(403);
    expect(json(noCsrf).code).toBe('http.csrf_failed');
    const badCsrf = await t.app.http.inject({
      method: 'DELETE',
      url: '/api/v1/sessions/current',
      headers: { cookie, 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(badCsrf.statusCode).toBe(403);

    const out = await t.app.http.inject({
      method: 'DELETE',
      url: '/api/v1/sessions/current',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    expect(
      (await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(401);
  });

  it('a bearer token needs no CSRF token, and a garbage token is simply unauthenticated', async () => {
    const u = await verifiedUser(t);
    const out = await t.app.http.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: u.auth });
    expect(out.statusCode).toBe(204);
    for (const authorization of ['Bearer', 'Bearer x', `Bearer ${'a'.repeat(500)}`, 'Basic Zm9vOmJhcg==', u.auth.authorization]) {
      const r = await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });
      expect(r.statusCode).toBe(401);
      expect(json(r).code).toBe('common.unauthenticated');
    }
  });

  it('ACC-6: sessions expire', async () => {
    const u = await verifiedUser(t);
    (t.clock as ManualClock).advance(t.app.config.sessionTtlSeconds * 1000 + 1000);
    expect((await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth })).statusCode).toBe(401);
  });

  it('ACC-2: a reset link sets a new password once, ends every session, and the old password stops working', async () => {
    const u = await verifiedUser(t);
    const other = await post(t, '/api/v1/sessions', { email: u.body.email, password: GOOD_PASSWORD });
    expect((await post(t, '/api/v1/password-resets', { email: u.body.email })).statusCode).toBe(202);
    const mail = await t.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'Reset your password');
    const token = tokenFrom(mail.text, '/reset-password');

    const weak = await post(t, '/api/v1/password-resets/confirm', { token, password: 'password' });
    expect(weak.statusCode).toBe(422);
    expect(json(weak).code).toBe('accounts.weak_password');

    const next = 'saffron-glacier-orbit-77';
    expect((await post(t, '/api/v1/password-resets/confirm', { token, password: next })).statusCode).toBe(204);
    const reused = await post(t, '/api/v1/password-resets/confirm', { token, password: 'another-good-password-5' });
    expect(reused.statusCode).toBe(422);
    expect(json(reused).code).toBe('accounts.invalid_token');

    for (const auth of [u.auth, { authorization: `Bearer ${json(other).token}` }]) {
      expect((await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: auth })).statusCode).toBe(401);
    }
    expect((await post(t, '/api/v1/sessions', { email: u.body.email, password: GOOD_PASSWORD })).statusCode).toBe(401);
    expect((await post(t, '/api/v1/sessions', { email: u.body.email, password: next })).statusCode).toBe(201);
    await t.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'Your password was changed');
  });

  it('ACC-7: a reset request answers 202 alike for unknown emails and sends nothing', async () => {
    const before = t.smtp.messages.length;
    const email = uniqueEmail('unknown');
    const res = await post(t, '/api/v1/password-resets', { email });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    await settleMail(t);
    expect(t.smtp.messages.slice(before).filter((m) => m.to === email)).toHaveLength(0);
  });

  it('ACC-7: a reset request does the same work for a known and an unknown address: it queues one sealed job', async () => {
    const u = await verifiedUser(t);
    await settleMail(t);
    const unknown = uniqueEmail('nobody');
    const jobsOf = () => t.app.db.selectFrom('jobs').select(['id', 'payload']).where('kind', '=', 'accounts.password_reset').execute();
    const before = new Set((await jobsOf()).map((j) => j.id));
    for (const email of [u.body.email, unknown]) expect((await post(t, '/api/v1/password-resets', { email })).statusCode).toBe(202);
    const queued = (await jobsOf()).filter((j) => !before.has(j.id));
    expect(queued).toHaveLength(2);
    // Neither the address nor the requester's IP is readable in the jobs table.
    for (const j of queued) expect(j.payload).not.toMatch(/@|example|127\.0\.0\.1/);
    await settleMail(t);
    const resetTokens = await t.app.db.selectFrom('one_time_tokens').select('id').where('account_id', '=', u.accountId).where('purpose', '=', 'reset_password').execute();
    expect(resetTokens).toHaveLength(1);
    await t.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'Reset your password');
    expect(t.smtp.messages.filter((m) => m.to === unknown)).toHaveLength(0);
  });

  it('ACC-7: reset requests are rate limited per email with 429 and Retry-After', async () => {
    const s = await signup(t);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await post(t, '/api/v1/password-resets', { email: s.body.email })).statusCode);
    expect(codes.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(codes[5]).toBe(429);
    const last = await post(t, '/api/v1/password-resets', { email: s.body.email });
    expect(last.headers['retry-after']).toBeDefined();
  });

  it('ACC-7: guessing verification tokens is locked out per address', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await t.app.http.inject({
        method: 'POST',
        url: '/api/v1/email-verification',
        payload: { token: `guess-${i}-${'x'.repeat(30)}` },
        headers,
        remoteAddress: '198.51.100.7',
      });
      codes.push(r.statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 422)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
  });

  it('ACC-2: changing the password asks for the current one and ends the other sessions', async () => {
    const u = await verifiedUser(t);
    const other = json(await post(t, '/api/v1/sessions', { email: u.body.email, password: GOOD_PASSWORD }));
    const wrong = await post(
      t,
      '/api/v1/me/password',
      { currentPassword: 'not-it-at-all-1', newPassword: 'ember-canyon-quartz-88' },
      u.auth,
    );
    expect(wrong.statusCode).toBe(403);
    expect(json(wrong).errors[0].field).toBe('currentPassword');
    const ok = await post(
      t,
      '/api/v1/me/password',
      { currentPassword: GOOD_PASSWORD, newPassword: 'ember-canyon-quartz-88' },
      u.auth,
    );
    expect(ok.statusCode).toBe(204);
    expect((await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth })).statusCode).toBe(200);
    expect(
      (await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${other.token}` } }))
        .statusCode,
    ).toBe(401);
  });

  it('ACC-6: a user lists their sessions and revokes one; another user cannot revoke it', async () => {
    const u = await verifiedUser(t);
    const second = json(await post(t, '/api/v1/sessions', { email: u.body.email, password: GOOD_PASSWORD }));
    const list = json(await t.app.http.inject({ method: 'GET', url: '/api/v1/me/sessions', headers: u.auth }));
    expect(list.items).toHaveLength(2);
    const target = list.items.find((s: { current: boolean }) => !s.current);
    const stranger = await verifiedUser(t);
    const foreign = await t.app.http.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${target.id}`,
      headers: stranger.auth,
    });
    expect(foreign.statusCode).toBe(404);
    const ok = await t.app.http.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${target.id}`, headers: u.auth });
    expect(ok.statusCode).toBe(204);
    expect(
      (await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${second.token}` } }))
        .statusCode,
    ).toBe(401);
  });
});

describe.each(dialects)('housekeeping on $name', (dialect) => {
  it('ACC-6: expired sessions, spent tokens and finished lockouts are removed', async () => {
    const t = await startTestApp(dialect);
    try {
      const u = await verifiedUser(t);
      await t.app.http.inject({
        method: 'POST',
        url: '/api/v1/sessions',
        payload: { email: u.body.email, password: 'wrong-password-1' },
      });
      const count = async (table: 'sessions' | 'one_time_tokens' | 'throttles') =>
        Number(
          (
            await t.app.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await t.app.accounts.housekeeping()).toEqual({ sessions: 0, tokens: 0, throttles: 0 });
      expect(await count('sessions')).toBe(1);
      (t.clock as ManualClock).advance(t.app.config.sessionTtlSeconds * 1000 + 1000);
      const removed = await t.app.accounts.housekeeping();
      expect(removed.sessions).toBe(1);
      expect(removed.tokens).toBeGreaterThanOrEqual(1);
      expect(removed.throttles).toBeGreaterThanOrEqual(1);
      expect(await count('sessions')).toBe(0);
      expect(await count('one_time_tokens')).toBe(0);
    } finally {
      await t.close();
    }
  });
});
