import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type TestApp, json, signup, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { smtpDialog } from '../../../test/helpers/smtp-client.ts';

type Admin = Awaited<ReturnType<typeof verifiedUser>>;

// Monday 2 March 2026, 09:00 in Denver: inside business hours, within the free plan's first week.
const MONDAY_OPENING = '2026-03-02T16:00:00.000Z';
const HOUR = 3600_000;

describe.each(dialects)('SUP-1 inbound mail end to end on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let transport: Transporter;
  let port: number;
  let supportAddress: string;
  let serial = 0;

  beforeAll(async () => {
    clock = new ManualClock(MONDAY_OPENING);
    t = await startTestApp(dialect, { clock, env: { CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_SUPPORT_ADDRESS: 'help@castellan.test' } });
    ({ port } = await t.app.startSmtpIn());
    supportAddress = t.app.config.support.address;
    // One persistent connection, as a mail server delivering a queue would use.
    transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  });
  afterAll(async () => {
    transport?.close();
    await t?.close();
  });

  const newMessageId = () => `<m${serial++}.${Date.now()}@mail.example.com>`;

  async function send(from: string, mail: { subject: string; text?: string; messageId?: string; inReplyTo?: string; references?: string[]; headers?: Record<string, string> }) {
    const messageId = mail.messageId ?? newMessageId();
    const info = await transport.sendMail({ from, to: supportAddress, text: 'Please help.', ...mail, messageId });
    return { messageId, response: String(info.response) };
  }

  const ticketsOf = (orgId: string) => t.app.db.selectFrom('support_tickets').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
  const messagesOf = (ticketId: string) => t.app.db.selectFrom('support_messages').selectAll().where('ticket_id', '=', ticketId).orderBy('seq').execute();
  const ticketCount = async () => Number((await t.app.db.selectFrom('support_tickets').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const ticketIdIn = (response: string) => /(tkt_[A-Za-z0-9_-]+)/.exec(response)?.[1] as string;

  async function openByMail(a: Admin, subject: string) {
    const sent = await send(a.body.email, { subject, text: 'ldapsearch returns invalid credentials since this morning.' });
    expect(sent.response).toMatch(/^250 2\.0\.0 Ticket tkt_\S+ opened/);
    const ack = await t.smtp.waitFor((m) => m.to === a.body.email && m.headers.get('in-reply-to') === sent.messageId);
    return { ...sent, ticketId: ticketIdIn(sent.response), ack };
  }

  it('SUP-1: listens on loopback on its own port, for the configured support address', () => {
    expect(t.app.smtpIn?.address()).toEqual({ host: '127.0.0.1', port });
    expect(supportAddress).toBe('help@castellan.test');
  });

  it("SUP-1: an active verified admin's mail opens a ticket, acknowledged in the same thread", async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    const opened = await openByMail(a, 'LDAP bind fails');
    const [ticket, ...others] = await ticketsOf(a.organization.id);
    expect(others).toHaveLength(0);
    expect(ticket).toMatchObject({ id: opened.ticketId, subject: 'LDAP bind fails', channel: 'email', status: 'open', opened_by: a.accountId });
    const messages = await messagesOf(opened.ticketId);
    expect(messages[0]).toMatchObject({ author_kind: 'customer', channel: 'email', message_id: opened.messageId, auto_submitted: 0 });
    expect(messages[0]?.body).toContain('invalid credentials');
    expect(opened.ack.headers.get('auto-submitted')).toBe('auto-replied');
  });

  it('SUP-1: a reply naming one of the ticket’s Message-IDs joins it, even with another subject', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    const opened = await openByMail(a, 'SCIM provisioning stalls');
    // The way a mail client answers the acknowledgment: In-Reply-To it, with a subject of its own.
    const viaReply = await send(a.body.email, { subject: 'completely different words', inReplyTo: opened.ack.messageId });
    expect(viaReply.response).toMatch(new RegExp(`^250 2\\.0\\.0 Added to ticket ${opened.ticketId}`));
    // Only References, naming the first message among unknown ones.
    const viaRefs = await send(a.body.email, { subject: 'and another', references: ['<unknown@elsewhere.example>', opened.messageId] });
    expect(viaRefs.response).toContain(`Added to ticket ${opened.ticketId}`);
    expect(await ticketsOf(a.organization.id)).toHaveLength(1);
    expect((await messagesOf(opened.ticketId)).filter((m) => m.author_kind === 'customer').map((m) => m.message_id)).toEqual([
      opened.messageId,
      viaReply.messageId,
      viaRefs.messageId,
    ]);
  });

  it('SUP-1: the same subject without In-Reply-To or References opens a new ticket', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    const first = await openByMail(a, 'RADIUS rejects everyone');
    const second = await send(a.body.email, { subject: 'RADIUS rejects everyone' });
    expect(second.response).toMatch(/Ticket tkt_\S+ opened/);
    expect(ticketIdIn(second.response)).not.toBe(first.ticketId);
    expect((await ticketsOf(a.organization.id)).map((x) => x.subject)).toEqual(['RADIUS rejects everyone', 'RADIUS rejects everyone']);
  });

  it('SUP-1: the same Message-ID again is received once', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    const opened = await openByMail(a, 'Duplicated delivery');
    const messages = (await messagesOf(opened.ticketId)).length;
    const again = await send(a.body.email, { subject: 'Duplicated delivery', messageId: opened.messageId });
    expect(again.response).toContain(`Already received (ticket ${opened.ticketId})`);
    expect(await ticketsOf(a.organization.id)).toHaveLength(1);
    expect(await messagesOf(opened.ticketId)).toHaveLength(messages);
  });

  it('SUP-1: an auto-reply (RFC 3834) neither reopens a closed ticket nor moves its deadlines', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    const opened = await openByMail(a, 'Vacation responder test');
    const resolved = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/support/tickets/${opened.ticketId}/resolve`, headers: a.auth });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(json(resolved).status).toBe('closed');
    const [before] = await ticketsOf(a.organization.id);
    const messagesBefore = (await messagesOf(opened.ticketId)).length;

    clock.set(new Date(Date.parse(MONDAY_OPENING) + 2 * HOUR));
    const autoReplies: Array<Record<string, string>> = [
      { 'Auto-Submitted': 'auto-replied' },
      { 'Auto-Submitted': 'auto-generated; owner-email="it@example.com"' },
      { Precedence: 'bulk' },
      { 'X-Autoreply': 'yes' },
    ];
    for (const headers of autoReplies) {
      const r = await send(a.body.email, { subject: 'Out of office', inReplyTo: opened.ack.messageId, headers });
      expect(r.response, JSON.stringify(headers)).toContain(`Recorded on ticket ${opened.ticketId}`);
    }
    const [after] = await ticketsOf(a.organization.id);
    expect(after).toEqual(before);
    const messages = await messagesOf(opened.ticketId);
    expect(messages).toHaveLength(messagesBefore + autoReplies.length);
    expect(messages.slice(-autoReplies.length).every((m) => m.auto_submitted === 1)).toBe(true);

    // An automatic message naming no ticket opens none, and gets no answer.
    const stray = await send(a.body.email, { subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(stray.response).toMatch(/^250 /);
    expect(await ticketsOf(a.organization.id)).toHaveLength(1);
  });

  it('SUP-1: a sender who is not an active verified admin gets an explanation by mail and no ticket', async () => {
    clock.set(MONDAY_OPENING);
    const before = await ticketCount();
    const stranger = uniqueEmail('stranger');
    const r = await send(`Someone <${stranger}>`, { subject: 'Reset my password please' });
    expect(r.response).toMatch(/^250 2\.0\.0 Received, but no ticket was opened/);
    const explanation = await t.smtp.waitFor((m) => m.to === stranger);
    expect(explanation.text).toMatch(/administrator/);
    expect(explanation.headers.get('auto-submitted')).toBe('auto-replied');
    expect(explanation.headers.get('in-reply-to')).toBe(r.messageId);

    // An admin who never verified the address is not one yet (ACC-3).
    const unverified = await signup(t);
    const u = await send(unverified.body.email, { subject: 'Help' });
    expect(u.response).toContain('no ticket was opened');
    await t.smtp.waitFor((m) => m.to === unverified.body.email && m.headers.get('in-reply-to') === u.messageId);
    expect(await ticketCount()).toBe(before);
  });

  it('SUP-1: a message without a usable From is refused with 550 and creates nothing', async () => {
    const before = await ticketCount();
    const d = smtpDialog(port);
    try {
      await d.greeting;
      await d.command('EHLO client.test');
      const r = await d.send({ from: 'x@example.com', to: [supportAddress], data: 'Subject: who am I\r\n\r\nno From here\r\n' });
      expect(r.code).toBe(550);
      const wrong = await d.command('RCPT TO:<support@castellan.localhost>');
      expect(wrong.code).toBe(503); // no transaction open any more
    } finally {
      d.end();
    }
    expect(await ticketCount()).toBe(before);
  });

  it('SUP-1: what is logged of inbound mail names the outcome, never the content', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    const secret = 'Orion quarterly figures 4711';
    const r = await send(a.body.email, { subject: secret, text: `The numbers: ${secret}` });
    const lines = t.logs.filter((l) => l.includes('"component":"smtp-in"'));
    expect(lines.some((l) => l.includes(ticketIdIn(r.response)))).toBe(true);
    expect(lines.join('\n')).not.toContain(secret);
    expect(lines.join('\n')).not.toContain(a.body.email);
  });
});
