/**
 * The processes a benchmark starts: the server under test (`castellan serve`),
 * its baseline server, and the load generator, each in a process of its own.
 *
 * A load client in the server's own thread charges its cost to both sides of a
 * ratio and flatters the slower side, so no benchmark drives a server from its
 * own process. On Linux each process is pinned with `taskset`: by default the
 * servers (and the raw argon2id baseline) to core 0 and the load generator to
 * core 1, so that the two never compete for one core and a ratio compares the
 * servers alone. `--server-cpus LIST` and `--client-cpus LIST` (taskset lists,
 * or `none`) change that.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv, freePort } from '../test/helpers/process.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** The machine's cores, counted before this process pins itself anywhere (pinSelf). */
export const CORES = os.availableParallelism();

/** Where the servers and the load generator run: taskset CPU lists, or undefined for anywhere. */
export interface Placement {
  server: string | undefined;
  client: string | undefined;
}

let tasksetWorks: boolean | undefined;
function canPin(): boolean {
  if (tasksetWorks === undefined) {
    try {
      execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
      tasksetWorks = true;
    } catch {
      tasksetWorks = false;
    }
  }
  return tasksetWorks;
}

/** The placement from the flags, or one core each when there are two and taskset works. */
export function placement(server: string | undefined, client: string | undefined): Placement {
  const auto = CORES >= 2 && canPin();
  const pick = (flag: string | undefined, fallback: string) => (flag === 'none' ? undefined : (flag ?? (auto ? fallback : undefined)));
  const chosen = { server: pick(server, '0'), client: pick(client, '1') };
  if ((chosen.server || chosen.client) && !canPin()) throw new Error('--server-cpus and --client-cpus need taskset (util-linux)');
  return chosen;
}

export function describePlacement(p: Placement, client = 'load generator'): string {
  const where = (cpus: string | undefined) => (cpus === undefined ? 'any core (not pinned)' : `cpu ${cpus} (taskset)`);
  return `servers on ${where(p.server)}, ${client} on ${where(p.client)}; ${CORES} cores, node ${process.version}`;
}

/** The command line of `cmd args`, under taskset when `cpus` is given. */
export function pinned(cpus: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [cmd, args] : ['taskset', ['-c', cpus, cmd, ...args]];
}

/** Moves this process (all its threads) to `cpus`; what it starts afterwards inherits that. */
export function pinSelf(cpus: string | undefined): void {
  if (cpus !== undefined) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

// Every child still running is killed when the benchmark ends, however it ends.
const live = new Set<ChildProcess>();
const killLive = () => {
  for (const c of live) c.kill('SIGKILL');
};
process.once('exit', killLive);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLive();
    process.exit(130);
  });
}

export interface Child {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout and stderr so far (the last 64 KiB). */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `cmd args` (pinned to `cpus`) from the repository root with `env` added to a clean environment. */
export function start(cmd: string, args: string[], opts: { cpus?: string | undefined; env?: Record<string, string> } = {}): Child {
  const [file, argv] = pinned(opts.cpus, cmd, args);
  const child = spawn(file, argv, { cwd: ROOT, env: childEnv(opts.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString('utf8')).slice(-65_536);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
    child.once('error', (e) => {
      keep(Buffer.from(String(e)));
      live.delete(child);
      resolve(null);
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `cmd args` to its end and answers its stdout; fails with its output when it exits non-zero. */
export async function runToEnd(cmd: string, args: string[], opts: { cpus?: string | undefined; env?: Record<string, string> } = {}): Promise<string> {
  const c = start(cmd, args, opts);
  let stdout = '';
  c.child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString('utf8');
  });
  const code = await c.exited;
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${c.output()}`);
  return stdout;
}

/** Polls `url` until it answers 200; fails with the server's output if it exits or takes too long. */
async function ready(server: Child, url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${what} exited before answering:\n${server.output()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms:\n${server.output()}`);
    await sleep(100);
  }
}

export interface Server extends Child {
  url: string;
  port: number;
}

/** A bench must never be slowed or refused by a limit meant for attackers, whatever happens in it. */
export const NO_LIMITS = {
  CASTELLAN_SIGNIN_MAX_FAILURES: '1000000',
  CASTELLAN_SIGNIN_IP_MAX_FAILURES: '1000000',
  CASTELLAN_RESET_MAX_PER_WINDOW: '1000000',
  CASTELLAN_VERIFY_MAX_FAILURES: '1000000',
};

/** Castellan's settings for a benchmark, over which `env` goes: quiet logs, no mail worker, no inbound mail. */
export function serverEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    CASTELLAN_HOST: '127.0.0.1',
    CASTELLAN_LOG_LEVEL: 'warn',
    CASTELLAN_MAIL_WORKER: 'false',
    CASTELLAN_SMTP_IN_ENABLED: 'false',
    CASTELLAN_LDAP_ENABLED: 'false',
    CASTELLAN_RADIUS_ENABLED: 'false',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...env,
  };
}

/**
 * `castellan serve` on a free loopback port, the way an operator runs it
 * (`node --import tsx src/main.ts serve --data-dir DIR --port N`), once it
 * answers /healthz. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startCastellan(opts: { dataDir: string; cpus?: string | undefined; env?: Record<string, string>; nodeArgs?: string[] }): Promise<Server> {
  const port = await freePort();
  const args = [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts', 'serve', '--data-dir', opts.dataDir, '--port', String(port)];
  const server = start(process.execPath, args, { cpus: opts.cpus, env: serverEnv(opts.env) });
  const url = `http://127.0.0.1:${port}`;
  await ready(server, `${url}/healthz`, 'castellan serve');
  return { ...server, url, port };
}

/** The baseline: a bare Fastify route in its own process (bench/bare-http.ts) answering `bodyFile` to every request. */
export async function startBare(opts: { bodyFile: string; contentType?: string; cpus?: string | undefined }): Promise<Server> {
  const port = await freePort();
  const args = ['--import', 'tsx', 'bench/bare-http.ts', String(port), opts.bodyFile, ...(opts.contentType ? [opts.contentType] : [])];
  const server = start(process.execPath, args, { cpus: opts.cpus });
  const url = `http://127.0.0.1:${port}`;
  await ready(server, `${url}/ready`, 'the bare Fastify server');
  return { ...server, url, port };
}
