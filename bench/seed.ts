/**
 * Every benchmark's data, written into its data directory BEFORE the server
 * under test starts. This is the one file of bench/ that knows Castellan's
 * insides (module APIs, tables): when they change, this file changes, and the
 * benchmarks do not.
 *
 * Wherever it can, seeding goes through the doors an operator or a client
 * uses: the HTTP API (app.http.inject on an app opened here and closed again)
 * and the CLI (`castellan staff add`, `castellan import users`). Only what
 * would take hours that way is written into tables directly (the consent events).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { type App, buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { argon2Hasher } from '../src/modules/accounts/index.ts';
import type { MailTransport } from '../src/modules/mail/index.ts';
import { PURPOSE_NAMES } from '../src/modules/privacy/index.ts';
import { runCli } from '../test/helpers/process.ts';
import { serverEnv } from './processes.ts';

export const PASSWORD = 'violet-harbour-lantern-42';

/** A deterministic pseudo-random sequence, so every run builds the same data. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

/** The verification links the app mailed while it was open here. */
const links: string[] = [];
const mailbox: MailTransport = {
  kind: 'file',
  async send(m) {
    links.push(m.text);
  },
  close() {},
};

/** Opens the app on `dataDir` with the settings the server will have, runs `fn`, and closes it. */
export async function withApp<T>(dataDir: string, fn: (app: App) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...serverEnv(), CASTELLAN_DATA_DIR: dataDir });
  const app = await buildApp({ config, workers: false, transport: mailbox });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** One API call through the app's own HTTP stack; anything but `expect` is an error. */
export async function api<T = any>(app: App, method: 'GET' | 'POST' | 'PATCH', url: string, opts: { body?: unknown; token?: string; expect?: number } = {}): Promise<T> {
  const res = await app.http.inject({
    method,
    url,
    ...(opts.body === undefined ? {} : { payload: opts.body as object }),
    headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
  });
  const expect = opts.expect ?? (method === 'POST' ? 201 : 200);
  if (res.statusCode !== expect) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
  return res.body ? (res.json() as T) : (undefined as T);
}

export async function signIn(app: App, email: string): Promise<string> {
  return (await api<{ token: string }>(app, 'POST', '/api/v1/sessions', { body: { email, password: PASSWORD } })).token;
}

/** Sign-up through the API; with `verify`, the emailed link is followed as its owner would (ACC-3). */
export async function signUp(app: App, email: string, verify: boolean): Promise<{ orgId: string; userId: string }> {
  const body = { email, password: PASSWORD, name: 'Bench Admin', companyName: 'Bench Co', ageConfirmed: true };
  const res = await api<{ user: { id: string }; organization: { id: string } }>(app, 'POST', '/api/v1/signup', { body });
  if (verify) {
    await app.jobRunner.drain();
    // The newest link: a benchmark may sign up more than one account in one process.
    const token = links.map((t) => /verify-email\?token=([A-Za-z0-9_-]+)/.exec(t)?.[1]).findLast(Boolean);
    if (!token) throw new Error('no verification link was mailed');
    await api(app, 'POST', '/api/v1/email-verification', { body: { token }, expect: 200 });
  }
  return { orgId: res.organization.id, userId: res.user.id };
}

/** An org admin, verified, signed in; the organization on the paid plan (DIR-4: no user limit), set by a billing staff member. */
async function paidAdmin(dataDir: string): Promise<{ orgId: string; token: string }> {
  const staff = 'bench.billing@example.com';
  const env = { ...serverEnv(), CASTELLAN_DATA_DIR: dataDir };
  const added = await runCli(['staff', 'add', '--email', staff, '--role', 'billing'], { env, input: PASSWORD, timeoutMs: 120_000 });
  if (added.code !== 0) throw new Error(`castellan staff add failed: ${added.stderr}`);
  return withApp(dataDir, async (app) => {
    const { orgId } = await signUp(app, 'bench.admin@example.com', true);
    await api(app, 'PATCH', `/api/v1/staff/orgs/${orgId}/plan`, { body: { plan: 'paid' }, token: await signIn(app, staff) });
    return { orgId, token: await signIn(app, 'bench.admin@example.com') };
  });
}

/** Every id of a paginated list, page by page. */
async function allIds(app: App, url: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ id: string }>; nextCursor: string | null } = await api(app, 'GET', `${url}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export interface Directory {
  orgId: string;
  token: string;
  userIds: string[];
  groupIds: string[];
  resourceIds: string[];
  bindings: number;
  /** Wall time of `castellan import users` for the users and their groups, process start included. */
  importSeconds: number;
}

/**
 * The access benchmark's directory: `users` users in `groups` groups (3 picks
 * each) imported from CSV by the CLI, `resources` resources each bound to 10
 * users and 10 groups (fewer when a pick repeats) through the API.
 */
export async function seedDirectory(dataDir: string, opts: { users: number; groups: number; resources: number }, log: (s: string) => void): Promise<Directory> {
  const pick = rng(42);
  const { orgId, token } = await paidAdmin(dataDir);
  const lines = ['email,name,username,groups'];
  for (let i = 0; i < opts.users; i++) {
    const groups = new Set([pick(opts.groups), pick(opts.groups), pick(opts.groups)]);
    lines.push(`user${i}@bench.example,User ${i},user${i},${[...groups].map((g) => `group${g}`).join(';')}`);
  }
  const csv = path.join(dataDir, 'users.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  log(`importing ${opts.users} users with castellan import users...`);
  const t0 = performance.now();
  const imported = await runCli(['import', 'users', '--org', orgId, csv], { env: { ...serverEnv(), CASTELLAN_DATA_DIR: dataDir }, timeoutMs: 30 * 60_000 });
  const importSeconds = (performance.now() - t0) / 1000;
  if (imported.code !== 0) throw new Error(`castellan import users failed: ${imported.stderr}`);

  return withApp(dataDir, async (app) => {
    // Imported people are invited until each accepts; the decision reads only the membership's
    // status, so the benchmark's directory is made of members as if they all had accepted.
    await sql`update memberships set status = 'active' where org_id = ${orgId}`.execute(app.db);
    log(`creating ${opts.resources} resources and their bindings through the API...`);
    const resourceIds: string[] = [];
    for (let i = 0; i < opts.resources; i++) {
      const body = { kind: (['system', 'application', 'network'] as const)[i % 3], name: `resource${i}` };
      resourceIds.push((await api<{ id: string }>(app, 'POST', `/api/v1/orgs/${orgId}/resources`, { body, token })).id);
    }
    const userIds = await allIds(app, `/api/v1/orgs/${orgId}/users`, token);
    const groupIds = await allIds(app, `/api/v1/orgs/${orgId}/groups`, token);
    let bindings = 0;
    for (const resourceId of resourceIds) {
      const users = new Set(Array.from({ length: 10 }, () => userIds[pick(userIds.length)] as string));
      const groups = new Set(Array.from({ length: 10 }, () => groupIds[pick(groupIds.length)] as string));
      const bodies = [...[...users].map((userId) => ({ userId })), ...[...groups].map((groupId) => ({ groupId }))];
      await Promise.all(bodies.map((body) => api(app, 'POST', `/api/v1/orgs/${orgId}/resources/${resourceId}/bindings`, { body, token })));
      bindings += bodies.length;
    }
    return { orgId, token, userIds, groupIds, resourceIds, bindings, importSeconds };
  });
}

/**
 * The consent benchmark's events (PRV-4), generated by the database itself:
 * event i is visitor i % subjects, purpose i % 9, granted on odd rounds. A
 * million through the API would take hours, so they go straight into the table.
 */
export async function seedConsentEvents(dataDir: string, opts: { events: number; subjects: number }): Promise<{ count: number; dialect: string; seconds: number }> {
  return withApp(dataDir, async (app) => {
    const postgres = app.database.dialect === 'postgres';
    // Numbers inlined as integers (a bound JS number is a float to SQLite).
    const subjects = sql.lit(opts.subjects);
    const count9 = sql.lit(PURPOSE_NAMES.length);
    const subjectId = postgres ? sql`'vis_' || lpad((n.i % ${subjects})::text, 22, '0')` : sql`printf('vis_%022d', n.i % ${subjects})`;
    const purposes = sql.join(PURPOSE_NAMES.map((p) => sql.lit(p)));
    const purpose = postgres ? sql`(array[${purposes}])[1 + n.i % ${count9}]` : sql`json_extract(json_array(${purposes}), '$[' || (n.i % ${count9}) || ']')`;
    const t0 = performance.now();
    await sql`
      with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < ${sql.lit(opts.events)})
      insert into consent_events (id, subject_type, subject_id, purpose, granted, source, policy_version, ip, created_at)
      select 'cev_' || n.i, 'visitor', ${subjectId}, ${purpose}, (n.i / ${subjects}) % 2, 'banner', null, '192.0.2.0', '2026-01-01T00:00:00.000Z'
      from n`.execute(app.db);
    if (!postgres) await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
    else await sql`analyze consent_events`.execute(app.db);
    const seconds = (performance.now() - t0) / 1000;
    const row = await app.db.selectFrom('consent_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { count: Number(row.n), dialect: app.database.dialect, seconds };
  });
}

/** The visitor id the consent events use for subject `i`. */
export const visitorId = (i: number) => `vis_${String(i).padStart(22, '0')}`;

/**
 * The sign-in benchmark's account, through the API, and an argon2id hash of
 * its password made with the project's own parameters (ACC-2), for the raw
 * verify baseline: the same cost as the stored hash.
 */
export async function seedSignIn(dataDir: string, email: string): Promise<{ hash: string }> {
  await withApp(dataDir, (app) => signUp(app, email, false));
  return { hash: await argon2Hasher.hash(PASSWORD) };
}

/** The inbound-mail benchmark's sender: an active, verified org admin (SUP-1 opens tickets only for them). */
export async function seedSupportAdmin(dataDir: string, email: string): Promise<void> {
  await withApp(dataDir, (app) => signUp(app, email, true));
}
