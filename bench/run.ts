/**
 * The benchmark dispatcher: `npm run bench -- NAME [flags]` runs `bench/NAME.bench.ts`.
 *
 * Each benchmark is a self-contained module exporting `run(args)`; the flags after
 * NAME are handed to it untouched, so every benchmark owns its own options. The
 * list of benchmarks is read from this folder rather than kept by hand, so adding
 * a file is all it takes to add a benchmark.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What a `*.bench.ts` module must export. */
export interface BenchModule {
  run(args: string[]): Promise<void>;
}

const SUFFIX = '.bench.ts';
const here = fileURLToPath(new URL('.', import.meta.url));

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
}

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run bench -- NAME [flags]\navailable benchmarks: ${available().join(', ') || '(none)'}`);
  process.exit(2);
}

const [name, ...args] = process.argv.slice(2);
if (!name) usage('no benchmark named');
// Only names that are listed: a NAME such as `../x` must not import an arbitrary file.
if (!available().includes(name)) usage(`unknown benchmark "${name}"`);

const mod = (await import(pathToFileURL(`${here}${name}${SUFFIX}`).href)) as Partial<BenchModule>;
if (typeof mod.run !== 'function') usage(`bench/${name}${SUFFIX} does not export run()`);
try {
  await mod.run(args);
} catch (e) {
  console.error(`${name}: failed:`, e);
  process.exitCode = 1;
}
