/**
 * Runs once before the browser tests of a `vitest run`: builds the web app (dist/web) when it is
 * missing or older than its sources, so that the browser tests always drive the
 * current pages. When the build is fresh this is only a walk over the modification
 * times of src/web (vite is not even loaded), so runs without browser tests barely
 * notice it.
 *
 * A failed build does not stop the run: the tests that do not need the pages still
 * run, and the browser tests fail, each with the build's error (see
 * requireWebBuild in test/helpers/browser.ts).
 */
import type { TestProject } from 'vitest/node';
import { chromium } from 'playwright-core';
import { CHROMIUM_OPTIONS } from './helpers/chromium.ts';

/** scripts/build-web.mjs is plain JavaScript without declarations: its one export, typed here. */
type BuildWeb = (opts?: { force?: boolean; quiet?: boolean }) => Promise<boolean>;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when dist/web is current; otherwise why building it failed. */
    webBuildError: string;
    /** The run's Chromium, which the browser tests connect to; empty when it could not start (each file then starts its own). */
    chromiumEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let error = '';
  try {
    const { buildWeb } = (await import(new URL('../scripts/build-web.mjs', import.meta.url).href)) as { buildWeb: BuildWeb };
    const started = Date.now();
    if (await buildWeb({ quiet: true })) process.stderr.write(`global setup: built the web app into dist/web in ${Date.now() - started} ms\n`);
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`global setup: building the web app failed; the browser tests will fail:\n${error}\n`);
  }
  project.provide('webBuildError', error);

  // One Chromium for the run: each test file connects to it (test/helpers/chromium.ts).
  let server: Awaited<ReturnType<typeof chromium.launchServer>> | undefined;
  try {
    server = await chromium.launchServer({ ...CHROMIUM_OPTIONS, host: '127.0.0.1' });
  } catch (e) {
    process.stderr.write(`global setup: Chromium did not start; each browser test file starts its own: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  project.provide('chromiumEndpoint', server?.wsEndpoint() ?? '');
  return async () => {
    await server?.close();
  };
}
