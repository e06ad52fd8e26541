import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/helpers/databases.ts';
import { type TestApp, json, signup, signupBody, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

async function count(t: TestApp, table: 'accounts' | 'memberships' | 'organizations' | 'mail_outbox' | 'audit_log' | 'one_time_tokens') {
  const r = await t.app.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe.each(dialects)('accounts on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  it('ACC-1: sign-up creates the user as admin of a new organization on the free plan', async () => {
    const body = signupBody({ companySize: '11-50', phone: '+1 303 555 0100', address: '1 Main St, Denver CO 80202' });
    const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/signup', payload: body });
    expect(res.statusCode).toBe(201);
    const { user, organization } = json(res);
    expect(user).toMatchObject({ email: body.email, name: body.name, orgRole: 'admin', kind: 'user', emailVerified: false });
    expect(organization).toMatchObject({ name: body.companyName, plan: 'free', companySize: '11-50', phone: '+1 303 555 0100' });
    expect(user.orgId).toBe(organization.id);
    expect(res.body).not.toContain('argon2');
    expect(res.body).not.toContain(body.password);
  });

  it('DSR-8: without the age confirmation nothing at all is stored', async () => {
    const before = await Promise.all(
      (['accounts', 'memberships', 'organizations', 'mail_outbox', 'audit_log', 'one_time_tokens'] as const).map((x) => count(t, x)),
    );
    for (const ageConfirmed of [false, undefined, 'true', 1]) {
      const payload = signupBody({ ageConfirmed });
      if (ageConfirmed === undefined) delete (payload as Record<string, unknown>).ageConfirmed;
      const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/signup', payload });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const refused = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/signup',
      payload: signupBody({ ageConfirmed: false }),
    });
    expect(json(refused).type).toBe('urn:castellan:problem:accounts.age_confirmation_required');
    const after = await Promise.all(
      (['accounts', 'memberships', 'organizations', 'mail_outbox', 'audit_log', 'one_time_tokens'] as const).map((x) => count(t, x)),
    );
    expect(after).toEqual(before);
  });

  it('ACC-3: the emailed single-use token verifies the address, once', async () => {
    const s = await signup(t);
    const mail = await t.smtp.waitFor((m) => m.to === s.body.email);
    expect(mail.subject).toBe('Verify your email address');
    const token = tokenFrom(mail.text, '/verify-email');
    const ok = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-verification', payload: { token } });
    expect(ok.statusCode).toBe(200);
    expect(json(ok).user.emailVerified).toBe(true);
    const again = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-verification', payload: { token } });
    expect(again.statusCode).toBe(422);
    expect(json(again).code).toBe('accounts.invalid_token');
  });

  it('ACC-7: sign-up with an email that has an account answers alike and tells the owner by email', async () => {
    const first = await signup(t);
    const again = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/signup',
      payload: signupBody({ email: first.body.email.toUpperCase() }),
    });
    expect(again.statusCode).toBe(201);
    expect(Object.keys(json(again))).toEqual(['user', 'organization']);
    await t.smtp.waitFor((m) => m.to === first.body.email && m.subject.startsWith('Someone tried to sign up'));
    const users = await t.app.db
      .selectFrom('accounts')
      .select('id')
      .where('email_normalized', '=', first.body.email.toLowerCase())
      .execute();
    expect(users).toHaveLength(1);
  });

  it('ACC-2: short and common passwords are refused with a clear error, and nothing is stored', async () => {
    const before = await count(t, 'accounts');
    for (const [password, reason] of [
      ['short1!', 'too_short'],
      ['password1234', 'common'],
      ['qwertyuiop', 'common'],
    ] as const) {
      const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/signup', payload: signupBody({ password }) });
      expect(res.statusCode).toBe(422);
      const p = json(res);
      expect(p.code).toBe('accounts.weak_password');
      expect(p.reason).toBe(reason);
      expect(p.errors[0].field).toBe('password');
    }
    expect(await count(t, 'accounts')).toBe(before);
  });

  it('ACC-2: passwords are stored as argon2id with m >= 19 MiB and t >= 2 (the core with its real hasher)', async () => {
    // The other tests hash with a cheap hasher; this one keeps the real parameters.
    const real = await startTestApp(dialect, { realHasher: true });
    const s = await signup(real);
    const row = await real.app.db.selectFrom('accounts').select('password_hash').where('email_normalized', '=', s.body.email.toLowerCase()).executeTakeFirstOrThrow();
    await real.close();
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(row.password_hash ?? '');
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(19 * 1024);
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(2);
  });

  it('GET /api/v1/me answers the user and organization by bearer token', async () => {
    const u = await verifiedUser(t, { email: uniqueEmail('me') });
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth });
    expect(res.statusCode).toBe(200);
    expect(json(res).user).toMatchObject({ email: u.body.email, emailVerified: true });
    expect(json(res).organization.id).toBe(u.organization.id);
  });
});
