import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../core/context.ts';
import { type TestApp, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { systemVersionIn } from './inbound.service.ts';
import type { InboundMail } from './inbound.types.ts';

const mail = (from: string, n: number, overrides: Partial<InboundMail> = {}): InboundMail => ({
  envelopeFrom: from,
  from,
  fromName: null,
  subject: `Help ${n}`,
  text: 'Please help.',
  messageId: `<inbound.${n}.${Date.now()}@sender.example>`,
  inReplyTo: [],
  references: [],
  autoSubmitted: false,
  attachments: [],
  ...overrides,
});

describe.each(dialects)('inbound support mail on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const outbox = (to: string) => t.app.db.selectFrom('mail_outbox').select('id').where('to_address', '=', to).execute();

  it('SUP-1: a stranger gets an explanation, at most three an hour (no backscatter), and never a ticket', async () => {
    const stranger = uniqueEmail('stranger');
    for (let n = 0; n < 5; n++) {
      expect(await t.app.support.tickets.receiveMail(systemContext(), mail(stranger, n))).toEqual({ kind: 'refused', reason: 'not_an_admin' });
    }
    expect(await outbox(stranger)).toHaveLength(3);
    const first = await t.smtp.waitFor((m) => m.to === stranger);
    expect(first.text).toMatch(/administrators/);
    expect(first.headers.get('auto-submitted')).toBe('auto-replied');
  });

  it('SUP-1: an automatic mail that names no ticket opens nothing and is not answered; the same Message-ID twice is one ticket', async () => {
    const a = await verifiedUser(t);
    const before = await outbox(a.body.email);
    expect(await t.app.support.tickets.receiveMail(systemContext(), mail(a.body.email, 1, { autoSubmitted: true }))).toEqual({ kind: 'ignored', reason: 'automatic' });
    expect(await outbox(a.body.email)).toHaveLength(before.length);
    const m = mail(a.body.email, 2);
    const opened = await t.app.support.tickets.receiveMail(systemContext(), m);
    expect(opened.kind).toBe('opened');
    expect(await t.app.support.tickets.receiveMail(systemContext(), m)).toEqual({ kind: 'duplicate', ticketId: (opened as { ticketId: string }).ticketId });
    const count = await t.app.db.selectFrom('support_tickets').select('id').where('org_id', '=', a.organization.id).execute();
    expect(count).toHaveLength(1);
  });

  it('SUP-1: a reply naming another organization’s message does not join its ticket', async () => {
    const a = await verifiedUser(t);
    const b = await verifiedUser(t);
    const first = mail(a.body.email, 3);
    const opened = (await t.app.support.tickets.receiveMail(systemContext(), first)) as { ticketId: string };
    const forged = await t.app.support.tickets.receiveMail(systemContext(), mail(b.body.email, 4, { inReplyTo: [first.messageId as string], references: [first.messageId as string] }));
    expect(forged.kind).toBe('opened');
    expect((forged as { ticketId: string }).ticketId).not.toBe(opened.ticketId);
    const messages = await t.app.db.selectFrom('support_messages').select('id').where('ticket_id', '=', opened.ticketId).execute();
    expect(messages).toHaveLength(2); // the mail and the acknowledgment only
  });

  it('SUP-7: a mail naming an end-of-life system version on a "System version:" line is flagged and asked to update first', async () => {
    const a = await verifiedUser(t);
    const text = 'ldapsearch fails since the upgrade.\n\nSystem version: Ubuntu 18.04.6 LTS\n';
    const opened = (await t.app.support.tickets.receiveMail(systemContext(), mail(a.body.email, 5, { text }))) as { ticketId: string };
    const row = await t.app.db.selectFrom('support_tickets').selectAll().where('id', '=', opened.ticketId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ system_version: 'Ubuntu 18.04.6 LTS', eol_system: 'Ubuntu', eol_version: '18.04', status: 'pending' });
    expect(systemVersionIn('Hello\nsystem:  Windows 10 22H2  \nBye')).toBe('Windows 10 22H2');
    expect(systemVersionIn('The system: is down')).toBeNull();
    expect(systemVersionIn('No line here')).toBeNull();
  });
});
