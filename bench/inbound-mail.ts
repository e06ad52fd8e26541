/**
 * The mail half of the support benchmark: inbound mails turned into tickets
 * per second over SMTP (SUP-1), next to a bare smtp-server that accepts and
 * discards.
 *
 * `castellan serve` runs in its own process on a fresh data directory (SQLite
 * unless DATABASE_URL) with its inbound listener on a free loopback port and
 * one active, verified admin (bench/seed.ts). Each mail is a new message from
 * that admin, so each one opens a ticket: the parse, the admin check, the
 * knowledge-base lookup, the ticket, its message, its audit entry and its
 * queued acknowledgment (the mail worker is off, so sending it costs nothing
 * here). The baseline (bench/bare-smtp.ts) is an smtp-server with the same
 * settings whose onData drains the message and answers 250, in a process of
 * its own on the same core. The client (bench/smtp-load.ts) is a third
 * process, on the client core, with the same number of persistent connections
 * for both; each round runs the baseline then Castellan, and the figure is the
 * median of the rounds' ratios.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.ts';
import { smtpDialog } from '../test/helpers/smtp-client.ts';
import { freePort } from '../test/helpers/process.ts';
import { type Rounds, pairedRounds, verdict } from './load.ts';
import { type Child, type Placement, runToEnd, start, startCastellan } from './processes.ts';
import { seedSupportAdmin } from './seed.ts';
import type { LoadResult } from './wrk.ts';

const ADMIN = 'bench.admin@bench.example';

/** Waits until an SMTP server greets on `port`. */
async function greets(port: number, server: Child, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = smtpDialog(port);
    const ok = await Promise.race([d.greeting.then((r) => r.code === 220, () => false), sleep(2000).then(() => false)]);
    d.end();
    if (ok) return;
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} does not greet on port ${port}:\n${server.output()}`);
    await sleep(100);
  }
}

export async function inboundMail(opts: { connections: number; seconds: number; rounds: number; warmup: number; cpus: Placement }): Promise<Rounds> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'castellan-bench-mail-'));
  const servers: Child[] = [];
  try {
    await seedSupportAdmin(dataDir, ADMIN);
    const smtpPort = await freePort();
    const castellan = await startCastellan({
      dataDir,
      cpus: opts.cpus.server,
      env: { CASTELLAN_SMTP_IN_ENABLED: 'true', CASTELLAN_SMTP_IN_PORT: String(smtpPort), CASTELLAN_SMTP_IN_MAX_CLIENTS: String(opts.connections + 1) },
    });
    servers.push(castellan);
    await greets(smtpPort, castellan, 'castellan serve');
    const config = loadConfig({});
    const barePort = await freePort();
    const bare = start(process.execPath, ['--import', 'tsx', 'bench/bare-smtp.ts', String(barePort), String(config.smtpIn.maxMessageBytes)], { cpus: opts.cpus.server });
    servers.push(bare);
    await greets(barePort, bare, 'the bare smtp-server');

    const to = config.support.address;
    const send = (port: number, expect: string[]) => async (): Promise<LoadResult> => {
      const args = ['--import', 'tsx', 'bench/smtp-load.ts', String(port), String(opts.connections), String(opts.seconds), String(opts.warmup), ADMIN, to, ...expect];
      const out = await runToEnd(process.execPath, args, { cpus: opts.cpus.client });
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult & { refused: number; firstRefusal: string };
      if (r.refused > 0) throw new Error(`${r.refused} mail(s) not accepted${expect.length ? ' as a ticket' : ''}, e.g. ${r.firstRefusal}`);
      return { ...r, errors: r.refused };
    };
    // Every ticket-opening answer says so ("... opened ...").
    const result = await pairedRounds(opts.rounds, async () => {}, ['bare smtp', send(barePort, [])], ['castellan', send(smtpPort, ['opened'])]);
    const out = process.stdout;
    out.write(`support mail: ${opts.connections} persistent SMTP connections from another process; ${opts.warmup} s warm-up per phase\n`);
    out.write(result.table.replace(' per sec', ' mail/s '));
    out.write(verdict('support mail', result, { subject: 'inbound mails turned into tickets', baseline: 'mails accepted and discarded by a bare smtp-server' }));
    return result;
  } finally {
    for (const s of servers) await s.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
