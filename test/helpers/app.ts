import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { type App, buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Caller, STAFF_ROLES_NEEDING_MFA, type StaffRole } from '../../src/core/caller.ts';
import { type Clock, ManualClock } from '../../src/core/clock.ts';
import { anonymousContext, systemContext } from '../../src/core/context.ts';
import { sha256 } from '../../src/core/crypto.ts';
import { csrfTokenFor } from '../../src/http/auth.ts';
import { whoAmI } from '../../src/http/people.ts';
import { type PasswordHasher, callerOfSession } from '../../src/modules/accounts/index.ts';
import { fastHasher } from './hasher.ts';
import type { TestDatabase, TestDialect } from './databases.ts';
import { type SmtpSink, startSmtpSink, tokenFrom } from './smtp.ts';

export interface TestApp {
  app: App;
  db: TestDatabase;
  smtp: SmtpSink;
  clock: Clock;
  /** Every line the server logged, as JSON text. */
  logs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Use the real system clock instead of a manual one. */
  realClock?: boolean;
  /** Hash passwords with the real argon2id parameters (ACC-2) instead of the cheap test hasher. */
  realHasher?: boolean;
  /** Another hasher to use (a counting one). */
  hasher?: PasswordHasher;
  /** PRV-8: publish the starter privacy policy at start, as every install does (default); false for tests that publish from nothing. */
  starterPolicy?: boolean;
}

/** The local operator at the command line, for fixtures that act as it (adding staff). */
export const OPERATOR: Caller = { kind: 'operator' };

/** A Castellan on a real database, sending mail over real SMTP to a sink on loopback. */
export async function startTestApp(dialect: TestDialect, opts: TestAppOptions = {}): Promise<TestApp> {
  const db = await dialect.openMigrated();
  const smtp = await startSmtpSink();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const config = loadConfig({
    CASTELLAN_DATA_DIR: db.dataDir,
    CASTELLAN_SMTP_URL: smtp.url,
    CASTELLAN_PUBLIC_URL: 'http://castellan.test',
    CASTELLAN_MAIL_POLL_MS: '50',
    CASTELLAN_PAYMENT_PROVIDER: 'test',
    CASTELLAN_LOG_LEVEL: 'info',
    ...opts.env,
  });
  const clock = opts.clock ?? (opts.realClock ? undefined : new ManualClock(new Date()));
  const app = await buildApp({ config, database: db.handle, clock, logStream, starterPolicy: opts.starterPolicy ?? true, ...(opts.realHasher ? {} : { hasher: opts.hasher ?? fastHasher }) });
  return {
    app,
    db,
    smtp,
    clock: app.clock,
    logs,
    async close() {
      await app.close();
      await smtp.close();
      await db.cleanup();
    },
  };
}

export const json = (r: LightMyRequestResponse) => r.json() as Record<string, any>;

let counter = 0;
// Digits only after the prefix, so that a search for letters in a test never matches the address by chance.
export const uniqueEmail = (prefix = 'user') => `${prefix}.${Date.now()}.${counter++}@example.com`;

export const GOOD_PASSWORD = 'violet-harbour-lantern-42';

export function signupBody(overrides: Record<string, unknown> = {}) {
  return {
    email: uniqueEmail(),
    password: GOOD_PASSWORD,
    name: 'Ada Lovelace',
    companyName: 'Analytical Engines Ltd',
    ageConfirmed: true,
    ...overrides,
  };
}

export async function signup(t: TestApp, overrides: Record<string, unknown> = {}) {
  const body = signupBody(overrides);
  const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/signup', payload: body });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  return { body, ...(json(res) as { user: any; organization: any }) };
}

/** Signs up through the HTTP API, verifies the email through the link that arrived by SMTP, and signs in (for tests about those steps). */
export async function verifiedUserByMail(t: TestApp, overrides: Record<string, unknown> = {}) {
  const s = await signup(t, overrides);
  const mail = await t.smtp.waitFor((m) => m.to === s.body.email && m.subject.includes('Verify'));
  const token = tokenFrom(mail.text, '/verify-email');
  const v = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-verification', payload: { token } });
  if (v.statusCode !== 200) throw new Error(`verification failed: ${v.body}`);
  const session = await signIn(t, s.body.email, s.body.password);
  return { ...s, token: session.token, csrfToken: session.csrfToken, auth: { authorization: `Bearer ${session.token}` } };
}

/**
 * An organization's admin, verified and signed in, made through module calls (no SMTP round trip):
 * `user` is their membership (as the API shows it), `organization` their new organization.
 */
export async function verifiedUser(t: TestApp, overrides: Record<string, unknown> = {}) {
  const body = signupBody(overrides);
  const ctx = anonymousContext('127.0.0.1', null);
  const { organization } = await t.app.directory.onboarding.signup(ctx, body as Parameters<typeof t.app.directory.onboarding.signup>[1]);
  const account = await t.app.accounts.factsByEmail(t.app.db, body.email);
  if (!account) throw new Error('signup created no account');
  await t.app.accounts.markEmailProven(t.app.db, account.id);
  const session = await t.app.accounts.sessions.signIn(ctx, { email: body.email, password: body.password });
  const { user } = await whoAmI(t.app, account.id, organization.id);
  return {
    body,
    user: user as any,
    organization: organization as any,
    accountId: account.id,
    token: session.token,
    csrfToken: csrfTokenFor(t.app.keys.secret, session.sessionId),
    auth: { authorization: `Bearer ${session.token}` },
  };
}

export type Admin = Awaited<ReturnType<typeof verifiedUser>>;

/**
 * A member of `admin`'s organization who accepted their invitation and signed in, made through
 * module calls: invited by the admin, then the account created with the invitation's token.
 */
export async function acceptedMember(t: TestApp, admin: Admin, overrides: { email?: string; name?: string; username?: string; password?: string } = {}) {
  const email = overrides.email ?? uniqueEmail('member');
  const password = overrides.password ?? GOOD_PASSWORD;
  const ctx = anonymousContext('127.0.0.1', null);
  const caller = await t.app.directory.callers.callerFor({ accountId: admin.accountId, sessionId: 'fixture', staffRole: null, emailVerified: true, mfa: false }, admin.organization.id);
  const invited = await t.app.directory.users.invite(ctx, caller, admin.organization.id, { email, name: overrides.name ?? 'Grace Hopper', ...(overrides.username ? { username: overrides.username } : {}) });
  const token = await inviteTokenFor(t, invited.id);
  const user = await t.app.directory.invitations.acceptWithPassword(ctx, token, { password });
  const session = await t.app.accounts.sessions.signIn(ctx, { email, password });
  return { user: user as any, email, password, token: session.token, auth: { authorization: `Bearer ${session.token}` } };
}

/** A fresh invitation link's token for an invited member (re-issued, as the admin's "send again" does). */
export async function inviteTokenFor(t: TestApp, membershipId: string): Promise<string> {
  const { randomToken } = await import('../../src/core/crypto.ts');
  const token = randomToken();
  await t.app.db.updateTable('memberships').set({ invite_token_hash: sha256(token), invite_expires_at: new Date(t.app.clock.now().getTime() + 86_400_000).toISOString() }).where('id', '=', membershipId).execute();
  return token;
}

export async function signIn(t: TestApp, email: string, password: string, totp?: string) {
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    payload: { email, password, ...(totp ? { totp } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  return json(res) as { token: string; csrfToken: string; user: any };
}

export function totpCode(secret: string, clock: Clock, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: clock.now().getTime() + offsetSteps * 30_000 });
}

/** The Caller a bearer token stands for (in `orgId`, when given), as the HTTP edge would resolve it. */
export async function callerOfToken(t: TestApp, token: string, orgId?: string): Promise<Caller> {
  const session = await t.app.accounts.sessions.authenticate(token);
  if (!session) throw new Error('no session for this token');
  return t.app.directory.callers.callerFor(session, orgId);
}

/** Waits until every queued message has left the outbox, so that a snapshot of the tables holds still. */
export async function settleMail(t: TestApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await t.app.jobRunner.drain();
    const pending = await t.app.db.selectFrom('mail_outbox').select('id').where('status', '=', 'queued').execute();
    if (pending.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the outbox did not settle');
}

/**
 * One of the operator's staff, signed in. Owner and privacy staff turn TOTP on first, as their
 * role requires (unless `mfa: false`); `code()` hands out one of their unused recovery codes, for a
 * sign-in through the sign-in page.
 */
export async function staffMember(t: TestApp, role: StaffRole, opts: { email?: string; name?: string; mfa?: boolean } = {}) {
  const email = opts.email ?? uniqueEmail(role);
  const ctx = anonymousContext('127.0.0.1', null);
  const account = await t.app.accounts.addStaff(systemContext(), OPERATOR, { email, name: opts.name, role, password: GOOD_PASSWORD });
  const codes: string[] = [];
  let secret: string | null = null;
  if (opts.mfa ?? STAFF_ROLES_NEEDING_MFA.includes(role)) {
    const first = await t.app.accounts.sessions.signIn(ctx, { email, password: GOOD_PASSWORD });
    const signedIn = await t.app.accounts.sessions.authenticate(first.token);
    if (!signedIn) throw new Error('the new staff member could not sign in');
    const caller = callerOfSession(signedIn);
    secret = (await t.app.accounts.mfa.enrol(ctx, caller, { password: GOOD_PASSWORD })).secret;
    codes.push(...(await t.app.accounts.mfa.confirm(ctx, caller, totpCode(secret, t.clock))).recoveryCodes);
    await t.app.accounts.sessions.signOut(ctx, caller);
  }
  const code = () => {
    const c = codes.shift();
    if (!c) throw new Error('no recovery code left');
    return c;
  };
  const session = await t.app.accounts.sessions.signIn(ctx, { email, password: GOOD_PASSWORD, ...(secret ? { totp: code() } : {}) });
  return {
    id: account.id,
    email,
    password: GOOD_PASSWORD,
    secret,
    code,
    token: session.token,
    auth: { authorization: `Bearer ${session.token}` },
  };
}
