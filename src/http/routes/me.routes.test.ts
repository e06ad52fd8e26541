import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { type TestApp, GOOD_PASSWORD, json, startTestApp, totpCode, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

describe.each(dialects)('MFA on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST', url: string, auth: Record<string, string>, payload?: object) =>
    t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const signIn = (email: string, password: string, totp?: string) =>
    t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password, ...(totp ? { totp } : {}) } });

  async function enrolled() {
    const u = await verifiedUser(t);
    const enrol = await call('POST', '/api/v1/me/mfa/totp', u.auth, { password: GOOD_PASSWORD });
    expect(enrol.statusCode).toBe(201);
    const { secret, otpauthUri } = json(enrol);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Castellan:.+\?.*secret=/);
    const confirm = await call('POST', '/api/v1/me/mfa/totp/confirm', u.auth, { code: totpCode(secret, t.clock) });
    expect(confirm.statusCode).toBe(200);
    return { ...u, secret, recoveryCodes: json(confirm).recoveryCodes as string[] };
  }

  it('ACC-5: enrolment gives a secret and otpauth URI; a wrong code does not turn MFA on', async () => {
    const u = await verifiedUser(t);
    const { secret } = json(await call('POST', '/api/v1/me/mfa/totp', u.auth, { password: GOOD_PASSWORD }));
    const wrong = await call('POST', '/api/v1/me/mfa/totp/confirm', u.auth, {
      code: '000000' === totpCode(secret, t.clock) ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(401);
    expect(json(wrong).code).toBe('accounts.invalid_mfa_code');
    expect(json(await call('GET', '/api/v1/me/mfa', u.auth)).enabled).toBe(false);
    // Until confirmed, sign-in needs no code.
    expect((await signIn(u.body.email, GOOD_PASSWORD)).statusCode).toBe(201);
  });

  it('ACC-5: once enrolled, sign-in needs a code; a code works once; ten single-use recovery codes', async () => {
    const u = await enrolled();
    expect(u.recoveryCodes).toHaveLength(10);
    expect(new Set(u.recoveryCodes).size).toBe(10);
    expect(json(await call('GET', '/api/v1/me/mfa', u.auth))).toEqual({ enabled: true, recoveryCodesLeft: 10 });

    const missing = await signIn(u.body.email, GOOD_PASSWORD);
    expect(missing.statusCode).toBe(401);
    expect(json(missing).code).toBe('accounts.mfa_required');

    (t.clock as ManualClock).advance(30_000);
    const code = totpCode(u.secret, t.clock);
    expect((await signIn(u.body.email, GOOD_PASSWORD, code)).statusCode).toBe(201);
    const replay = await signIn(u.body.email, GOOD_PASSWORD, code);
    expect(replay.statusCode).toBe(401);
    expect(json(replay).code).toBe('accounts.invalid_mfa_code');

    const recovery = u.recoveryCodes[0] as string;
    expect((await signIn(u.body.email, GOOD_PASSWORD, recovery.toUpperCase())).statusCode).toBe(201);
    expect((await signIn(u.body.email, GOOD_PASSWORD, recovery)).statusCode).toBe(401);
    expect(json(await call('GET', '/api/v1/me/mfa', u.auth)).recoveryCodesLeft).toBe(9);
    // A code with the wrong password is still just invalid credentials.
    expect(json(await signIn(u.body.email, 'wrong-password-1', totpCode(u.secret, t.clock, 1))).code).toBe(
      'accounts.invalid_credentials',
    );
  });

  it('ACC-5: turning MFA off asks for the password and a code; regenerated recovery codes replace the old ones', async () => {
    const u = await enrolled();
    const noCode = await call('POST', '/api/v1/me/mfa/recovery-codes', u.auth, { password: GOOD_PASSWORD });
    expect(noCode.statusCode).toBe(403);
    expect(json(noCode)).toMatchObject({ code: 'accounts.reauthentication_code_required', errors: [{ field: 'code' }] });
    const regen = await call('POST', '/api/v1/me/mfa/recovery-codes', u.auth, { password: GOOD_PASSWORD, code: u.recoveryCodes[5] });
    expect(regen.statusCode).toBe(200);
    (t.clock as ManualClock).advance(30_000);
    expect((await signIn(u.body.email, GOOD_PASSWORD, u.recoveryCodes[1])).statusCode).toBe(401);
    expect((await signIn(u.body.email, GOOD_PASSWORD, json(regen).recoveryCodes[0])).statusCode).toBe(201);

    (t.clock as ManualClock).advance(30_000);
    const wrong = await call('POST', '/api/v1/me/mfa/totp/disable', u.auth, { password: 'wrong-password-1', code: totpCode(u.secret, t.clock) });
    expect(wrong.statusCode).toBe(403);
    expect(json(await call('GET', '/api/v1/me/mfa', u.auth)).enabled).toBe(true);
    expect((await call('POST', '/api/v1/me/mfa/totp/disable', u.auth, { password: GOOD_PASSWORD, code: totpCode(u.secret, t.clock) })).statusCode).toBe(204);
    expect((await signIn(u.body.email, GOOD_PASSWORD)).statusCode).toBe(201);
    await t.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'Two-factor authentication was turned off');
  });

  it('ACC-5: enrolling twice is a conflict; SEC-1: MFA changes are audited', async () => {
    const u = await enrolled();
    const again = await call('POST', '/api/v1/me/mfa/totp', u.auth, {});
    expect(again.statusCode).toBe(409);
    expect(json(again).code).toBe('accounts.mfa_already_enabled');
    const log = json(await call('GET', `/api/v1/orgs/${u.organization.id}/audit?targetId=${u.accountId}`, u.auth));
    const actions = log.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['mfa.enrolment_started', 'mfa.enabled', 'account.email_verified', 'account.signup']),
    );
  });

  it('SEC-2: the TOTP secret is encrypted at rest and recovery codes are kept only as keyed hashes', async () => {
    const u = await enrolled();
    const row = await t.app.db
      .selectFrom('accounts')
      .select(['totp_secret_enc'])
      .where('id', '=', u.accountId)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret_enc).toMatch(/^v1\./);
    expect(row.totp_secret_enc).not.toContain(u.secret);
    const codes = await t.app.db.selectFrom('recovery_codes').select('code_hash').where('account_id', '=', u.accountId).execute();
    for (const c of codes) for (const plain of u.recoveryCodes) expect(c.code_hash).not.toContain(plain.replace('-', ''));
  });
});

describe.each(dialects)('profile on $name', (dialect) => {
  it('a user changes their own name; the change is audited', async () => {
    const t = await startTestApp(dialect);
    try {
      const u = await verifiedUser(t);
      const res = await t.app.http.inject({ method: 'PATCH', url: '/api/v1/me', headers: u.auth, payload: { name: '  Ada King ' } });
      expect(res.statusCode).toBe(200);
      expect(json(res).user.name).toBe('Ada King');
      const blank = await t.app.http.inject({ method: 'PATCH', url: '/api/v1/me', headers: u.auth, payload: { name: '   ' } });
      expect(blank.statusCode).toBe(422);
      expect(json(blank).errors[0].field).toBe('name');
      const log = await t.app.audit.list({ orgId: u.organization.id, action: 'account.profile_updated', limit: 5 });
      expect(log.items).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
