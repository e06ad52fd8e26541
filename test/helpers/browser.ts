/**
 * Browser tests: Debian's Chromium driven by playwright-core, against a Castellan
 * running in this process on a real port of 127.0.0.1, sending its mail over
 * real SMTP to a sink on loopback.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, BrowserContext, BrowserContextOptions, Download, Locator, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { TestApp } from './app.ts';
import { fastHasher } from './hasher.ts';
import { type TestDialect, dialects } from './databases.ts';
import { connectChromium } from './chromium.ts';
import { freePort, ROOT } from './process.ts';
import { type ReceivedMail, type SmtpSink, startSmtpSink, tokenFrom } from './smtp.ts';

// The few browser globals used in page.evaluate callbacks (this project's types are Node's, without the DOM).
interface BrowserStorage {
  getItem(key: string): string | null;
  clear(): void;
}
declare const document: {
  fonts: { ready: Promise<unknown> };
  documentElement: { scrollWidth: number; clientWidth: number };
  getAnimations(): Array<{ playState: string; effect: { getComputedTiming(): { endTime?: number | string } } | null }>;
};
declare const requestAnimationFrame: (cb: () => void) => number;
declare const scrollTo: (x: number, y: number) => void;
declare const localStorage: BrowserStorage;
declare const sessionStorage: BrowserStorage;

export const WEB_ROOT = path.join(ROOT, 'dist/web');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results/screenshots');
/** Screenshots are written when a test fails, and by every shoot() only when SCREENSHOTS=1 asks for them. */
export const TAKE_SCREENSHOTS = process.env.SCREENSHOTS === '1';
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 812 } as const;
/** How long a browser test waits for the page to show something or to move on. */
export const WAIT_MS = 15_000;

export const sqliteDialect: TestDialect = dialects.find((d) => d.name === 'sqlite')!;

/** Fails with the reason when the global setup could not build the pages (or they are missing). */
export function requireWebBuild(): void {
  const error = inject('webBuildError');
  if (error) throw new Error(`the web app could not be built (npm run build:web):\n${error}`);
  if (!existsSync(path.join(WEB_ROOT, 'index.html'))) throw new Error(`${WEB_ROOT}/index.html is missing: run npm run build:web`);
}

/** What a download holds, as text (streamed: the run's Chromium may keep its files elsewhere). */
export async function downloadedText(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The run's Chromium, connected to once per test file (close the connection in afterAll). */
export const launchBrowser = () => connectChromium(inject('chromiumEndpoint'));

/**
 * A test file's Chromium and Castellan (on SQLite unless told otherwise):
 * started before its tests, stopped after them. Read `browser` and `app` inside tests.
 */
export function browserSuite(env: Record<string, string> = {}, dialect?: TestDialect, options: BrowserAppOptions = {}): { browser: Browser; app: BrowserApp } {
  const suite = {} as { browser: Browser; app: BrowserApp };
  beforeAll(async () => {
    requireWebBuild();
    suite.browser = await launchBrowser();
    suite.app = await startBrowserApp(dialect, env, options);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.close();
  });
  return suite;
}

export interface BrowserApp extends TestApp {
  /** Where the server listens, e.g. http://127.0.0.1:40123 (also its public URL, so emailed links work). */
  url: string;
}

/**
 * A Castellan listening on a free port of 127.0.0.1, its public URL that same
 * address, with mail going over SMTP to a sink. Shaped like startTestApp's
 * TestApp (with the real clock), so the helpers of test/helpers/app.ts work on it.
 */
export interface BrowserAppOptions {
  /** PRV-8: publish the starter privacy policy at start, as every install does (default); false for tests that publish from nothing. */
  starterPolicy?: boolean;
}

export async function startBrowserApp(dialect: TestDialect = sqliteDialect, env: Record<string, string> = {}, options: BrowserAppOptions = {}): Promise<BrowserApp> {
  // The server reads index.html once, at start, and a rebuild of dist/web (someone
  // running npm run build:web meanwhile) deletes the hashed chunks it names: each
  // server serves its own copy of the build as it was when the server started.
  // Protocol tests that only need a real port (the OpenID Provider's) run without the web build: the web pages are then absent.
  const webRoot = mkdtempSync(path.join(tmpdir(), 'castellan-web-'));
  if (existsSync(WEB_ROOT)) cpSync(WEB_ROOT, webRoot, { recursive: true });
  const db = await dialect.openMigrated();
  const smtp = await startSmtpSink();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  try {
    // The port is chosen before the server binds it: if another process takes it
    // in between, try again with another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const config = loadConfig({
        CASTELLAN_HOST: '127.0.0.1',
        CASTELLAN_PORT: String(port),
        CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0', CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0',
        CASTELLAN_PUBLIC_URL: url,
        CASTELLAN_DATA_DIR: db.dataDir,
        CASTELLAN_SMTP_URL: smtp.url,
        CASTELLAN_PAYMENT_PROVIDER: 'test',
        CASTELLAN_MAIL_POLL_MS: '50',
        CASTELLAN_LOG_LEVEL: 'info',
        ...env,
      });
      const app = await buildApp({ config, database: db.handle, logStream, webRoot, hasher: fastHasher, starterPolicy: options.starterPolicy ?? true });
      try {
        await app.listen();
      } catch (e) {
        await app.close();
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 5) continue;
        throw e;
      }
      return {
        app,
        db,
        smtp,
        clock: app.clock,
        logs,
        url,
        async close() {
          await app.close();
          await smtp.close();
          await db.cleanup();
          rmSync(webRoot, { recursive: true, force: true });
        },
      };
    }
  } catch (e) {
    await smtp.close();
    await db.cleanup();
    rmSync(webRoot, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The latest message to `to` (whose subject contains `subject`, when given),
 * waiting for the first one to arrive.
 */
export async function latestMail(smtp: SmtpSink, to: string, subject?: string, timeoutMs = 15_000): Promise<ReceivedMail> {
  const match = (m: ReceivedMail) => m.to === to && (subject === undefined || m.subject.includes(subject));
  await smtp.waitFor(match, timeoutMs);
  return smtp.messages.filter(match).at(-1)!;
}

/** The full link `<base><path>?token=...` in a message, as the user would click it. */
export function linkFrom(mail: ReceivedMail, base: string, pathname: string): string {
  return `${base}${pathname}?token=${tokenFrom(mail.text, pathname)}`;
}

export { tokenFrom };

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page, and Content-Security-Policy refusals. */
  problems: string[];
}

/**
 * A fresh context (no cookies, no storage, no cache) at desktop size, watching for page errors.
 * `options` add to or override the context's (e.g. a `timezoneId`).
 */
export async function newPage(browser: Browser, base: string, options: BrowserContextOptions = {}): Promise<Watched> {
  const context = await browser.newContext({ baseURL: base, viewport: { ...DESKTOP }, ...options });
  const page = await context.newPage();
  const w: Watched = { context, page, problems: [] };
  watch(w);
  return w;
}

export interface WatchedPages {
  /** A page in a clean context, as newPage opens it, checked after the test and then cleaned for the next one. */
  open(browser: Browser, base: string, options?: BrowserContextOptions): Promise<Watched>;
}

/** The page events a test may listen to; their listeners are removed when a context is cleaned for reuse. */
const PAGE_EVENTS = ['console', 'pageerror', 'request', 'requestfinished', 'requestfailed', 'response', 'dialog', 'download', 'popup', 'framenavigated', 'load', 'domcontentloaded'] as const;

function watch(w: Watched): void {
  w.page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  w.page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) w.problems.push(`console: ${m.text()}`);
  });
}

/**
 * Makes a context that a test used as good as new for the next test of its file: no cookies, no
 * Web Storage, no routes, no listeners, no permissions, on about:blank at the size it was opened
 * with. Only the HTTP cache stays (the app's assets are immutable; its API answers are not cached).
 * False when it cannot be (the test opened more pages in it, or a step failed): then it is closed.
 */
async function cleanForReuse(w: Watched, options: BrowserContextOptions): Promise<boolean> {
  try {
    if (w.context.pages().length !== 1 || w.context.pages()[0] !== w.page || w.page.isClosed()) return false;
    for (const event of PAGE_EVENTS) w.page.removeAllListeners(event);
    await w.page.unrouteAll({ behavior: 'wait' });
    await w.context.unrouteAll({ behavior: 'wait' });
    if (w.page.url().startsWith('http')) {
      await w.page.evaluate(() => {
        localStorage.clear();
        sessionStorage.clear();
      });
    }
    await w.page.goto('about:blank');
    await w.context.clearCookies();
    await w.context.clearPermissions();
    await w.context.setOffline(false);
    await w.page.setViewportSize({ ...(options.viewport ?? DESKTOP) });
    w.problems.length = 0;
    watch(w);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pages that must stay free of page errors. Call it at the top of a test file or
 * describe block: it registers an afterEach there that checks the pages the test
 * opened through it, and fails the test if any of them had an uncaught exception
 * or a Content-Security-Policy refusal.
 *
 * A context (Chromium's and Playwright's setup of one cost more CPU than most pages) is cleaned
 * after a passing test and handed to the next test of the file that asks for the same options;
 * after a failure, every context the test used is closed.
 */
export function watchPages(): WatchedPages {
  const opened: Array<{ w: Watched; key: string; options: BrowserContextOptions }> = [];
  const idle: Array<{ w: Watched; key: string; options: BrowserContextOptions }> = [];
  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    // A failed test leaves a picture of each page it had open, to see what went wrong.
    if (failed) {
      const base = `failed-${task.name.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 80)}`;
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      for (const [i, { w }] of opened.entries()) {
        for (const p of w.context.pages()) {
          await p.screenshot({ path: path.join(SCREENSHOT_DIR, `${base}-${i}.png`), fullPage: true }).catch(() => {});
        }
      }
    }
    const problems = opened.flatMap(({ w }) => w.problems);
    for (const entry of opened.splice(0)) {
      if (!failed && problems.length === 0 && (await cleanForReuse(entry.w, entry.options))) idle.push(entry);
      else await entry.w.context.close().catch(() => {});
    }
    expect(problems, 'uncaught errors or CSP refusals in the page').toEqual([]);
  });
  afterAll(async () => {
    for (const { w } of idle.splice(0)) await w.context.close().catch(() => {});
  });
  return {
    async open(browser, base, options = {}) {
      const key = JSON.stringify([base, options]);
      const i = idle.findIndex((e) => e.key === key && e.w.context.browser() === browser);
      const entry = i >= 0 ? idle.splice(i, 1)[0]! : { w: await newPage(browser, base, options), key, options };
      opened.push(entry);
      return entry.w;
    },
  };
}

/** The first match of `l`, once it is visible (within WAIT_MS). */
export async function visible(l: Locator): Promise<Locator> {
  await l.first().waitFor({ state: 'visible', timeout: WAIT_MS });
  return l.first();
}

/** `s` with the characters special in a regular expression escaped, to match it literally. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The control labelled exactly `label` (a required field's label may end in Mantine's decorative " *"). */
export function fieldOn(page: Page | Locator, label: string): Locator {
  return page.getByLabel(new RegExp(`^${escapeRegExp(label)}(\\s*\\*)?$`));
}

/** The button named exactly `name`. */
export function buttonOn(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true });
}

/**
 * Waits (up to WAIT_MS) until the page's address has this pathname: equal to a
 * string, matching a regular expression, or accepted by a function.
 */
export function atPath(page: Page, pathname: string | RegExp | ((p: string) => boolean)): Promise<void> {
  const matches =
    typeof pathname === 'string' ? (p: string) => p === pathname : pathname instanceof RegExp ? (p: string) => pathname.test(p) : pathname;
  return page.waitForURL((u) => matches(u.pathname), { timeout: WAIT_MS });
}

/** Waits until the page has drawn two more frames (React commits what it was given before then). */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/**
 * Waits until the page holds still: fonts loaded, two frames drawn, and every finite animation
 * and transition (Mantine's last up to a few hundred milliseconds) finished.
 */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  });
  await page.waitForFunction(
    () =>
      document.getAnimations().every((a) => a.playState !== 'running' || !Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Infinity))),
    undefined,
    { timeout: WAIT_MS },
  );
}

/**
 * At phone width (375x812) the page must not scroll sideways. With SCREENSHOTS=1, also
 * screenshots of the page as it is now at desktop (1280x800) and phone widths, into
 * test-results/screenshots/<name>-desktop.png and <name>-phone.png (full page: the width is the
 * viewport's, the height the page's). The viewport is restored afterwards.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  if (TAKE_SCREENSHOTS) await mkdir(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  try {
    // Without screenshots only the phone width has something to check.
    const sizes = TAKE_SCREENSHOTS ? ([['desktop', DESKTOP], ['phone', PHONE]] as const) : ([['phone', PHONE]] as const);
    for (const [suffix, size] of sizes) {
      await page.setViewportSize({ ...size });
      // From the top: fixed headers would otherwise be drawn where the page was scrolled to.
      await page.evaluate(() => scrollTo(0, 0));
      await settle(page);
      if (TAKE_SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${suffix}.png`), fullPage: true });
      if (suffix === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${name}: the page scrolls sideways at ${size.width} px`).toBeLessThanOrEqual(1);
      }
    }
  } finally {
    await page.setViewportSize(before);
    await settle(page);
  }
}

/** What the page keeps in Web Storage: every key and value of localStorage and sessionStorage. */
export function webStorage(page: Page): Promise<{ local: Record<string, string>; session: Record<string, string> }> {
  // No named functions inside: the TypeScript loader may wrap them in a helper the page does not have.
  return page.evaluate(() => ({
    local: Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k) ?? ''])),
    session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k) ?? ''])),
  }));
}

/** The JSON body of a response the page received (e.g. of POST /api/v1/sessions). */
export async function bodyOf(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

/** Waits for the page's next response to `method path` (path without the query). */
export function nextResponse(page: Page, method: string, pathname: string): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === pathname);
}

/** The text of the elements that describe a form control (aria-describedby): its error and hints. */
export async function descriptionOf(page: Page, control: ReturnType<Page['getByLabel']>): Promise<string> {
  const ids = (await control.getAttribute('aria-describedby')) ?? '';
  const texts: string[] = [];
  for (const id of ids.split(/\s+/).filter(Boolean)) {
    const el = page.locator(`[id="${id}"]`);
    if ((await el.count()) > 0) texts.push((await el.innerText()).trim());
  }
  return texts.join('\n');
}

/**
 * Signs in through the sign-in page. With `code` (staff whose role needs MFA, or anyone with it
 * on), the second step asks for it and gets one (a recovery code will do).
 */
export async function signInOnPage(p: Page, email: string, password: string, code?: () => string): Promise<void> {
  await p.goto('/sign-in');
  await (await visible(fieldOn(p, 'Email'))).fill(email);
  await fieldOn(p, 'Password').fill(password);
  const answer = nextResponse(p, 'POST', '/api/v1/sessions');
  await buttonOn(p, 'Sign in').click();
  if (!code) {
    expect((await answer).status()).toBe(201);
    return;
  }
  expect((await answer).status()).toBe(401);
  await (await visible(fieldOn(p, 'Authentication code'))).fill(code());
  const second = nextResponse(p, 'POST', '/api/v1/sessions');
  await buttonOn(p, 'Verify').click();
  expect((await second).status()).toBe(201);
}

/**
 * At 1280 px no table is cut off: each fits the box it scrolls in (its cells wrap), so every
 * column shows without scrolling sideways, and the page itself does not scroll sideways either.
 */
export async function noTableClipped(p: Page, name: string) {
  await p.setViewportSize({ ...DESKTOP });
  const clipped = (await p.evaluate(`[...document.querySelectorAll('table')].filter((table) => {
    let box = table.parentElement;
    while (box && box !== document.body && !/(auto|scroll|hidden)/.test(getComputedStyle(box).overflowX)) box = box.parentElement;
    const limit = box && box !== document.body ? box.getBoundingClientRect().right : document.documentElement.clientWidth;
    return table.getBoundingClientRect().right > limit + 1;
  }).map((table) => table.getAttribute('data-testid') || 'a table')`)) as string[];
  expect(clipped, `${name}: tables cut off at 1280 px`).toEqual([]);
}
