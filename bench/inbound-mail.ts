/**
 * The mail half of the support benchmark: inbound mails turned into tickets
 * per second over SMTP (SUP-1), next to a bare smtp-server that accepts and
 * discards.
 *
 * Castellan runs in this process on a fresh SQLite file, with its inbound
 * listener on a free loopback port and one active, verified admin. Each mail
 * is a new message (its own Message-ID and subject) from that admin, so each
 * one opens a ticket: the parse, the admin check, the knowledge-base lookup,
 * the ticket, its message, its audit entry and its queued acknowledgment
 * (the mail worker is off, so sending it costs nothing here). The baseline is
 * an smtp-server with the same options whose onData drains the message and
 * answers 250. Both are driven by the same raw SMTP client over the same
 * number of persistent connections, one transaction at a time per
 * connection, in paired rounds (bench/load.ts); the figure is the median of
 * the rounds' ratios.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type SmtpDialog, smtpDialog } from '../test/helpers/smtp-client.ts';
import { pairedRounds } from './load.ts';

const ADMIN_PASSWORD = 'violet-harbour-lantern-42';

/** The same settings as Castellan's listener, and nothing else: accept, drain, 250. */
async function bareServer(maxMessageBytes: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxMessageBytes,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('end', () => callback(null, 'OK'));
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `n` connections, greeted and past EHLO, lent out one per operation. */
async function connections(port: number, n: number) {
  const idle: SmtpDialog[] = [];
  for (let i = 0; i < n; i++) {
    const d = smtpDialog(port);
    if ((await d.greeting).code !== 220) throw new Error('no SMTP greeting');
    await d.command('EHLO bench.localhost');
    idle.push(d);
  }
  const all = [...idle];
  return {
    async use<T>(fn: (d: SmtpDialog) => Promise<T>): Promise<T> {
      const d = idle.pop();
      if (!d) throw new Error('more operations in flight than connections');
      try {
        return await fn(d);
      } finally {
        idle.push(d);
      }
    },
    close() {
      for (const d of all) d.end();
    },
  };
}

let serial = 0;
function newMail(from: string, to: string): string {
  const n = serial++;
  return [
    `From: Bench Admin <${from}>`,
    `To: ${to}`,
    `Subject: Bind fails on host ${n}`,
    `Message-ID: <bench.${n}.${process.pid}@bench.localhost>`,
    'Date: Mon, 2 Mar 2026 09:00:00 -0700',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Since this morning ldapsearch on host ${n} answers invalid credentials for users created today.`,
    'Nothing changed on our side. Could you have a look?',
    '',
  ].join('\r\n');
}

export async function inboundMail(opts: { connections: number; seconds: number; rounds: number }): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-mail-'));
  const config = loadConfig({ CASTELLAN_DATA_DIR: dataDir, CASTELLAN_LOG_LEVEL: 'warn', CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_SMTP_IN_MAX_CLIENTS: String(opts.connections + 1) });
  const app = await buildApp({ config, workers: false });
  const bare = await bareServer(config.smtpIn.maxMessageBytes);
  let castellan: Awaited<ReturnType<typeof connections>> | undefined;
  let baseline: Awaited<ReturnType<typeof connections>> | undefined;
  try {
    const email = 'bench.admin@bench.example';
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/v1/signup',
      payload: { email, password: ADMIN_PASSWORD, name: 'Bench Admin', companyName: 'Bench Ltd', ageConfirmed: true },
    });
    if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
    // The verification link went to the (stopped) outbox; marking the address verified is what following it does.
    await app.db.updateTable('users').set({ email_verified_at: new Date().toISOString() }).where('email', '=', email).execute();

    const { port } = await app.startSmtpIn();
    const to = config.support.address;
    castellan = await connections(port, opts.connections);
    baseline = await connections(bare.port, opts.connections);
    const refused: string[] = [];
    const op = (pool: NonNullable<typeof castellan>) => async () => {
      const r = await pool.use((d) => d.send({ from: email, to: [to], data: newMail(email, to) }));
      if (r.code !== 250 || (pool === castellan && !r.text.includes('opened'))) refused.push(`${r.code} ${r.text}`);
    };
    const result = await pairedRounds(
      { rounds: opts.rounds, seconds: opts.seconds, concurrency: opts.connections },
      ['castellan', op(castellan)],
      ['bare smtp', op(baseline)],
    );
    if (refused.length > 0) throw new Error(`${refused.length} mail(s) not turned into a ticket, e.g. ${refused[0]}`);
    const tickets = await app.db.selectFrom('support_tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    process.stdout.write(`support mail: ${Number(tickets.n)} tickets opened by mail (SQLite), ${opts.connections} persistent SMTP connections\n`);
    process.stdout.write(result.table.replace('  req/s', ' mail/s'));
    process.stdout.write(`support mail: ratio per round ${result.ratios.map((r) => r.toFixed(3)).join(', ')}\n`);
    process.stdout.write(
      `support mail: ${result.measuredRate.toFixed(0)} inbound mails turned into tickets/s over SMTP vs ${result.baselineRate.toFixed(0)} mails/s accepted and discarded by a bare smtp-server (medians); median ratio ${result.ratio.toFixed(3)}\n`,
    );
  } finally {
    castellan?.close();
    baseline?.close();
    await bare.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
