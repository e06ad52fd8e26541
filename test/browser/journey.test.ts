/**
 * The web app, driven in headless Chromium against a Castellan on a real port,
 * its mail read from a real SMTP sink: the sign-up → verify → sign-in → TOTP →
 * audit log journey, the bad-input journeys, deep links, staff, the keyboard,
 * and what the pages keep in the browser.
 *
 * The main journey runs on every test database (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set): it crosses every module the pages use (sign-up, the
 * mail outbox, sessions, TOTP steps, the audit log's appends), so a difference
 * between the dialects there would show in the browser too. The other journeys
 * run on SQLite only: they exercise the pages, which do not depend on the
 * database, and running them on PostgreSQL as well would double this file's time
 * for nothing the API tests do not already cover there.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/core/context.ts';
import { GOOD_PASSWORD, json, totpCode, uniqueEmail, verifiedUser, OPERATOR } from '../helpers/app.ts';
import { dialects } from '../helpers/databases.ts';
import {
  type BrowserApp,
  type Watched,
  WAIT_MS,
  atPath,
  bodyOf,
  buttonOn,
  descriptionOf,
  fieldOn,
  latestMail,
  launchBrowser,
  linkFrom,
  nextResponse,
  requireWebBuild,
  shoot,
  sqliteDialect,
  startBrowserApp,
  visible,
  watchPages,
  webStorage,
} from '../helpers/browser.ts';

// The browser globals used in page.evaluate callbacks (this project's types are Node's, without the DOM).
declare const document: { activeElement: unknown };
declare const getComputedStyle: (el: unknown) => { outlineStyle: string; outlineWidth: string; boxShadow: string };

const PERIOD_MS = 30_000;

let browser: Browser;
let sqliteApp: BrowserApp;
/** The app of the test that runs now, and its page (a fresh browser context per test). */
let t: BrowserApp;
let w: Watched;
let page: Page;

beforeAll(async () => {
  requireWebBuild();
  browser = await launchBrowser();
  sqliteApp = await startBrowserApp(sqliteDialect);
});

afterAll(async () => {
  await browser?.close();
  await sqliteApp?.close();
});

/** Each test of the describe block gets a fresh context on `app()`; no page errors may happen in it. */
function withPages(app: () => BrowserApp) {
  const pages = watchPages();
  beforeEach(async () => {
    t = app();
    w = await pages.open(browser, t.url);
    page = w.page;
  });
}

// ---- small helpers --------------------------------------------------------------

const heading = (name: string) => page.getByRole('heading', { name, exact: true });
const field = (label: string) => fieldOn(page, label);
const button = (name: string) => buttonOn(page, name);
const link = (name: string) => page.getByRole('link', { name, exact: true });
const pathOf = (p: Page) => new URL(p.url()).pathname;

/** Rows and counts that a refused sign-up must leave untouched. */
async function storedCounts() {
  const count = async (table: 'accounts' | 'memberships' | 'organizations' | 'mail_outbox' | 'audit_log') =>
    Number((await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return {
    accounts: await count('accounts'),
    memberships: await count('memberships'),
    organizations: await count('organizations'),
    mail: await count('mail_outbox'),
    audit: await count('audit_log'),
  };
}

async function userRow(email: string) {
  return t.app.db.selectFrom('accounts').selectAll().where('email_normalized', '=', email.toLowerCase()).executeTakeFirst();
}

/** The organization the account of `email` administers (its first membership). */
async function orgOf(email: string) {
  const m = await t.app.db.selectFrom('memberships').select('org_id').where('email_normalized', '=', email.toLowerCase()).executeTakeFirstOrThrow();
  return t.app.db.selectFrom('organizations').selectAll().where('id', '=', m.org_id).executeTakeFirstOrThrow();
}

/** Fills the sign-up form (everything required; the age box only when `adult`). */
async function fillSignUp(email: string, password: string, adult = true) {
  await (await visible(field('Name'))).fill('Ada Lovelace');
  await field('Email').fill(email);
  await field('Password').fill(password);
  await field('Company name').fill('Analytical Engines Ltd');
  if (adult) await page.getByLabel('I am 16 or older').check();
}

/** Signs in through the page; answers what POST /api/v1/sessions returned (token, csrfToken). */
async function signInThroughPage(email: string, password: string) {
  await page.goto('/sign-in');
  await (await visible(field('Email'))).fill(email);
  await field('Password').fill(password);
  const answer = nextResponse(page, 'POST', '/api/v1/sessions');
  await button('Sign in').click();
  return answer;
}

/**
 * The session cookie is HttpOnly, and neither it nor the CSRF token is kept in
 * localStorage or sessionStorage (the SPA holds the CSRF token in memory only).
 */
async function expectNoTokensInWebStorage(csrfToken: string) {
  const cookie = (await w.context.cookies()).find((c) => c.name === 'castellan_session');
  expect(cookie, 'the castellan_session cookie').toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe('Lax');
  const storage = await webStorage(page);
  for (const [where, entries] of Object.entries(storage)) {
    for (const [key, value] of Object.entries(entries)) {
      expect(`${where}Storage ${key}`).not.toMatch(/token|csrf|session|auth/i);
      expect(value, `${where}Storage ${key}`).not.toContain(cookie!.value);
      expect(value, `${where}Storage ${key}`).not.toContain(csrfToken);
    }
  }
}

/** A 6-digit code that none of the steps around now accepts. */
function wrongCode(secret: string): string {
  const valid = new Set([-1, 0, 1, 2].map((o) => totpCode(secret, t.clock, o)));
  for (let n = 123456; ; n = (n + 7919) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

/**
 * A code the server accepts once a code of step `usedStep` was used: the step
 * after it (the server allows one step of drift) or, once time has moved past
 * that, the current step.
 */
function codeAfter(secret: string, usedStep: number): string {
  const at = t.clock.now();
  const now = Math.floor(at.getTime() / PERIOD_MS);
  const target = Math.max(usedStep + 1, now);
  return totpCode(secret, { now: () => at }, target - now);
}

/** The code of the current step (read once from the real clock), and that step. */
function currentCode(secret: string): { code: string; step: number } {
  const at = t.clock.now();
  return { code: totpCode(secret, { now: () => at }), step: Math.floor(at.getTime() / PERIOD_MS) };
}

// ---- the journey -----------------------------------------------------------------

describe.each(dialects.map((d) => [d.name, d] as const))('the journey of a new organization admin (%s)', (_name, dialect) => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = dialect.name === 'sqlite' ? sqliteApp : await startBrowserApp(dialect);
  });
  afterAll(async () => {
    if (app && app !== sqliteApp) await app.close();
  });
  withPages(() => app);

  // The whole journey, a dozen pages and two sign-ins, takes near the default time limit on a loaded machine: it has its own.
  it('ACC-1, ACC-3, ACC-5, SEC-1: sign up, verify the email from its link, sign in, turn on TOTP, sign out, sign in with a code, see the audit log', async () => {
    const email = uniqueEmail('journey');

    // Signed out, / leads to the sign-in page, which links to sign-up.
    await page.goto('/');
    await atPath(page, '/sign-in');
    await visible(field('Email'));
    await visible(field('Password'));
    await visible(link('Forgot password?'));
    await shoot(page, 'sign-in');
    await (await visible(link('Create an account'))).click();
    await atPath(page, '/sign-up');

    // ACC-1: the fields, the optional ones, the age box and the work-email notice.
    for (const label of ['Name', 'Email', 'Password', 'Company name', 'Company size (optional)', 'Phone (optional)', 'Mailing address (optional)']) {
      await visible(field(label));
    }
    await visible(page.getByLabel('I am 16 or older'));
    expect(await page.locator('body').innerText()).toMatch(/work email/i);
    expect(await page.locator('body').innerText()).toMatch(/personal email/i);
    await fillSignUp(email, GOOD_PASSWORD);
    await field('Company size (optional)').selectOption({ index: 1 });
    await field('Phone (optional)').fill('+44 20 7946 0000');
    await field('Mailing address (optional)').fill('12 Harbour Lane\nLondon');
    await visible(page.getByText(/Strength: (weak|fair|good|strong)/i));
    await shoot(page, 'sign-up');

    await button('Create account').click();
    await visible(heading('Check your email'));
    await visible(page.getByText(email));
    await shoot(page, 'check-email');
    const created = await userRow(email);
    expect(created?.email_verified_at).toBeNull();
    expect(created).toBeTruthy();
    const org = await orgOf(email);
    expect(org.name).toBe('Analytical Engines Ltd');
    expect(org.company_size).toBeTruthy();
    expect(org.phone).toBeTruthy();
    expect(org.address).toBeTruthy();

    // ACC-3: the link in the mail, as sent over SMTP, verifies the address.
    const verifyMail = await latestMail(t.smtp, email, 'Verify');
    const verifyLink = linkFrom(verifyMail, t.url, '/verify-email');
    await page.goto(verifyLink);
    await visible(heading('Email verified'));
    await shoot(page, 'verify-email');
    expect((await userRow(email))?.email_verified_at).not.toBeNull();
    await (await visible(link('Sign in'))).click();
    await atPath(page, '/sign-in');

    // Sign in: an organization admin lands on the console, which names the organization and its plan.
    const session = await bodyOf(await signInThroughPage(email, GOOD_PASSWORD));
    expect(session.csrfToken).toEqual(expect.any(String));
    await atPath(page, '/console');
    await visible(page.getByText('Analytical Engines Ltd'));
    const me = (await (await page.request.get('/api/v1/me')).json()) as Record<string, any>;
    expect(me.user.orgRole).toBe('admin');
    expect((await page.locator('main, body').first().innerText()).toLowerCase()).toContain(String(me.organization.plan).toLowerCase());
    await visible(page.getByText('Ada Lovelace'));
    await visible(button('Sign out'));
    for (const name of ['Users', 'Groups', 'Resources', 'Audit log', 'Account']) await visible(link(name));
    expect(await link('Settings').count()).toBe(0);
    await shoot(page, 'console');
    await expectNoTokensInWebStorage(session.csrfToken);

    // ACC-5: turn on TOTP from the account page.
    await link('Account').click();
    await atPath(page, '/account');
    await visible(heading('Account'));
    await visible(page.getByTestId('sessions').getByText('This device'));
    await shoot(page, 'account');
    // ACC-5: a session alone cannot enrol an authenticator: the password is asked again.
    const twoFactor = page.getByRole('region', { name: 'Two-factor authentication' });
    await (await visible(button('Set up two-factor authentication'))).click();
    await expect.poll(() => descriptionOf(page, fieldOn(twoFactor, 'Your password')), { timeout: WAIT_MS }).toContain('Enter your password again');
    await fieldOn(twoFactor, 'Your password').fill(GOOD_PASSWORD);
    await button('Set up two-factor authentication').click();
    await visible(page.getByAltText('QR code for your authenticator app'));
    const secret = (await (await visible(page.getByTestId('totp-secret'))).innerText()).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await shoot(page, 'account-totp-setup');
    const enrol = currentCode(secret);
    await field('Code from your app').fill(enrol.code);
    await button('Turn on').click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await visible(codes);
    expect(await codes.count()).toBe(10);
    const recoveryCodes = (await codes.allInnerTexts()).map((c) => c.trim());
    expect(new Set(recoveryCodes).size).toBe(10);
    await visible(page.getByText('Two-factor authentication is on'));
    await visible(button('Turn off two-factor authentication'));
    await shoot(page, 'account-recovery-codes');
    expect((await userRow(email))?.totp_enabled_at).not.toBeNull();
    await expectNoTokensInWebStorage(session.csrfToken);

    // Sign out ends the session on the server too.
    await button('Sign out').click();
    await atPath(page, '/sign-in');
    const after = await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${session.token}` } });
    expect(after.statusCode).toBe(401);
    expect((await page.request.get('/api/v1/me')).status()).toBe(401);

    // Sign in again: now a second step asks for the code.
    await signInThroughPage(email, GOOD_PASSWORD);
    await visible(field('Authentication code'));
    await visible(button('Verify'));
    await shoot(page, 'sign-in-mfa');
    await field('Authentication code').fill(codeAfter(secret, enrol.step));
    const second = nextResponse(page, 'POST', '/api/v1/sessions');
    await button('Verify').click();
    expect((await second).status()).toBe(201);
    const session2 = await bodyOf(await second);
    await atPath(page, '/console');

    // SEC-1: the audit log shows what happened.
    await link('Audit log').click();
    await atPath(page, '/console/audit');
    await visible(heading('Audit log'));
    for (const label of ['Action', 'From', 'To']) await visible(field(label));
    const table = page.getByTestId('audit-table');
    for (const column of ['When', 'Action', 'Actor', 'Target', 'IP']) await visible(table.getByRole('columnheader', { name: column, exact: true }));
    for (const action of ['auth.signin', 'mfa.enabled', 'account.email_verified', 'account.signup']) {
      await visible(table.getByRole('cell', { name: action, exact: true }));
    }
    await shoot(page, 'console-audit');

    // The Action filter keeps only that action.
    await field('Action').fill('mfa.enabled');
    const filtered = nextResponse(page, 'GET', `/api/v1/orgs/${me.user.orgId}/audit`);
    await button('Apply filters').click();
    expect((await filtered).url()).toContain('action=mfa.enabled');
    await visible(table.getByRole('cell', { name: 'mfa.enabled', exact: true }));
    await table.getByRole('cell', { name: 'account.signup', exact: true }).waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await table.locator('tbody tr').count()).toBe(1);

    await expectNoTokensInWebStorage(session2.csrfToken);
  }, 120_000);
});

// ---- bad input ----------------------------------------------------------------------

describe('bad input', () => {
  withPages(() => sqliteApp);

  it('ACC-2: a weak password on sign-up is shown next to the Password field, and nothing is stored', async () => {
    const email = uniqueEmail('weak');
    await page.goto('/sign-up');
    const before = await storedCounts();
    await fillSignUp(email, 'password1234');
    const answer = nextResponse(page, 'POST', '/api/v1/signup');
    await button('Create account').click();
    const res = await answer;
    expect(res.status()).toBe(422);
    expect((await bodyOf(res)).code).toBe('accounts.weak_password');

    const password = field('Password');
    await visible(page.getByText('This password is on a list of commonly used passwords', { exact: false }));
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, password)).toContain('This password is on a list of commonly used passwords');
    await shoot(page, 'sign-up-weak-password');

    expect(await userRow(email)).toBeUndefined();
    expect(await storedCounts()).toEqual(before);
    expect(pathOf(page)).toBe('/sign-up');
  });

  it('DSR-8: sign-up without confirming age 16 or over shows the error and stores nothing', async () => {
    const email = uniqueEmail('child');
    await page.goto('/sign-up');
    const before = await storedCounts();
    await fillSignUp(email, GOOD_PASSWORD, false);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/signup') requests.push(r.postData() ?? '');
    });
    await button('Create account').click();
    await visible(page.getByText('You must confirm that you are 16 or older to create an account.'));
    await shoot(page, 'sign-up-age-not-confirmed');
    // If the page sent the form at all, it said so: the answer was no.
    for (const body of requests) expect(JSON.parse(body).ageConfirmed).not.toBe(true);

    expect(await userRow(email)).toBeUndefined();
    expect(await storedCounts()).toEqual(before);
    expect(t.smtp.messages.filter((m) => m.to === email)).toEqual([]);
  });

  it('ACC-5: a wrong TOTP code at sign-in shows an error; a recovery code then signs in', async () => {
    const u = await verifiedUser(t, { email: uniqueEmail('mfa'), name: 'Grace Hopper' });
    const enrol = json(await t.app.http.inject({ method: 'POST', url: '/api/v1/me/mfa/totp', headers: u.auth, payload: { password: GOOD_PASSWORD } }));
    const confirm = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/me/mfa/totp/confirm',
      headers: u.auth,
      payload: { code: totpCode(enrol.secret, t.clock) },
    });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = json(confirm) as { recoveryCodes: string[] };

    await signInThroughPage(u.body.email, u.body.password);
    await (await visible(field('Authentication code'))).fill(wrongCode(enrol.secret));
    const refused = nextResponse(page, 'POST', '/api/v1/sessions');
    await button('Verify').click();
    expect((await bodyOf(await refused)).code).toBe('accounts.invalid_mfa_code');
    await visible(page.getByText('The authentication code is incorrect or was already used.'));
    await shoot(page, 'sign-in-mfa-wrong-code');
    expect(pathOf(page)).toBe('/sign-in');

    await field('Authentication code').fill(recoveryCodes[0]!);
    await button('Verify').click();
    await atPath(page, '/console');
    await visible(page.getByText('Grace Hopper'));
  });

  it('ACC-7: a wrong password shows an error that does not say whether the email exists', async () => {
    const u = await verifiedUser(t, { email: uniqueEmail('wrongpw') });
    const messages: string[] = [];
    for (const email of [u.body.email, uniqueEmail('nobody')]) {
      const res = await signInThroughPage(email, 'not-the-password-at-all');
      expect(res.status()).toBe(401);
      const alert = await visible(page.getByText('The email or password is incorrect.'));
      messages.push(await alert.innerText());
      expect(pathOf(page)).toBe('/sign-in');
    }
    expect(messages[0]).toBe(messages[1]);
    await shoot(page, 'sign-in-wrong-password');
  });

  it('UI: a submit button shows its loading state while the request runs; a network failure says Castellan cannot be reached', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let seen = 0;
    // The first sign-in request is held until the button was seen loading, then the network fails.
    await page.route('**/api/v1/sessions', async (route) => {
      seen += 1;
      await held;
      await route.abort('failed');
    });
    await page.goto('/sign-in');
    await (await visible(field('Email'))).fill(uniqueEmail('offline'));
    await field('Password').fill(GOOD_PASSWORD);
    await button('Sign in').click();
    await page.locator('button[type="submit"][data-loading]').waitFor({ state: 'attached', timeout: WAIT_MS });
    expect(seen).toBe(1);
    release();
    const alert = await visible(page.getByRole('alert').filter({ hasText: 'Cannot reach Castellan. Check your connection and try again.' }));
    expect(await alert.isVisible()).toBe(true);
    await shoot(page, 'sign-in-network-failure');
    expect(await page.locator('button[type="submit"][data-loading]').count()).toBe(0);
  });

  it('ACC-3: a verification link that is not valid shows the problem', async () => {
    await page.goto('/verify-email?token=not-a-real-token');
    await visible(page.getByText('The link is invalid, expired or already used.'));
    await shoot(page, 'verify-email-invalid');
  });
});

// ---- password reset ----------------------------------------------------------------

describe('password reset', () => {
  withPages(() => sqliteApp);

  it('ACC-2, ACC-7: reset by the emailed single-use link; the same answer whether or not the email exists', async () => {
    const u = await verifiedUser(t, { email: uniqueEmail('reset') });
    const newPassword = 'copper-meadow-whistle-77';

    await page.goto('/sign-in');
    await (await visible(link('Forgot password?'))).click();
    await atPath(page, '/forgot-password');
    await shoot(page, 'forgot-password');
    const sent = 'If an account exists for that address, we sent a link';
    for (const email of [uniqueEmail('nobody'), u.body.email]) {
      await page.goto('/forgot-password');
      await (await visible(field('Email'))).fill(email);
      await button('Send reset link').click();
      await visible(page.getByText(sent));
    }
    await shoot(page, 'forgot-password-sent');

    const mail = await latestMail(t.smtp, u.body.email, 'Reset your password');
    const resetLink = linkFrom(mail, t.url, '/reset-password');
    await page.goto(resetLink);
    await (await visible(field('New password'))).fill(newPassword);
    await shoot(page, 'reset-password');
    await button('Set new password').click();
    await visible(page.getByText('Your password was changed'));
    await shoot(page, 'reset-password-done');
    await (await visible(link('Sign in'))).click();
    await atPath(page, '/sign-in');

    // The link works once.
    await page.goto(resetLink);
    await (await visible(field('New password'))).fill('another-fine-passphrase-9');
    await button('Set new password').click();
    await visible(page.getByText('The link is invalid, expired or already used.'));

    // The old password no longer works; the new one does.
    expect((await signInThroughPage(u.body.email, u.body.password)).status()).toBe(401);
    expect((await signInThroughPage(u.body.email, newPassword)).status()).toBe(201);
    await atPath(page, '/console');
  });
});

// ---- navigation, staff, keyboard ---------------------------------------------------

describe('navigation', () => {
  withPages(() => sqliteApp);

  it('UI: deep links survive a reload while signed in (/account, /console/audit, the console pages)', async () => {
    const u = await verifiedUser(t, { email: uniqueEmail('deeplink'), name: 'Katherine Johnson' });
    const session = await bodyOf(await signInThroughPage(u.body.email, u.body.password));
    await atPath(page, '/console');

    await page.goto('/account');
    await visible(heading('Account'));
    await page.reload();
    await visible(heading('Account'));
    await visible(page.getByText('Katherine Johnson'));
    expect(pathOf(page)).toBe('/account');
    // After a reload the CSRF token comes again from GET /api/v1/me: a write still works.
    await (await visible(field('Name'))).fill('Katherine G. Johnson');
    const saved = nextResponse(page, 'PATCH', '/api/v1/me');
    await button('Save name').click();
    expect((await saved).status()).toBe(200);
    expect((await userRow(u.body.email))?.name).toBe('Katherine G. Johnson');

    await page.goto('/console/audit');
    await visible(heading('Audit log'));
    await page.reload();
    await visible(heading('Audit log'));
    await visible(page.getByTestId('audit-table').getByRole('cell', { name: 'account.profile_updated', exact: true }));
    expect(pathOf(page)).toBe('/console/audit');

    for (const [pathname, title] of [
      ['/console/users', 'Users'],
      ['/console/groups', 'Groups'],
      ['/console/resources', 'Resources'],
    ] as const) {
      await page.goto(pathname);
      await visible(heading(title));
      await page.reload();
      await visible(heading(title));
      await shoot(page, `console-${title.toLowerCase()}`);
    }

    // Signed in, / leads to the console.
    await page.goto('/');
    await atPath(page, '/console');
    await expectNoTokensInWebStorage(session.csrfToken);
  });

  it('UI: deep links are answered with the page, and the server logs no error or warning for them', async () => {
    const from = t.logs.length;
    for (const pathname of ['/sign-in', '/sign-up', '/account', '/console/audit', '/staff']) {
      const res = await page.goto(pathname);
      expect(res?.status(), pathname).toBe(200);
      expect(res?.headers()['content-type'], pathname).toMatch(/^text\/html/);
    }
    // One more round trip, so that whatever the server logged for those requests is in.
    expect((await page.request.get('/healthz')).ok()).toBe(true);
    const logged = t.logs
      .slice(from)
      .map((line) => JSON.parse(line) as { level: number; msg?: string; err?: { message?: string }; req?: { path?: string } })
      .filter((l) => l.level >= 40)
      .map((l) => `${l.level} ${l.msg ?? ''}: ${l.err?.message ?? ''}`);
    expect(logged).toEqual([]);
  });

  it('UI: a staff member (role support) signs in and lands on Staff home showing the role', async () => {
    const email = uniqueEmail('staff');
    await t.app.accounts.addStaff(systemContext(), OPERATOR, { email, name: 'Sam Support', role: 'support', password: GOOD_PASSWORD });
    const res = await signInThroughPage(email, GOOD_PASSWORD);
    expect(res.status()).toBe(201);
    await atPath(page, '/staff');
    await visible(heading('Staff home'));
    await visible(page.getByText('Role: support'));
    await shoot(page, 'staff');
    await page.reload();
    await visible(heading('Staff home'));
    await page.goto('/');
    await atPath(page, '/staff');
  });

  it('UI: the sign-in form works from the keyboard (Tab to the fields, visible focus, Enter submits)', async () => {
    const u = await verifiedUser(t, { email: uniqueEmail('keys'), name: 'Alan Turing' });
    await page.goto('/sign-in');
    const email = await visible(field('Email'));
    const password = field('Password');
    const signIn = button('Sign in');
    const focused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
    const tabUntil = async (l: Locator, max: number, key = 'Tab') => {
      for (let i = 0; i < max && !(await focused(l)); i++) await page.keyboard.press(key);
      return focused(l);
    };

    expect(await tabUntil(email, 15), 'Tab reaches the Email field').toBe(true);
    await page.keyboard.type(u.body.email);
    await page.keyboard.press('Tab');
    expect(await focused(password), 'the next Tab goes to Password').toBe(true);
    await page.keyboard.type(u.body.password);
    expect(await tabUntil(signIn, 5), 'Tab reaches the Sign in button').toBe(true);
    const ring = await signIn.evaluate((el) => {
      const s = getComputedStyle(el);
      return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
    });
    expect(ring.outline || ring.shadow, 'the focused button shows a focus ring').toBe(true);
    await shoot(page, 'sign-in-keyboard-focus');
    expect(await tabUntil(password, 5, 'Shift+Tab'), 'Shift+Tab goes back to Password').toBe(true);

    const answer = nextResponse(page, 'POST', '/api/v1/sessions');
    await page.keyboard.press('Enter');
    expect((await answer).status()).toBe(201);
    await atPath(page, '/console');
    await visible(page.getByText('Alan Turing'));
    await expectNoTokensInWebStorage((await bodyOf(await answer)).csrfToken);
  });
});
