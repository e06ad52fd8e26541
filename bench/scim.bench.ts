/**
 * scim: how close does a filtered SCIM lookup in a large directory come to the bare SCIM route?
 *
 *   GET /scim/v2/Users?filter=userName eq "…" per second  /  GET /scim/v2/ServiceProviderConfig per second
 *
 * The lookup a provisioning client (an HR system, an identity provider) makes before it creates
 * or changes someone (PRO-4), in an organization of 100,000 members (target >= 0.4). The bare
 * route is `GET /scim/v2/ServiceProviderConfig` on the same server with the same SCIM token: the
 * same process, listener, SCIM scope (its content type, its error handler) and the same
 * authentication (the token looked up by its hash, the organization read), but a constant
 * document and no directory query. So the ratio is the cost of the search itself: the filter
 * parsed and compiled to SQL, the page and the count read, the members' groups read, and the
 * resources written out.
 *
 * The organization: a verified admin signed up through the API (bench/seed.ts), the paid plan
 * (DIR-4: no 10-user limit; seeding in bulk ignores it, but the organization is what one with so
 * many members would be), and a SCIM token made by the admin over the API. Its members go into
 * the tables directly, written in bulk by the database itself before `castellan serve` starts
 * (through SCIM or the API, 100,000 creations would take most of an hour): 3 in 4 are plain
 * members (`member<i>`; SCIM shows their address as their userName), and 1 in 4 were provisioned over SCIM, with a
 * `scim_user_name` of their own (`Person<i>@Bench.Example`, lower-cased beside it), externalId,
 * name parts and a username made from the address as SCIM creation makes it. Each member is in
 * one of 100 groups, so every answer also lists a group.
 *
 * The load: wrk (a process of its own on the client core) replays 256 filtered GETs in turn,
 * each naming a random existing member (bench/seed.ts's rng, so every run asks the same), half
 * of them plain members' addresses and half SCIM userNames (of those, one in two written in another case:
 * SCIM compares userNames case-insensitively). Before any load, each of those GETs is checked to
 * answer 200 with `totalResults: 1` and the member asked for, and the bare route to answer 200;
 * wrk's non-2xx answers fail the run, warm-up included, so the figure cannot be one of errors.
 * Paired rounds, bare route then lookup; the figure is the median of the rounds' ratios.
 *
 * Flags: --concurrency N (wrk connections, 8), --seconds N (5 per phase), --rounds N (3),
 * --warmup N (seconds, 2), --members N (100000), --server-cpus, --client-cpus, --cpu-prof
 * (profile Castellan over the lookup phases). DATABASE_URL runs it on PostgreSQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { benchFlags, pairedRounds, verdict } from './load.ts';
import { type Server, NO_LIMITS, describePlacement, startCastellan } from './processes.ts';
import { profiled } from './profile.ts';
import { api, rng, signIn, signUp, withApp } from './seed.ts';
import { type LoadResult, requireWrk, wrk, writeRequests } from './wrk.ts';

const TARGET = 0.4;
const EMAIL = 'bench.scim@example.com';
const GROUPS = 100;
/** The filtered GETs wrk replays in turn, each for a random member. */
const LOOKUPS = 256;
/** One member in SCIM_EVERY was provisioned over SCIM, with a userName of its own. */
const SCIM_EVERY = 4;
const AT = '2026-01-01T00:00:00.000Z';

const options = (args: string[]) =>
  benchFlags(args, {
    concurrency: { fallback: 8, min: 1 },
    seconds: { fallback: 5, min: 1 },
    rounds: { fallback: 3, min: 1 },
    warmup: { fallback: 2, min: 0 },
    members: { fallback: 100_000, min: SCIM_EVERY },
  });

/** Member i's SCIM userName as its client gave it (1 in SCIM_EVERY), else its address (what SCIM shows for a member no client named). */
const userNameOf = (i: number) => (i % SCIM_EVERY === 0 ? `Person${i}@Bench.Example` : `member${i}@bench.example`);

interface Seeded {
  orgId: string;
  token: string;
  seconds: number;
}

/**
 * The admin, the paid plan and the SCIM token through the API; the members, their groups and
 * their POSIX counter written by the database (bulk SQL, as bench/rights.ts seeds its members).
 */
async function seed(dataDir: string, members: number): Promise<Seeded> {
  return withApp(dataDir, async (app) => {
    const { orgId } = await signUp(app, EMAIL, true);
    const session = await signIn(app, EMAIL);
    const postgres = app.database.dialect === 'postgres';
    const o = sql.lit(orgId);
    await sql`update organizations set plan = 'paid' where id = ${o}`.execute(app.db);
    const { token } = await api<{ id: string; name: string; token: string }>(app, 'POST', `/api/v1/orgs/${orgId}/scim/tokens`, { body: { name: 'bench HR system' }, token: session });

    const t0 = performance.now();
    // Numbers inlined as integers (a bound JS number is a float to SQLite).
    const n = sql.lit(members);
    const g = sql.lit(GROUPS);
    const every = sql.lit(SCIM_EVERY);
    const pad = (expr: ReturnType<typeof sql>, width: number) => (postgres ? sql`lpad((${expr})::text, ${sql.lit(width)}, '0')` : sql`printf('%0${sql.raw(String(width))}d', ${expr})`);
    const id = pad(sql`s.i`, 12);
    const at = sql.lit(AT);
    // A SCIM-provisioned member (i % SCIM_EVERY = 0): invited, its userName as given and lower-cased, its
    // address the userName, its username made from the address; a plain member: active, its address its SCIM userName.
    const scim = sql`s.i % ${every} = 0`;
    const given = sql`'Person' || s.i || '@Bench.Example'`;
    const address = sql`case when ${scim} then 'person' || s.i || '@bench.example' else 'member' || s.i || '@bench.example' end`;
    await sql`
      with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${n})
      insert into memberships (id, org_id, account_id, email, email_normalized, name, role, status, username, uid_number, gid_number, home_directory, login_shell,
        invite_token_hash, invite_expires_at, invited_by, invited_at, accepted_at, last_sign_in_at, created_at, updated_at,
        scim_user_name, scim_user_name_normalized, external_id, given_name, family_name)
      select 'usr_scim' || ${id}, ${o}, null, ${address}, ${address},
        case when ${scim} then 'Person Number' || s.i else 'Member ' || s.i end, 'member', case when ${scim} then 'invited' else 'active' end,
        case when ${scim} then 'person' || s.i else 'member' || s.i end, 20000 + s.i, 20000 + s.i,
        case when ${scim} then '/home/person' || s.i else '/home/member' || s.i end, '/bin/bash',
        null, null, null, ${at}, case when ${scim} then null else ${at} end, null, ${at}, ${at},
        case when ${scim} then ${given} else null end, case when ${scim} then lower(${given}) else null end,
        case when ${scim} then 'hr-' || s.i else null end, case when ${scim} then 'Person' else null end, case when ${scim} then 'Number' || s.i else null end
      from s`.execute(app.db);
    await sql`
      with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${g})
      insert into groups (id, org_id, name, description, gid_number, created_at, updated_at)
      select 'grp_scim' || ${pad(sql`s.i`, 11)}, ${o}, 'group' || s.i, null, 5000 + s.i, ${at}, ${at} from s`.execute(app.db);
    await sql`
      with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${n})
      insert into group_members (org_id, group_id, user_id, created_at)
      select ${o}, 'grp_scim' || ${pad(sql`s.i % ${g}`, 11)}, 'usr_scim' || ${id}, ${at} from s`.execute(app.db);
    await sql`insert into posix_counters (org_id, next_id) values (${o}, ${sql.lit(20000 + members)}) on conflict (org_id) do update set next_id = excluded.next_id`.execute(app.db);
    if (!postgres) await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
    else await sql`analyze`.execute(app.db);
    const seconds = (performance.now() - t0) / 1000;
    const row = await app.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    // The admin is a member too.
    if (Number(row.n) !== members + 1) throw new Error(`the organization holds ${row.n} members, not ${members + 1}`);
    return { orgId, token, seconds };
  });
}

/** The members wrk asks for: half plain members by address, half SCIM userNames (one in two in another case), at random. */
function lookups(members: number): Array<{ asked: string; userName: string }> {
  const pick = rng(7);
  const scimCount = Math.ceil(members / SCIM_EVERY);
  const plainCount = members - scimCount;
  return Array.from({ length: LOOKUPS }, (_, k) => {
    if (k % 2 === 0) {
      const userName = userNameOf(pick(scimCount) * SCIM_EVERY);
      return { asked: k % 4 === 0 ? userName : userName.toLowerCase(), userName };
    }
    // The plain members are the i with i % SCIM_EVERY != 0: the j-th of them is j + floor(j / (SCIM_EVERY - 1)) + 1.
    const j = pick(plainCount);
    const userName = userNameOf(j + Math.floor(j / (SCIM_EVERY - 1)) + 1);
    return { asked: userName, userName };
  });
}

const usersPath = (asked: string) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${asked}"`)}`;
const BARE_PATH = '/scim/v2/ServiceProviderConfig';

/** Every request wrk will send, once, checked outside the measure. */
async function check(url: string, token: string, asked: Array<{ asked: string; userName: string }>): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/scim+json' };
  const bare = await fetch(`${url}${BARE_PATH}`, { headers });
  if (bare.status !== 200) throw new Error(`${BARE_PATH} answered ${bare.status}: ${(await bare.text()).slice(0, 300)}`);
  await bare.arrayBuffer().catch(() => undefined);
  for (const a of asked) {
    const res = await fetch(`${url}${usersPath(a.asked)}`, { headers });
    const body = (await res.json()) as { totalResults?: number; Resources?: Array<{ userName?: string; groups?: unknown[] }> };
    const found = body.Resources?.[0];
    if (res.status !== 200 || body.totalResults !== 1 || found?.userName !== a.userName || (found.groups?.length ?? 0) !== 1) {
      throw new Error(`GET ${usersPath(a.asked)} answered ${res.status}, not the one member ${a.userName} in a group: ${JSON.stringify(body).slice(0, 300)}`);
    }
  }
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  requireWrk();
  const out = process.stdout;
  const log = (s: string) => process.stderr.write(`scim: ${s}\n`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-scim-'));
  const prof = profiled(opts.cpuProf, dataDir);
  let castellan: Server | undefined;
  try {
    log(`seeding an organization with ${opts.members} members in ${GROUPS} groups...`);
    const seeded = await seed(dataDir, opts.members);
    castellan = await startCastellan({ dataDir, cpus: opts.cpus.server, env: NO_LIMITS, nodeArgs: prof.nodeArgs });
    const server = castellan;

    const asked = lookups(opts.members);
    log(`checking the ${asked.length} filtered GETs and the bare route...`);
    const t0 = performance.now();
    await check(server.url, seeded.token, asked);
    const checkMs = (performance.now() - t0) / (asked.length + 1);
    const headers = { authorization: `Bearer ${seeded.token}`, accept: 'application/scim+json' };
    const bareFile = writeRequests(path.join(dataDir, 'bare-requests.tsv'), [{ path: BARE_PATH, headers }]);
    const usersFile = writeRequests(
      path.join(dataDir, 'users-requests.tsv'),
      asked.map((a) => ({ path: usersPath(a.asked), headers })),
    );
    let warmupErrors = 0;
    const load = (requestsFile: string, seconds: number) => () => wrk({ url: server.url, requestsFile, connections: opts.concurrency, seconds, cpus: opts.cpus.client, serverPid: server.pid });
    const warm = async (requestsFile: string) => {
      const r: LoadResult = await load(requestsFile, opts.warmup)();
      warmupErrors += r.errors;
    };
    log(`${opts.rounds} rounds of ${opts.seconds} s per phase...`);
    const result = await pairedRounds(
      opts.rounds,
      async () => {
        if (opts.warmup === 0) return;
        await warm(bareFile);
        await warm(usersFile);
      },
      ['bare route', load(bareFile, opts.seconds)],
      ['filtered GET', load(usersFile, opts.seconds)],
    );
    const scimMembers = Math.ceil(opts.members / SCIM_EVERY);
    out.write(`scim: ${describePlacement(opts.cpus, 'wrk')}; ${opts.concurrency} connections, ${opts.rounds} rounds of ${opts.seconds} s per phase, ${opts.warmup} s warm-up\n`);
    out.write(
      `scim: ${opts.members} members (${opts.members - scimMembers} by address, ${scimMembers} with a SCIM userName) in ${GROUPS} groups, seeded in ${seeded.seconds.toFixed(1)} s (bulk SQL); castellan serve on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}\n`,
    );
    out.write(`scim: GET /scim/v2/Users?filter=userName eq "…" over ${asked.length} random members (half SCIM userNames), each checked first (200, totalResults 1: ${checkMs.toFixed(1)} ms per request, one at a time); bare route GET ${BARE_PATH}, the same token\n`);
    out.write(result.table);
    out.write(verdict('scim', result, { subject: 'filtered userName lookups', baseline: 'from the bare SCIM route', target: TARGET }));
    if (result.errors + warmupErrors > 0) throw new Error(`wrk saw ${result.errors + warmupErrors} answer(s) that were not 2xx, or socket errors (${warmupErrors} in the warm-up)`);
    await castellan.stop();
    out.write(prof.summary(result.subjectWindows, { ops: result.subjectOps, mainCpuMs: result.subjectMainCpuMs }));
  } finally {
    await castellan?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
