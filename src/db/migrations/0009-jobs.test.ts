import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { ManualClock } from '../../core/clock.ts';
import { FieldCipher } from '../../core/crypto.ts';
import { createJobRunner } from '../../modules/jobs/index.ts';
import { createMailSender, smtpTransport } from '../../modules/mail/index.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { type SmtpSink, startSmtpSink } from '../../../test/helpers/smtp.ts';
import { migrateTo, migrateToLatest } from '../migrate.ts';

const cipher = new FieldCipher(Buffer.alloc(32, 7));
const body = (text: string) => cipher.encrypt(JSON.stringify({ text }), 'mail_outbox.body');

/** An outbox row as releases before the jobs table wrote it. */
function oldRow(id: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    message_id: `<${id}@castellan.test>`,
    to_address: `${id}@example.com`,
    subject: `About ${id}`,
    body_enc: status === 'sent' ? null : body(`Hello ${id}`),
    category: 'transactional',
    status,
    attempts: 0,
    next_attempt_at: '2026-03-02T09:00:00.000Z',
    lease_until: null,
    claimed_by: null,
    last_error: null,
    created_at: '2026-03-02T08:00:00.000Z',
    sent_at: null,
    user_id: null,
    list: null,
    ...extra,
  };
}

describe.each(dialects)('migration 0009 (jobs) on $name', (dialect) => {
  let tdb: TestDatabase;
  let sink: SmtpSink;
  beforeEach(async () => {
    tdb = await dialect.open();
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await sink.close();
    await tdb.cleanup();
  });

  it('queued and in-flight outbox messages become mail.send jobs and are sent once; sent ones stay as they were', async () => {
    const db = tdb.handle.db;
    await migrateTo(db, '0007-support-tickets');
    await (db as unknown as Kysely<any>)
      .insertInto('mail_outbox')
      .values([
        oldRow('mail_queued', 'queued'),
        oldRow('mail_retrying', 'queued', { attempts: 2, last_error: 'greylisted', next_attempt_at: '2026-03-02T10:05:00.000Z' }),
        oldRow('mail_inflight', 'sending', { attempts: 1, claimed_by: 'old-node', lease_until: '2026-03-02T09:30:00.000Z' }),
        oldRow('mail_spent', 'queued', { attempts: 9 }),
        oldRow('mail_sent', 'sent', { attempts: 1, claimed_by: 'old-node', sent_at: '2026-03-02T08:01:00.000Z' }),
      ])
      .execute();
    await migrateToLatest(db);

    const jobs = await db.selectFrom('jobs').selectAll().orderBy('id').execute();
    expect(jobs.map((j) => [j.id, j.kind, JSON.parse(j.payload), j.status, j.attempts, j.max_attempts, j.run_at])).toEqual([
      ['job_mail_inflight', 'mail.send', { mailId: 'mail_inflight' }, 'queued', 1, 8, '2026-03-02T09:00:00.000Z'],
      ['job_mail_queued', 'mail.send', { mailId: 'mail_queued' }, 'queued', 0, 8, '2026-03-02T09:00:00.000Z'],
      ['job_mail_retrying', 'mail.send', { mailId: 'mail_retrying' }, 'queued', 2, 8, '2026-03-02T10:05:00.000Z'],
      ['job_mail_spent', 'mail.send', { mailId: 'mail_spent' }, 'queued', 9, 10, '2026-03-02T09:00:00.000Z'],
    ]);
    expect(jobs.find((j) => j.id === 'job_mail_retrying')?.last_error).toBe('greylisted');
    const outbox = await db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
    expect(outbox.map((m) => [m.id, m.status])).toEqual([
      ['mail_inflight', 'queued'],
      ['mail_queued', 'queued'],
      ['mail_retrying', 'queued'],
      ['mail_sent', 'sent'],
      ['mail_spent', 'queued'],
    ]);
    expect(Object.keys(outbox[0] ?? {})).not.toContain('claimed_by');

    const clock = new ManualClock('2026-03-02T10:00:00.000Z');
    const log = pino({ level: 'silent' });
    const runner = createJobRunner({
      db,
      dialect: tdb.handle.dialect,
      clock,
      nodeId: 'new-node',
      pollIntervalMs: 20,
      leaseSeconds: 30,
      log,
      handlers: [createMailSender({ db, clock, cipher, transport: smtpTransport(sink.url), from: 'Castellan <no-reply@castellan.test>', log, leaseSeconds: 30, pollIntervalMs: 20, background: true })],
    });
    expect(await runner.drain()).toBe(3);
    clock.advance(5 * 60_000);
    expect(await runner.drain()).toBe(1);
    expect(sink.messages.map((m) => m.to).sort()).toEqual(['mail_inflight@example.com', 'mail_queued@example.com', 'mail_retrying@example.com', 'mail_spent@example.com']);
    expect(sink.messages.find((m) => m.to === 'mail_queued@example.com')?.messageId).toBe('<mail_queued@castellan.test>');
    const after = await db.selectFrom('mail_outbox').select(['id', 'status', 'sent_by', 'body_enc']).where('id', '!=', 'mail_sent').execute();
    expect(after.every((m) => m.status === 'sent' && m.sent_by === 'new-node' && m.body_enc === null)).toBe(true);
  });

  it('migrates down and up again', async () => {
    const db = tdb.handle.db;
    await migrateToLatest(db);
    // 0008 (accounts and memberships) cannot be undone; 0009 can.
    await migrateTo(db, '0008-accounts-memberships');
    await migrateToLatest(db);
    expect(await db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });
});
