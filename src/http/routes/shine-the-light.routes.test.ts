import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { DisclosureEntry } from '../../modules/privacy/index.ts';
import { type TestApp, json, staffMember, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

type Auth = Record<string, string>;
// Monday 16 November 2026, 10:00 in Denver: the preceding calendar year is 2025.
const START = '2026-11-16T17:00:00.000Z';
const REQUESTS = '/api/v1/privacy/requests';
const QUEUE = '/api/v1/staff/privacy/requests';

const complete = (email: string) => ({
  kind: 'shine_the_light',
  regime: 'ccpa',
  email,
  statement: 'Your California Privacy Rights',
  siteName: 'Castellan',
  name: 'Rosa Díaz',
  street: '1 Market St',
  city: 'San Francisco',
  state: 'CA',
  zip: '94105',
});

describe.each(dialects)('Shine the Light on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let privacy: Auth;
  beforeAll(async () => {
    clock = new ManualClock(START);
    t = await startTestApp(dialect, { clock, env: { CASTELLAN_SESSION_TTL_SECONDS: String(365 * 86_400), CASTELLAN_PRIVACY_ADDRESS: 'privacy@castellan.test' } });
    privacy = (await staffMember(t, 'privacy')).auth;
  });
  afterAll(() => t.close());

  const post = (url: string, payload: object, headers: Auth = {}) => t.app.http.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Auth = {}) => t.app.http.inject({ method: 'GET', url, headers });
  const countRequests = async () => Number((await t.app.db.selectFrom('privacy_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  /** Records a disclosure in the ledger at `instant` (the clock goes back to START after). */
  async function disclose(instant: string, entry: Partial<DisclosureEntry>): Promise<void> {
    clock.set(instant);
    await t.app.privacy.disclosures.record(t.app.db, {
      kind: 'partner',
      recipientName: 'Brightside Offers Co.',
      recipientAddress: '9 Sunset Blvd, Los Angeles, CA 90028',
      categories: ['identifiers', 'contact'],
      purpose: 'partner offers',
      directMarketing: true,
      ...entry,
    });
    clock.set(START);
  }

  it("DSR-7: a complete request is answered at once, by mail, with the preceding calendar year's direct-marketing third parties (name, address, categories) from the ledger; due in 30 days", async () => {
    const user = await verifiedUser(t);
    const email = user.body.email as string;
    const { accountId } = user;
    await disclose('2025-03-01T12:00:00.000Z', { subject: { type: 'user', id: accountId } });
    await disclose('2025-07-01T12:00:00.000Z', { subject: { type: 'user', id: accountId }, categories: ['commercial'] });
    await disclose('2025-08-01T12:00:00.000Z', { recipientName: 'Coupon Circle Inc.', recipientAddress: '4 Elm St, Austin, TX 78701', subjectEmail: email.toUpperCase() });
    // Not in the answer: another year, a service provider, someone else.
    await disclose('2026-02-01T12:00:00.000Z', { recipientName: 'This Year Leads', subject: { type: 'user', id: accountId } });
    await disclose('2025-09-01T12:00:00.000Z', { kind: 'service_provider', recipientName: 'Relay Mail Inc.', directMarketing: false, purpose: 'email delivery', subject: { type: 'user', id: accountId } });
    await disclose('2025-05-01T12:00:00.000Z', { recipientName: 'Someone Else’s Partner', subject: { type: 'user', id: 'usr_other' } });

    const res = await post(REQUESTS, complete(email));
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toMatchObject({ kind: 'shine_the_light', state: 'completed', outcome: 'complied', verification: 'not_required', dueAt: '2026-12-17T06:59:59.999Z' });
    const answer = await t.smtp.waitFor((m) => m.to === email && m.subject.startsWith('Your California Privacy Rights: our answer'));
    expect(answer.text).toContain('In 2025, Castellan disclosed your personal information');
    expect(answer.text).toContain('Brightside Offers Co.\n  9 Sunset Blvd, Los Angeles, CA 90028\n  Categories: Identifiers');
    expect(answer.text).toMatch(/Brightside[\s\S]*Commercial information/);
    expect(answer.text).toContain('Coupon Circle Inc.\n  4 Elm St, Austin, TX 78701');
    for (const absent of ['This Year Leads', 'Relay Mail', 'Someone Else']) expect(answer.text).not.toContain(absent);

    const staff = json(await get(`${REQUESTS}/${json(res).id}`, privacy));
    expect(staff.shineTheLight).toMatchObject({ name: 'Rosa Díaz', street: '1 Market St', city: 'San Francisco', state: 'CA', zip: '94105', secondInYear: false, answeredYear: 2025 });
    expect(staff.shineTheLight.answer.recipients.map((r: { name: string }) => r.name)).toEqual(['Brightside Offers Co.', 'Coupon Circle Inc.']);
    expect(staff.history.map((h: { action: string }) => h.action)).toEqual(['received', 'answered', 'acknowledged']);
    const log = await t.app.db.selectFrom('privacy_request_log').selectAll().where('request_id', '=', json(res).id).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ kind: 'shine_the_light', channel: 'web', outcome: 'complied', responded_at: START });

    // A person the ledger has nothing about is told so, in the same words the law uses.
    const nobody = uniqueEmail('nobody');
    expect((await post(REQUESTS, complete(nobody))).statusCode).toBe(201);
    expect((await t.smtp.waitFor((m) => m.to === nobody && m.subject.startsWith('Your California Privacy Rights'))).text).toContain('did not disclose your personal information to any third party');
  });

  it('DSR-7: a request missing any required part is answered with what is missing, and nothing is recorded', async () => {
    const before = await countRequests();
    const email = uniqueEmail('partial');
    const { street: _s, zip: _z, ...noAddress } = complete(email);
    const missing = await post(REQUESTS, noAddress);
    expect([missing.statusCode, json(missing).code]).toEqual([422, 'rights.shine_the_light_incomplete']);
    expect(json(missing).missing).toEqual(['street', 'zip']);
    expect(json(missing).detail).toContain('missing: street, zip');

    const wrong = await post(REQUESTS, { ...complete(email), statement: 'Please tell me things', siteName: 'Other Site', zip: '9410' });
    expect(json(wrong)).toMatchObject({ code: 'rights.shine_the_light_incomplete', missing: [], invalid: ['statement', 'siteName', 'zip'] });
    const blank = await post(REQUESTS, { ...complete(email), name: '   ' });
    expect(json(blank).missing).toEqual(['name']);
    const elsewhere = await post(REQUESTS, { ...complete(email), state: 'NV', zip: '89501' });
    expect([elsewhere.statusCode, json(elsewhere).code]).toEqual([422, 'rights.shine_the_light_california_only']);
    // The fields belong to this kind of request only.
    const stray = await post(REQUESTS, { kind: 'access', regime: 'ccpa', email, street: '1 Market St' });
    expect([stray.statusCode, json(stray).code]).toEqual([422, 'rights.shine_the_light_fields_only']);

    expect(await countRequests()).toBe(before);
    expect(t.smtp.messages.some((m) => m.to === email)).toBe(false);
  });

  it('DSR-7: staff record a request made by telephone, mail or fax as such, and the requester is sent instructions instead of an answer', async () => {
    for (const channel of ['phone', 'mail', 'fax']) {
      const email = uniqueEmail(channel);
      const res = await post(QUEUE, { kind: 'shine_the_light', regime: 'ccpa', channel, email, details: 'Asked what third parties got my data.' }, privacy);
      expect(res.statusCode, res.body).toBe(201);
      expect(json(res)).toMatchObject({ channel, state: 'completed', outcome: 'denied' });
      expect(json(res).outcomeReason).toContain(`Not accepted by ${channel}`);
      const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.startsWith('How to ask about Your California Privacy Rights'));
      expect(mail.text).toContain('/privacy/shine-the-light');
      expect(mail.text).toContain('privacy@castellan.test');
      const log = await t.app.db.selectFrom('privacy_request_log').selectAll().where('request_id', '=', json(res).id).executeTakeFirstOrThrow();
      expect(log).toMatchObject({ channel, outcome: 'denied' });
      expect(log.denial_reason).toContain('instructions were sent');
    }
    // By email (the privacy address), staff entry is taken like the web form, fields and all.
    const email = uniqueEmail('emailed');
    const byMail = await post(QUEUE, { ...complete(email), channel: 'email' }, privacy);
    expect(json(byMail)).toMatchObject({ channel: 'email', outcome: 'complied' });
    expect(json(await post(QUEUE, { ...complete(email), channel: 'email', city: '' }, privacy)).missing).toEqual(['city']);
  });

  it('DSR-7: a second request from the same person in the same calendar year is flagged to staff; the next year it is not', async () => {
    const email = uniqueEmail('twice');
    const first = json(await post(REQUESTS, complete(email)));
    const second = json(await post(REQUESTS, complete(email.toUpperCase())));
    expect(json(await get(`${REQUESTS}/${first.id}`, privacy)).shineTheLight.secondInYear).toBe(false);
    const flagged = json(await get(`${REQUESTS}/${second.id}`, privacy));
    expect(flagged.shineTheLight.secondInYear).toBe(true);
    expect(flagged.history.map((h: { action: string }) => h.action)).toContain('flagged');

    clock.set('2027-01-04T17:00:00.000Z');
    const nextYear = json(await post(REQUESTS, complete(email)));
    clock.set(START);
    const view = json(await get(`${REQUESTS}/${nextYear.id}`, privacy));
    expect(view.shineTheLight).toMatchObject({ secondInYear: false, answeredYear: 2026 });
  });
});
