import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { type App, buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Clock, ManualClock } from '../../src/core/clock.ts';
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
}

/** A Castellan on a real database, sending mail over real SMTP to a sink on loopback. */
export async function startTestApp(dialect: TestDialect, opts: TestAppOptions = {}): Promise<TestApp> {
  const db = await dialect.open();
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
  const app = await buildApp({ config, database: db.handle, clock, logStream });
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
export const uniqueEmail = (prefix = 'user') => `${prefix}.${Date.now().toString(36)}.${counter++}@example.com`;

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

/** Signs up, verifies the email through the link that arrived by SMTP, and signs in. */
export async function verifiedUser(t: TestApp, overrides: Record<string, unknown> = {}) {
  const s = await signup(t, overrides);
  const mail = await t.smtp.waitFor((m) => m.to === s.body.email && m.subject.includes('Verify'));
  const token = tokenFrom(mail.text, '/verify-email');
  const v = await t.app.http.inject({ method: 'POST', url: '/api/v1/email-verification', payload: { token } });
  if (v.statusCode !== 200) throw new Error(`verification failed: ${v.body}`);
  const session = await signIn(t, s.body.email, s.body.password);
  return { ...s, token: session.token, csrfToken: session.csrfToken, auth: { authorization: `Bearer ${session.token}` } };
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
