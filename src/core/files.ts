import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * SEC-2, data at rest: what Castellan writes to disk (the database and its -wal and -shm, keys,
 * mail written to files) is readable by its owner only, in directories only its owner can open.
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Creates the file empty and private when it is missing, and makes an existing one private. */
export function privateFile(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
  else closeSync(openSync(file, 'wx', 0o600));
}
