import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { FieldCipher } from '../../core/crypto.ts';
import { type TestApp, GOOD_PASSWORD, json, signup, startTestApp, totpCode, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { type GoogleOp, type GoogleUser, startGoogleOp } from '../../../test/helpers/google-op.ts';

const CASTELLAN = 'http://castellan.test';
const FLOW = 'castellan_google_flow';
const PENDING = 'castellan_google_pending';

let subs = 0;
const newSub = () => `1${Date.now()}${subs++}`.padEnd(21, '7');

/** Values only the provider's ID tokens carry: ACC-4 says none of them may be kept. */
const PICTURE = 'https://lh3.googleusercontent.example/a/picture-9c1e55d0';
const LOCALE = 'kw-GB';
const HD = 'hosted-domain-4b7e.example';

const person = (email: string, over: Partial<GoogleUser> = {}): GoogleUser => ({
  email,
  email_verified: true,
  given_name: 'Grace',
  family_name: 'Hopper',
  picture: PICTURE,
  locale: LOCALE,
  // A Workspace account of the address's own domain: Google speaks for that mailbox.
  hd: email.slice(email.lastIndexOf('@') + 1),
  ...over,
});

const cookieOf = (res: LightMyRequestResponse, name: string) => (res.cookies as Array<{ name: string; value: string }>).find((c) => c.name === name)?.value;

describe.each(dialects)('Sign in with Google on $name', (dialect) => {
  let t: TestApp;
  let op: GoogleOp;

  beforeAll(async () => {
    op = await startGoogleOp(CASTELLAN);
    t = await startTestApp(dialect, { env: op.env });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, opts: { cookies?: Record<string, string>; payload?: object; headers?: Record<string, string> } = {}) =>
    t.app.http.inject({ method, url, ...(opts.cookies ? { cookies: opts.cookies } : {}), ...(opts.payload ? { payload: opts.payload } : {}), ...(opts.headers ? { headers: opts.headers } : {}) });

  /** Castellan's redirect to the provider, and the sealed flow cookie it set. */
  async function start(next?: string) {
    const res = await inject('GET', `/auth/google${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    expect(res.statusCode).toBe(302);
    const flow = cookieOf(res, FLOW);
    expect(flow).toBeTruthy();
    return { location: String(res.headers.location), flow: flow as string };
  }

  /** The whole round trip up to Castellan's answer to the callback. */
  async function googleSignIn(sub: string, user: GoogleUser, next?: string) {
    op.setUser(sub, user);
    const s = await start(next);
    const back = await op.signIn(s.location, sub);
    const res = await inject('GET', `${back.pathname}${back.search}`, { cookies: { [FLOW]: s.flow } });
    expect(res.statusCode).toBe(302);
    return { res, location: String(res.headers.location), session: cookieOf(res, 'castellan_session'), pending: cookieOf(res, PENDING) };
  }

  async function newGoogleAccount(sub: string, user: GoogleUser) {
    const cb = await googleSignIn(sub, user);
    expect(cb.location).toBe('/google/complete');
    const done = await inject('POST', '/api/v1/auth/google/signup', { cookies: { [PENDING]: cb.pending as string }, payload: { ageConfirmed: true, companyName: 'Compilers Inc' } });
    expect(done.statusCode, done.body).toBe(201);
    return json(done);
  }

  const accountByEmail = (email: string) => t.app.db.selectFrom('accounts').selectAll().where('email_normalized', '=', email.toLowerCase()).executeTakeFirst();

  it('ACC-4, DSR-8: a new person from Google gets an account only after confirming they are 16 or older, with the company name sign-up asks for', async () => {
    const email = uniqueEmail('google-new');
    const sub = newSub();
    const cb = await googleSignIn(sub, person(email), '/portal');
    expect(cb.location).toBe('/google/complete');
    expect(cb.session).toBeUndefined();
    const cookies = { [PENDING]: cb.pending as string };
    const pending = await inject('GET', '/api/v1/auth/google/pending', { cookies });
    expect(json(pending)).toEqual({ step: 'signup', email, givenName: 'Grace', familyName: 'Hopper' });

    const under16 = await inject('POST', '/api/v1/auth/google/signup', { cookies, payload: { ageConfirmed: false, companyName: 'Compilers Inc' } });
    expect(under16.statusCode).toBe(422);
    expect(json(under16).code).toBe('accounts.age_confirmation_required');
    expect(await accountByEmail(email)).toBeUndefined();

    const done = await inject('POST', '/api/v1/auth/google/signup', { cookies, payload: { ageConfirmed: true, companyName: 'Compilers Inc', personalization: false } });
    expect(done.statusCode, done.body).toBe(201);
    expect(json(done).next).toBe('/portal');
    expect(cookieOf(done, 'castellan_session')).toBeTruthy();
    const me = json(await inject('GET', '/api/v1/me', { headers: { authorization: `Bearer ${json(done).token}` } }));
    expect(me.account ?? me).toMatchObject({ email, name: 'Grace Hopper', emailVerified: true });

    const row = await accountByEmail(email);
    expect(row).toMatchObject({ google_sub: sub, google_email: email, google_given_name: 'Grace', google_family_name: 'Hopper', password_hash: null });
    expect(row?.email_verified_at).toBeTruthy();
    const actions = (await t.app.audit.list({ orgId: null, limit: 200 }, true)).items.filter((e: { target: { id: string } | null }) => e.target?.id === row?.id || JSON.stringify(e).includes(row?.id ?? '-')).map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['account.signup', 'account.google_linked', 'auth.signin']));
  });

  it('ACC-4: a person is known by Google\'s sub: after their address changed at Google they still sign in to the same account, whose own address stays', async () => {
    const email = uniqueEmail('google-sub');
    const sub = newSub();
    await newGoogleAccount(sub, person(email));
    const changed = uniqueEmail('google-renamed');
    const again = await googleSignIn(sub, person(changed), '/account');
    expect(again.location).toBe('/account');
    expect(again.session).toBeTruthy();
    const row = await t.app.db.selectFrom('accounts').selectAll().where('google_sub', '=', sub).executeTakeFirstOrThrow();
    expect(row.email).toBe(email);
    expect(row.google_email).toBe(changed);
    expect(await accountByEmail(changed)).toBeUndefined();

    // DSR-1, DSR-5: what is kept of Google is exported with the account, and erased with it.
    const subject = await t.app.rights.subjectOf({ accountId: row.id });
    const exported = await t.app.rights.registry.exportAll(subject);
    expect(exported.modules.accounts?.accounts?.[0]).toMatchObject({ google_sub: sub, google_email: changed, google_given_name: 'Grace', google_family_name: 'Hopper' });
    await t.app.rights.registry.eraseAll(subject, { basis: 'deletion_request', reference: null });
    expect(await t.app.db.selectFrom('accounts').select('id').where('google_sub', '=', sub).executeTakeFirst()).toBeUndefined();
    const after = await googleSignIn(sub, person(changed));
    expect(after.location).toBe('/google/complete');
  });

  it('ACC-4: never links automatically to a local account whose address was not verified (Keycloak #53041), nor lets it be linked', async () => {
    const s = await signup(t, { email: uniqueEmail('unverified') });
    const cb = await googleSignIn(newSub(), person(s.body.email));
    expect(cb.location).toBe('/sign-in?google=accounts.google_link_unverified');
    expect(cb.session).toBeUndefined();
    expect(cb.pending).toBeUndefined();
    const row = await accountByEmail(s.body.email);
    expect(row?.google_sub ?? null).toBeNull();
  });

  it('ACC-4: Google speaks only for Gmail addresses and its Workspace domain: another address it calls verified is treated as unverified', async () => {
    const email = uniqueEmail('google-foreign');
    const cb = await googleSignIn(newSub(), person(email, { hd: undefined }));
    expect(cb.location).toBe('/sign-in?google=accounts.google_email_unverified');
    const other = await googleSignIn(newSub(), person(uniqueEmail('google-foreign-hd'), { hd: 'elsewhere.example' }));
    expect(other.location).toBe('/sign-in?google=accounts.google_email_unverified');
    expect(await accountByEmail(email)).toBeUndefined();
  });

  it('ACC-4, SEC-3: a `next` that cannot go into a Location header lands on / instead of failing', async () => {
    for (const next of ['/中文', '/\u0001x', '/\u200bx']) {
      const cb = await googleSignIn(newSub(), person(uniqueEmail('google-next')), next);
      expect(cb.location).toBe('/google/complete');
      const done = await inject('POST', '/api/v1/auth/google/signup', { cookies: { [PENDING]: cb.pending as string }, payload: { ageConfirmed: true, companyName: 'Compilers Inc' } });
      expect(done.statusCode, done.body).toBe(201);
      expect(json(done).next).toBe('/');
    }
  });

  it('ACC-4: an address Google did not verify can neither make an account nor reach an existing one', async () => {
    const u = await verifiedUser(t);
    const onExisting = await googleSignIn(newSub(), person(u.body.email, { email_verified: false }));
    expect(onExisting.location).toBe('/sign-in?google=accounts.google_email_unverified');
    const email = uniqueEmail('google-unverified');
    const onNew = await googleSignIn(newSub(), person(email, { email_verified: false }));
    expect(onNew.location).toBe('/sign-in?google=accounts.google_email_unverified');
    expect(onNew.pending).toBeUndefined();
    expect(await accountByEmail(email)).toBeUndefined();
    expect((await accountByEmail(u.body.email))?.google_sub ?? null).toBeNull();
  });

  it('ACC-4: a verified local account with the same address is linked only once its password is given; then Google signs in to it', async () => {
    const u = await verifiedUser(t);
    const sub = newSub();
    const cb = await googleSignIn(sub, person(u.body.email));
    expect(cb.location).toBe('/google/complete');
    expect(cb.session).toBeUndefined();
    const cookies = { [PENDING]: cb.pending as string };
    expect(json(await inject('GET', '/api/v1/auth/google/pending', { cookies })).step).toBe('link');
    // Neither the sign-up step nor a wrong password links it.
    expect((await inject('POST', '/api/v1/auth/google/signup', { cookies, payload: { ageConfirmed: true, companyName: 'X' } })).statusCode).toBe(401);
    const wrong = await inject('POST', '/api/v1/auth/google/link', { cookies, payload: { password: 'not-the-password-1' } });
    expect(wrong.statusCode).toBe(401);
    expect(json(wrong).code).toBe('accounts.invalid_credentials');
    expect((await accountByEmail(u.body.email))?.google_sub ?? null).toBeNull();

    const linked = await inject('POST', '/api/v1/auth/google/link', { cookies, payload: { password: GOOD_PASSWORD } });
    expect(linked.statusCode, linked.body).toBe(201);
    expect(cookieOf(linked, 'castellan_session')).toBeTruthy();
    const row = await accountByEmail(u.body.email);
    expect(row?.google_sub).toBe(sub);
    const audit = await t.app.audit.list({ orgId: u.organization.id, action: 'account.google_linked', limit: 10 });
    expect(audit.items.map((e: { target: { id: string } | null }) => e.target?.id)).toContain(row?.id);

    const next = await googleSignIn(sub, person(u.body.email));
    expect(next.location).toBe('/');
    expect(next.session).toBeTruthy();

    // The account page shows the link; with a password, it can be undone.
    const auth = { authorization: `Bearer ${json(linked).token}` };
    expect(json(await inject('GET', '/api/v1/me/google', { headers: auth }))).toMatchObject({ enabled: true, linked: true, email: u.body.email, hasPassword: true });
    expect((await inject('DELETE', '/api/v1/me/google', { headers: auth })).statusCode).toBe(204);
    expect((await accountByEmail(u.body.email))?.google_sub ?? null).toBeNull();
    expect(json(await inject('DELETE', '/api/v1/me/google', { headers: auth })).code).toBe('accounts.google_not_linked');
  });

  it('ACC-4: an account made through Google cannot unlink it while it has no password', async () => {
    const done = await newGoogleAccount(newSub(), person(uniqueEmail('google-only')));
    const res = await inject('DELETE', '/api/v1/me/google', { headers: { authorization: `Bearer ${done.token}` } });
    expect(res.statusCode).toBe(409);
    expect(json(res).code).toBe('accounts.google_unlink_needs_password');
  });

  it('ACC-4, ACC-5: an account made through Google re-authenticates through Google (asked to sign in again) for a security change; another Google account or no session does not', async () => {
    const sub = newSub();
    const done = await newGoogleAccount(sub, person(uniqueEmail('google-stepup')));
    const auth = { authorization: `Bearer ${done.token}` };
    const enrol = () => inject('POST', '/api/v1/me/mfa/totp', { headers: auth, payload: {} });
    expect(json(await enrol()).code).toBe('accounts.reauthentication_required');

    const reauth = async (as: string, headers: Record<string, string>) => {
      const res = await inject('GET', '/auth/google?purpose=reauth&next=%2Faccount%2Fdata', { headers });
      expect(res.statusCode, res.body).toBe(302);
      const location = String(res.headers.location);
      expect(new URL(location).searchParams.get('prompt')).toBe('login');
      expect(new URL(location).searchParams.get('max_age')).toBe('0');
      const back = await op.signIn(location, as);
      return inject('GET', `${back.pathname}${back.search}`, { cookies: { [FLOW]: cookieOf(res, FLOW) as string }, headers });
    };

    // Another person's Google account does not re-authenticate this one.
    const other = newSub();
    op.setUser(other, person(uniqueEmail('google-other')));
    const wrong = await reauth(other, auth);
    expect(wrong.headers.location).toBe('/sign-in?google=accounts.google_sign_in_failed');
    expect(json(await enrol()).code).toBe('accounts.reauthentication_required');

    const right = await reauth(sub, auth);
    expect(right.headers.location).toBe('/account/data');
    expect(cookieOf(right, 'castellan_session')).toBeUndefined();
    const enrolled = await enrol();
    expect(enrolled.statusCode).toBe(201);

    // ACC-5: once the account has a second factor, the step-up through Google takes its code too, on the same session.
    expect((await inject('POST', '/api/v1/me/mfa/totp/confirm', { headers: auth, payload: { code: totpCode(json(enrolled).secret, t.clock) } })).statusCode).toBe(200);
    (t.clock as ManualClock).advance(6 * 60_000);
    const newCodes = () => inject('POST', '/api/v1/me/mfa/recovery-codes', { headers: auth, payload: {} });
    expect(json(await newCodes()).code).toBe('accounts.reauthentication_required');
    const withMfa = await reauth(sub, auth);
    expect(withMfa.headers.location).toBe('/google/complete');
    const pendingCookie = { [PENDING]: cookieOf(withMfa, PENDING) as string };
    expect(json(await newCodes()).code).toBe('accounts.reauthentication_required');
    const code = totpCode(json(enrolled).secret, t.clock);
    const elsewhere = await inject('POST', '/api/v1/auth/google/mfa', { cookies: pendingCookie, payload: { totp: code } });
    expect(json(elsewhere).code).toBe('accounts.google_pending_expired');
    const coded = await inject('POST', '/api/v1/auth/google/mfa', { cookies: pendingCookie, headers: auth, payload: { totp: code } });
    expect(coded.statusCode, coded.body).toBe(200);
    expect(json(coded).next).toBe('/account/data');
    expect(cookieOf(coded, 'castellan_session')).toBeUndefined();
    expect((await newCodes()).statusCode).toBeLessThan(300);

    // Without a session there is no one to re-authenticate; an account Google is not linked to has nothing to ask Google.
    expect((await inject('GET', '/auth/google?purpose=reauth')).statusCode).toBe(401);
    const local = await verifiedUser(t);
    expect(json(await inject('GET', '/auth/google?purpose=reauth', { headers: local.auth })).code).toBe('accounts.google_not_linked');
  });

  it('ACC-4, ACC-5: an account with two-step verification on takes its code after Google, like after its password', async () => {
    const u = await verifiedUser(t);
    const { secret } = json(await inject('POST', '/api/v1/me/mfa/totp', { headers: u.auth, payload: { password: GOOD_PASSWORD } }));
    expect((await inject('POST', '/api/v1/me/mfa/totp/confirm', { headers: u.auth, payload: { code: totpCode(secret, t.clock) } })).statusCode).toBe(200);
    (t.clock as ManualClock).advance(30_000);
    const sub = newSub();
    await t.app.db.updateTable('accounts').set({ google_sub: sub, google_linked_at: new Date().toISOString() }).where('email_normalized', '=', u.body.email.toLowerCase()).execute();
    const cb = await googleSignIn(sub, person(u.body.email));
    expect(cb.location).toBe('/google/complete');
    expect(cb.session).toBeUndefined();
    const cookies = { [PENDING]: cb.pending as string };
    expect(json(await inject('GET', '/api/v1/auth/google/pending', { cookies })).step).toBe('mfa');
    const wrong = await inject('POST', '/api/v1/auth/google/mfa', { cookies, payload: { totp: '000000' } });
    expect(json(wrong).code).toBe('accounts.invalid_mfa_code');
    const ok = await inject('POST', '/api/v1/auth/google/mfa', { cookies, payload: { totp: totpCode(secret, t.clock) } });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('ACC-4, ACC-6: a suspended person is refused as on the password path', async () => {
    const u = await verifiedUser(t);
    const sub = newSub();
    await t.app.db.updateTable('accounts').set({ google_sub: sub }).where('email_normalized', '=', u.body.email.toLowerCase()).execute();
    await t.app.db.updateTable('memberships').set({ status: 'suspended' }).where('org_id', '=', u.organization.id).execute();
    const cb = await googleSignIn(sub, person(u.body.email));
    expect(cb.location).toBe('/sign-in?google=accounts.account_suspended');
    expect(cb.session).toBeUndefined();
  });

  it('ACC-4, ACC-7: an account locked out by failed passwords is refused through Google too, until the lockout ends', async () => {
    const u = await verifiedUser(t);
    const sub = newSub();
    await t.app.db.updateTable('accounts').set({ google_sub: sub }).where('email_normalized', '=', u.body.email.toLowerCase()).execute();
    for (let i = 0; i < 5; i++) await inject('POST', '/api/v1/sessions', { payload: { email: u.body.email, password: `wrong-password-${i}` } });
    expect((await inject('POST', '/api/v1/sessions', { payload: { email: u.body.email, password: GOOD_PASSWORD } })).statusCode).toBe(429);
    const cb = await googleSignIn(sub, person(u.body.email));
    expect(cb.location).toBe('/sign-in?google=accounts.locked');
    expect(cb.session).toBeUndefined();
    (t.clock as ManualClock).advance(3600_000);
    expect((await googleSignIn(sub, person(u.body.email))).session).toBeTruthy();
  });

  it('ACC-4: an answer whose state does not match the flow, or whose ID token carries another nonce, or that comes without a flow, is refused', async () => {
    const sub = newSub();
    op.setUser(sub, person(uniqueEmail('google-state')));
    const first = await start();
    const second = await start();
    const back = await op.signIn(second.location, sub);
    const mismatched = await inject('GET', `${back.pathname}${back.search}`, { cookies: { [FLOW]: first.flow } });
    expect(mismatched.headers.location).toBe('/sign-in?google=accounts.google_sign_in_failed');
    expect(cookieOf(mismatched, 'castellan_session')).toBeUndefined();

    const noFlow = await inject('GET', `${back.pathname}${back.search}`);
    expect(noFlow.headers.location).toBe('/sign-in?google=accounts.google_sign_in_failed');

    // The right state and PKCE verifier, but another nonce than the one the ID token carries.
    const cipher = new FieldCipher(t.app.keys.encryption);
    const third = await start();
    const flow = JSON.parse(cipher.decrypt(third.flow, 'google:flow')) as Record<string, unknown>;
    const forged = cipher.encrypt(JSON.stringify({ ...flow, nonce: 'another-nonce-0123456789' }), 'google:flow');
    const back3 = await op.signIn(third.location, sub);
    const badNonce = await inject('GET', `${back3.pathname}${back3.search}`, { cookies: { [FLOW]: forged } });
    expect(badNonce.headers.location).toBe('/sign-in?google=accounts.google_sign_in_failed');
    expect(cookieOf(badNonce, 'castellan_session')).toBeUndefined();
    expect(cookieOf(badNonce, PENDING)).toBeUndefined();
    const failed = await t.app.audit.list({ orgId: null, action: 'auth.signin_failed', limit: 50 }, true);
    expect(failed.items.filter((e: { details: Record<string, unknown> | null }) => e.details?.channel === 'google').length).toBeGreaterThanOrEqual(3);
  });

  it('ACC-4: `next` lands only on a path of this site', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const cb = await googleSignIn(newSub(), person(uniqueEmail('google-next')), next);
      expect(cb.location).toBe('/google/complete');
      const done = await inject('POST', '/api/v1/auth/google/signup', { cookies: { [PENDING]: cb.pending as string }, payload: { ageConfirmed: true, companyName: 'Next Ltd' } });
      expect(json(done).next).toBe('/');
    }
    const bad = await inject('GET', `/auth/google?next=${'a'.repeat(501)}`);
    expect(bad.statusCode).toBe(400);
    expect((await inject('GET', '/auth/google?other=1')).statusCode).toBe(400);
  });

  it('ACC-4: after a Google sign-in whose ID token carried picture, locale and hosted domain, none of them is anywhere in the database', async () => {
    // A Gmail address, which Google speaks for whatever the token's hosted domain says.
    const email = uniqueEmail('google-inspect').replace('@example.com', '@gmail.com');
    const sub = newSub();
    await newGoogleAccount(sub, person(email, { hd: HD }));
    await googleSignIn(sub, person(email, { hd: HD }));
    const tables =
      dialect.name === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(t.app.db)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.app.db)).rows.map((r) => r.name);
    expect(tables).toContain('accounts');
    expect(tables.length).toBeGreaterThan(30);
    let found = false;
    for (const table of tables) {
      const rows = (await sql`select * from ${sql.table(table)}`.execute(t.app.db)).rows;
      const text = JSON.stringify(rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : typeof v === 'bigint' ? String(v) : v));
      if (text.includes(sub)) found = true;
      for (const value of [PICTURE, 'picture-9c1e55d0', LOCALE, HD]) expect(text, `${table} holds ${value}`).not.toContain(value);
    }
    // The inspection saw the link itself (a check that finds nothing anywhere would prove nothing).
    expect(found).toBe(true);
    for (const value of [PICTURE, LOCALE, HD]) expect(t.logs.join('\n')).not.toContain(value);
  });
});

describe.each(dialects)('Sign in with Google, not set up, on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  it('ACC-4: without CASTELLAN_GOOGLE_CLIENT_ID the button is hidden and every Google route answers 404 accounts.google_disabled', async () => {
    expect(json(await t.app.http.inject({ method: 'GET', url: '/api/v1/config' })).googleSignIn).toBe(false);
    for (const [method, url, payload] of [
      ['GET', '/auth/google', undefined],
      ['GET', '/auth/google/callback?code=x&state=y', undefined],
      ['GET', '/api/v1/auth/google/pending', undefined],
      ['POST', '/api/v1/auth/google/signup', { ageConfirmed: true, companyName: 'X' }],
      ['POST', '/api/v1/auth/google/link', { password: GOOD_PASSWORD }],
      ['POST', '/api/v1/auth/google/mfa', { totp: '123456' }],
    ] as const) {
      const res = await t.app.http.inject({ method, url, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(json(res).code).toBe('accounts.google_disabled');
    }
  });
});

describe.each(dialects)('Sign in with Google under the sign-in throttle on $name', (dialect) => {
  let t: TestApp;
  let op: GoogleOp;
  beforeAll(async () => {
    op = await startGoogleOp(CASTELLAN);
    t = await startTestApp(dialect, { env: { ...op.env, CASTELLAN_SIGNIN_IP_MAX_FAILURES: '3', CASTELLAN_LOCKOUT_SECONDS: '600' } });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  it('ACC-4, ACC-7: failed Google callbacks count against the address like failed passwords; then even a good one is refused until the lockout ends', async () => {
    // A callback without this browser's flow, or with Google's own refusal, any page can make a browser load: it is refused and not counted.
    for (let i = 0; i < 5; i++) {
      const res = await t.app.http.inject({ method: 'GET', url: `/auth/google/callback?code=forged-${i}&state=forged` });
      expect(res.headers.location).toBe('/sign-in?google=accounts.google_sign_in_failed');
    }
    // A forged code within a real flow reaches the exchange, and counts.
    for (let i = 0; i < 3; i++) {
      const s = await t.app.http.inject({ method: 'GET', url: '/auth/google' });
      const state = new URL(String(s.headers.location)).searchParams.get('state');
      const res = await t.app.http.inject({ method: 'GET', url: `/auth/google/callback?code=forged-${i}&state=${state}`, cookies: { [FLOW]: cookieOf(s, FLOW) as string } });
      expect(res.headers.location).toBe('/sign-in?google=accounts.google_sign_in_failed');
    }
    const sub = newSub();
    op.setUser(sub, person(uniqueEmail('google-locked')));
    const started = await t.app.http.inject({ method: 'GET', url: '/auth/google' });
    const back = await op.signIn(String(started.headers.location), sub);
    const locked = await t.app.http.inject({ method: 'GET', url: `${back.pathname}${back.search}`, cookies: { [FLOW]: cookieOf(started, FLOW) as string } });
    expect(locked.headers.location).toBe('/sign-in?google=accounts.locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Password sign-ins from the address are locked out too: one throttle for every channel.
    const password = await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: uniqueEmail('x'), password: GOOD_PASSWORD } });
    expect(password.statusCode).toBe(429);
    const lockouts = await t.app.audit.list({ orgId: null, action: 'auth.lockout', limit: 10 }, true);
    expect(lockouts.items.some((e: { details: Record<string, unknown> | null }) => e.details?.channel === 'google')).toBe(true);
  });
});
