/**
 * ldap: how does Castellan's LDAP server (PRO-1) compare with OpenLDAP's
 * slapd serving the same tree, and how close do its binds come to the
 * password check they are built around?
 *
 * The directory: 10,000 users in 100 groups (each user in 1 to 3, drawn as
 * for the access benchmark), with their POSIX uidNumber and gidNumber.
 * Castellan's goes in through its own doors: a verified admin (bench/seed.ts),
 * the paid plan (`castellan org plan`), the users and groups from CSV with
 * invitations (`castellan import users --invite`, the links mailed into the
 * data directory), every invitation accepted over the API with a password (the
 * LDAP tree shows only members who have accepted), and one application
 * resource with settings {protocol: "ldap"} bound to every group, so that
 * every user is in the tree. Each acceptance hashes a password: the seeding
 * takes minutes. slapd's is the same directory: `castellan export users
 * --format ldif` rewritten under `o=<slug>,dc=castellan`, with an {SSHA}
 * password for every user, loaded with `slapadd` into an mdb database (index
 * uid eq, member eq) in a throwaway directory. Before any load, a paged search
 * of each server checks that both trees hold the same users with the same
 * attributes.
 *
 * Both servers run as processes of their own on the server core (`castellan
 * serve` with its LDAP listener on, `slapd -d 0`), on loopback, over plain
 * LDAP (CASTELLAN_LDAP_ALLOW_PLAIN_BIND=true: this benchmark's only reason to
 * allow simple binds without TLS). The load comes from a third process on the
 * client core, bench/ldap-load.ts (the ldapts client), with 16 connections:
 *
 * 1. searches: each connection bound once (as one of 4 users, spread over the
 *    directory), then `(uid=<random user>)`, every user attribute, under
 *    `ou=people,o=<slug>,dc=castellan` in a closed loop. Each round runs slapd
 *    then Castellan; the figure is the median of the rounds' ratios
 *    (target >= 1.0: as fast as slapd).
 * 2. binds: simple binds as those 4 users in turn, in a closed loop against
 *    Castellan, next to raw argon2id verifies (bench/argon2-rate.ts, a process
 *    of its own on the server core, as many in flight, the project's
 *    parameters: bench/seed.ts's seedSignIn makes the hash, and signs up one
 *    account of its own for it, outside the benchmark's organization).
 *    Target >= 0.9, as for signin.
 *
 * Beside them, each server's resident memory (VmRSS) after start on the
 * seeded data and after each load, and that figure scaled to 100,000 users.
 * Reported, not asserted: the process fails only when something is broken
 * (a search that does not find its one user, a refused bind, the two trees
 * not holding the same users).
 *
 * Needs slapd (Debian and Ubuntu: apt-get install slapd ldap-utils; only the
 * binaries and /etc/ldap/schema are used, never the system's own slapd).
 *
 * Flags: --users N (default 10000), --groups N (100), --connections N (16),
 * --seconds N (5 per phase), --rounds N (3), --warmup N (seconds, 2),
 * --server-cpus, --client-cpus, --cpu-prof (see docs/development.md,
 * "Benchmarks").
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'ldapts';
import { freePort, runCli } from '../test/helpers/process.ts';
import { benchFlags, pairedRounds, verdict } from './load.ts';
import { cpuSeconds, runQueueSeconds } from './proc.ts';
import { type Child, type Server, NO_LIMITS, describePlacement, runToEnd, serverEnv, start, startCastellan } from './processes.ts';
import { profiled } from './profile.ts';
import { PASSWORD, rng, seedSignIn, seedSupportAdmin } from './seed.ts';
import type { LoadResult } from './wrk.ts';

const SEARCH_TARGET = 1.0;
const BIND_TARGET = 0.9;
/** The users the load client binds as (each has a password; a bind costs an argon2id verify). */
const BIND_IDENTITIES = 4;
const ADMIN = 'bench.admin@bench.example';
const SUFFIX = 'dc=castellan';
const SCHEMAS = '/etc/ldap/schema';
const INSTALL = 'Debian and Ubuntu: apt-get install slapd ldap-utils';

const options = (args: string[]) =>
  benchFlags(args, {
    users: { fallback: 10_000, min: BIND_IDENTITIES },
    groups: { fallback: 100, min: 1 },
    connections: { fallback: 16, min: 1 },
    seconds: { fallback: 5, min: 1 },
    rounds: { fallback: 3, min: 1 },
    warmup: { fallback: 2, min: 0 },
  });

const log = (s: string) => process.stderr.write(`ldap: ${s}\n`);

// ---- slapd ------------------------------------------------------------------------------------

/** slapd and slapadd, in PATH or where Debian puts them; a clear error when missing. */
function slapTools(): { slapd: string; slapadd: string; version: string } {
  const find = (name: string) => {
    for (const dir of [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/usr/local/libexec']) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
    throw new Error(`${name} is not installed: the ldap benchmark compares Castellan with OpenLDAP's slapd (${INSTALL})`);
  };
  const slapd = find('slapd');
  const slapadd = find('slapadd');
  for (const s of ['core', 'cosine', 'nis', 'inetorgperson']) {
    if (!existsSync(path.join(SCHEMAS, `${s}.schema`))) throw new Error(`${SCHEMAS}/${s}.schema is missing (${INSTALL})`);
  }
  // slapd -VV prints its version on stderr.
  const said = spawnSync(slapd, ['-VV'], { encoding: 'utf8' });
  const version = /slapd ([\w.+~-]+)/.exec(`${said.stderr}${said.stdout}`)?.[1] ?? '(version unknown)';
  return { slapd, slapadd, version: `OpenLDAP slapd ${version}` };
}

/** slapd.conf for a throwaway mdb database under `dir`, with the schemas Castellan's entries need. */
function slapdConf(dir: string): string {
  const modulePath = ['/usr/lib/ldap', '/usr/lib64/openldap', '/usr/lib/openldap'].find((d) => existsSync(path.join(d, 'back_mdb.so')));
  return [
    ...['core', 'cosine', 'nis', 'inetorgperson'].map((s) => `include ${path.join(SCHEMAS, `${s}.schema`)}`),
    // Debian builds the backends as modules; elsewhere mdb may be built in.
    ...(modulePath ? [`modulepath ${modulePath}`, 'moduleload back_mdb'] : []),
    `pidfile ${path.join(dir, 'slapd.pid')}`,
    `argsfile ${path.join(dir, 'slapd.args')}`,
    'loglevel 0',
    // No cap on a search's size (the default is 500), as Castellan has none: the check walks every user.
    'sizelimit unlimited',
    'database mdb',
    `suffix "${SUFFIX}"`,
    `directory ${path.join(dir, 'db')}`,
    'maxsize 1073741824',
    'index objectClass eq',
    'index uid eq',
    'index member eq',
    // As Castellan: a bind may check a password, and only a bound user reads the tree.
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by users read by * none',
    '',
  ].join('\n');
}

/** RFC 2307 {SSHA}: base64(SHA-1(password + salt) + salt). */
function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

const ldifLine = (k: string, v: string) => (/^[\x20-\x7e]*$/.test(v) && !/^[ :<]/.test(v) && !/ $/.test(v) ? `${k}: ${v}` : `${k}:: ${Buffer.from(v, 'utf8').toString('base64')}`);

/** LDIF records as attribute lists: continuation lines joined, base64 values decoded. */
function ldifRecords(text: string): Array<Array<[string, string]>> {
  const records: Array<Array<[string, string]>> = [];
  for (const block of text.replace(/\r\n/g, '\n').replace(/\n /g, '').split(/\n{2,}/)) {
    const attrs: Array<[string, string]> = [];
    for (const line of block.split('\n')) {
      const m = /^([^:#]+):(:?) ?(.*)$/.exec(line);
      if (m) attrs.push([(m[1] as string).toLowerCase(), m[2] === ':' ? Buffer.from(m[3] ?? '', 'base64').toString('utf8') : (m[3] ?? '')]);
    }
    if (attrs.length > 0 && attrs[0]?.[0] === 'dn') records.push(attrs);
  }
  return records;
}

interface TreeUser {
  uid: string;
  cn: string;
  mail: string;
  uidNumber: string;
  gidNumber: string;
  homeDirectory: string;
  loginShell: string;
  groups: string[];
}

/**
 * slapd's LDIF from Castellan's own export: the users that are in at least one group (the ones
 * the LDAP application's bindings put in Castellan's tree), each with the attributes Castellan's
 * entry has and an {SSHA} `password`; the groups as groupOfNames with their gidNumber and memberUid (Debian's nis schema
 * makes posixGroup structural, so it cannot join groupOfNames: extensibleObject carries them).
 */
function slapdLdif(exported: string, slug: string, password: string): { ldif: string; users: TreeUser[]; groups: number } {
  const org = `o=${slug},${SUFFIX}`;
  const users: TreeUser[] = [];
  const gids = new Map<string, string>();
  for (const rec of ldifRecords(exported)) {
    const all = (k: string) => rec.filter(([a]) => a === k).map(([, v]) => v);
    const one = (k: string) => all(k)[0] ?? '';
    const classes = all('objectclass').map((c) => c.toLowerCase());
    if (classes.includes('groupofnames')) gids.set(one('cn'), one('gidnumber'));
    else if (classes.includes('inetorgperson')) {
      const uid = one('uid');
      const groups = all('memberof').map((dn) => /^cn=([^,]+),/i.exec(dn)?.[1] ?? dn);
      if (groups.length === 0) continue;
      users.push({
        uid,
        cn: one('cn'),
        mail: one('mail'),
        uidNumber: one('uidnumber'),
        gidNumber: one('gidnumber'),
        homeDirectory: one('homedirectory') || `/home/${uid}`,
        loginShell: one('loginshell') || '/bin/bash',
        groups,
      });
    }
  }
  const userDn = (uid: string) => `uid=${uid},ou=people,${org}`;
  const out: string[] = [
    `dn: ${SUFFIX}`, 'objectClass: top', 'objectClass: dcObject', 'objectClass: organization', `dc: ${SUFFIX.slice(3)}`, `o: ${SUFFIX.slice(3)}`, '',
    `dn: ${org}`, 'objectClass: top', 'objectClass: organization', `o: ${slug}`, '',
    `dn: ou=people,${org}`, 'objectClass: top', 'objectClass: organizationalUnit', 'ou: people', '',
    `dn: ou=groups,${org}`, 'objectClass: top', 'objectClass: organizationalUnit', 'ou: groups', '',
  ];
  const members = new Map<string, string[]>();
  for (const u of users) {
    const words = u.cn.trim().split(/\s+/);
    out.push(ldifLine('dn', userDn(u.uid)), ...['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'posixAccount', 'shadowAccount'].map((c) => `objectClass: ${c}`));
    out.push(ldifLine('uid', u.uid), ldifLine('cn', u.cn), ldifLine('sn', words.at(-1) ?? u.cn));
    if (words.length > 1) out.push(ldifLine('givenName', words[0] as string));
    out.push(ldifLine('displayName', u.cn), ldifLine('mail', u.mail), `uidNumber: ${u.uidNumber}`, `gidNumber: ${u.gidNumber}`);
    out.push(ldifLine('homeDirectory', u.homeDirectory), ldifLine('loginShell', u.loginShell));
    out.push(ldifLine('userPassword', ssha(password)));
    out.push('');
    for (const g of u.groups) {
      const list = members.get(g) ?? [];
      list.push(u.uid);
      members.set(g, list);
    }
  }
  for (const [name, uids] of members) {
    out.push(ldifLine('dn', `cn=${name},ou=groups,${org}`), 'objectClass: top', 'objectClass: groupOfNames', 'objectClass: extensibleObject');
    out.push(ldifLine('cn', name), `gidNumber: ${gids.get(name) ?? ''}`);
    for (const uid of uids) out.push(ldifLine('member', userDn(uid)));
    for (const uid of uids) out.push(ldifLine('memberUid', uid));
    out.push('');
  }
  return { ldif: out.join('\n'), users, groups: members.size };
}

// ---- Castellan's seeding, over the API of a `castellan serve` started for it --------------------

async function call<T = any>(url: string, method: 'GET' | 'POST', token: string | undefined, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Seeded {
  orgId: string;
  slug: string;
  /** The users' usernames, all of whom accepted their invitation with PASSWORD. */
  usernames: string[];
  /** Castellan's export of the organization, as LDIF. */
  exported: string;
  importSeconds: number;
  acceptSeconds: number;
  /** argon2id hash of PASSWORD with the project's parameters, for the raw verify baseline. */
  hash: string;
}

/**
 * Castellan's directory, through its doors: a verified admin signed up (bench/seed.ts) and put on
 * the paid plan (`castellan org plan`); the users and their groups imported
 * from CSV with invitations (`castellan import users --invite`, the links mailed into the data
 * directory); every invitation accepted with a password and the LDAP application granted to every
 * group, over the API of a `castellan serve` started for the seeding alone. Every user must
 * accept: the LDAP tree shows only members who have (DIR-3 as the LDAP view decides it).
 */
async function seedCastellan(dataDir: string, opts: { users: number; groups: number }): Promise<Seeded> {
  const env = { ...serverEnv(), CASTELLAN_DATA_DIR: dataDir, CASTELLAN_INVITATIONS_PER_ORG_HOUR: '1000000' };
  const cli = async (args: string[]) => {
    const r = await runCli(args, { env, timeoutMs: 30 * 60_000 });
    if (r.code !== 0) throw new Error(`castellan ${args.slice(0, 2).join(' ')} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  await seedSupportAdmin(dataDir, ADMIN);
  // The raw verify baseline's hash; its account is another organization's, outside the tree.
  const { hash } = await seedSignIn(dataDir, 'bench.argon2@bench.example');
  const server = await startCastellan({ dataDir, env: NO_LIMITS });
  try {
    const api = server.url;
    const { token } = await call<{ token: string }>(`${api}/api/v1/sessions`, 'POST', undefined, { email: ADMIN, password: PASSWORD });
    const me = await call<{ organization: { id: string; slug: string } }>(`${api}/api/v1/me`, 'GET', token);
    const { id: orgId, slug } = me.organization;
    await cli(['org', 'plan', '--org', orgId, '--plan', 'paid']);

    // The same users and groups as the access benchmark's directory (bench/seed.ts): 3 picks each.
    const pick = rng(42);
    const usernames = Array.from({ length: opts.users }, (_, i) => `user${i}`);
    const lines = ['email,name,username,groups'];
    for (const [i, username] of usernames.entries()) {
      const groups = new Set([pick(opts.groups), pick(opts.groups), pick(opts.groups)]);
      lines.push(`${username}@bench.example,User ${i},${username},${[...groups].map((g) => `group${g}`).join(';')}`);
    }
    const csv = path.join(dataDir, 'users.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    log(`importing ${opts.users} users with castellan import users --invite...`);
    const t0 = performance.now();
    await cli(['import', 'users', '--org', orgId, '--invite', csv]);
    const importSeconds = (performance.now() - t0) / 1000;

    const mailDir = path.join(dataDir, 'mail');
    const tokens = new Map<string, string>();
    for (const f of existsSync(mailDir) ? readdirSync(mailDir).filter((x) => x.endsWith('.eml')) : []) {
      const text = readFileSync(path.join(mailDir, f), 'utf8');
      const to = /^To: (.+)$/m.exec(text)?.[1]?.trim().toLowerCase();
      const link = /\/invitations\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
      if (to && link) tokens.set(to, link);
    }
    log(`accepting ${opts.users} invitations with a password through the API (an argon2id hash each)...`);
    const t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < usernames.length) {
          const email = `${usernames[next++]}@bench.example`;
          const link = tokens.get(email);
          if (!link) throw new Error(`no invitation mail for ${email} in ${mailDir}`);
          await call(`${api}/api/v1/invitations/accept`, 'POST', undefined, { token: link, password: PASSWORD });
        }
      }),
    );
    const acceptSeconds = (performance.now() - t1) / 1000;

    log('granting the LDAP application to every group through the API...');
    const groups: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await call(
        `${api}/api/v1/orgs/${orgId}/groups?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        'GET',
        token,
      );
      groups.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor;
    } while (cursor);
    const app = await call<{ id: string }>(`${api}/api/v1/orgs/${orgId}/resources`, 'POST', token, { kind: 'application', name: 'Linux hosts', settings: { protocol: 'ldap' } });
    for (const groupId of groups) await call(`${api}/api/v1/orgs/${orgId}/resources/${app.id}/bindings`, 'POST', token, { groupId });
    await server.stop();
    const file = path.join(dataDir, 'export.ldif');
    await cli(['export', 'users', '--org', orgId, '--format', 'ldif', '--out', file]);
    return { orgId, slug, usernames, exported: readFileSync(file, 'utf8'), importSeconds, acceptSeconds, hash };
  } finally {
    await server.stop();
  }
}

// ---- processes, phases and memory -------------------------------------------------------------

/** Resident memory of a process, in MiB, from /proc (Linux); undefined elsewhere. */
function rssMiB(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Waits until an LDAP server answers a read of its root DSE on `url`. */
async function answers(url: string, server: Child, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const c = new Client({ url, timeout: 2000, connectTimeout: 2000 });
    const ok = await c.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }).then(
      () => true,
      () => false,
    );
    await c.unbind().catch(() => {});
    if (ok) return;
    if (server.child.exitCode !== null || server.child.signalCode !== null || Date.now() > deadline) throw new Error(`${what} does not answer on ${url}:\n${server.output()}`);
    await sleep(100);
  }
}

/** Every user under `base` (a paged search of uid, uidNumber, gidNumber, cn, mail), by uid. */
async function people(url: string, bind: [string, string], base: string): Promise<Map<string, string>> {
  const c = new Client({ url, timeout: 60_000 });
  try {
    await c.bind(...bind);
    const r = await c.search(base, { scope: 'one', filter: '(objectClass=posixAccount)', attributes: ['uid', 'uidNumber', 'gidNumber', 'cn', 'mail', 'homeDirectory', 'loginShell'], paged: { pageSize: 1000 } });
    const seen = new Map<string, string>();
    for (const e of r.searchEntries) {
      seen.set(String(e.uid), ['uidNumber', 'gidNumber', 'cn', 'mail', 'homeDirectory', 'loginShell'].map((a) => `${a}=${String(e[a])}`).join(' '));
    }
    return seen;
  } finally {
    await c.unbind().catch(() => {});
  }
}

interface LdapLoadResult extends LoadResult {
  firstError: string;
  clientCores: number;
  clientWaiting?: number | undefined;
}

/**
 * One phase: bench/ldap-load.ts against `url`, pinned to the client cores; the server's CPU use
 * is read from /proc between the client's "ready" (connections open and bound) and its result.
 */
async function ldapLoad(opts: { mode: 'search' | 'bind'; url: string; connections: number; seconds: number; cpus: string | undefined; serverPid: number; env: Record<string, string> }): Promise<LdapLoadResult> {
  const read = () => ({ cpu: cpuSeconds(opts.serverPid), main: cpuSeconds(opts.serverPid, true), wait: runQueueSeconds(opts.serverPid) });
  const args = ['--import', 'tsx', 'bench/ldap-load.ts', opts.mode, opts.url, String(opts.connections), String(opts.seconds)];
  const client = start(process.execPath, args, { cpus: opts.cpus, env: opts.env });
  let before: ReturnType<typeof read> | undefined;
  let after: ReturnType<typeof read> | undefined;
  let result: (Omit<LdapLoadResult, 'serverCores'> & { ready?: boolean }) | undefined;
  let pending = '';
  client.child.stdout?.on('data', (b: Buffer) => {
    pending += b.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line) as typeof result & object;
      if (msg.ready) before = read();
      else {
        after = read();
        result = msg;
      }
    }
  });
  const code = await client.exited;
  if (code !== 0 || !result || !before || !after) throw new Error(`bench/ldap-load.ts ${opts.mode} ${opts.url} exited with ${code}:\n${client.output()}`);
  const delta = (k: 'cpu' | 'main' | 'wait') => (before?.[k] !== undefined && after?.[k] !== undefined ? (after[k] as number) - (before[k] as number) : undefined);
  const r = result;
  const perOp = (s: number | undefined) => (s === undefined || r.ops === 0 ? undefined : (s * 1000) / r.ops);
  const used = delta('cpu');
  const wait = delta('wait');
  return {
    ...r,
    serverCores: used === undefined ? undefined : used / r.seconds,
    serverCpuMs: perOp(used),
    mainCpuMs: perOp(delta('main')),
    serverWaiting: wait === undefined ? undefined : wait / r.seconds,
  };
}

const mib = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(1)} MiB`);

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  const tools = slapTools();
  const top = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-ldap-'));
  const dataDir = path.join(top, 'castellan');
  const slapDir = path.join(top, 'slapd');
  mkdirSync(dataDir);
  mkdirSync(path.join(slapDir, 'db'), { recursive: true });
  const prof = profiled(opts.cpuProf, top);
  const servers: Child[] = [];
  try {
    // Castellan's directory, then the same users for slapd from its export.
    const seeded = await seedCastellan(dataDir, opts);
    const base = `ou=people,o=${seeded.slug},${SUFFIX}`;
    // Every user has a password in both (in slapd an {SSHA} one); the load client binds as a few, spread over the directory.
    const binders = Array.from({ length: BIND_IDENTITIES }, (_, k) => seeded.usernames[Math.floor((k * seeded.usernames.length) / BIND_IDENTITIES)] as string);
    const tree = slapdLdif(seeded.exported, seeded.slug, PASSWORD);
    if (tree.users.length !== opts.users) throw new Error(`the export holds ${tree.users.length} users in a group, not ${opts.users}`);
    const ldifFile = path.join(slapDir, 'directory.ldif');
    const confFile = path.join(slapDir, 'slapd.conf');
    writeFileSync(ldifFile, tree.ldif);
    writeFileSync(confFile, slapdConf(slapDir));
    log(`loading the same ${tree.users.length} users and ${tree.groups} groups into slapd with slapadd...`);
    const t0 = performance.now();
    await runToEnd(tools.slapadd, ['-q', '-f', confFile, '-l', ldifFile]);
    const slapaddSeconds = (performance.now() - t0) / 1000;

    // The two servers, on the server core.
    const slapPort = await freePort();
    const slapUrl = `ldap://127.0.0.1:${slapPort}`;
    const slapd = start(tools.slapd, ['-h', `${slapUrl}/`, '-f', confFile, '-d', '0'], { cpus: opts.cpus.server });
    servers.push(slapd);
    await answers(slapUrl, slapd, 'slapd');
    const [ldapPort, ldapsPort] = [await freePort(), await freePort()];
    const castellan: Server = await startCastellan({
      dataDir,
      cpus: opts.cpus.server,
      nodeArgs: prof.nodeArgs,
      env: { ...NO_LIMITS, CASTELLAN_LDAP_ENABLED: 'true', CASTELLAN_LDAP_PORT: String(ldapPort), CASTELLAN_LDAPS_PORT: String(ldapsPort), CASTELLAN_LDAP_ALLOW_PLAIN_BIND: 'true' },
    });
    servers.push(castellan);
    const castellanUrl = `ldap://127.0.0.1:${ldapPort}`;
    await answers(castellanUrl, castellan, 'castellan serve (LDAP)');
    const rss = () => ({ slapd: rssMiB(slapd.pid), castellan: rssMiB(castellan.pid) });
    const memory = { started: rss(), searched: rss(), bound: rss() };

    // Both trees hold the same users with the same attributes, seen by a bound user.
    const bindDn = (uid: string) => `uid=${uid},${base}`;
    const identities = binders.map((u): [string, string] => [bindDn(u), PASSWORD]);
    const [inSlapd, inCastellan] = await Promise.all([people(slapUrl, identities[0] as [string, string], base), people(castellanUrl, identities[0] as [string, string], base)]);
    const differ = [...inSlapd].filter(([uid, attrs]) => inCastellan.get(uid) !== attrs);
    if (inSlapd.size !== opts.users || inCastellan.size !== opts.users || differ.length > 0) {
      const [uid, attrs] = differ[0] ?? ['', ''];
      throw new Error(`the trees differ: slapd holds ${inSlapd.size} users, Castellan ${inCastellan.size}${uid ? `; ${uid}: slapd ${attrs}, Castellan ${inCastellan.get(uid) ?? '(missing)'}` : ''}`);
    }
    const uidsFile = path.join(top, 'uids.txt');
    writeFileSync(uidsFile, `${[...inSlapd.keys()].join('\n')}\n`);

    const env = { BENCH_LDAP_BINDS: JSON.stringify(identities), BENCH_LDAP_BASE: base, BENCH_LDAP_UIDS_FILE: uidsFile };
    // The load client's own CPU and waiting, per measured phase: when it is the bottleneck, the rates say so little.
    const client = { slapd: [] as LdapLoadResult[], castellan: [] as LdapLoadResult[], binds: [] as LdapLoadResult[] };
    const firstErrors: string[] = [];
    const load = (mode: 'search' | 'bind', url: string, pid: number, seconds: number, seen?: LdapLoadResult[]) => async (): Promise<LoadResult> => {
      const r = await ldapLoad({ mode, url, connections: opts.connections, seconds, cpus: opts.cpus.client, serverPid: pid, env });
      seen?.push(r);
      if (r.firstError) firstErrors.push(r.firstError);
      return r;
    };

    log(`searches: ${opts.rounds} rounds of ${opts.seconds} s per server...`);
    const searches = await pairedRounds(
      opts.rounds,
      async () => {
        if (opts.warmup === 0) return;
        await load('search', slapUrl, slapd.pid, opts.warmup)();
        await load('search', castellanUrl, castellan.pid, opts.warmup)();
      },
      ['slapd', load('search', slapUrl, slapd.pid, opts.seconds, client.slapd)],
      ['castellan', load('search', castellanUrl, castellan.pid, opts.seconds, client.castellan)],
    );
    memory.searched = rss();

    log(`binds: ${opts.rounds} rounds of ${opts.seconds} s, raw argon2id then Castellan...`);
    const rawVerify = async (): Promise<LoadResult> => {
      const out = await runToEnd(process.execPath, ['--import', 'tsx', 'bench/argon2-rate.ts', String(opts.connections), String(opts.seconds), String(opts.warmup)], {
        cpus: opts.cpus.server,
        env: { BENCH_ARGON2_HASH: seeded.hash, BENCH_ARGON2_PASSWORD: PASSWORD },
      });
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ops: number; seconds: number; rate: number; p50Ms: number; p99Ms: number; cpuSeconds: number; mainCpuSeconds?: number };
      const perOp = (s: number | undefined) => (s === undefined ? undefined : (s * 1000) / r.ops);
      return { ...r, errors: 0, serverCores: r.cpuSeconds / r.seconds, serverCpuMs: perOp(r.cpuSeconds), mainCpuMs: perOp(r.mainCpuSeconds) };
    };
    const binds = await pairedRounds(
      opts.rounds,
      async () => void (opts.warmup > 0 && (await load('bind', castellanUrl, castellan.pid, opts.warmup)())),
      ['argon2id raw', rawVerify],
      ['castellan', load('bind', castellanUrl, castellan.pid, opts.seconds, client.binds)],
    );
    memory.bound = rss();

    const out = process.stdout;
    const mean = (xs: Array<number | undefined>) => {
      const known = xs.filter((x): x is number => x !== undefined);
      return known.length ? known.reduce((a, b) => a + b, 0) / known.length : undefined;
    };
    const usage = (rs: LdapLoadResult[]) => {
      const waiting = mean(rs.map((r) => r.clientWaiting));
      return `${mean(rs.map((r) => r.clientCores))?.toFixed(2) ?? '-'} cores${waiting === undefined ? '' : ` (waiting for a core ${(100 * waiting).toFixed(0)}% of the time)`}`;
    };
    const dbBytes = (dir: string, pattern: RegExp) =>
      readdirSync(dir)
        .filter((f) => pattern.test(f))
        // Blocks in use: mdb's file is sparse, as large as its maxsize.
        .reduce((n, f) => n + statSync(path.join(dir, f)).blocks * 512, 0);
    out.write(`ldap: ${opts.users} users in ${tree.groups} groups (each in 1 to 3), the same entries in both trees under ${base}; castellan serve on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, ${tools.version} with an mdb database (index uid eq, member eq)\n`);
    out.write(
      `ldap: castellan import users --invite took ${seeded.importSeconds.toFixed(1)} s wall time (process start and ${opts.users} invitation mails included), accepting them over the API ${seeded.acceptSeconds.toFixed(1)} s; slapadd of the same directory ${slapaddSeconds.toFixed(1)} s (process start included)\n`,
    );
    out.write(`ldap: ${describePlacement(opts.cpus, 'bench/ldap-load.ts (ldapts)')}; ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds} s per phase, ${opts.warmup} s warm-up\n`);
    out.write(`ldap: plain LDAP on loopback (127.0.0.1), Castellan with CASTELLAN_LDAP_ALLOW_PLAIN_BIND=true for this benchmark only (a deployment binds over StartTLS or LDAPS)\n`);
    out.write(`ldap: searches, (uid=<random user>) under ${base}, every user attribute, each connection bound once as one of ${identities.length} users\n`);
    out.write(searches.table);
    out.write(`ldap: slapd answers on its worker threads: its main ms/op and srv wait are those of its listener thread and say nothing\n`);
    out.write(
      `ldap: the load client used ${usage(client.slapd)} against slapd and ${usage(client.castellan)} against Castellan (means of the rounds); near 1.00, or waiting much, and the client set the pace, not the server\n`,
    );
    out.write(verdict('ldap search', searches, { subject: 'searches from Castellan', baseline: 'searches from slapd', target: SEARCH_TARGET }));
    out.write(`ldap: simple binds in a loop as ${identities.length} users in turn, ${opts.connections} in flight; raw argon2id verifies (${seeded.hash.split('$').slice(1, 4).join(' ')}) as many in flight, in their own process on the server's cores\n`);
    out.write(binds.table);
    out.write(`ldap: the load client used ${usage(client.binds)} during the binds\n`);
    out.write(verdict('ldap bind', binds, { subject: 'binds to Castellan', baseline: 'raw argon2id verifies', target: BIND_TARGET }));
    const per100k = (x: number | undefined) => (x === undefined ? '-' : `${((x * 100_000) / opts.users).toFixed(0)} MiB`);
    out.write(`ldap: resident memory (VmRSS)     ${'seeded, idle'.padStart(14)} ${'after searches'.padStart(14)} ${'after binds'.padStart(14)}   per 100,000 users (scaled from after searches)\n`);
    for (const side of ['slapd', 'castellan'] as const) {
      out.write(
        `ldap:   ${(side === 'slapd' ? 'slapd' : 'castellan serve').padEnd(24)}  ${[memory.started, memory.searched, memory.bound].map((m) => mib(m[side]).padStart(14)).join(' ')}   ${per100k(memory.searched[side])}\n`,
      );
    }
    out.write(
      `ldap: the scaling is linear in the whole resident set (the runtime's fixed cost included), so it overstates both; on disk: slapd's mdb ${(dbBytes(path.join(slapDir, 'db'), /\.mdb$/) / 2 ** 20).toFixed(1)} MiB` +
        `${process.env.DATABASE_URL ? '' : `, Castellan's SQLite database ${(dbBytes(dataDir, /\.(db|sqlite)(-wal)?$/) / 2 ** 20).toFixed(1)} MiB (the whole service's, not only the directory)`}\n`,
    );
    const errors = searches.errors + binds.errors;
    if (errors > 0) throw new Error(`${errors} search(es) or bind(s) failed, e.g. ${firstErrors[0] ?? '?'}`);
    await castellan.stop();
    if (opts.cpuProf) {
      out.write(`ldap: where Castellan's main thread spent the search phases:\n`);
      out.write(prof.summary(searches.subjectWindows, { ops: searches.subjectOps, mainCpuMs: searches.subjectMainCpuMs }));
      out.write(`ldap: where Castellan's main thread spent the bind phases:\n`);
      out.write(prof.summary(binds.subjectWindows, { ops: binds.subjectOps, mainCpuMs: binds.subjectMainCpuMs }));
    }
  } finally {
    for (const s of servers) await s.stop();
    await rm(top, { recursive: true, force: true });
  }
}

