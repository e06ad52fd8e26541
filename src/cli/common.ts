import type { Caller } from '../core/caller.ts';
import { type Command, InvalidArgumentError } from 'commander';
import { type Config, ConfigError, loadConfig, parseIntStrict } from '../config.ts';

export interface GlobalOptions {
  dataDir?: string;
}

/** Every command takes --data-dir (or CASTELLAN_DATA_DIR) and honours DATABASE_URL. */
export function withDataDir(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'data directory (default ./data, or CASTELLAN_DATA_DIR)');
}

export function configFrom(opts: { dataDir?: string; port?: string }, env = process.env): Config {
  return loadConfig(env, { dataDir: opts.dataDir, port: opts.port });
}

export function portArg(value: string): string {
  try {
    parseIntStrict(value, '--port', 0, 65535);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return value;
}

/** A one-line message on stderr and a non-zero exit, for errors the user can fix. */
export function fail(message: string, code = 2): never {
  process.stderr.write(`castellan: ${message}\n`);
  process.exit(code);
}

export function describeError(e: unknown): string {
  if (e instanceof ConfigError) return e.message;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return `cannot reach the database (${e.message})`;
    if (code === 'EADDRINUSE') return `the port is already in use (${e.message})`;
    return e.message;
  }
  return String(e);
}

/** A progress line on stderr for long work; redrawn in place on a terminal, printed every 10% otherwise. */
export function progress(label: string) {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return {
    update(done: number, total: number) {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      } else if (Math.floor(pct / 10) > lastDecile) {
        lastDecile = Math.floor(pct / 10);
        process.stderr.write(`${label}: ${done}/${total} (${pct}%)\n`);
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** Who the command line acts as: the local operator, who can read the database anyway. */
export const OPERATOR: Caller = { kind: 'operator' };
