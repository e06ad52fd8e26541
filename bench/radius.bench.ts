/**
 * radius: how close do Castellan's RADIUS Access-Accepts (PRO-3) come to the
 * password check they are built around, and how do its Access-Rejects for
 * unknown users compare with FreeRADIUS's?
 *
 * The load comes from FreeRADIUS's own client, radclient, in a process of its
 * own on the client core: one file of PAP Access-Requests (each with a
 * Message-Authenticator), sent `--requests` times with `--concurrency` in
 * flight; the rate is the answers over the wall time of the run. Each request
 * gets a fresh Identifier and Request Authenticator, so none is a
 * retransmission (those are answered from the duplicate cache). radclient keeps
 * at most one request of each entry of its file in flight (`-c` sends an entry
 * again only once it is answered, `-p` caps the entries sent at once): the
 * member's request is written `--concurrency` times, or `-p 2` would still be
 * one in flight (and the server's core, idle for a moment after every answer,
 * would take in whatever else runs on the machine: radclient busy-polls its own
 * core). For the radclient phases `srv wait` is the share of the server's
 * core(s) other processes took (their busy time in /proc/stat less the server's
 * own CPU time): a server short of CPU because of them, not an idle one.
 *
 * 1. accepts: a member bound to a network, with the project's argon2id
 *    parameters, against raw argon2id verifies (bench/argon2-rate.ts, a process
 *    of its own on the server core, as many in flight). Target >= 0.9, as for
 *    signin and LDAP binds: a RADIUS accept is one verify plus bookkeeping.
 * 2. rejects: unknown users, against FreeRADIUS 3 (`freeradius -f`, a users
 *    file, started by this script on free ports in a throwaway configuration
 *    with reject_delay 0) on the same core. Target >= 0.5. Castellan checks an
 *    unknown user's password against a decoy argon2id hash (ACC-7: an unknown
 *    user and a wrong password cost the same, so timing does not tell them
 *    apart), which FreeRADIUS does not: expect this ratio to be bounded by the
 *    argon2id rate over FreeRADIUS's packet rate.
 *
 * Reported, not asserted: the process fails only when something is broken (an
 * accept answered with a reject, lost packets, a server that does not start).
 *
 * Needs radclient and freeradius (Debian: apt-get install freeradius-utils
 * freeradius; only the binaries and /etc/freeradius/3.0 as a template are used,
 * never the system's own service).
 *
 * Flags: --concurrency N (accepts: default the server's cores, 2..4),
 * --reject-concurrency N (32), --seconds N (4 per phase), --rounds N (3),
 * --warmup N (1), --server-cpus, --client-cpus, --cpu-prof.
 */
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchFlags, pairedRounds, verdict } from './load.ts';
import { cpuCount, cpuSeconds } from './proc.ts';
import { type Child, NO_LIMITS, describePlacement, runToEnd, start, startCastellan } from './processes.ts';
import { profiled } from './profile.ts';
import { PASSWORD, api, seedSignIn, signIn, signUp, withApp } from './seed.ts';
import type { LoadResult } from './wrk.ts';

const ACCEPT_TARGET = 0.9;
const REJECT_TARGET = 0.5;
const ADMIN = 'bench.radius@example.com';
const BASELINE = 'bench.radius.argon2@example.com';
const FREERADIUS_TEMPLATE = '/etc/freeradius/3.0';
const INSTALL = 'Debian and Ubuntu: apt-get install freeradius-utils freeradius';

const options = (args: string[]) =>
  benchFlags(args, {
    concurrency: { fallback: 0, min: 0 },
    'reject-concurrency': { fallback: 32, min: 1 },
    seconds: { fallback: 4, min: 1 },
    rounds: { fallback: 3, min: 1 },
    warmup: { fallback: 1, min: 0 },
  });

const log = (s: string) => process.stderr.write(`radius: ${s}\n`);

function tool(name: string): string {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/sbin']) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`${name} is not installed (${INSTALL})`);
}

/** A UDP port free now (bound, read, released), and the one after it for accounting. */
async function freeUdpPortPair(): Promise<number> {
  for (;;) {
    const s = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve) => s.bind(0, '127.0.0.1', () => resolve(s.address().port)));
    s.close();
    if (port < 65535) return port;
  }
}

/** The network, its secret and a member bound to it, through the API, hashed with the project's argon2id. */
async function seed(dataDir: string): Promise<{ secret: string; username: string }> {
  return withApp(dataDir, async (app) => {
    const { orgId, userId } = await signUp(app, ADMIN, true);
    const token = await signIn(app, ADMIN);
    // The member is the admin: sign-up gives them a username (an admin does not rename themselves).
    const username = (await api<{ username: string | null }>(app, 'GET', `/api/v1/orgs/${orgId}/users/${userId}`, { token })).username;
    if (!username) throw new Error('the bench admin has no username');
    const network = await api<{ id: string; sharedSecret: string }>(app, 'POST', `/api/v1/orgs/${orgId}/resources`, { body: { kind: 'network', name: 'Bench Wi-Fi', settings: { clients: ['127.0.0.1'] } }, token });
    await api(app, 'POST', `/api/v1/orgs/${orgId}/resources/${network.id}/bindings`, { body: { userId }, token });
    return { secret: network.sharedSecret, username };
  });
}

/** FreeRADIUS 3 in a throwaway copy of the Debian configuration: one client, one user, no reject delay, no EAP. */
function freeradiusConfig(dir: string, secret: string, username: string, port: number): string {
  const raddb = path.join(dir, 'raddb');
  cpSync(FREERADIUS_TEMPLATE, raddb, { recursive: true, dereference: true });
  for (const f of ['sites-enabled/inner-tunnel', 'mods-enabled/eap']) rmSync(path.join(raddb, f), { force: true });
  let conf = readFileSync(path.join(raddb, 'radiusd.conf'), 'utf8');
  conf = conf
    .replace(/^\s*(user|group)\s*=.*$/gm, '')
    .replace(/reject_delay\s*=\s*\d+/, 'reject_delay = 0')
    .replace(/^(\s*)logdir\s*=.*$/m, `$1logdir = ${dir}`)
    .replace(/^(\s*)run_dir\s*=.*$/m, `$1run_dir = ${dir}`)
    .replace(/^(\s*)raddbdir\s*=.*$/m, `$1raddbdir = ${raddb}`);
  writeFileSync(path.join(raddb, 'radiusd.conf'), conf);
  writeFileSync(path.join(raddb, 'clients.conf'), `client bench {\n  ipaddr = 127.0.0.1\n  secret = ${secret}\n  require_message_authenticator = yes\n}\n`);
  writeFileSync(path.join(raddb, 'mods-config/files/authorize'), `${username} Cleartext-Password := "${PASSWORD}"\n`);
  // The default site: loopback only, on `port` (auth), `port + 1` (accounting) and the two after
  // them for its IPv6 listeners; without the eap module, which is gone.
  const site = path.join(raddb, 'sites-enabled/default');
  let ports = port;
  const text = readFileSync(site, 'utf8')
    .replace(/^\s*eap\s*(\{[^}]*\})?\s*$/gm, '')
    .replace(/^(\s*)ipaddr = \*/gm, '$1ipaddr = 127.0.0.1')
    .replace(/^(\s*)ipv6addr = ::(\s)/gm, '$1ipv6addr = ::1$2')
    .replace(/^(\s*)port = 0/gm, (_m, indent: string) => `${indent}port = ${ports++}`);
  writeFileSync(site, text);
  return raddb;
}

/**
 * CPU seconds the listed cores (a taskset list; all of them when undefined) have spent busy so far,
 * whoever ran there (stolen time counts: the core was not the guest's), from /proc/stat (Linux);
 * undefined elsewhere. Less the server's own CPU time, it is what other processes took of its core.
 */
function coresBusySeconds(cpus: string | undefined): number | undefined {
  try {
    const range = (part: string) => {
      const [a, b = a] = part.split('-').map(Number) as [number, number?];
      return Array.from({ length: b - a + 1 }, (_, i) => a + i);
    };
    const wanted = cpus === undefined ? undefined : new Set(cpus.split(',').flatMap(range));
    let ticks = 0;
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+) (.*)$/.exec(line);
      if (!m || (wanted && !wanted.has(Number(m[1])))) continue;
      // user nice system idle iowait irq softirq steal (guest time is counted in user already)
      const [user, nice, system, , , irq, softirq, steal] = (m[2] as string).trim().split(/\s+/).map(Number) as number[];
      ticks += (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    }
    return ticks / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

/** radclient: `requests` Access-Requests (the file's, in turn), `concurrency` in flight; the answers per second of wall time. */
async function radclient(opts: { port: number; secret: string; file: string; requests: number; concurrency: number; cpus: string | undefined; serverCpus: string | undefined; serverPid: number; expect: 'accept' | 'reject' }): Promise<LoadResult> {
  const lines = readFileSync(opts.file, 'utf8').split(/\n\n/).filter((b) => b.trim()).length;
  const count = Math.max(1, Math.ceil(opts.requests / lines));
  const cpu0 = cpuSeconds(opts.serverPid);
  const busy0 = coresBusySeconds(opts.serverCpus);
  const t0 = performance.now();
  const out = await runToEnd(tool('radclient'), ['-q', '-s', '-c', String(count), '-p', String(opts.concurrency), '-t', '5', '-r', '1', '-f', opts.file, `127.0.0.1:${opts.port}`, 'auth', opts.secret], { cpus: opts.cpus }).catch((e: Error) => e.message);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(opts.serverPid);
  const busy1 = coresBusySeconds(opts.serverCpus);
  const n = (label: string) => Number(new RegExp(`${label}\\s*:\\s*(\\d+)`).exec(out)?.[1] ?? 0);
  const accepted = n('Accepted');
  const rejected = n('Rejected');
  const lost = n('Lost');
  const ops = accepted + rejected;
  const cpu = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  return {
    ops,
    seconds,
    rate: ops / seconds,
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
    errors: lost + (opts.expect === 'accept' ? rejected : accepted),
    serverCores: cpu === undefined ? undefined : cpu / seconds,
    serverCpuMs: cpu === undefined || ops === 0 ? undefined : (cpu * 1000) / ops,
    // What other processes took of the server's cores (in a closed loop, the server waited that long for them).
    serverWaiting: cpu === undefined || busy0 === undefined || busy1 === undefined ? undefined : Math.max(0, busy1 - busy0 - cpu) / seconds,
  };
}

/** The packets radclient sends: PAP with a Message-Authenticator (BlastRADIUS), one request per user. */
function packets(file: string, users: string[], password: string): string {
  writeFileSync(file, users.map((u) => `User-Name = "${u}"\nUser-Password = "${password}"\nNAS-Identifier = "bench"\nMessage-Authenticator = 0x00\n`).join('\n'));
  return file;
}

/** Waits until the server accepts the member (FreeRADIUS takes a moment to start). */
async function untilAccepting(server: Child, port: number, secret: string, file: string, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = spawnSync(tool('radclient'), ['-q', '-s', '-t', '1', '-r', '1', '-f', file, `127.0.0.1:${port}`, 'auth', secret], { encoding: 'utf8' });
    if (/Accepted\s*:\s*1/.test(r.stdout)) return;
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} does not accept the bench user:\n${r.stdout}${r.stderr}\n${server.output()}`);
    await sleep(200);
  }
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const concurrency = opts.concurrency || Math.max(2, Math.min(cpuCount(opts.cpus.server), pool));
  tool('radclient');
  const freeradius = tool('freeradius');
  if (!existsSync(FREERADIUS_TEMPLATE)) throw new Error(`${FREERADIUS_TEMPLATE} is missing (${INSTALL})`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-radius-'));
  const prof = profiled(opts.cpuProf, dataDir);
  const children: Child[] = [];
  try {
    log('seeding (argon2id hashes: a few seconds)');
    // The member first: the sign-up's verification link is the first one mailed (bench/seed.ts keeps them in order).
    const { secret, username } = await seed(dataDir);
    const { hash } = await seedSignIn(dataDir, BASELINE);
    const port = await freeUdpPortPair();
    const castellan = await startCastellan({
      dataDir,
      cpus: opts.cpus.server,
      nodeArgs: prof.nodeArgs,
      env: {
        ...NO_LIMITS,
        CASTELLAN_RADIUS_ENABLED: 'true',
        CASTELLAN_RADIUS_PORT: String(port),
        CASTELLAN_RADIUS_ACCT_PORT: '0',
        CASTELLAN_RADIUS_CLIENT_RATE: '1000000',
        CASTELLAN_RADIUS_USER_RATE: '1000000',
        CASTELLAN_RADIUS_MAX_IN_FLIGHT: '100000',
      },
    });
    children.push(castellan);
    const frPort = await freeUdpPortPair();
    const raddb = freeradiusConfig(dataDir, secret, username, frPort);
    const fr = start(freeradius, ['-f', '-d', raddb, '-l', path.join(dataDir, 'radius.log')], { cpus: opts.cpus.server });
    children.push(fr);

    const member = packets(path.join(dataDir, 'member.txt'), [username], PASSWORD);
    // As many entries as requests in flight: radclient has one request of an entry out at a time.
    const members = packets(path.join(dataDir, 'members.txt'), Array.from({ length: concurrency }, () => username), PASSWORD);
    const unknown = packets(path.join(dataDir, 'unknown.txt'), Array.from({ length: 64 }, (_, i) => `nobody${i}`), PASSWORD);
    await untilAccepting(castellan, port, secret, member, 'Castellan');
    await untilAccepting(fr, frPort, secret, member, 'FreeRADIUS');
    const versionLine = `FreeRADIUS ${/Version ([\w.]+)/.exec(spawnSync(freeradius, ['-v'], { encoding: 'utf8' }).stdout)?.[1] ?? '(version unknown)'}`;

    // How many requests make a phase of about --seconds: measured once per server with a short run.
    const sized = async (f: (requests: number) => Promise<LoadResult>, probe: number) => {
      const r = await f(probe);
      return Math.max(probe, Math.round(r.rate * opts.seconds));
    };
    const load = (p: number, pid: number, file: string, conc: number, expect: 'accept' | 'reject') => (requests: number) =>
      radclient({ port: p, secret, file, requests, concurrency: conc, cpus: opts.cpus.client, serverCpus: opts.cpus.server, serverPid: pid, expect });
    const rawVerify = async (): Promise<LoadResult> => {
      const out = await runToEnd(process.execPath, ['--import', 'tsx', 'bench/argon2-rate.ts', String(concurrency), String(opts.seconds), String(opts.warmup)], {
        cpus: opts.cpus.server,
        env: { BENCH_ARGON2_HASH: hash, BENCH_ARGON2_PASSWORD: PASSWORD },
      });
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ops: number; seconds: number; rate: number; p50Ms: number; p99Ms: number; cpuSeconds: number; mainCpuSeconds?: number };
      const perOp = (s: number | undefined) => (s === undefined ? undefined : (s * 1000) / r.ops);
      return { ...r, errors: 0, serverCores: r.cpuSeconds / r.seconds, serverCpuMs: perOp(r.cpuSeconds), mainCpuMs: perOp(r.mainCpuSeconds) };
    };

    const accepts = load(port, castellan.pid, members, concurrency, 'accept');
    const acceptN = await sized(accepts, 50);
    const accepted = await pairedRounds(opts.rounds, async () => void (opts.warmup > 0 && (await accepts(Math.ceil((acceptN * opts.warmup) / opts.seconds)))), ['argon2id raw', rawVerify], ['RADIUS accept', () => accepts(acceptN)]);

    const rc = opts['reject-concurrency'];
    const frRejects = load(frPort, fr.pid, unknown, rc, 'reject');
    const ourRejects = load(port, castellan.pid, unknown, rc, 'reject');
    const frN = await sized(frRejects, 2000);
    const ourN = await sized(ourRejects, 200);
    const rejected = await pairedRounds(opts.rounds, async () => void (opts.warmup > 0 && (await ourRejects(Math.ceil((ourN * opts.warmup) / opts.seconds)))), [`${versionLine} reject`, () => frRejects(frN)], ['Castellan reject', () => ourRejects(ourN)]);

    const out = process.stdout;
    out.write(`radius: ${describePlacement(opts.cpus, 'radclient')}; ${opts.rounds} rounds of about ${opts.seconds} s per phase\n`);
    out.write(`radius: accepts with ${concurrency} in flight; argon2id parameters of the hash: ${hash.split('$').slice(1, 4).join(' ')}\n`);
    out.write(accepted.table);
    out.write(verdict('radius accepts', accepted, { subject: 'Access-Accepts', baseline: 'raw argon2id verifies', target: ACCEPT_TARGET }));
    out.write(`radius: rejects of unknown users with ${rc} in flight, against ${versionLine}\n`);
    out.write(rejected.table);
    out.write(verdict('radius rejects', rejected, { subject: 'Castellan Access-Rejects', baseline: 'FreeRADIUS Access-Rejects', target: REJECT_TARGET }));
    if (accepted.errors > 0 || rejected.errors > 0) throw new Error(`${accepted.errors + rejected.errors} request(s) were lost or answered wrongly`);
    await castellan.stop();
    out.write(prof.summary(accepted.subjectWindows, { ops: accepted.subjectOps, mainCpuMs: accepted.subjectMainCpuMs }));
  } finally {
    for (const c of children) await c.stop(5000);
    await rm(dataDir, { recursive: true, force: true });
  }
}
