import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMail, InboundOutcome } from '../../modules/support/index.ts';
import { type SmtpDialog, smtpDialog } from '../../../test/helpers/smtp-client.ts';
import { type SmtpIn, type SmtpInLog, startSmtpIn } from './server.ts';

const SUPPORT = 'support@castellan.test';
const MAX_BYTES = 64 * 1024;
const SECRET_SUBJECT = 'Quarterly numbers for Orion';
const SECRET_BODY = 'The vault code is 4711.';

interface Recorded {
  level: string;
  obj: object;
  msg: string;
}

/** A server over a stand-in desk that keeps what it was handed and answers what the test says. */
async function startServer(opts: { maxClients?: number; handlerTimeoutMs?: number } = {}) {
  const received: InboundMail[] = [];
  const logs: Recorded[] = [];
  let next: (m: InboundMail) => Promise<InboundOutcome> = async () => ({ kind: 'opened', ticketId: `tkt_${received.length}` });
  const log: SmtpInLog = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  const server = await startSmtpIn({
    port: 0,
    supportAddress: SUPPORT,
    maxMessageBytes: MAX_BYTES,
    log,
    ...opts,
    handle: async (m) => {
      received.push(m);
      return next(m);
    },
  });
  return {
    server,
    received,
    logs,
    answer(fn: typeof next) {
      next = fn;
    },
  };
}

const plain = (subject = 'Help', body = 'Hello support.') =>
  [`From: Ada <ada@example.com>`, `To: ${SUPPORT}`, `Subject: ${subject}`, 'Message-ID: <m1@example.com>', '', body, ''].join('\r\n');

describe('smtp-in server', () => {
  let t: Awaited<ReturnType<typeof startServer>>;
  let port: number;
  const dialogs: SmtpDialog[] = [];
  const open = () => {
    const d = smtpDialog(port);
    dialogs.push(d);
    return d;
  };
  const hello = async () => {
    const d = open();
    await d.greeting;
    await d.command('EHLO client.test');
    return d;
  };

  beforeAll(async () => {
    t = await startServer();
    port = t.server.address().port;
  });
  afterEach(() => {
    for (const d of dialogs.splice(0)) d.end();
    t.received.length = 0;
    t.logs.length = 0;
    t.answer(async (m) => ({ kind: 'opened', ticketId: `tkt_${m.subject.length}` }));
  });
  afterAll(async () => {
    await t.server.close();
  });

  it('SUP-1: listens on loopback, greets as Castellan, offers SIZE and neither AUTH nor STARTTLS', async () => {
    expect(t.server.address().host).toBe('127.0.0.1');
    const d = open();
    const greeting = await d.greeting;
    expect(greeting.code).toBe(220);
    expect(greeting.text).toContain('Castellan');
    const ehlo = await d.command('EHLO client.test');
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines).toContain(`SIZE ${MAX_BYTES}`);
    expect(ehlo.text).not.toMatch(/AUTH|STARTTLS/);
    expect((await d.command('AUTH PLAIN AGFkYQBwYXNz')).code).toBe(500);
    expect((await d.command('STARTTLS')).code).toBe(500);
  });

  it('SUP-1: a mail sent with nodemailer reaches the desk, and the reply names the ticket', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail({
        from: 'Ada Lovelace <ada@example.com>',
        to: SUPPORT,
        subject: 'Bind fails',
        text: 'Since Monday.',
        inReplyTo: '<t1@castellan.test>',
        attachments: [{ filename: 'log.txt', content: 'line 1\n' }],
      });
      expect(info.response).toMatch(/^250 2\.0\.0 Ticket tkt_10 opened/);
    } finally {
      transport.close();
    }
    expect(t.received).toHaveLength(1);
    expect(t.received[0]).toMatchObject({
      envelopeFrom: 'ada@example.com',
      from: 'ada@example.com',
      fromName: 'Ada Lovelace',
      subject: 'Bind fails',
      text: 'Since Monday.',
      inReplyTo: ['<t1@castellan.test>'],
      autoSubmitted: false,
      attachments: [{ filename: 'log.txt', contentType: 'text/plain', content: Buffer.from('line 1\n') }],
    });
    expect(t.received[0]?.messageId).toMatch(/^<.+@.+>$/);
  });

  it('SUP-1: another recipient is refused with 550 5.1.1 and nothing reaches the desk', async () => {
    const d = await hello();
    expect((await d.command('MAIL FROM:<ada@example.com>')).code).toBe(250);
    const rcpt = await d.command('RCPT TO:<postmaster@castellan.test>');
    expect(rcpt.code).toBe(550);
    expect(rcpt.text).toMatch(/^5\.1\.1 /);
    expect((await d.command('DATA')).code).toBe(503);
    await d.command('RSET');
    // The support address in another case is the support address.
    expect((await d.send({ from: 'ada@example.com', to: ['relay@elsewhere.example', 'SUPPORT@Castellan.Test'], data: plain() })).code).toBe(250);
    expect(t.received).toHaveLength(1);

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await expect(transport.sendMail({ from: 'ada@example.com', to: 'someone@castellan.test', subject: 'x', text: 'y' })).rejects.toMatchObject({
      responseCode: 550,
    });
    transport.close();
    expect(t.received).toHaveLength(1);
  });

  it('SUP-1: a message over the limit is refused with 552, by its SIZE parameter or by its bytes, and the desk gets nothing', async () => {
    const d = await hello();
    const declared = await d.command(`MAIL FROM:<ada@example.com> SIZE=${MAX_BYTES + 1}`);
    expect(declared.code).toBe(552);
    const big = plain('Big', 'x'.repeat(76).concat('\r\n').repeat(Math.ceil(MAX_BYTES / 78) + 10));
    const sent = await d.send({ from: 'ada@example.com', to: [SUPPORT], data: big });
    expect(sent.code).toBe(552);
    expect(t.received).toHaveLength(0);
    // The same connection carries on.
    expect((await d.send({ from: 'ada@example.com', to: [SUPPORT], data: plain() })).code).toBe(250);
    expect(t.received).toHaveLength(1);
  });

  it('SUP-1: a message without a usable From gets 550 and nothing reaches the desk', async () => {
    const d = await hello();
    const noFrom = await d.send({ from: 'ada@example.com', to: [SUPPORT], data: 'Subject: hi\r\n\r\nbody\r\n' });
    expect(noFrom.code).toBe(550);
    const twoFrom = await d.send({ from: 'ada@example.com', to: [SUPPORT], data: `From: ada@example.com\r\n${plain()}` });
    expect(twoFrom.code).toBe(550);
    expect(t.received).toHaveLength(0);
  });

  it('SUP-1: an unreadable message gets a permanent 550 5.6.0, not an exception', async () => {
    const d = await hello();
    // More parts than the MIME splitter will walk (1000).
    const parts = '--b\r\n\r\nx\r\n'.repeat(1500);
    const r = await d.send({ from: 'ada@example.com', to: [SUPPORT], data: `From: ada@example.com\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n` });
    expect(r.code).toBe(550);
    expect(r.text).toMatch(/^5\.6\.0 /);
    expect(t.received).toHaveLength(0);
  });

  it('SUP-1: a desk that throws gets the sender a 451, logs no content, and the server carries on', async () => {
    t.answer(async () => {
      throw new Error('database is locked');
    });
    const d = await hello();
    const r = await d.send({ from: 'ada@example.com', to: [SUPPORT], data: plain(SECRET_SUBJECT, SECRET_BODY) });
    expect(r.code).toBe(451);
    expect(r.text).toMatch(/^4\.3\.0 /);
    const logged = JSON.stringify(t.logs);
    expect(logged).toContain('database is locked');
    for (const secret of [SECRET_SUBJECT, SECRET_BODY, 'ada@example.com', 'Ada']) expect(logged).not.toContain(secret);

    t.answer(async () => ({ kind: 'replied', ticketId: 'tkt_1' }));
    expect((await d.send({ from: 'ada@example.com', to: [SUPPORT], data: plain() })).text).toMatch(/Added to ticket tkt_1/);
  });

  it('SUP-1: a refused sender and an ignored auto-reply are still received (250): the desk answers by mail', async () => {
    const d = await hello();
    t.answer(async () => ({ kind: 'refused', reason: 'not_an_admin' }));
    expect((await d.send({ from: 'ada@example.com', to: [SUPPORT], data: plain() })).code).toBe(250);
    t.answer(async () => ({ kind: 'ignored', reason: 'automatic' }));
    expect((await d.send({ from: '', to: [SUPPORT], data: plain() })).code).toBe(250);
    expect(t.received.map((m) => m.autoSubmitted)).toEqual([false, true]);
  });

  it('SUP-1: garbage commands are refused and the server keeps serving', async () => {
    const d = await hello();
    expect((await d.command('GET / HTTP/1.1')).code).toBe(421);
    await d.closed;

    const junk = await hello();
    expect((await junk.command('\u0000\u00ff\u001b[2J')).code).toBe(500);
    expect((await junk.command('DATA')).code).toBe(503);
    expect((await junk.command('RCPT TO:<support@castellan.test>')).code).toBe(503);
    expect((await junk.command('MAIL FROM:<not an address')).code).toBe(501);
    const codes: number[] = [];
    for (let i = 0; i < 12 && codes.at(-1) !== 421; i++) codes.push((await junk.command(`XYZZY${i}`)).code);
    expect(codes.at(-1)).toBe(421);
    await junk.closed;

    const longLine = await hello();
    expect((await longLine.command(`NOOP ${'x'.repeat(20_000)}`)).code).toBe(421);
    await longLine.closed;

    const binary = await hello();
    binary.write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
    binary.write('\r\n');
    expect((await binary.reply()).code).toBeGreaterThanOrEqual(500);
    binary.end();

    const after = await hello();
    expect((await after.send({ from: 'ada@example.com', to: [SUPPORT], data: plain() })).code).toBe(250);
  });
});

describe('smtp-in server: limits', () => {
  let server: SmtpIn | undefined;
  const dialogs: SmtpDialog[] = [];
  afterEach(async () => {
    for (const d of dialogs.splice(0)) d.end();
    await server?.close();
    server = undefined;
  });

  it('SUP-1: connections over the cap are told 421 and closed; a freed slot is served again', async () => {
    const t = await startServer({ maxClients: 3 });
    server = t.server;
    const port = t.server.address().port;
    const first = Array.from({ length: 3 }, () => smtpDialog(port));
    dialogs.push(...first);
    for (const d of first) expect((await d.greeting).code).toBe(220);
    const flood = Array.from({ length: 20 }, () => smtpDialog(port));
    dialogs.push(...flood);
    for (const d of flood) {
      expect((await d.greeting).code).toBe(421);
      await d.closed;
    }
    first[0]?.end();
    await first[0]?.closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = smtpDialog(port);
    dialogs.push(again);
    expect((await again.greeting).code).toBe(220);
  });

  it('SUP-1: a desk that does not answer in time gets the sender a 451', async () => {
    const t = await startServer({ handlerTimeoutMs: 200 });
    server = t.server;
    t.answer(() => new Promise(() => {}));
    const d = smtpDialog(t.server.address().port);
    dialogs.push(d);
    await d.greeting;
    await d.command('EHLO client.test');
    expect((await d.send({ from: 'ada@example.com', to: [SUPPORT], data: plain() })).code).toBe(451);
  });

  it('SUP-1: close() frees the port, and a port in use is an error at start', async () => {
    const t = await startServer();
    const { port } = t.server.address();
    await expect(startSmtpIn({ port, supportAddress: SUPPORT, maxMessageBytes: MAX_BYTES, log: console, handle: async () => ({ kind: 'ignored', reason: 'automatic' }) })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await t.server.close();
    server = await startSmtpIn({ port, supportAddress: SUPPORT, maxMessageBytes: MAX_BYTES, log: console, handle: async () => ({ kind: 'ignored', reason: 'automatic' }) });
    expect(server.address().port).toBe(port);
  });
});
