// Builds the web app into dist/web when the build is missing or older than its sources,
// so that `npm start` alone always serves the current pages. `--force` builds regardless.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist/web/.build-stamp');
const inputs = [path.join(root, 'src/web'), path.join(root, 'vite.config.ts'), path.join(root, 'package-lock.json')];

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((e) => newest(path.join(p, e))));
}

export async function buildWeb({ force = false, quiet = false } = {}) {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (!force && built > 0 && built >= Math.max(...inputs.map(newest))) return false;
  if (!quiet) process.stderr.write('building the web app (dist/web)...\n');
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), root: path.join(root, 'src/web'), logLevel: quiet ? 'error' : 'warn' });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWeb({ force: process.argv.includes('--force') });
}
