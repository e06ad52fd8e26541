import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { kindOf, regimeOf } from '../../modules/rights/requests.inbound.ts';
import { type TestApp, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { smtpDialog } from '../../../test/helpers/smtp-client.ts';

// Monday 16 November 2026, 10:00 in Denver.
const START = '2026-11-16T17:00:00.000Z';
const PRIVACY = 'privacy@castellan.test';

describe('DSR-1: reading the kind and the regime of a privacy message', () => {
  it.each([
    ['Your California Privacy Rights', 'shine_the_light'],
    ['Please do not sell my personal information', 'opt_out'],
    ['Opt-out of sharing', 'opt_out'],
    ['Please delete my account and all my data', 'delete'],
    ['GDPR Article 17 erasure request', 'delete'],
    ['My name is spelled wrong, please correct it', 'correct'],
    ['I would like a copy of my data', 'access'],
    ['Under the right to know, what categories do you hold?', 'know'],
    ['I want to complain about your privacy practices', 'complaint'],
    ['Do you use cookies on the sign-in page?', 'question'],
  ])('DSR-1: %s → %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });
  it('DSR-1: the regime from the words used', () => {
    expect(regimeOf('Subject access request under the GDPR')).toBe('gdpr');
    expect(regimeOf('As a California resident (CCPA)')).toBe('ccpa');
    expect(regimeOf('Please delete my data')).toBe('other');
  });
});

describe.each(dialects)('DSR-1: mail to the privacy address on $name', (dialect) => {
  let t: TestApp;
  let transport: Transporter;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp(dialect, {
      clock: new ManualClock(START),
      env: { CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_SUPPORT_ADDRESS: 'help@castellan.test', CASTELLAN_PRIVACY_ADDRESS: PRIVACY },
    });
    ({ port } = await t.app.startSmtpIn());
    transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  });
  afterAll(async () => {
    transport?.close();
    await t?.close();
  });

  const send = async (from: string, subject: string, text: string, headers: Record<string, string> = {}) =>
    String((await transport.sendMail({ from, to: PRIVACY, subject, text, headers })).response);
  const requestIn = (response: string) => /(dsr_[A-Za-z0-9_-]+)/.exec(response)?.[1] as string;
  const requestRow = (id: string) => t.app.db.selectFrom('privacy_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const count = async () => Number((await t.app.db.selectFrom('privacy_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('DSR-1, DSR-4: a message to the privacy address becomes a request of channel email, its kind and regime read from it, acknowledged at once', async () => {
    const user = await verifiedUser(t);
    const response = await send(user.body.email, 'Erasure request (GDPR)', 'Please erase everything you hold about me.\nThanks');
    expect(response).toMatch(/^250 2\.0\.0 Privacy request dsr_\S+ received/);
    const row = await requestRow(requestIn(response));
    expect(row).toMatchObject({ kind: 'delete', regime: 'gdpr', channel: 'email', state: 'acknowledged', verification: 'pending', account_id: user.accountId });
    expect(row.details).toContain('Please erase everything');
    const ack = await t.smtp.waitFor((m) => m.to === user.body.email && m.subject.startsWith('We received your privacy request'));
    expect(ack.text).toContain(row.id);
    const log = await t.app.db.selectFrom('privacy_request_log').selectAll().where('request_id', '=', row.id).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ channel: 'email', kind: 'delete', regime: 'gdpr' });
  });

  it('DSR-1, DSR-2: an opt-out by mail takes effect at once; a complete Shine the Light message is answered (DSR-7)', async () => {
    const someone = uniqueEmail('mailed-optout');
    const optOut = await send(someone, 'Do not sell my data', 'I am a California resident.');
    expect((await requestRow(requestIn(optOut))).state).toBe('completed');
    const events = await t.app.db.selectFrom('consent_events').select(['purpose', 'granted']).where('subject_type', '=', 'email').where('subject_id', '=', someone).execute();
    expect(events.map((e) => [e.purpose, Number(e.granted)]).sort()).toEqual([['advertising', 0], ['partner_sharing', 0]]);

    const resident = uniqueEmail('mailed-stl');
    const stl = await send(resident, 'Your California Privacy Rights', 'Site: Castellan\nName: Rosa Díaz\nStreet: 1 Market St\nCity: San Francisco\nState: CA\nZip: 94105\n');
    const row = await requestRow(requestIn(stl));
    expect(row).toMatchObject({ kind: 'shine_the_light', regime: 'ccpa', channel: 'email', state: 'completed', outcome: 'complied' });
    await t.smtp.waitFor((m) => m.to === resident && m.subject.startsWith('Your California Privacy Rights: our answer'));

    // DSR-7: one that lacks part of what the law asks for is answered with what is missing; nothing is recorded.
    const before = await count();
    const partial = uniqueEmail('mailed-partial');
    const incomplete = await send(partial, 'Your California Privacy Rights', 'Name: Rosa Díaz\nState: CA\n');
    expect(incomplete).toMatch(/^250 2\.0\.0 Received, but no request was recorded: a reply names what it lacks/);
    const told = await t.smtp.waitFor((m) => m.to === partial && m.subject.includes('incomplete'));
    expect(told.text).toContain('missing: siteName, street, city, zip');
    expect(await count()).toBe(before);
  });

  it('DSR-1: malformed privacy mail changes nothing: automatic messages, no From, unreadable MIME, an unknown recipient, and the per-sender limit', async () => {
    const before = await count();
    const auto = await send(uniqueEmail('auto'), 'Out of office: delete', 'I am away.', { 'Auto-Submitted': 'auto-replied' });
    expect(auto).toMatch(/automatic message, so no request was recorded/);

    const dialog = smtpDialog(port);
    await dialog.greeting;
    expect((await dialog.command('EHLO client.example.com')).code).toBe(250);
    const noFrom = await dialog.send({ from: 'someone@example.com', to: [PRIVACY], data: 'Subject: delete my data\r\n\r\nPlease.\r\n' });
    expect(noFrom.code).toBe(550);
    expect(noFrom.text).toContain('5.1.7');
    expect((await dialog.command('MAIL FROM:<someone@example.com>')).code).toBe(250);
    const elsewhere = await dialog.command('RCPT TO:<dpo@castellan.test>');
    expect(elsewhere.code).toBe(550);
    expect((await dialog.command('RSET')).code).toBe(250);
    expect(elsewhere.text).toContain(`help@castellan.test and ${PRIVACY}`);
    const broken = await dialog.send({ from: 'someone@example.com', to: [PRIVACY], data: 'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="\r\n\r\n--\r\n' });
    expect([250, 550]).toContain(broken.code);
    dialog.end();

    const busy = uniqueEmail('busy');
    for (let i = 0; i < 5; i++) expect(await send(busy, `A question ${i}`, 'Do you keep logs?')).toMatch(/^250 /);
    await expect(send(busy, 'One more question', 'And backups?')).rejects.toMatchObject({ responseCode: 450 });
    // The malformed ones recorded nothing; the five questions are all there is.
    expect(await count()).toBe(before + 5 + (broken.code === 250 ? 1 : 0));
  });

  it('DSR-1: privacy mail is limited per sending IP as the privacy center is: past the limit, 450 4.7.1 and nothing recorded', async () => {
    // From another loopback address, so that this IP's count is this test's alone.
    const other = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, localAddress: '127.0.0.2' } as Parameters<typeof nodemailer.createTransport>[0]);
    try {
      const before = await count();
      for (let i = 0; i < 20; i++) expect(String((await other.sendMail({ from: uniqueEmail(`ip${i}`), to: PRIVACY, subject: 'A question', text: 'Do you keep logs?' })).response)).toMatch(/^250 /);
      await expect(other.sendMail({ from: uniqueEmail('ip-late'), to: PRIVACY, subject: 'A question', text: 'And backups?' })).rejects.toMatchObject({ responseCode: 450, response: expect.stringContaining('4.7.1') });
      expect(await count()).toBe(before + 20);
    } finally {
      other.close();
    }
  });

  it('DSR-1: mail to both the support and the privacy address reaches both', async () => {
    const user = await verifiedUser(t);
    const info = await transport.sendMail({ from: user.body.email, to: ['help@castellan.test', PRIVACY], subject: 'Please delete my data', text: 'And close my ticket.' });
    expect(String(info.response)).toMatch(/Privacy request dsr_\S+ received/);
    expect(String(info.response)).toMatch(/^250 2\.0\.0 Ticket tkt_\S+ opened/);
  });
});
