/**
 * rights: the data-subject rights at scale, with Castellan in a process of its own.
 *
 * Part 1, DSR-6: how long does deleting an organization with 100,000 members take, and how many
 * rows per second does the erasure remove or de-identify? The organization (its admin through the
 * API; the members, each in a group, the groups bound to an LDAP application, written in bulk by
 * the database itself: through the API they would take hours) is seeded into the data directory
 * before `castellan serve` starts. From this process, over HTTP, the admin signs in and asks for
 * the deletion; the members' notices are queued by the server (timed: the fan-out of 100,000
 * mails into the outbox; the mail worker is off, nothing is sent). Then the 7 days pass: this
 * process makes the deletion's job due in the database, and the server's job runner (its own
 * process) stops access and erases the organization through the personal-data registry, in
 * batches (ORG_ERASURE_BATCH_ROWS). The figure is the server's own time from the access stop to
 * the completion (the deletion's `started_at` and `completed_at`), with the wall time seen from
 * here (polling included), and the rows the outcome counts.
 *
 * With `--compare 1`, the same organization is seeded again and erased in this process twice
 * over: in batches and in one transaction per module, to show what batching costs in total time
 * and what it saves in the longest write transaction (the time every other writer waits on SQLite).
 *
 * Part 2, DSR-1: the access export of a person with 10,000 events per module, downloaded by curl
 * from its own process against the same bytes from a bare route (bench/rights-export.ts).
 *
 * Flags: --members N (100000), --groups N (100), --compare 0|1 (0), --poll-ms N (the server's job
 * poll interval, 100), --events N (10000, per table of part 2), --rounds N (3, at most 4),
 * --part 0|1|2 (both, deletion only, export only), --server-cpus, --client-cpus. DATABASE_URL runs
 * it on PostgreSQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { type App, buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import type { MailTransport } from '../src/modules/mail/index.ts';
import { benchFlags } from './load.ts';
import { describePlacement, serverEnv, startCastellan } from './processes.ts';
import { accessExport } from './rights-export.ts';

const PASSWORD = 'violet-harbour-lantern-42';
const COMPANY = 'Bench Deletion Co';
const RUN = Date.now().toString(36);

const options = (args: string[]) =>
  benchFlags(
    args,
    {
      members: { fallback: 100_000, min: 1 },
      groups: { fallback: 100, min: 1 },
      compare: { fallback: 0, min: 0 },
      'poll-ms': { fallback: 100, min: 10 },
      events: { fallback: 10_000, min: 1 },
      rounds: { fallback: 3, min: 1 },
      part: { fallback: 0, min: 0 },
    },
    { cpuProf: false },
  );
type Options = ReturnType<typeof options>;

const silent: MailTransport = { kind: 'file', async send() {}, close() {} };

/** Opens the app on `dataDir` with the server's settings, without workers, runs `fn`, and closes it. */
async function withApp<T>(dataDir: string, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await buildApp({ config: loadConfig({ ...serverEnv(), CASTELLAN_DATA_DIR: dataDir }), workers: false, transport: silent });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/**
 * An organization on the paid plan, its admin signed up through the API (email proven), and
 * `members` members in `groups` groups bound to an LDAP application, written by the database.
 */
async function seedOrganization(app: App, opts: Options, tag: string): Promise<{ orgId: string; email: string; seconds: number }> {
  const email = `bench.deleter.${tag}@example.com`;
  const res = await app.http.inject({ method: 'POST', url: '/api/v1/signup', payload: { email, password: PASSWORD, name: 'Bench Admin', companyName: COMPANY, ageConfirmed: true } });
  if (res.statusCode !== 201) throw new Error(`signup answered ${res.statusCode}: ${res.body}`);
  const orgId = (res.json() as { organization: { id: string } }).organization.id;
  const account = await app.accounts.factsByEmail(app.db, email);
  if (!account) throw new Error('the admin has no account');
  await app.accounts.markEmailProven(app.db, account.id);
  const t0 = performance.now();
  const postgres = app.database.dialect === 'postgres';
  const n = sql.lit(opts.members);
  const g = sql.lit(opts.groups);
  const pad = (expr: ReturnType<typeof sql>, width: number) => (postgres ? sql`lpad((${expr})::text, ${sql.lit(width)}, '0')` : sql`printf('%0${sql.raw(String(width))}d', ${expr})`);
  const at = '2026-01-01T00:00:00.000Z';
  const o = sql.lit(orgId);
  const t = sql.lit(tag);
  await sql`update organizations set plan = 'paid' where id = ${o}`.execute(app.db);
  await sql`
    with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${n})
    insert into memberships (id, org_id, account_id, email, email_normalized, name, role, status, username, uid_number, gid_number, home_directory, login_shell,
      invite_token_hash, invite_expires_at, invited_by, invited_at, accepted_at, last_sign_in_at, created_at, updated_at)
    select 'usr_b' || ${t} || ${pad(sql`s.i`, 12)}, ${o}, null, 'member' || s.i || '.' || ${t} || '@bench.example', 'member' || s.i || '.' || ${t} || '@bench.example',
      'Member ' || s.i, 'member', 'active', 'member' || s.i, 20000 + s.i, 20000 + s.i, '/home/member' || s.i, '/bin/bash', null, null, null, null, ${at}, null, ${at}, ${at}
    from s`.execute(app.db);
  await sql`
    with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${g})
    insert into groups (id, org_id, name, description, gid_number, created_at, updated_at)
    select 'grp_b' || ${t} || ${pad(sql`s.i`, 11)}, ${o}, 'group' || s.i, null, 5000 + s.i, ${at}, ${at} from s`.execute(app.db);
  await sql`
    with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${n})
    insert into group_members (org_id, group_id, user_id, created_at)
    select ${o}, 'grp_b' || ${t} || ${pad(sql`s.i % ${g}`, 11)}, 'usr_b' || ${t} || ${pad(sql`s.i`, 12)}, ${at} from s`.execute(app.db);
  await sql`insert into resources (id, org_id, kind, name, settings, created_at, updated_at) values (${sql.lit(`res_b${tag}`)}, ${o}, 'application', 'Linux hosts', '{"protocol":"ldap"}', ${at}, ${at})`.execute(app.db);
  await sql`
    insert into bindings (id, org_id, resource_id, user_id, group_id, created_at)
    select 'bnd_' || substr(id, 5), ${o}, ${sql.lit(`res_b${tag}`)}, null, id, ${at} from groups where org_id = ${o}`.execute(app.db);
  await sql`insert into posix_counters (org_id, next_id) values (${o}, ${sql.lit(20000 + opts.members)}) on conflict (org_id) do update set next_id = excluded.next_id`.execute(app.db);
  if (!postgres) await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
  else await sql`analyze`.execute(app.db);
  return { orgId, email, seconds: (performance.now() - t0) / 1000 };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** Rows the erasure removed or de-identified, and those it kept, from a deletion's outcome. */
function rowsOf(outcome: string | null): { erased: number; kept: number; transactions: number } {
  const o = JSON.parse(outcome ?? '{}') as { modules?: Record<string, Record<string, { deleted: number; deidentified: number; kept: number }>>; transactions?: number };
  let erased = 0;
  let kept = 0;
  for (const tables of Object.values(o.modules ?? {})) {
    for (const e of Object.values(tables)) {
      erased += e.deleted + e.deidentified;
      kept += e.kept;
    }
  }
  return { erased, kept, transactions: o.transactions ?? 0 };
}

async function call(url: string, method: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** DSR-6 against `castellan serve` in its own process. */
async function organizationDeletion(opts: Options, out: NodeJS.WriteStream): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-rights-'));
  let server: Awaited<ReturnType<typeof startCastellan>> | undefined;
  let db: Kysely<Database> | undefined;
  try {
    process.stderr.write(`rights: seeding an organization with ${opts.members} members in ${opts.groups} groups...\n`);
    // A tag of this run in every id and address, so a PostgreSQL database can be used again.
    const seeded = await withApp(dataDir, (app) => seedOrganization(app, opts, `a${RUN}`));
    server = await startCastellan({ dataDir, cpus: opts.cpus.server, env: { CASTELLAN_JOBS_POLL_MS: String(opts['poll-ms']), CASTELLAN_SIGNIN_MAX_FAILURES: '1000000' } });
    const handle = openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir });
    db = handle.db;
    const signIn = await call(`${server.url}/api/v1/sessions`, 'POST', { email: seeded.email, password: PASSWORD });
    if (signIn.status !== 201) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
    const { token } = (await signIn.json()) as { token: string };

    const t0 = performance.now();
    const asked = await call(`${server.url}/api/v1/orgs/${seeded.orgId}/deletion`, 'POST', { name: COMPANY, password: PASSWORD }, token);
    if (asked.status !== 202) throw new Error(`the deletion request answered ${asked.status}: ${await asked.text()}`);
    const requestMs = performance.now() - t0;
    const noticeJobs = () => db!.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'directory.org_deletion_notice').where('status', 'in', ['queued', 'running']).executeTakeFirstOrThrow();
    await until('the members’ notices', 30 * 60_000, async () => (Number((await noticeJobs()).n) === 0 ? true : undefined));
    const noticeSeconds = (performance.now() - t0) / 1000;
    const queued = await db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('subject', 'like', '%scheduled for deletion%').executeTakeFirstOrThrow();

    // The 7 days pass: the deletion's job is made due; the server's runner takes it.
    const deletion = await db.selectFrom('org_deletions').select(['id']).where('org_id', '=', seeded.orgId).executeTakeFirstOrThrow();
    const t1 = performance.now();
    await db.updateTable('jobs').set({ run_at: new Date(0).toISOString() }).where('kind', '=', 'directory.org_deletion').where('dedupe_key', '=', deletion.id).execute();
    const done = await until('the erasure', 60 * 60_000, async () => {
      const row = await db!.selectFrom('org_deletions').select(['state', 'started_at', 'completed_at', 'outcome']).where('id', '=', deletion.id).executeTakeFirstOrThrow();
      return row.state === 'completed' ? row : undefined;
    });
    const wall = (performance.now() - t1) / 1000;
    const serverSeconds = (new Date(done.completed_at as string).getTime() - new Date(done.started_at as string).getTime()) / 1000;
    const rows = rowsOf(done.outcome);
    const left = await db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', seeded.orgId).executeTakeFirstOrThrow();
    if (Number(left.n) !== 0) throw new Error(`${left.n} members of the deleted organization are left`);

    out.write(`rights: DSR-6 organization deletion (${handle.dialect}); castellan serve at ${server.url}; ${describePlacement(opts.cpus, 'this process')}\n`);
    out.write(`rights:   seeded ${opts.members} members, ${opts.groups} groups and their grants in ${seeded.seconds.toFixed(1)} s (bulk SQL)\n`);
    out.write(`rights:   request (re-auth, name check, scheduling): ${requestMs.toFixed(0)} ms; notices to ${Number(queued.n)} members queued in ${noticeSeconds.toFixed(1)} s\n`);
    out.write(`rights:   erasure at the end of the wait: ${serverSeconds.toFixed(2)} s in the server (access stop to completion), ${wall.toFixed(2)} s seen from here\n`);
    out.write(`rights:   ${rows.erased} rows removed or de-identified (${rows.kept} kept under an exception) in ${rows.transactions} transactions: ${Math.round(rows.erased / serverSeconds)} rows/s\n`);
    await handle.destroy();
    db = undefined;
  } finally {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** With --compare 1: the registry's erasure in this process, in batches and in one transaction per module. */
async function compareBatching(opts: Options, out: NodeJS.WriteStream): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-rights-compare-'));
  try {
    await withApp(dataDir, async (app) => {
      for (const [label, batchRows] of [
        ['batches of 5,000 members', undefined],
        ['one transaction per module', Number.MAX_SAFE_INTEGER],
      ] as const) {
        const tag = `${batchRows === undefined ? 'b' : 'c'}${RUN}`;
        const { orgId } = await seedOrganization(app, opts, tag);
        const t0 = performance.now();
        // The longest step: the time from one step's end (or the start) to the next one's, measured in each step's transaction.
        let last = t0;
        let longest = 0;
        const afterStep = async () => {
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
        };
        const erasure = await app.rights.registry.eraseOrganization(orgId, { batchRows, afterStep });
        const seconds = (performance.now() - t0) / 1000;
        const rows = rowsOf(JSON.stringify(erasure));
        out.write(
          `rights:   in-process, ${label}: ${seconds.toFixed(2)} s, ${erasure.transactions} transactions, longest step ${longest.toFixed(0)} ms, ${Math.round(rows.erased / seconds)} rows/s\n`,
        );
      }
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  if (opts.part > 2) throw new Error('--part is 0 (both), 1 (organization deletion) or 2 (access export)');
  if (opts.rounds > 4) throw new Error('--rounds is at most 4: each round is an access request, and one address may make 5 a day');
  const out = process.stdout;
  if (opts.part !== 2) {
    await organizationDeletion(opts, out);
    if (opts.compare === 1) await compareBatching(opts, out);
  }
  // Part 2, DSR-1: bench/rights-export.ts.
  if (opts.part !== 1) await accessExport({ events: opts.events, rounds: opts.rounds, cpus: opts.cpus }, withApp, out);
}
