import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type AppError, isAppError } from '../../core/errors.ts';
import { type TestApp, startTestApp } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import type { DisclosureEntry } from './disclosures.views.ts';

const PROVIDER = { CASTELLAN_MAIL_PROVIDER_NAME: 'Relay Mail Inc.', CASTELLAN_MAIL_PROVIDER_ADDRESS: '100 Harbor Way, Oakland, CA 94607' };
/** The worker runs only when a test drains it, so every send (and its ledger entry) has finished when drain() answers. */
const NO_WORKER = { CASTELLAN_MAIL_WORKER: 'false' };

const refused = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
};

describe.each(dialects)('disclosure ledger on $name', (dialect) => {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { clock, env: { ...PROVIDER, ...NO_WORKER } });
  });
  afterAll(() => t.close());

  const ledger = () => t.app.privacy.disclosures;
  const rowsFor = (reference: string) => t.app.db.selectFrom('disclosures').selectAll().where('reference', '=', reference).execute();
  const count = async () => Number((await t.app.db.selectFrom('disclosures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('PRV-9: each message the mail provider takes over SMTP is recorded once: provider, categories, purpose, subject', async () => {
    const forUser = await t.app.mail.enqueue(t.app.db, { to: 'ada@example.com', subject: 'For an account', text: 'hello', userId: 'usr_ada' });
    const forAddress = await t.app.mail.enqueue(t.app.db, { to: 'Grace@Example.COM', subject: 'For an address', text: 'hello' });
    expect(await t.app.jobRunner.drain()).toBe(2);
    expect(t.smtp.messages.filter((m) => m.subject === 'For an account' || m.subject === 'For an address')).toHaveLength(2);

    const [a, ...moreA] = await rowsFor(forUser);
    const [b, ...moreB] = await rowsFor(forAddress);
    expect(moreA).toEqual([]);
    expect(moreB).toEqual([]);
    const common = {
      recipient_kind: 'service_provider',
      recipient_name: 'Relay Mail Inc.',
      recipient_address: '100 Harbor Way, Oakland, CA 94607',
      categories: JSON.stringify(['identifiers', 'contact', 'message_content']),
      purpose: 'email delivery',
      recorded_by: null,
      created_at: clock.now().toISOString(),
    };
    expect(a).toMatchObject({ ...common, subject_type: 'user', subject_id: 'usr_ada', subject_email: null });
    expect(Number(a?.direct_marketing)).toBe(0);
    expect(b).toMatchObject({ ...common, subject_type: null, subject_id: null, subject_email: 'grace@example.com' });

    // Sent once, recorded once: draining again sends and records nothing.
    const before = await count();
    expect(await t.app.jobRunner.drain()).toBe(0);
    expect(await count()).toBe(before);
  });

  it('PRV-9: a message the provider refused is recorded only once a later attempt is taken', async () => {
    t.smtp.failNext(1);
    const id = await t.app.mail.enqueue(t.app.db, { to: 'retry@example.com', subject: 'Refused once', text: 'hello' });
    await t.app.jobRunner.drain();
    expect(await rowsFor(id)).toEqual([]);
    clock.advance(60_000);
    expect(await t.app.jobRunner.drain()).toBe(1);
    expect(await rowsFor(id)).toHaveLength(1);
  });

  it('PRV-9: record() refuses an entry without a recipient, address, known kind, category from the list or purpose', async () => {
    const good: DisclosureEntry = {
      kind: 'partner',
      recipientName: 'Acme Partners LLC',
      recipientAddress: '1 Market St, San Francisco, CA 94105',
      categories: ['identifiers'],
      purpose: 'co-marketing',
      subject: { type: 'user', id: 'usr_valid' },
    };
    const before = await count();
    const cases: Array<[Partial<Record<keyof DisclosureEntry, unknown>>, string, string]> = [
      [{ recipientName: '   ' }, 'privacy.invalid_disclosure', 'recipientName'],
      [{ recipientAddress: '' }, 'privacy.invalid_disclosure', 'recipientAddress'],
      [{ purpose: ' ' }, 'privacy.invalid_disclosure', 'purpose'],
      [{ categories: [] }, 'privacy.invalid_disclosure', 'categories'],
      [{ categories: ['identifiers', 'shoe_size'] }, 'privacy.unknown_data_category', 'categories'],
      [{ kind: 'friend' }, 'privacy.unknown_recipient_kind', 'kind'],
      [{ kind: 'legal_request', directMarketing: true }, 'privacy.invalid_disclosure', 'directMarketing'],
      [{ subjectEmail: 'not an address' }, 'privacy.invalid_disclosure', 'subjectEmail'],
      [{ subject: { type: 'group', id: 'grp_1' } }, 'privacy.invalid_disclosure', 'subjectType'],
      [{ subject: { type: 'user', id: ' ' } }, 'privacy.invalid_disclosure', 'subjectId'],
      [{ recipientName: 'x'.repeat(201) }, 'privacy.invalid_disclosure', 'recipientName'],
    ];
    for (const [change, code, field] of cases) {
      const e = await refused(ledger().record(t.app.db, { ...good, ...change } as DisclosureEntry));
      expect([e.code, e.details?.field], JSON.stringify(change)).toEqual([code, field]);
    }
    expect(await count()).toBe(before);

    const view = await ledger().record(t.app.db, { ...good, categories: ['contact', 'identifiers', 'contact'], recipientName: '  Acme Partners LLC ' });
    expect(view).toMatchObject({ recipientName: 'Acme Partners LLC', categories: ['identifiers', 'contact'], directMarketing: false, subjectType: 'user', subjectId: 'usr_valid' });
    expect(await count()).toBe(before + 1);
  });

  it('PRV-9: record() writes in the caller’s transaction: rolled back with it', async () => {
    const before = await count();
    const entry: DisclosureEntry = { kind: 'integration', recipientName: 'Chat App', recipientAddress: '2 Pier, Seattle, WA', categories: ['identifiers'], purpose: 'chat sync', orgId: 'org_x' };
    await expect(
      t.app.db.transaction().execute(async (trx) => {
        await ledger().record(trx, entry);
        expect(Number((await trx.selectFrom('disclosures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(before + 1);
        throw new Error('the sharing failed');
      }),
    ).rejects.toThrow('the sharing failed');
    expect(await count()).toBe(before);
  });

  it('DSR-7: the third parties that got a person’s data for their own direct marketing in a calendar year, with names, addresses and categories', async () => {
    const at = async (instant: string, entry: Partial<DisclosureEntry>) => {
      clock.set(instant);
      await ledger().record(t.app.db, {
        kind: 'partner',
        recipientName: 'Brightside Offers Co.',
        recipientAddress: '9 Sunset Blvd, Los Angeles, CA 90028',
        categories: ['identifiers', 'contact'],
        purpose: 'partner offers',
        directMarketing: true,
        subject: { type: 'user', id: 'usr_dsr7' },
        ...entry,
      });
    };
    await at('2025-03-01T12:00:00.000Z', {});
    await at('2025-07-01T12:00:00.000Z', { categories: ['commercial'] });
    await at('2025-08-01T12:00:00.000Z', { recipientName: 'Coupon Circle Inc.', recipientAddress: '4 Elm St, Austin, TX 78701', subject: null, subjectEmail: 'Dsr7@Example.com' });
    await at('2025-09-01T12:00:00.000Z', { kind: 'service_provider', recipientName: 'Relay Mail Inc.', directMarketing: false, purpose: 'email delivery' });
    await at('2024-12-31T23:59:59.999Z', { recipientName: 'Last Year Leads' });
    await at('2026-01-01T00:00:00.000Z', { recipientName: 'Next Year Leads' });
    await at('2025-05-01T12:00:00.000Z', { recipientName: 'Someone Else’s Partner', subject: { type: 'user', id: 'usr_other' } });
    await at('2025-05-02T12:00:00.000Z', { recipientName: 'A Visitor’s Partner', subject: { type: 'visitor', id: 'usr_dsr7' } });

    const byAccount = await ledger().directMarketingRecipients({ userId: 'usr_dsr7' }, 2025);
    expect(byAccount).toEqual({
      year: 2025,
      recipients: [
        {
          name: 'Brightside Offers Co.',
          address: '9 Sunset Blvd, Los Angeles, CA 90028',
          categories: ['identifiers', 'contact', 'commercial'],
          disclosures: 2,
          firstAt: '2025-03-01T12:00:00.000Z',
          lastAt: '2025-07-01T12:00:00.000Z',
        },
      ],
      categories: ['identifiers', 'contact', 'commercial'],
    });
    const both = await ledger().directMarketingRecipients({ userId: 'usr_dsr7', email: 'dsr7@example.com' }, 2025);
    expect(both.recipients.map((r) => [r.name, r.address, r.categories])).toEqual([
      ['Brightside Offers Co.', '9 Sunset Blvd, Los Angeles, CA 90028', ['identifiers', 'contact', 'commercial']],
      ['Coupon Circle Inc.', '4 Elm St, Austin, TX 78701', ['identifiers', 'contact']],
    ]);
    expect((await ledger().directMarketingRecipients({ email: 'DSR7@example.com' }, 2025)).recipients.map((r) => r.name)).toEqual(['Coupon Circle Inc.']);
    expect((await ledger().directMarketingRecipients({ userId: 'usr_dsr7' }, 2024)).recipients.map((r) => r.name)).toEqual(['Last Year Leads']);
    expect((await ledger().directMarketingRecipients({ userId: 'usr_dsr7' }, 2026)).recipients.map((r) => r.name)).toEqual(['Next Year Leads']);
    expect(await ledger().directMarketingRecipients({ userId: 'usr_nobody' }, 2025)).toEqual({ year: 2025, recipients: [], categories: [] });

    expect((await refused(ledger().directMarketingRecipients({}, 2025))).details).toEqual({ field: 'subject' });
    expect((await refused(ledger().directMarketingRecipients({ userId: 'usr_dsr7' }, 2025.5))).details).toEqual({ field: 'year' });
  });
});

describe.each(dialects)('disclosure ledger without a third-party mail provider on $name', (dialect) => {
  it('PRV-9: mail through the operator’s own SMTP server (no provider configured) records nothing', async () => {
    const t = await startTestApp(dialect, { env: NO_WORKER });
    try {
      await t.app.mail.enqueue(t.app.db, { to: 'ada@example.com', subject: 'Own server', text: 'hello', userId: 'usr_ada' });
      expect(await t.app.jobRunner.drain()).toBe(1);
      await t.smtp.waitFor((m) => m.subject === 'Own server');
      expect(await t.app.db.selectFrom('disclosures').selectAll().execute()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('PRV-9: mail written to files (no SMTP) records nothing, even with a provider configured', async () => {
    const t = await startTestApp(dialect, { env: { ...PROVIDER, ...NO_WORKER, CASTELLAN_SMTP_URL: '' } });
    try {
      await t.app.mail.enqueue(t.app.db, { to: 'ada@example.com', subject: 'To a file', text: 'hello' });
      expect(await t.app.jobRunner.drain()).toBe(1);
      expect(t.smtp.messages).toEqual([]);
      expect(await t.app.db.selectFrom('disclosures').selectAll().execute()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
