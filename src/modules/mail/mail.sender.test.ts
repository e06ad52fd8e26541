import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { FieldCipher } from '../../core/crypto.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { type TestDatabase, dialects, tempDir } from '../../../test/helpers/databases.ts';
import { type SmtpSink, startSmtpSink } from '../../../test/helpers/smtp.ts';
import { JITTER, backoffSeconds, createJobRunner, createJobs } from '../jobs/index.ts';
import { createMailSender } from './mail.sender.ts';
import { MAIL_SEND, createMail } from './mail.service.ts';
import { fileTransport, smtpTransport, type MailTransport } from './transport.ts';

describe.each(dialects)('mail outbox on $name', (dialect) => {
  let tdb: TestDatabase;
  let sink: SmtpSink;
  const clock = new ManualClock();
  const cipher = new FieldCipher(Buffer.alloc(32, 7));
  const jobs = createJobs({ clock });
  const mail = createMail({ clock, cipher, jobs, messageIdDomain: 'castellan.test', maxAttempts: 3 });
  const log = pino({ level: 'silent' });

  /** A node's job runner with only the mail kind, as app.ts wires it. */
  const worker = (transport: MailTransport, nodeId = 'node-a') =>
    createJobRunner({
      db: tdb.handle.db,
      dialect: tdb.handle.dialect,
      clock,
      nodeId,
      pollIntervalMs: 20,
      leaseSeconds: 30,
      log,
      handlers: [
        createMailSender({
          db: tdb.handle.db,
          clock,
          cipher,
          transport,
          from: 'Castellan <no-reply@castellan.test>',
          log,
          leaseSeconds: 30,
          pollIntervalMs: 20,
          background: true,
        }),
      ],
    });

  const rows = () => tdb.handle.db.selectFrom('mail_outbox').selectAll().orderBy('created_at').execute();
  const mailJobs = () => tdb.handle.db.selectFrom('jobs').selectAll().where('kind', '=', MAIL_SEND).orderBy('created_at').execute();

  beforeEach(async () => {
    tdb = await dialect.openMigrated();
    await migrateToLatest(tdb.handle.db);
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await sink.close();
    await tdb.cleanup();
  });

  it('sends queued mail over SMTP, once, and clears the stored body', async () => {
    await mail.enqueue(tdb.handle.db, { to: 'ada@example.com', subject: 'Hello', text: 'secret link https://x/y?token=abc' });
    const row = (await rows())[0];
    expect(row?.body_enc).toMatch(/^v1\./);
    expect(row?.body_enc).not.toContain('token=abc');
    const w = worker(smtpTransport(sink.url));
    expect(await w.drain()).toBe(1);
    expect(await w.drain()).toBe(0);
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]).toMatchObject({ to: 'ada@example.com', subject: 'Hello' });
    expect(sink.messages[0]?.messageId).toBe(row?.message_id);
    expect((await rows())[0]).toMatchObject({ status: 'sent', body_enc: null, attempts: 1, sent_by: 'node-a' });
    // The job carries the message's id and nothing else: no address, subject or body.
    const [job] = await mailJobs();
    expect(job).toMatchObject({ status: 'done', payload: JSON.stringify({ mailId: row?.id }), attempts: 1 });
  });

  it('a message and its job are queued together, or not at all', async () => {
    const refused = await tdb.handle.db
      .transaction()
      .execute(async (trx) => {
        await mail.enqueue(trx, { to: 'ada@example.com', subject: 'Rolled back', text: 'b' });
        throw new Error('the change failed');
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(await rows()).toEqual([]);
    expect(await mailJobs()).toEqual([]);
  });

  it('retries with backoff after a temporary failure, and gives up after the last attempt', async () => {
    await mail.enqueue(tdb.handle.db, { to: 'grace@example.com', subject: 'Retry me', text: 'body' });
    sink.failNext(1);
    const w = worker(smtpTransport(sink.url));
    await w.drain();
    let row = (await rows())[0];
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row?.last_error).toBeTruthy();
    const wait = new Date((await mailJobs())[0]?.run_at ?? 0).getTime() - clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(backoffSeconds(1) * 1000);
    expect(wait).toBeLessThanOrEqual(backoffSeconds(1) * 1000 * (1 + JITTER));
    expect(await w.drain()).toBe(0); // not due yet
    clock.advance(wait);
    await w.drain();
    row = (await rows())[0];
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.messages).toHaveLength(1);

    await mail.enqueue(tdb.handle.db, { to: 'never@example.com', subject: 'Doomed', text: 'body' });
    sink.failNext(10);
    for (let i = 1; i <= 3; i++) {
      await w.drain();
      clock.advance(backoffSeconds(i) * 1000 * (1 + JITTER));
    }
    const doomed = (await rows()).find((r) => r.to_address === 'never@example.com');
    expect(doomed).toMatchObject({ status: 'failed', attempts: 3, body_enc: null });
    expect(doomed?.last_error).toBeTruthy();
    expect((await mailJobs()).find((j) => j.payload.includes(doomed?.id ?? '?'))).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await w.drain()).toBe(0);
    expect(sink.messages).toHaveLength(1);
  });

  it('two workers never send the same message', async () => {
    for (let i = 0; i < 30; i++) await mail.enqueue(tdb.handle.db, { to: `r${i}@example.com`, subject: `n${i}`, text: 'b' });
    const a = worker(smtpTransport(sink.url), 'node-a');
    const b = worker(smtpTransport(sink.url), 'node-b');
    await Promise.all([a.drain(), b.drain()]);
    expect(sink.messages).toHaveLength(30);
    expect(new Set(sink.messages.map((m) => m.to)).size).toBe(30);
  });

  it('a message claimed by a node that died is sent by another once the lease runs out', async () => {
    await mail.enqueue(tdb.handle.db, { to: 'orphan@example.com', subject: 'Orphan', text: 'b' });
    await tdb.handle.db
      .updateTable('jobs')
      .set({ status: 'running', lease_owner: 'dead-node', lease_expires_at: clock.now().toISOString(), attempts: 1 })
      .execute();
    const w = worker(smtpTransport(sink.url));
    expect(await w.drain()).toBe(0); // the lease has not run out yet
    clock.advance(1000);
    expect(await w.drain()).toBe(1);
    expect(sink.messages.map((m) => m.to)).toEqual(['orphan@example.com']);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 2, sent_by: 'node-a' });
  });

  it('a message whose job runs again after it was sent (the node died before recording so) is not sent twice', async () => {
    await mail.enqueue(tdb.handle.db, { to: 'once@example.com', subject: 'Once', text: 'b' });
    const w = worker(smtpTransport(sink.url));
    await w.drain();
    // As if the sending node died between handing the message over and finishing its job.
    await tdb.handle.db.updateTable('jobs').set({ status: 'queued', lease_owner: null, lease_expires_at: null }).execute();
    expect(await w.drain()).toBe(1);
    expect(sink.messages).toHaveLength(1);
    expect((await mailJobs())[0]).toMatchObject({ status: 'done' });
  });

  it('without SMTP, each message is written as an .eml file (mode 0600) that a person can read', async () => {
    const dir = tempDir();
    await mail.enqueue(tdb.handle.db, {
      to: 'ada@example.com',
      subject: 'Vérifiez',
      text: `Open http://127.0.0.1:8080/verify-email?token=${'A'.repeat(43)} — now`,
    });
    const w = worker(fileTransport(path.join(dir, 'mail')));
    await w.drain();
    const files = readdirSync(path.join(dir, 'mail'));
    expect(files).toHaveLength(1);
    const file = path.join(dir, 'mail', files[0] as string);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const eml = readFileSync(file, 'utf8');
    expect(eml).toContain('To: ada@example.com');
    expect(eml).toContain(`verify-email?token=${'A'.repeat(43)}`);
    expect(eml).toContain('Subject: =?UTF-8?B?');
    const parsed = await (await import('mailparser')).simpleParser(eml);
    expect(parsed.subject).toBe('Vérifiez');
  });
});
