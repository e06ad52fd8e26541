import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { inject } from 'vitest';

/** The repository root: every CLI process runs here. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every child still running; `killAll` ends them (call it from afterAll/afterEach). */
const live = new Set<ChildProcess>();

// Last resort: if the test worker exits without its hooks running, take the children with it.
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** A port nobody listens on right now (bound on loopback, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('no port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

/** A pair of keys for nodes that must share them (base64 of 32 bytes). */
export function clusterKeys(): { CASTELLAN_SECRET_KEY: string; CASTELLAN_ENCRYPTION_KEY: string } {
  return {
    CASTELLAN_SECRET_KEY: randomBytes(32).toString('base64'),
    CASTELLAN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * The environment of a child: this process's, minus every Castellan setting
 * and DATABASE_URL (so nothing leaks in from the shell), plus `extra`.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('CASTELLAN_') || k === 'DATABASE_URL' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * How a child runs the CLI: the bundle the process project's global setup built (test/process-setup.ts),
 * or with `source` (and wherever there is no bundle: outside Vitest, as in the benchmarks) the sources
 * through tsx, as `npm start` does.
 */
function cliEntry(source: boolean): string[] {
  const bundle = source || !process.env.VITEST ? '' : (inject('cliBundle') ?? '');
  return bundle ? [bundle] : ['--import', 'tsx', 'src/main.ts'];
}

function spawnCli(args: string[], env: Record<string, string | undefined>, source = false): ChildProcess {
  const child = spawn(process.execPath, [...cliEntry(source), ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to its end; `input` is written to its stdin (a pipe, never a TTY), which is then closed. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number; source?: boolean } = {},
): Promise<CliResult> {
  const child = spawnCli(args, opts.env ?? {}, opts.source);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  child.stdin?.on('error', () => {}); // the command may exit before reading its input
  child.stdin?.end(opts.input ?? '');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`castellan ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every JSON line the server logged on stdout, parsed. */
  logs: Array<Record<string, any>>;
  stderr(): string;
  /** Resolves with the first log line matching, waiting for it. */
  waitForLog(match: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (SIGKILL by default) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** fetch() against this server. */
  request(pathname: string, init?: RequestInit): Promise<Response>;
}

/**
 * Starts `castellan serve` on a free loopback port and waits for "castellan listening".
 * Give `env` the data directory or DATABASE_URL and anything else the test needs.
 */
export async function startServer(opts: { env: Record<string, string | undefined>; timeoutMs?: number; source?: boolean }): Promise<ServerProcess> {
  const port = await freePort();
  // Inbound mail on a free port too, so that servers started side by side do not compete for 2525.
  const child = spawnCli(['serve', '--port', String(port)], { CASTELLAN_HOST: '127.0.0.1', CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0', CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0', ...opts.env }, opts.source);
  const logs: Array<Record<string, any>> = [];
  const waiters: Array<{ match: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }> = [];
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (c: Buffer) => {
    partial += c.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) {
      if (!text.trim()) continue;
      let line: Record<string, any>;
      try {
        line = JSON.parse(text) as Record<string, any>;
      } catch {
        line = { msg: text, unparsed: true };
      }
      logs.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const server: ServerProcess = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    logs,
    stderr: () => stderr,
    exited,
    waitForLog(match, timeoutMs = 15_000) {
      const found = logs.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { match, resolve };
        waiters.push(w);
        const fail = (why: string) => {
          const i = waiters.indexOf(w);
          if (i < 0) return;
          waiters.splice(i, 1);
          reject(new Error(`${why}\nstderr: ${stderr}\nlast logs: ${JSON.stringify(logs.slice(-5))}`));
        };
        setTimeout(() => fail(`no matching log line within ${timeoutMs} ms`), timeoutMs).unref();
        void exited.then((e) => fail(`the server exited (code ${e.code}, signal ${e.signal})`));
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    request(pathname, init) {
      return fetch(`${server.url}${pathname}`, init);
    },
  };
  try {
    await server.waitForLog((l) => l.msg === 'castellan listening', opts.timeoutMs ?? 30_000);
  } catch (e) {
    await server.kill();
    throw e;
  }
  return server;
}

/** SIGKILLs every child still running and waits for them to go. */
export async function killAll(): Promise<void> {
  const children = [...live];
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) {
            resolve();
            return;
          }
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/** POSTs JSON and answers the status and parsed body. */
export async function postJson(
  server: ServerProcess,
  pathname: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await server.request(pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Polls `check` until it answers true, or fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
