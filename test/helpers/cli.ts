import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/common.ts';
import { runProgram } from '../../src/cli/program.ts';
import { freePort } from './process.ts';
import { fastHasher } from './hasher.ts';

export interface CliRun {
  /** The exit code: the one the command asked for, 0 when it ended without asking. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** The command's whole environment: nothing of the test process's own leaks in. */
  env?: Record<string, string | undefined>;
  /** What the command reads on stdin (a pipe, never a terminal). */
  input?: string;
  /** Hash passwords with real argon2id instead of the fixtures' cheap hasher. */
  realHasher?: boolean;
  /** Publish the starter privacy policy as `castellan` does on a fresh database (off in tests unless asked). */
  starterPolicy?: boolean;
}

/** A buffer standing in for stdout or stderr. */
function sink() {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(String(s)), isTTY: false, text: () => chunks.join('') };
}

function envOf(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

interface TestIo extends CliIo {
  out: ReturnType<typeof sink>;
  err: ReturnType<typeof sink>;
  exitCode(): number | undefined;
  signals: EventEmitter;
}

function testIo(opts: CliRunOptions): TestIo {
  const out = sink();
  const err = sink();
  const stdin = Object.assign(Readable.from(opts.input === undefined ? [] : [Buffer.from(opts.input)]), { isTTY: false });
  const signals = new EventEmitter();
  let code: number | undefined;
  return {
    stdout: out,
    stderr: err,
    stdin,
    env: envOf(opts.env ?? {}),
    // The first exit wins, as in a process.
    exit: (c) => {
      code ??= c;
    },
    onSignal: (signal, listener) => signals.on(signal, listener),
    // The starter privacy policy (and its audit entry) only where a test asks for it, so audit counts stay the test's own.
    core: { ...(opts.realHasher ? {} : { hasher: fastHasher }), starterPolicy: opts.starterPolicy ?? false },
    out,
    err,
    exitCode: () => code,
    signals,
  };
}

/** Runs one command line in this process, to its end, and answers its exit code and output. */
export async function runCliInProcess(args: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const io = testIo(opts);
  await runProgram(args, io);
  return { code: io.exitCode() ?? 0, stdout: io.out.text(), stderr: io.err.text() };
}

export interface InProcessServer {
  url: string;
  port: number;
  /** Every JSON line logged so far, parsed. */
  logs(): Array<Record<string, any>>;
  stderr(): string;
  /** Resolves with the first log line matching, waiting for it. */
  waitForLog(match: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /** Delivers a signal to the command, as the process would. */
  signal(signal: 'SIGTERM' | 'SIGINT'): void;
  /** Resolves with the exit code the command asks for. */
  exited: Promise<number>;
  /** SIGTERM, then the exit code (for cleanup). */
  stop(): Promise<number>;
}

/** `castellan serve` in this process on a free loopback port, with inbound mail on a free port too; resolves once listening. */
export async function serveInProcess(opts: CliRunOptions & { args?: string[] } = {}): Promise<InProcessServer> {
  const port = await freePort();
  const io = testIo({ ...opts, env: { CASTELLAN_HOST: '127.0.0.1', CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0', CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0', ...opts.env } });
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const exit = io.exit;
  io.exit = (c) => {
    exit(c);
    resolveExit(io.exitCode() as number);
  };
  const parsed = () =>
    io.out
      .text()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, any>;
        } catch {
          return { msg: l, unparsed: true };
        }
      });
  const done = runProgram(['serve', '--port', String(port), ...(opts.args ?? [])], io).then(() => {
    // The command ended without listening: it failed, and said so.
    if (io.exitCode() !== undefined) resolveExit(io.exitCode() as number);
  });
  const server: InProcessServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    logs: parsed,
    stderr: () => io.err.text(),
    async waitForLog(match, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let ended = false;
      void exited.then(() => {
        ended = true;
      });
      for (;;) {
        const found = parsed().find(match);
        if (found) return found;
        if (ended) throw new Error(`the command ended (code ${io.exitCode()}) before the log line; stderr: ${io.err.text()}`);
        if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms; stderr: ${io.err.text()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    signal: (s) => void io.signals.emit(s),
    exited,
    async stop() {
      if (io.exitCode() === undefined) io.signals.emit('SIGTERM');
      return exited;
    },
  };
  await done;
  if (io.exitCode() !== undefined) throw new Error(`castellan serve exited ${io.exitCode()}: ${io.err.text()}`);
  return server;
}
