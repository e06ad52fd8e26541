/**
 * Runs once before the process tests of a `vitest run`: bundles the CLI (src/main.ts and the
 * project's modules, not its packages) into one JavaScript file with esbuild, which the tests' child
 * processes run instead of loading each TypeScript file through tsx (a child then starts with about
 * half the CPU). `new URL(…, import.meta.url)` in the sources is resolved as if from src/, where
 * they live. The tests that prove the shipped entry point (`node --import tsx src/main.ts`, what
 * `npm start` runs) ask for it (see `source` in test/helpers/process.ts).
 *
 * A failed bundle does not stop the run: the children then run the sources through tsx.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundled CLI (an .mjs file), or empty when it could not be built. */
    cliBundle: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..');

export default async function setup(project: TestProject): Promise<void> {
  const outdir = path.join(ROOT, 'node_modules/.cache/castellan-process-tests');
  const outfile = path.join(outdir, 'main.mjs');
  try {
    mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: [path.join(ROOT, 'src/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(ROOT, 'src/main.ts')).href) },
      logLevel: 'silent',
    });
    project.provide('cliBundle', outfile);
  } catch (e) {
    process.stderr.write(`process setup: bundling the CLI failed; the children run the sources through tsx: ${e instanceof Error ? e.message : String(e)}\n`);
    project.provide('cliBundle', '');
  }
}
