/**
 * oidc: how close do Castellan's client-credentials tokens come to a bare oidc-provider's?
 *
 *   tokens per second from Castellan's /oidc/token  /  tokens per second from a bare oidc-provider
 *
 * Both run oidc-provider 9 in a process of their own on the server's core: `castellan serve` with
 * its real database adapter (SQLite unless DATABASE_URL names a PostgreSQL), where the client is
 * an organization's API client read from the database and every opaque token is written, sealed,
 * to `oidc_models`; and bench/oidc-bare.ts, the library alone with its in-memory adapter and one
 * static client. The same wrk process (a third, on the client core) POSTs
 * `grant_type=client_credentials&scope=directory:read` with HTTP Basic to both, in paired rounds;
 * the figure is the median of the rounds' ratios (target >= 0.8).
 *
 * Then, through Castellan alone, authorization code + PKCE flows per second (bench/oidc-pkce-load.ts,
 * a Node process of its own on the client core): each flow is the authorization request, the
 * sign-in page continued with a Castellan web session (no password: an argon2id verify would be most
 * of a flow, and the signin benchmark measures it), the resumed authorization, and the code
 * exchange at the token endpoint, whose own latency is reported beside the flows.
 *
 * Flags: --concurrency N (wrk connections, 8), --seconds N (5 per phase), --rounds N (3),
 * --warmup N (seconds, 2), --flows N (PKCE flows in flight, 4), --flow-seconds N (8),
 * --server-cpus, --client-cpus, --cpu-prof (profile Castellan over its measured phases).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchFlags, pairedRounds, verdict } from './load.ts';
import { type Server, NO_LIMITS, describePlacement, runToEnd, start, startCastellan } from './processes.ts';
import { profiled } from './profile.ts';
import { freePort } from '../test/helpers/process.ts';
import { api, signIn, signUp, withApp } from './seed.ts';
import { requireWrk, wrk, writeRequests } from './wrk.ts';

const TARGET = 0.8;
const EMAIL = 'bench.oidc@example.com';
const SCOPES = 'directory:read audit:read';
const REDIRECT_URI = 'http://127.0.0.1:9/cb';

const options = (args: string[]) =>
  benchFlags(args, {
    concurrency: { fallback: 8, min: 1 },
    seconds: { fallback: 5, min: 1 },
    rounds: { fallback: 3, min: 1 },
    warmup: { fallback: 2, min: 0 },
    flows: { fallback: 4, min: 1 },
    'flow-seconds': { fallback: 8, min: 1 },
  });

interface Seeded {
  orgId: string;
  clientId: string;
  clientSecret: string;
  appClientId: string;
  session: string;
}

/** An organization's admin, its API client, and a public OIDC application the admin is bound to, through the API. */
async function seed(dataDir: string): Promise<Seeded> {
  return withApp(dataDir, async (app) => {
    const { orgId, userId } = await signUp(app, EMAIL, true);
    const token = await signIn(app, EMAIL);
    const client = await api<{ clientId: string; clientSecret: string }>(app, 'POST', `/api/v1/orgs/${orgId}/api-clients`, { body: { name: 'bench', scopes: SCOPES.split(' ') }, token });
    const settings = { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: [REDIRECT_URI], public: true };
    const application = await api<{ id: string; clientId: string }>(app, 'POST', `/api/v1/orgs/${orgId}/resources`, { body: { kind: 'application', name: 'Bench App', settings }, token });
    await api(app, 'POST', `/api/v1/orgs/${orgId}/resources/${application.id}/bindings`, { body: { userId }, token });
    // The web session the PKCE flows continue (the sign-in page's "Continue as").
    const session = await signIn(app, EMAIL);
    return { orgId, clientId: client.clientId, clientSecret: client.clientSecret, appClientId: application.clientId, session };
  });
}

async function startBareProvider(cpus: string | undefined, s: Seeded): Promise<Server> {
  const port = await freePort();
  const server = start(process.execPath, ['--import', 'tsx', 'bench/oidc-bare.ts', String(port), s.clientId, s.clientSecret, SCOPES], { cpus });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/oidc/.well-known/openid-configuration`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 600 || server.child.exitCode !== null) throw new Error(`the bare oidc-provider did not start:\n${server.output()}`);
    await sleep(100);
  }
  return { ...server, url, port };
}

const TOKEN_BODY = `grant_type=client_credentials&scope=${encodeURIComponent('directory:read')}`;

/** One token from `url`, checked outside the measure. */
async function oneToken(url: string, basic: string): Promise<string> {
  const res = await fetch(`${url}/oidc/token`, { method: 'POST', body: TOKEN_BODY, headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' } });
  const body = (await res.json()) as { access_token?: string; token_type?: string; scope?: string };
  if (res.status !== 200 || !body.access_token || body.scope !== 'directory:read') throw new Error(`${url}/oidc/token answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.access_token;
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  requireWrk();
  const out = process.stdout;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-oidc-'));
  const prof = profiled(opts.cpuProf, dataDir);
  const servers: Server[] = [];
  try {
    const seeded = await seed(dataDir);
    const castellan = await startCastellan({ dataDir, cpus: opts.cpus.server, env: NO_LIMITS, nodeArgs: prof.nodeArgs });
    servers.push(castellan);
    const bare = await startBareProvider(opts.cpus.server, seeded);
    servers.push(bare);

    // The same request to both: the API client's id and secret, HTTP Basic (client_secret_basic).
    const basic = Buffer.from(`${encodeURIComponent(seeded.clientId)}:${encodeURIComponent(seeded.clientSecret)}`).toString('base64');
    await oneToken(bare.url, basic);
    const token = await oneToken(castellan.url, basic);
    const users = await fetch(`${castellan.url}/api/v1/orgs/${seeded.orgId}/users`, { headers: { authorization: `Bearer ${token}` } });
    if (users.status !== 200) throw new Error(`the API refused Castellan's token: ${users.status}`);
    const requestsFile = writeRequests(path.join(dataDir, 'token-requests.tsv'), [
      { method: 'POST', path: '/oidc/token', body: TOKEN_BODY, headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' } },
    ]);
    const load = (s: Server, seconds: number) => () => wrk({ url: s.url, requestsFile, connections: opts.concurrency, seconds, cpus: opts.cpus.client, serverPid: s.pid });
    const result = await pairedRounds(
      opts.rounds,
      async () => {
        if (opts.warmup === 0) return;
        await load(bare, opts.warmup)();
        await load(castellan, opts.warmup)();
      },
      ['bare provider', load(bare, opts.seconds)],
      ['Castellan', load(castellan, opts.seconds)],
    );
    out.write(`oidc: ${describePlacement(opts.cpus, 'wrk and the PKCE load')}; ${opts.concurrency} connections, ${opts.rounds} rounds of ${opts.seconds} s per phase\n`);
    out.write(`oidc: client credentials (client_secret_basic, scope=directory:read), opaque tokens; Castellan on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, the bare provider in memory\n`);
    out.write(result.table);
    out.write(verdict('oidc', result, { subject: 'client-credentials tokens from Castellan', baseline: 'from a bare oidc-provider', target: TARGET }));
    if (result.errors > 0) throw new Error(`${result.errors} token request(s) were not answered 200`);

    // Authorization code + PKCE through Castellan, from a Node process of its own.
    const flowOut = await runToEnd(
      process.execPath,
      ['--import', 'tsx', 'bench/oidc-pkce-load.ts', castellan.url, seeded.appClientId, REDIRECT_URI, String(opts.flows), String(opts['flow-seconds']), String(Math.min(opts.warmup, 2))],
      { cpus: opts.cpus.client, env: { BENCH_OIDC_SESSION: seeded.session } },
    );
    const f = JSON.parse(flowOut.trim().split('\n').at(-1) ?? '{}') as { ops: number; rate: number; p50Ms: number; p99Ms: number; exchangeP50Ms: number; exchangeP99Ms: number; errors: number; lastError?: string };
    out.write(
      `oidc: code + PKCE through Castellan: ${f.rate.toFixed(1)} flows/s, so ${f.rate.toFixed(1)} code exchanges/s (${f.ops} in ${opts['flow-seconds']} s, ${opts.flows} in flight); ` +
        `a flow p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms; the exchange alone p50 ${f.exchangeP50Ms.toFixed(1)} ms, p99 ${f.exchangeP99Ms.toFixed(1)} ms\n`,
    );
    if (f.errors > 0) throw new Error(`${f.errors} PKCE flow(s) failed; the last: ${f.lastError ?? '?'}`);
    await castellan.stop();
    out.write(prof.summary(result.subjectWindows, { ops: result.subjectOps, mainCpuMs: result.subjectMainCpuMs }));
  } finally {
    for (const s of servers) await s.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}


