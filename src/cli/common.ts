import type { Caller } from '../core/caller.ts';
import { type Command, InvalidArgumentError } from 'commander';
import { type Config, ConfigError, loadConfig, parseIntStrict } from '../config.ts';
import { type Core, type CoreOptions, buildCore } from '../core.ts';
import { isAppError } from '../core/errors.ts';

/** Where a command writes: `process.stdout` and `process.stderr`, or a test's buffers. */
export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width, for help text. */
  columns?: number;
}

/**
 * Everything a command takes from the process it runs in. `main.ts` gives the real ones; tests
 * give their own, so that a command runs in the test's process and is checked by its output and
 * exit code.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Ends the run with this code. The process's own exit never returns; a test's records the code and does. */
  exit(code: number): void;
  /** Subscribes to SIGINT/SIGTERM (`serve`); the process's own signals by default. */
  onSignal?(signal: 'SIGINT' | 'SIGTERM', listener: () => void): void;
  /** What the core is built with besides the configuration (tests: a cheap hasher, a mail transport). */
  core?: Omit<CoreOptions, 'config'>;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    exit: (code) => process.exit(code),
    onSignal: (signal, listener) => process.on(signal, listener),
  };
}

/** A failure the user can act on: a one-line message on stderr and this exit code (2: usage, 1: the rest). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  dataDir?: string;
}

/** Every command takes --data-dir (or CASTELLAN_DATA_DIR) and honours DATABASE_URL. */
export function withDataDir(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'data directory (default ./data, or CASTELLAN_DATA_DIR)');
}

export function configFrom(io: CliIo, opts: { dataDir?: string; port?: string }): Config {
  return loadConfig(io.env, { dataDir: opts.dataDir, port: opts.port });
}

export function portArg(value: string): string {
  try {
    parseIntStrict(value, '--port', 0, 65535);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return value;
}

/** Stops the command with a one-line message on stderr and `code` as its exit code. */
export function fail(message: string, code = 2): never {
  throw new CliError(message, code);
}

export function describeError(e: unknown): string {
  if (e instanceof ConfigError) return e.message;
  if (isAppError(e)) return e.message;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return `cannot reach the database (${e.message})`;
    if (code === 'EADDRINUSE') return `the port is already in use (${e.message})`;
    return e.message;
  }
  return String(e);
}

/**
 * Wraps a command's action: whatever it throws becomes one line on stderr and a non-zero exit
 * (a `CliError`'s own code; 1 for the rest), after the action's own cleanup has run. An action
 * may answer an exit code of its own (`audit verify`: 1 when the log is broken).
 */
export function action<A extends unknown[]>(io: CliIo, fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    let code: number;
    try {
      code = (await fn(...args)) ?? 0;
    } catch (e) {
      io.stderr.write(`castellan: ${describeError(e).replace(/\s*\n\s*/g, ' ')}\n`);
      code = e instanceof CliError ? e.exitCode : 1;
    }
    if (code !== 0) io.exit(code);
  };
}

/** Builds the core for one command, runs `work` on it and closes it, whatever happens. */
export async function withCore<T>(io: CliIo, opts: GlobalOptions, work: (core: Core) => Promise<T>): Promise<T> {
  const core = await buildCore({ ...io.core, config: configFrom(io, opts), logStream: io.core?.logStream ?? io.stderr });
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}

/** A progress line on stderr for long work; redrawn in place on a terminal, printed every 10% otherwise. */
export function progress(io: CliIo, label: string) {
  const tty = io.stderr.isTTY === true;
  let lastDecile = -1;
  return {
    update(done: number, total: number) {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        io.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      } else if (Math.floor(pct / 10) > lastDecile) {
        lastDecile = Math.floor(pct / 10);
        io.stderr.write(`${label}: ${done}/${total} (${pct}%)\n`);
      }
    },
    end() {
      if (tty) io.stderr.write('\n');
    },
  };
}

/** Who the command line acts as: the local operator, who can read the database anyway. */
export const OPERATOR: Caller = { kind: 'operator' };
