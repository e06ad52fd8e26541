import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { type TestApp, GOOD_PASSWORD, json, settleMail, signIn, startTestApp, totpCode, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

describe.each(dialects)('step-up before security changes on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST', url: string, auth: Record<string, string>, payload?: object) =>
    t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const clock = () => t.clock as ManualClock;

  /** A user with TOTP on, enrolled with the password in the request. */
  async function withTotp() {
    const u = await verifiedUser(t);
    const { secret } = json(await call('POST', '/api/v1/me/mfa/totp', u.auth, { password: GOOD_PASSWORD }));
    const confirm = await call('POST', '/api/v1/me/mfa/totp/confirm', u.auth, { code: totpCode(secret, t.clock) });
    expect(confirm.statusCode).toBe(200);
    clock().advance(30_000);
    return { ...u, secret };
  }

  it('ACC-5: a session alone, however fresh, cannot enrol an authenticator or make any other security change', async () => {
    const u = await verifiedUser(t);
    for (const [url, body] of [
      ['/api/v1/me/mfa/totp', {}],
      ['/api/v1/me/password', { newPassword: 'marigold-lighthouse-93' }],
      ['/api/v1/me/email', { email: uniqueEmail('moved') }],
    ] as const) {
      const res = await call('POST', url, u.auth, body);
      expect(res.statusCode, url).toBe(403);
      expect(json(res).code, url).toBe('accounts.reauthentication_required');
    }
    expect(json(await call('GET', '/api/v1/me/mfa', u.auth)).enabled).toBe(false);
    const secrets = await t.app.db.selectFrom('accounts').select('totp_secret_enc').where('id', '=', u.accountId).executeTakeFirstOrThrow();
    expect(secrets.totp_secret_enc).toBeNull();
  });

  it('ACC-5: POST /me/reauth lets this session make security changes for five minutes, and no other session', async () => {
    const u = await verifiedUser(t);
    const other = await signIn(t, u.body.email, GOOD_PASSWORD);
    const reauth = await call('POST', '/api/v1/me/reauth', u.auth, { password: GOOD_PASSWORD });
    expect(reauth.statusCode).toBe(200);
    expect(new Date(json(reauth).until).getTime() - t.clock.now().getTime()).toBe(5 * 60_000);
    // The other session did not re-authenticate.
    expect(json(await call('POST', '/api/v1/me/mfa/totp', { authorization: `Bearer ${other.token}` }, {})).code).toBe('accounts.reauthentication_required');
    clock().advance(4 * 60_000);
    expect((await call('POST', '/api/v1/me/mfa/totp', u.auth, {})).statusCode).toBe(201);
    clock().advance(61_000);
    expect(json(await call('POST', '/api/v1/me/password', u.auth, { newPassword: 'marigold-lighthouse-93' })).code).toBe('accounts.reauthentication_required');
    const log = await t.app.audit.list({ orgId: u.organization.id, action: 'auth.reauthenticated', limit: 5 });
    expect(log.items).toHaveLength(1);
  });

  it('ACC-5: with TOTP on, re-authentication needs the code too; a wrong code is refused on the code field', async () => {
    const u = await withTotp();
    const noCode = await call('POST', '/api/v1/me/reauth', u.auth, { password: GOOD_PASSWORD });
    expect(noCode.statusCode).toBe(403);
    expect(json(noCode)).toMatchObject({ code: 'accounts.reauthentication_code_required', errors: [{ field: 'code' }] });
    const wrongCode = await call('POST', '/api/v1/me/reauth', u.auth, { password: GOOD_PASSWORD, code: totpCode(u.secret, t.clock) === '000000' ? '111111' : '000000' });
    expect(json(wrongCode)).toMatchObject({ code: 'accounts.reauthentication_failed', errors: [{ field: 'code' }] });
    expect((await call('POST', '/api/v1/me/reauth', u.auth, { password: GOOD_PASSWORD, code: totpCode(u.secret, t.clock) })).statusCode).toBe(200);
    const regen = await call('POST', '/api/v1/me/mfa/recovery-codes', u.auth, {});
    expect(regen.statusCode).toBe(200);
    expect(json(regen).recoveryCodes).toHaveLength(10);
  });

  it('ACC-7: every password entry is throttled like sign-in: after five wrong ones the right one is locked out', async () => {
    const u = await verifiedUser(t);
    for (let i = 0; i < 5; i++) expect((await call('POST', '/api/v1/me/reauth', u.auth, { password: `wrong-password-${i}` })).statusCode).toBe(403);
    const locked = await call('POST', '/api/v1/me/reauth', u.auth, { password: GOOD_PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(json(locked).code).toBe('accounts.locked');
    expect(json(await call('POST', '/api/v1/me/mfa/totp', u.auth, { password: GOOD_PASSWORD })).code).toBe('accounts.locked');
  });

  it('ACC-7: codes entered to confirm an enrolment are throttled too', async () => {
    const u = await verifiedUser(t);
    const { secret } = json(await call('POST', '/api/v1/me/mfa/totp', u.auth, { password: GOOD_PASSWORD }));
    const wrong = totpCode(secret, t.clock) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await call('POST', '/api/v1/me/mfa/totp/confirm', u.auth, { code: wrong })).statusCode).toBe(401);
    const locked = await call('POST', '/api/v1/me/mfa/totp/confirm', u.auth, { code: totpCode(secret, t.clock) });
    expect(locked.statusCode).toBe(429);
  });

  it('ACC-7: changing the address needs step-up, mails a link to the new address and a notice to the old; nothing changes until the link is opened', async () => {
    const u = await verifiedUser(t);
    const next = uniqueEmail('moved');
    expect((await call('POST', '/api/v1/me/email', u.auth, { email: next, password: GOOD_PASSWORD })).statusCode).toBe(202);
    expect(json(await call('GET', '/api/v1/me/email', u.auth)).pending).toBe(true);
    const link = await t.smtp.waitFor((m) => m.to === next && m.subject === 'Confirm your new email address');
    const notice = await t.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'A change of your email address was requested');
    expect(notice.text).not.toContain(next);
    expect(json(await call('GET', '/api/v1/me', u.auth)).account.email).toBe(u.body.email);

    const token = tokenFrom(link.text, '/change-email');
    expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/email-changes/confirm', payload: { token } })).statusCode).toBe(204);
    const again = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-changes/confirm', payload: { token } });
    expect(json(again).code).toBe('accounts.invalid_token');
    const me = json(await call('GET', '/api/v1/me', u.auth));
    expect(me.account).toMatchObject({ email: next, emailVerified: true });
    expect(me.user.email).toBe(next);
    await t.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'Your email address was changed');
    expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: next, password: GOOD_PASSWORD } })).statusCode).toBe(201);
    expect((await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: u.body.email, password: GOOD_PASSWORD } })).statusCode).toBe(401);
    const log = await t.app.audit.list({ orgId: u.organization.id, targetId: u.accountId, limit: 20 });
    expect(log.items.map((e) => e.action)).toEqual(expect.arrayContaining(['account.email_change_requested', 'account.email_changed']));
  });

  it('ACC-7: asking for an address that has an account answers the same, changes nothing and tells that address', async () => {
    const u = await verifiedUser(t);
    const taken = await verifiedUser(t);
    await settleMail(t);
    const res = await call('POST', '/api/v1/me/email', u.auth, { email: taken.body.email, password: GOOD_PASSWORD });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    await t.smtp.waitFor((m) => m.to === taken.body.email && m.subject === 'Someone asked to move an account to your address');
    expect(json(await call('GET', '/api/v1/me/email', u.auth)).pending).toBe(false);
    const same = await call('POST', '/api/v1/me/email', u.auth, { email: u.body.email.toUpperCase(), password: GOOD_PASSWORD });
    expect(json(same)).toMatchObject({ code: 'accounts.invalid_field', errors: [{ field: 'email' }] });
    const bad = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-changes/confirm', payload: { token: 'x'.repeat(43) } });
    expect(bad.statusCode).toBe(422);
    expect(json(bad).code).toBe('accounts.invalid_token');
  });
});
