/**
 * web: how long after navigation is Castellan's sign-in form usable, next to a
 * plain HTML page with the same form?
 *
 * The measure, for each page, is the time from the start of the navigation
 * (page.goto) until the form is interactive: the input labelled "Email" is
 * rendered, visible and enabled, and the "Sign in" button is enabled (not
 * disabled, not loading). For the web app (/sign-in) that includes fetching
 * index.html, the entry script and its preloaded chunks, parsing and running
 * them, and React's first render; for the static page (served by a bare
 * Fastify route, bench/bare-http.ts) it is little more than one request and a
 * parse. `castellan serve` and the bare route each run in a process of their
 * own, pinned to the server core; headless Chromium, the client, is its own
 * processes too, on the client core (this process moves there before
 * launching it, and Chromium inherits that). Each navigation is in a fresh browser context (no cache, no
 * cookies, no storage), the two pages alternating so that slow drift on the
 * machine is shared by both. The absolute figures depend on the machine; the
 * median of the pairs' ratios says what the app costs over a page with no script.
 *
 * The figure is reported, not asserted: the process exits 0 whatever it is, and
 * non-zero only if something is broken (a page whose form never becomes ready).
 *
 * Flags: --iterations N (measured navigations per page, default 20),
 * --warmup N (unmeasured pairs first, default 2), --server-cpus (where both
 * servers run), --client-cpus (where Chromium runs).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/helpers/chromium.ts';
import { benchFlags, median } from './load.ts';
import { type Server, describePlacement, pinSelf, startBare, startCastellan } from './processes.ts';

const READY_TIMEOUT_MS = 30_000;

const options = (args: string[]) =>
  benchFlags(args, {
    iterations: { fallback: 20, min: 1 },
    warmup: { fallback: 2, min: 0 },
  }, { cpuProf: false });

/** The same form as the app's sign-in page, without a line of script. */
const STATIC_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin-top:1rem;font-weight:600}input{display:block;width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1.5rem;width:100%;padding:.6rem}</style></head>
<body><main><h1>Sign in to Castellan</h1>
<form method="post" action="/sign-in">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<p><a href="/forgot-password">Forgot password?</a></p>
<button type="submit">Sign in</button>
<p>New to Castellan? <a href="/sign-up">Create an account</a></p>
</form></main></body></html>`;

// The browser globals the readiness check uses (it runs in the page; this project's types are Node's).
interface El {
  textContent: string | null;
  disabled?: boolean;
  htmlFor?: string;
  control?: El | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
}
declare const document: { querySelectorAll(selector: string): ArrayLike<El>; getElementById(id: string): El | null };
declare const getComputedStyle: (el: El) => { visibility: string; display: string };

/**
 * True once the form can be used: the input labelled "Email" is laid out,
 * visible and enabled, and the "Sign in" button is enabled, not loading, and
 * laid out. Runs in the page, polled on every animation frame. Passed as a
 * function (the page's CSP forbids evaluating strings), so it has no named inner
 * functions: the TypeScript loader would wrap those in a helper the page lacks.
 */
function signInFormReady(): boolean {
  const label = Array.from(document.querySelectorAll('label')).find((l) => (l.textContent ?? '').replace(/\*/g, '').trim() === 'Email');
  const input = label ? (label.control ?? (label.htmlFor ? document.getElementById(label.htmlFor) : null)) : null;
  const button = Array.from(document.querySelectorAll('button')).find((b) => (b.textContent ?? '').trim() === 'Sign in');
  if (!input || !button || input.disabled || button.disabled || button.getAttribute('data-loading') !== null) return false;
  return [input, button].every((el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  });
}

/** One navigation in a fresh context: milliseconds from page.goto until the form is ready. */
async function timeToInteractive(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: READY_TIMEOUT_MS });
    await page.waitForFunction(signInFormReady, undefined, { polling: 'raf', timeout: READY_TIMEOUT_MS });
    return performance.now() - start;
  } finally {
    await context.close();
  }
}

interface Series {
  label: string;
  url: string;
  ms: number[];
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

function printTable(series: Series[]): void {
  const header = ['page', 'n', 'median ms', 'p90 ms', 'min ms', 'max ms'];
  const rows = series.map((s) => {
    const sorted = [...s.ms].sort((a, b) => a - b);
    return [
      s.label,
      String(sorted.length),
      median(sorted).toFixed(1),
      percentile(sorted, 0.9).toFixed(1),
      (sorted[0] ?? 0).toFixed(1),
      (sorted.at(-1) ?? 0).toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);

  // The pages as they are in src/web now (a no-op when dist/web is current).
  type BuildWeb = (o?: { force?: boolean; quiet?: boolean }) => Promise<boolean>;
  const { buildWeb } = (await import(new URL('../scripts/build-web.mjs', import.meta.url).href)) as { buildWeb: BuildWeb };
  if (await buildWeb({ quiet: true })) console.log('web: built the web app into dist/web');

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-web-'));
  const servers: Server[] = [];
  let browser: Browser | undefined;
  try {
    const castellan = await startCastellan({ dataDir, cpus: opts.cpus.server });
    servers.push(castellan);
    const page = path.join(dataDir, 'static.html');
    await writeFile(page, STATIC_PAGE);
    const bare = await startBare({ bodyFile: page, contentType: 'text/html; charset=utf-8', cpus: opts.cpus.server });
    servers.push(bare);

    pinSelf(opts.cpus.client);
    browser = await launchChromium();

    const spa: Series = { label: 'Castellan /sign-in (web app)', url: `${castellan.url}/sign-in`, ms: [] };
    const plain: Series = { label: 'static page (bare route)', url: `${bare.url}/sign-in`, ms: [] };
    console.log(
      `web: ${opts.iterations} navigations per page (+${opts.warmup} warm-up pairs), fresh context each, ` +
        `headless Chromium ${browser.version()}; ${describePlacement(opts.cpus, 'Chromium')}`,
    );
    // Alternate the pages, and which one goes first in each pair.
    for (let i = 0; i < opts.warmup + opts.iterations; i++) {
      const pair = i % 2 === 0 ? [spa, plain] : [plain, spa];
      for (const s of pair) {
        let ms: number;
        try {
          ms = await timeToInteractive(browser, s.url);
        } catch (e) {
          throw new Error(`${s.url}: the sign-in form did not become interactive: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (i >= opts.warmup) s.ms.push(ms);
      }
    }
    printTable([spa, plain]);
    // Each pair's ratio, navigated back to back, so that a shared machine slowing down between
    // pairs moves both sides alike; the figure is the median of those ratios.
    const ratios = spa.ms.map((ms, k) => ms / (plain.ms[k] as number));
    const a = median(spa.ms);
    const b = median(plain.ms);
    console.log(`web: ratio per pair ${ratios.map((r) => r.toFixed(1)).join(', ')} (spread ${Math.min(...ratios).toFixed(1)}..${Math.max(...ratios).toFixed(1)})`);
    console.log(
      `web: sign-in form interactive in ${a.toFixed(0)} ms vs ${b.toFixed(0)} ms for a static page (medians); median ratio ${median(ratios).toFixed(1)}`,
    );
  } finally {
    await browser?.close();
    for (const s of servers) await s.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
