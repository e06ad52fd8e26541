/**
 * access: how fast is the one access decision (DIR-3) over HTTP, in a large
 * directory, next to a bare Fastify route in the same server?
 *
 * The directory: 100,000 users, 10,000 groups (each user in 3), 1,000
 * resources, each bound to 10 groups and 10 users. The users and groups go in
 * through the real bulk import (a CSV file), whose time is the second figure.
 * Then GET /api/v1/orgs/{orgId}/access?userId=&resourceId= (authenticated,
 * validated, two lookups and the bindings query) is driven with random pairs,
 * alternating with a bare route on the same server that answers a constant
 * JSON body, with the same client and concurrency. Each round runs the two
 * phases back to back, and its figure is the ratio of their rates, so that a
 * machine that slows down or speeds up between rounds (the load of a shared
 * host) moves both sides of a ratio alike; the figure is the median of the
 * rounds' ratios (target >= 0.5).
 *
 * Flags: --users N (default 100000), --groups N (10000), --resources N (1000),
 * --concurrency N (default 8), --seconds N (3 per phase), --rounds N (5).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { systemContext } from '../src/core/context.ts';
import { newId } from '../src/core/crypto.ts';
import { freePort } from '../test/helpers/process.ts';
import { httpClient, intFlags, pairedRounds } from './load.ts';

const PASSWORD = 'violet-harbour-lantern-42';
const TARGET = 0.5;

const options = (args: string[]) =>
  intFlags(args, {
    users: { fallback: 100_000, min: 10 },
    groups: { fallback: 10_000, min: 3 },
    resources: { fallback: 1_000, min: 1 },
    concurrency: { fallback: 8, min: 1 },
    seconds: { fallback: 3, min: 1 },
    rounds: { fallback: 5, min: 1 },
  });

/** A deterministic pseudo-random sequence, so every run builds the same directory. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-access-'));
  const port = await freePort();
  const config = loadConfig({ CASTELLAN_DATA_DIR: dataDir, CASTELLAN_PORT: String(port), CASTELLAN_LOG_LEVEL: 'warn', CASTELLAN_SMTP_IN_ENABLED: 'false' });
  const app = await buildApp({ config, workers: false });
  const client = httpClient(`http://127.0.0.1:${port}`, opts.concurrency);
  try {
    // The baseline: a bare route on the same server, with a body of about the same size (routes
    // must be added before the server first answers).
    const bare = JSON.stringify({ allowed: true, via: [{ type: 'group', bindingId: 'bnd_x', groupId: 'grp_x', groupName: 'group1' }] });
    app.http.get('/bench-bare', { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) => reply.type('application/json').send(bare));

    // The admin, verified, signed in; the organization on the paid plan (no user limit).
    const email = 'bench.admin@example.com';
    const signup = await app.http.inject({
      method: 'POST',
      url: '/api/v1/signup',
      payload: { email, password: PASSWORD, name: 'Bench Admin', companyName: 'Bench Co', ageConfirmed: true },
    });
    const orgId = (signup.json() as { organization: { id: string } }).organization.id;
    await app.db.updateTable('users').set({ email_verified_at: new Date().toISOString() }).where('email_normalized', '=', email).execute();
    await app.db.updateTable('organizations').set({ plan: 'paid' }).where('id', '=', orgId).execute();
    const token = (await app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email, password: PASSWORD } })).json<{ token: string }>().token;

    // Users and groups through the bulk import: its time is the second figure.
    const pick = rng(42);
    const lines = ['email,name,username,groups'];
    for (let i = 0; i < opts.users; i++) {
      const groups = new Set([pick(opts.groups), pick(opts.groups), pick(opts.groups)]);
      lines.push(`user${i}@bench.example,User ${i},user${i},${[...groups].map((g) => `group${g}`).join(';')}`);
    }
    const csv = `${lines.join('\n')}\n`;
    process.stderr.write(`access: importing ${opts.users} users (${(csv.length / 1e6).toFixed(1)} MB of CSV)...\n`);
    const t0 = performance.now();
    const imported = await app.directory.transfer.importUsers(systemContext(), 'operator', orgId, { format: 'csv', text: csv });
    const importSeconds = (performance.now() - t0) / 1000;

    // Resources and bindings straight into the tables (they are not what is timed).
    const now = new Date().toISOString();
    const resources = Array.from({ length: opts.resources }, (_, i) => ({
      id: newId('res'),
      org_id: orgId,
      kind: (['system', 'application', 'network'] as const)[i % 3] as string,
      name: `resource${i}`,
      settings: '{}',
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < resources.length; i += 500) await app.db.insertInto('resources').values(resources.slice(i, i + 500)).execute();
    const userIds = (await app.db.selectFrom('users').select('id').where('org_id', '=', orgId).execute()).map((r) => r.id);
    const groupIds = (await app.db.selectFrom('groups').select('id').where('org_id', '=', orgId).execute()).map((r) => r.id);
    const bindings = resources.flatMap((r) => {
      const users = new Set(Array.from({ length: 10 }, () => userIds[pick(userIds.length)] as string));
      const groups = new Set(Array.from({ length: 10 }, () => groupIds[pick(groupIds.length)] as string));
      return [
        ...[...users].map((u) => ({ id: newId('bnd'), org_id: orgId, resource_id: r.id, user_id: u, group_id: null, created_at: now })),
        ...[...groups].map((g) => ({ id: newId('bnd'), org_id: orgId, resource_id: r.id, user_id: null, group_id: g, created_at: now })),
      ];
    });
    for (let i = 0; i < bindings.length; i += 500) await app.db.insertInto('bindings').values(bindings.slice(i, i + 500)).execute();

    await app.listen();

    const headers = { authorization: `Bearer ${token}` };
    let errors = 0;
    let allowed = 0;
    const accessOp = async () => {
      const u = userIds[pick(userIds.length)];
      const r = resources[pick(resources.length)]?.id;
      const res = await client.get(`/api/v1/orgs/${orgId}/access?userId=${u}&resourceId=${r}`, headers);
      if (res.status !== 200) errors++;
      else if (res.text.startsWith('{"allowed":true')) allowed++;
    };
    const bareOp = async () => {
      const res = await client.get('/bench-bare');
      if (res.status !== 200) errors++;
    };
    const result = await pairedRounds(opts, ['access', accessOp], ['bare', bareOp]);
    if (errors > 0) throw new Error(`${errors} request(s) did not answer 200`);
    process.stdout.write(
      `access: ${opts.users} users, ${groupIds.length} groups, ${opts.resources} resources, ${bindings.length} bindings; concurrency ${opts.concurrency}\n`,
    );
    process.stdout.write(result.table);
    process.stdout.write(`access: ${allowed} of the measured decisions were "allowed"\n`);
    process.stdout.write(
      `access: import of ${imported.created} users from CSV took ${importSeconds.toFixed(1)} s (${(imported.created / importSeconds).toFixed(0)} users/s)\n`,
    );
    process.stdout.write(`access: ratio per round ${result.ratios.map((r) => r.toFixed(2)).join(', ')}\n`);
    process.stdout.write(
      `access: ${result.measuredRate.toFixed(0)} decisions/s over HTTP vs ${result.baselineRate.toFixed(0)} req/s for a bare route (medians); median ratio ${result.ratio.toFixed(2)} (target >= ${TARGET})\n`,
    );
  } finally {
    client.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
