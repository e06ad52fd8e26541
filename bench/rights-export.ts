/**
 * rights, part 2 (DSR-1): the access export of one person with `events` events in each module
 * that keeps events about people: sessions (accounts), audit entries (audit), queued mail (mail),
 * consent and analytics events (privacy), support messages (support) and request history
 * (rights). The directory and billing keep a row per organization (a membership, a card), not
 * events, and are exported as they are.
 *
 * The person signs up through the API; the events are written by the database itself (through the
 * API they would take hours) before `castellan serve` starts in its own process. Then, over HTTP
 * from this process, the person signs in, asks for a copy of their data, re-authenticates (the
 * verification of DSR-2), and takes a fresh single-use download link per round. Each round's
 * download is timed by `curl` in a process of its own: the server builds the archive (the
 * registry's export in one transaction, data.json and one CSV per table, zipped) while it streams.
 * The baseline is the same archive's bytes served by a bare Fastify route in its own process, also
 * fetched by curl: the ratio says what building the archive costs over sending it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { App } from '../src/app.ts';
import { median } from './load.ts';
import { type Placement, describePlacement, pinned, startBare, startCastellan } from './processes.ts';

const run = promisify(execFile);
const PASSWORD = 'violet-harbour-lantern-42';
/** DSR-1: the issue's target for one export of this size. */
const TARGET_SECONDS = 1;

export interface ExportOptions {
  events: number;
  rounds: number;
  cpus: Placement;
}

type WithApp = <T>(dataDir: string, fn: (app: App) => Promise<T>) => Promise<T>;

/** The person, and `events` rows about them in each table that keeps events, written by the database. */
async function seedPerson(app: App, events: number, tag: string): Promise<{ email: string; rows: number }> {
  const email = `bench.exporter.${tag}@example.com`;
  const res = await app.http.inject({ method: 'POST', url: '/api/v1/signup', payload: { email, password: PASSWORD, name: 'Bench Person', companyName: 'Bench Export Co', ageConfirmed: true } });
  if (res.statusCode !== 201) throw new Error(`signup answered ${res.statusCode}: ${res.body}`);
  const orgId = (res.json() as { organization: { id: string } }).organization.id;
  const account = await app.accounts.factsByEmail(app.db, email);
  if (!account) throw new Error('the person has no account');
  await app.accounts.markEmailProven(app.db, account.id);
  const a = sql.lit(account.id);
  const o = sql.lit(orgId);
  const e = sql.lit(email);
  const t = sql.lit(tag);
  const n = sql.lit(events);
  const at = sql.lit('2026-01-01T00:00:00.000Z');
  const series = sql`with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${n})`;
  const ticket = `tkt_b${tag}`;
  const request = `dsr_b${tag}`;
  await sql`${series} insert into sessions (id, account_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent)
    select 'ses_b' || ${t} || '_' || s.i, ${a}, 'hash_b' || ${t} || '_' || s.i, ${at}, ${at}, '2026-02-01T00:00:00.000Z', '192.0.2.1', 'bench/1.0' from s`.execute(app.db);
  // Below the chain's own sequence numbers, which the audit module hands out after its last one.
  await sql`${series} insert into audit_log (seq, id, at, org_id, actor_type, actor_id, action, target_type, target_id, ip, request_id, details, prev_hash, hash)
    select -1 - s.i, 'aud_b' || ${t} || '_' || s.i, ${at}, ${o}, 'user', ${a}, 'auth.signin', 'account', ${a}, '192.0.2.1', null, '{}', 'bench', 'bench' from s`.execute(app.db);
  await sql`${series} insert into mail_outbox (id, message_id, to_address, subject, body_enc, category, status, attempts, last_error, created_at, sent_at, user_id, list, sent_by)
    select 'mail_b' || ${t} || '_' || s.i, '<b' || ${t} || '.' || s.i || '@bench>', ${e}, 'Bench message ' || s.i, null, 'transactional', 'sent', 1, null, ${at}, ${at}, ${a}, null, null from s`.execute(app.db);
  await sql`${series} insert into consent_events (id, subject_type, subject_id, purpose, granted, source, policy_version, ip, created_at)
    select 'cev_b' || ${t} || '_' || s.i, 'user', ${a}, 'analytics', s.i % 2, 'settings', null, '192.0.2.1', ${at} from s`.execute(app.db);
  await sql`${series} insert into analytics_events (id, visitor_id, user_id, path, referrer, search_terms, user_agent, ip, created_at)
    select 'ana_b' || ${t} || '_' || s.i, null, ${a}, '/console/users', null, null, 'bench/1.0', '192.0.2.1', ${at} from s`.execute(app.db);
  await sql`insert into support_tickets (id, org_id, opened_by, requester_name, subject, environment, production_impact, priority, status, channel, plan, eligibility, eligibility_reason, created_at, updated_at)
    values (${sql.lit(ticket)}, ${o}, ${a}, 'Bench Person', 'A long conversation', 'production', 0, 'normal', 'open', 'web', 'free', 'full', 'bench', ${at}, ${at})`.execute(app.db);
  await sql`${series} insert into support_messages (id, ticket_id, org_id, seq, author_kind, author_id, author_name, body, channel, message_id, created_at)
    select 'msg_b' || ${t} || '_' || s.i, ${sql.lit(ticket)}, ${o}, s.i + 1, 'customer', ${a}, 'Bench Person', 'Message ' || s.i || ' of a long conversation.', 'web', null, ${at} from s`.execute(app.db);
  await sql`insert into privacy_requests (id, kind, regime, channel, state, email, email_normalized, account_id, details, token_hash, entered_by, received_at, acknowledge_by, due_at, verification, created_at, updated_at)
    values (${sql.lit(request)}, 'question', 'other', 'web', 'acknowledged', ${e}, ${e}, ${a}, 'An old question', ${sql.lit(`tok_b${tag}`)}, null, ${at}, ${at}, '2026-02-15T00:00:00.000Z', 'not_required', ${at}, ${at})`.execute(app.db);
  await sql`${series} insert into privacy_request_events (id, request_id, seq, action, actor_type, actor_id, note, at)
    select 'dsre_b' || ${t} || '_' || s.i, ${sql.lit(request)}, s.i + 1, 'noted', 'staff', null, 'Step ' || s.i, ${at} from s`.execute(app.db);
  if (app.database.dialect === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(app.db);
  else await sql`analyze`.execute(app.db);
  return { email, rows: 7 * events };
}

async function call(url: string, method: string, body: unknown, token?: string): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(url, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (an error page): the text is what the caller reports.
  }
  return { status: res.status, json, text };
}

/** One download by curl in its own process: seconds (curl's own transfer time) and bytes. */
async function curlDownload(url: string, file: string, cpus: string | undefined): Promise<{ seconds: number; bytes: number; status: number }> {
  const [cmd, args] = pinned(cpus, 'curl', ['-s', '-o', file, '-w', '%{http_code} %{time_total} %{size_download}', url]);
  const { stdout } = await run(cmd, args);
  const [status, seconds, bytes] = stdout.trim().split(' ').map(Number) as [number, number, number];
  return { seconds, bytes, status };
}

export async function accessExport(opts: ExportOptions, withApp: WithApp, out: NodeJS.WriteStream): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-export-'));
  let server: Awaited<ReturnType<typeof startCastellan>> | undefined;
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  try {
    process.stderr.write(`rights: seeding a person with ${opts.events} events in each of 7 tables...\n`);
    const tag = `x${Date.now().toString(36)}`;
    const t0 = performance.now();
    const person = await withApp(dataDir, (app) => seedPerson(app, opts.events, tag));
    const seeded = (performance.now() - t0) / 1000;
    server = await startCastellan({ dataDir, cpus: opts.cpus.server, env: { CASTELLAN_SIGNIN_MAX_FAILURES: '1000000' } });
    const signIn = await call(`${server.url}/api/v1/sessions`, 'POST', { email: person.email, password: PASSWORD });
    if (signIn.status !== 201) throw new Error(`sign-in answered ${signIn.status}: ${signIn.text}`);
    const token = signIn.json.token as string;
    const file = path.join(dataDir, 'export.zip');
    const castellan: number[] = [];
    let bytes = 0;
    // One access request per round (a download answers it), each verified by re-authentication.
    for (let round = 0; round <= opts.rounds; round++) {
      const asked = await call(`${server.url}/api/v1/privacy/requests`, 'POST', { kind: 'access', regime: 'gdpr' }, token);
      if (asked.status !== 201) throw new Error(`the access request answered ${asked.status}: ${asked.text}`);
      const id = asked.json.id as string;
      const verified = await call(`${server.url}/api/v1/privacy/requests/${id}/verify`, 'POST', { password: PASSWORD }, token);
      if (verified.status !== 200) throw new Error(`verification answered ${verified.status}: ${verified.text}`);
      // DSR-2: the link re-authenticates too.
      const link = await call(`${server.url}/api/v1/privacy/requests/${id}/archive-link`, 'POST', { password: PASSWORD }, token);
      if (link.status !== 201) throw new Error(`archive-link answered ${link.status}: ${link.text}`);
      const url = new URL(link.json.url as string);
      const got = await curlDownload(`${server.url}${url.pathname}${url.search}`, file, opts.cpus.client);
      if (got.status !== 200) throw new Error(`the download answered ${got.status}: ${await readFile(file, 'utf8').catch(() => '')}`);
      bytes = got.bytes;
      // Round 0 warms the server up (statements prepared, code optimised); it is not counted.
      if (round > 0) castellan.push(got.seconds);
    }
    const copy = path.join(dataDir, 'baseline.zip');
    await writeFile(copy, await readFile(file));
    bare = await startBare({ bodyFile: copy, contentType: 'application/zip', cpus: opts.cpus.server });
    const baseline: number[] = [];
    for (let round = 0; round <= opts.rounds; round++) {
      const got = await curlDownload(`${bare.url}/`, path.join(dataDir, 'bare.zip'), opts.cpus.client);
      if (got.status !== 200) throw new Error(`the bare server answered ${got.status}`);
      if (round > 0) baseline.push(got.seconds);
    }
    const rowsInArchive = await countRows(file);
    const s = median(castellan);
    const b = median(baseline);
    out.write(`rights: DSR-1 access export; castellan serve at ${server.url}; ${describePlacement(opts.cpus, 'curl')}\n`);
    out.write(`rights:   seeded ${person.rows} events (${opts.events} in each of sessions, audit_log, mail_outbox, consent_events, analytics_events, support_messages, privacy_request_events) in ${seeded.toFixed(1)} s\n`);
    out.write(`rights:   archive: ${(bytes / 1024 / 1024).toFixed(1)} MiB, ${rowsInArchive} rows in data.json (${(await stat(file)).size} bytes on disk)\n`);
    out.write(`rights:   download with the archive built: median ${s.toFixed(3)} s of ${castellan.map((x) => x.toFixed(3)).join(', ')} (target < ${TARGET_SECONDS} s: ${s < TARGET_SECONDS ? 'met' : 'NOT met'}); ${Math.round(rowsInArchive / s)} rows/s\n`);
    out.write(`rights:   baseline, the same bytes from a bare route: median ${b.toFixed(3)} s\n`);
    out.write(`rights:   ratio (export / bare send): ${(s / b).toFixed(1)}\n`);
  } finally {
    await server?.stop();
    await bare?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Rows in the archive's data.json (modules → tables → rows), read with `unzip -p`. */
async function countRows(file: string): Promise<number> {
  const { stdout } = await run('unzip', ['-p', file, 'data.json'], { maxBuffer: 1024 * 1024 * 1024 });
  const data = JSON.parse(stdout) as { modules: Record<string, Record<string, unknown[]>> };
  return Object.values(data.modules).reduce((n, tables) => n + Object.values(tables).reduce((m, rows) => m + rows.length, 0), 0);
}
