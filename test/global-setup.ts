/**
 * Runs once before every `vitest run`: builds the web app (dist/web) when it is
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

/** scripts/build-web.mjs is plain JavaScript without declarations: its one export, typed here. */
type BuildWeb = (opts?: { force?: boolean; quiet?: boolean }) => Promise<boolean>;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when dist/web is current; otherwise why building it failed. */
    webBuildError: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
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
}
