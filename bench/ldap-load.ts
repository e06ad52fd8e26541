/**
 * The LDAP load generator, in a process of its own (pinned by the caller to
 * the client core): `connections` connections with the ldapts client, each
 * driving one operation after another (a closed loop, as a pool of nslcd or
 * SSSD connections does).
 *
 * - `search`: each connection binds once (as one of the bind identities, in
 *   turn), then searches `(uid=<random user>)` under BASE, scope sub, every
 *   user attribute; an answer that is not exactly that one entry is an error.
 *   Each connection draws its users from its own seeded sequence, so both
 *   servers get the same searches on the same connection.
 * - `bind`: each connection binds again and again, as the bind identities in
 *   turn, with their right password; a refusal is an error.
 *
 * usage: node --import tsx bench/ldap-load.ts search|bind URL CONNECTIONS SECONDS
 * with, in the environment, BENCH_LDAP_BINDS (a JSON array of [dn, password])
 * and, for `search`, BENCH_LDAP_BASE and BENCH_LDAP_UIDS_FILE (the users'
 * uids, one a line). It prints {"ready":true} once every connection is open
 * (and bound, for `search`), runs for SECONDS, then prints one JSON line:
 * ops, seconds, rate, p50Ms, p99Ms, errors, firstError, clientCores (the CPU
 * this process used over the measured seconds, in cores) and clientWaiting
 * (the share of them its main thread, where ldapts runs, waited for a core).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from 'ldapts';
import { runQueueSeconds } from './proc.ts';

const [mode, url, connArg, secondsArg] = process.argv.slice(2);
const connections = Number(connArg);
const seconds = Number(secondsArg);
const binds = JSON.parse(process.env.BENCH_LDAP_BINDS ?? '[]') as Array<[string, string]>;
const base = process.env.BENCH_LDAP_BASE ?? '';
const uidsFile = process.env.BENCH_LDAP_UIDS_FILE;
if ((mode !== 'search' && mode !== 'bind') || !url || !connections || !seconds || binds.length === 0 || (mode === 'search' && (!base || !uidsFile))) {
  process.stderr.write('usage: BENCH_LDAP_BINDS=[[dn,password],...] [BENCH_LDAP_BASE=... BENCH_LDAP_UIDS_FILE=...] ldap-load.ts search|bind URL CONNECTIONS SECONDS\n');
  process.exit(2);
}
const uids = mode === 'search' ? readFileSync(uidsFile as string, 'utf8').split('\n').filter(Boolean) : [];

/** A deterministic pseudo-random sequence per connection (the same as bench/seed.ts's rng). */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

let errors = 0;
let firstError = '';
const failed = (what: string) => {
  errors++;
  firstError ||= what;
};

const clients = Array.from({ length: connections }, () => new Client({ url: url as string, timeout: 10_000, connectTimeout: 10_000 }));
await Promise.all(
  clients.map(async (c, i) => {
    if (mode === 'search') {
      const [dn, password] = binds[i % binds.length] as [string, string];
      await c.bind(dn, password);
    } else {
      // Opens the connection without binding: a read of the root DSE.
      await c.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
    }
  }),
);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

const latencies: number[] = [];
const cpu0 = process.cpuUsage();
const wait0 = runQueueSeconds(process.pid);
const start = performance.now();
const deadline = start + seconds * 1000;
await Promise.all(
  clients.map(async (c, i) => {
    const pick = rng(i + 1);
    let k = i;
    while (performance.now() < deadline) {
      const t = performance.now();
      if (mode === 'search') {
        const uid = uids[pick(uids.length)] as string;
        try {
          const r = await c.search(base, { scope: 'sub', filter: `(uid=${uid})` });
          if (r.searchEntries.length !== 1 || r.searchEntries[0]?.uid !== uid) failed(`(uid=${uid}) answered ${r.searchEntries.length} entries`);
        } catch (e) {
          failed(`(uid=${uid}): ${(e as Error).message}`);
        }
      } else {
        const [dn, password] = binds[k++ % binds.length] as [string, string];
        try {
          await c.bind(dn, password);
        } catch (e) {
          failed(`bind as ${dn}: ${(e as Error).message}`);
        }
      }
      latencies.push(performance.now() - t);
    }
  }),
);
const elapsed = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const wait1 = runQueueSeconds(process.pid);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ ops: latencies.length, seconds: elapsed, rate: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99), errors, firstError, clientCores: (cpu.user + cpu.system) / 1e6 / elapsed, clientWaiting: wait0 === undefined || wait1 === undefined ? undefined : (wait1 - wait0) / elapsed })}\n`,
);
await Promise.all(clients.map((c) => c.unbind().catch(() => {})));
