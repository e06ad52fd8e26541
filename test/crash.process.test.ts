import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { signupBody } from './helpers/app.ts';
import { createPgSchema, hasPostgres, tempDir } from './helpers/databases.ts';
import { untilMailSettled } from './helpers/outbox.ts';
import { type ServerProcess, killAll, postJson, startServer, until } from './helpers/process.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp.ts';

const variants = [{ name: 'sqlite' as const }, ...(hasPostgres ? [{ name: 'postgres' as const }] : [])];

/**
 * An SMTP server that accepts the first `acceptFirst` messages and then holds
 * the next one mid-transfer (after DATA, before its reply), never answering it;
 * `release()` later refuses it, so it is never recorded as received.
 */
async function holdingSink(acceptFirst: number) {
  let seen = 0;
  let onHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    onHeld = resolve;
  });
  let release: () => void = () => {};
  const released = new Promise<void>((_, reject) => {
    release = () => reject(Object.assign(new Error('connection lost'), { responseCode: 451 }));
  });
  released.catch(() => {});
  let onRefused: () => void = () => {};
  const refused = new Promise<void>((resolve) => {
    onRefused = resolve;
  });
  const sink = await startSmtpSink({
    onData: async () => {
      seen += 1;
      if (seen <= acceptFirst) return;
      if (seen === acceptFirst + 1) {
        onHeld();
        try {
          await released;
        } finally {
          onRefused();
        }
      }
      // Anything after the held message cannot arrive: the client waits on the held one.
      throw Object.assign(new Error('unexpected message'), { responseCode: 451 });
    },
  });
  return { sink, held, release, refused };
}

describe.each(variants)('a server killed with mail queued and in flight ($name)', ({ name }) => {
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    await killAll();
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(killAll);

  it('ACC-3: after a restart every queued mail is delivered exactly once', async () => {
    const dataDir = tempDir('castellan-crash-');
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const dbEnv: Record<string, string> = { CASTELLAN_DATA_DIR: dataDir };
    let databaseUrl: string | undefined;
    if (name === 'postgres') {
      const schema = await createPgSchema();
      cleanups.push(() => schema.drop());
      dbEnv.DATABASE_URL = schema.url;
      databaseUrl = schema.url;
    }
    const env = {
      ...dbEnv,
      CASTELLAN_PUBLIC_URL: 'http://castellan.test',
      CASTELLAN_MAIL_POLL_MS: '20',
      CASTELLAN_MAIL_LEASE_SECONDS: '2',
    };

    // First life: two messages get through, the third is held mid-transfer.
    const first = await holdingSink(2);
    cleanups.push(() => first.sink.close());
    const before: ServerProcess = await startServer({
      env: { ...env, CASTELLAN_SMTP_URL: first.sink.url, CASTELLAN_NODE_ID: 'before-crash' },
    });
    const bodies = Array.from({ length: 8 }, (_, i) => signupBody({ email: `crash.${name}.${i}.${Date.now()}@example.com` }));
    for (const body of bodies) {
      const r = await postJson(before, '/api/v1/signup', body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    await first.held;
    // Every sign-up has committed (and queued its mail); one message is in flight, the rest queued or claimed.
    expect(first.sink.messages).toHaveLength(2);
    const exit = await before.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    // The held transaction now fails: the message was never accepted, so it counts as not delivered.
    first.release();
    await first.refused;

    // Second life: same data, a sink that accepts everything.
    const second = await startSmtpSink();
    cleanups.push(() => second.close());
    const after = await startServer({
      env: { ...env, CASTELLAN_SMTP_URL: second.url, CASTELLAN_NODE_ID: 'after-crash' },
    });

    const all = (sinks: SmtpSink[]) => sinks.flatMap((s) => s.messages).map((m) => m.to);
    const wanted = new Set(bodies.map((b) => b.email));
    await until(() => new Set(all([first.sink, second])).size >= wanted.size, 30_000, 'every verification mail');
    // A duplicate (a second claim once a lease runs out) would be a send still in progress: wait
    // until none is, and none can start.
    await untilMailSettled({ dataDir, databaseUrl }, [first.sink, second]);

    const delivered = all([first.sink, second]).filter((to) => wanted.has(to));
    const counts = new Map<string, number>();
    for (const to of delivered) counts.set(to, (counts.get(to) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([to]) => to);
    const missing = [...wanted].filter((to) => !counts.has(to));
    expect({ twice, missing }).toEqual({ twice: [], missing: [] });
    expect(delivered).toHaveLength(bodies.length);
    expect(first.sink.messages).toHaveLength(2);

    const sent = after.logs.filter((l) => l.msg === 'mail sent');
    expect(sent).toHaveLength(bodies.length - 2);
  });
});
