import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { ManualClock } from '../../core/clock.ts';
import { ARCHIVE_LINK_MS, digestOf, parseCsv, SWEEP_DELAY_MS, TABLE_CATEGORIES, unzip } from '../../modules/rights/index.ts';
import { type Admin, type TestApp, acceptedMember, callerOfToken, GOOD_PASSWORD, inviteTokenFor, json, settleMail, staffMember, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { traces } from '../../../test/helpers/traces.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Auth = Record<string, string>;
const REQUESTS = '/api/v1/privacy/requests';
const DESK = '/api/v1/staff/privacy/requests';
const RELAY = { name: 'Mail Relay Inc.', address: 'privacy@relay.example, 1 Relay Way, Denver, CO 80202' };

/**
 * DSR-1, DSR-5: fulfilment of verified requests, through the HTTP API on each database: the access
 * archive read back and compared with the registry, the know answer from the ledger, a correction
 * after staff review, and a deletion end to end with a scan of every table for the person.
 */
describe.each(dialects)('fulfilment of privacy requests on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let privacy: Auth;
  beforeAll(async () => {
    clock = new ManualClock('2026-11-16T17:00:00.000Z');
    t = await startTestApp(dialect, {
      clock,
      env: { CASTELLAN_SESSION_TTL_SECONDS: String(365 * 86_400), CASTELLAN_MAIL_PROVIDER_NAME: RELAY.name, CASTELLAN_MAIL_PROVIDER_ADDRESS: RELAY.address },
    });
    privacy = (await staffMember(t, 'privacy')).auth;
  });
  afterAll(() => t.close());

  const post = (url: string, payload: object, headers: Auth = {}) => t.app.http.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Auth = {}) => t.app.http.inject({ method: 'GET', url, headers });
  const mailTo = (to: string, subject: string) => t.smtp.waitFor((m) => m.to === to && m.subject.startsWith(subject));

  /** A signed-in request, verified the way the account holder does it: re-authenticating with the password (DSR-2). */
  async function verifiedRequest(user: Admin, body: object): Promise<Record<string, any>> {
    const made = await post(REQUESTS, { regime: 'gdpr', ...body }, user.auth);
    expect(made.statusCode, made.body).toBe(201);
    expect(json(made).verification).toBe('pending');
    const verified = await post(`${REQUESTS}/${json(made).id}/verify`, { password: user.body.password }, user.auth);
    expect(verified.statusCode, verified.body).toBe(200);
    return json(made);
  }

  /** Test-only: marks a request verified in the database, without the verification route's hook (staff then fulfil it from the desk). */
  async function markVerifiedInDatabaseForTest(id: string): Promise<void> {
    const at = clock.now().toISOString();
    await t.app.db.updateTable('privacy_requests').set({ verification: 'verified', verification_method: 'staff', verified_at: at }).where('id', '=', id).execute();
  }

  it('DSR-2: nothing is fulfilled before verification, and only the kinds that are fulfilled', async () => {
    const user = await verifiedUser(t);
    const made = json(await post(REQUESTS, { kind: 'access', regime: 'gdpr' }, user.auth));
    const early = await post(`${DESK}/${made.id}/fulfil`, {}, privacy);
    expect([early.statusCode, json(early).code]).toEqual([409, 'rights.not_verified']);
    expect((await get(`${REQUESTS}/${made.id}/archive?token=${'x'.repeat(43)}`)).statusCode).toBe(404);
    const question = json(await post(REQUESTS, { kind: 'question', regime: 'other', details: 'Do you sell data?' }, user.auth));
    expect(json(await post(`${DESK}/${question.id}/fulfil`, {}, privacy)).code).toBe('rights.not_fulfillable');
    expect((await post(`${DESK}/${made.id}/fulfil`, {}, user.auth)).statusCode).toBe(403);
    expect((await post(`${DESK}/dsr_nothing/fulfil`, {}, privacy)).statusCode).toBe(404);
    // Nothing was offered: no link exists for the request.
    expect(await t.app.db.selectFrom('privacy_request_links').select('id').where('request_id', '=', made.id).execute()).toEqual([]);
  });

  it('DSR-1: access: after re-authentication a single-use link is mailed; the archive is the registry export as JSON and a CSV per table, formula-safe', async () => {
    const user = await verifiedUser(t, { name: '=HYPERLINK("x") "Quoted", Lovelace' });
    const made = await verifiedRequest(user, { kind: 'access' });
    const mail = await mailTo(user.body.email, 'Your personal data is ready to download');
    const token = tokenFrom(mail.text, `${REQUESTS}/${made.id}/archive`);
    await settleMail(t);
    const expected = JSON.parse(JSON.stringify(await t.app.rights.registry.exportAll(await t.app.rights.subjectOf({ accountId: user.accountId }))));

    const res = await get(`${REQUESTS}/${made.id}/archive?token=${token}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="personal-data-${made.id}.zip"`);
    const files = unzip(res.rawPayload);
    const data = JSON.parse(files.get('data.json')?.toString('utf8') as string);
    expect(data.modules).toEqual(expected.modules);
    expect(data.withheld).toEqual(expected.withheld);
    expect(data.modules.accounts.accounts[0]).toMatchObject({ id: user.accountId, name: '=HYPERLINK("x") "Quoted", Lovelace' });
    expect(data.withheld.map((w: { table: string; column: string }) => `${w.table}.${w.column}`)).toContain('accounts.password_hash');
    expect(JSON.stringify(data)).not.toContain('password_hash":');
    expect(files.get('README.txt')?.toString('utf8')).toContain('withheld');

    // One CSV per table of the export, each with the same rows; a cell a spreadsheet would run is quoted away.
    const tables = Object.entries(expected.modules as Record<string, Record<string, unknown[]>>).flatMap(([m, ts]) => Object.keys(ts).map((tb) => `csv/${m}/${tb}.csv`));
    expect([...files.keys()].filter((n) => n.startsWith('csv/')).sort()).toEqual(tables.sort());
    for (const [m, ts] of Object.entries(expected.modules as Record<string, Record<string, unknown[]>>)) {
      for (const [tb, rows] of Object.entries(ts)) expect(Math.max(parseCsv(files.get(`csv/${m}/${tb}.csv`)?.toString('utf8') ?? '').length - 1, 0), `${m}.${tb}`).toBe(rows.length);
    }
    const accounts = parseCsv(files.get('csv/accounts/accounts.csv')?.toString('utf8') as string);
    const nameAt = accounts[0]?.indexOf('name') as number;
    expect(accounts[1]?.[nameAt]).toBe(`'=HYPERLINK("x") "Quoted", Lovelace`);
    if (existsSync('/usr/bin/unzip')) {
      const dir = mkdtempSync(path.join(tmpdir(), 'castellan-archive-'));
      writeFileSync(path.join(dir, 'a.zip'), res.rawPayload);
      expect(execFileSync('/usr/bin/unzip', ['-t', path.join(dir, 'a.zip')]).toString()).toContain('No errors detected');
      rmSync(dir, { recursive: true, force: true });
    }

    // Single use: the second download is refused, and the request was answered by the first.
    const again = await get(`${REQUESTS}/${made.id}/archive?token=${token}`);
    expect([again.statusCode, json(again).code]).toEqual([404, 'rights.link_used']);
    const staffView = json(await get(`${REQUESTS}/${made.id}`, privacy));
    expect(staffView).toMatchObject({ state: 'completed', outcome: 'complied', fulfilment: { status: 'archive_offered' } });
    expect(staffView.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['verified', 'archive_offered', 'archive_downloaded', 'closed']));
    // Nothing of the archive is stored: the link is a hash.
    const link = await t.app.db.selectFrom('privacy_request_links').selectAll().where('request_id', '=', made.id).executeTakeFirstOrThrow();
    expect(link.token_hash).not.toContain(token);
    // The token travels in the query string, which the logs leave out.
    expect(t.logs.join('\n')).not.toContain(token);
  });

  it('DSR-1: an archive link expires after 24 hours; staff fulfil again from the desk, which mails a new one', async () => {
    const user = await verifiedUser(t);
    const made = json(await post(REQUESTS, { kind: 'access', regime: 'gdpr' }, user.auth));
    await markVerifiedInDatabaseForTest(made.id);
    const ran = await post(`${DESK}/${made.id}/fulfil`, {}, privacy);
    expect(ran.statusCode, ran.body).toBe(200);
    const first = tokenFrom((await mailTo(user.body.email, 'Your personal data is ready')).text, `${REQUESTS}/${made.id}/archive`);
    clock.advance(ARCHIVE_LINK_MS + 1000);
    const late = await get(`${REQUESTS}/${made.id}/archive?token=${first}`);
    expect([late.statusCode, json(late).code]).toEqual([404, 'rights.link_expired']);
    expect((await post(`${DESK}/${made.id}/fulfil`, {}, privacy)).statusCode).toBe(200);
    const second = tokenFrom((await t.smtp.waitFor((m) => m.to === user.body.email && m.text.includes(`/archive?token=`) && !m.text.includes(first))).text, `${REQUESTS}/${made.id}/archive`);
    // Staff answer another request otherwise (a denial): its unused link stops working.
    const other = json(await post(REQUESTS, { kind: 'access', regime: 'gdpr' }, user.auth));
    await markVerifiedInDatabaseForTest(other.id);
    await post(`${DESK}/${other.id}/fulfil`, {}, privacy);
    const unused = tokenFrom((await t.smtp.waitFor((m) => m.to === user.body.email && m.text.includes(`${other.id}/archive?token=`))).text, `${REQUESTS}/${other.id}/archive`);
    expect((await post(`${DESK}/${other.id}/close`, { outcome: 'denied', reason: 'A copy was sent last week.' }, privacy)).statusCode).toBe(200);
    expect(json(await get(`${REQUESTS}/${other.id}/archive?token=${unused}`)).code).toBe('rights.request_closed');
    expect((await get(`${REQUESTS}/${made.id}/archive?token=${second}`)).statusCode).toBe(200);
  });

  it('DSR-1: know lists categories, sources, purposes and the third parties of the ledger with name and postal address', async () => {
    const user = await verifiedUser(t);
    await t.app.privacy.disclosures.record(t.app.db, {
      kind: 'partner',
      recipientName: 'Acme Partners LLC',
      recipientAddress: '500 Market St, San Francisco, CA 94105',
      categories: ['identifiers', 'contact'],
      purpose: 'co-marketing',
      directMarketing: true,
      subject: { type: 'user', id: user.accountId },
    });
    const made = await verifiedRequest(user, { kind: 'know' });
    const mail = await mailTo(user.body.email, 'What personal data we hold about you');
    expect(mail.text).toContain('Acme Partners LLC, 500 Market St, San Francisco, CA 94105');
    expect(mail.text).toContain('for its own direct marketing');
    const ack = await mailTo(user.body.email, 'We received your privacy request');
    const mine = json(await get(`${REQUESTS}/${made.id}?token=${tokenFrom(ack.text, `${REQUESTS}/${made.id}`)}`));
    expect(mine).toMatchObject({ state: 'completed', outcome: 'complied', fulfilment: { status: 'answered' } });
    const answer = mine.fulfilment.answer;
    expect(answer.thirdParties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Acme Partners LLC', address: '500 Market St, San Francisco, CA 94105', kind: 'partner', categories: ['identifiers', 'contact'], purposes: ['co-marketing'], directMarketing: true }),
      ]),
    );
    // Besides it, only the mail relay, once it has delivered the person's mail (as the jobs fall, before or after the answer).
    for (const p of answer.thirdParties.filter((p: { name: string }) => p.name !== 'Acme Partners LLC')) expect(p).toMatchObject({ kind: 'service_provider', purposes: ['email delivery'], directMarketing: false });
    const categories = answer.categories.map((c: { category: string }) => c.category);
    expect(categories).toEqual(expect.arrayContaining(['identifiers', 'account_records', 'internet_activity', 'account_credentials']));
    expect(answer.categories.find((c: { category: string }) => c.category === 'account_credentials')).toMatchObject({ withheld: true });
    expect(answer.categories.find((c: { category: string }) => c.category === 'identifiers').sources.length).toBeGreaterThan(0);
    // The person's own organization is named, with the pointer of the "Notice to End Users".
    expect(answer.organizations).toEqual([expect.objectContaining({ name: user.organization.name, admins: 0, notice: expect.stringContaining('administrators') })]);
    // Every table a personal-data handler covers has a category (maintained beside the registry).
    const handled = t.app.rights.registry.handlers().flatMap((h) => h.tables);
    expect(handled.filter((table) => !TABLE_CATEGORIES[table])).toEqual([]);
  });

  it('DSR-1: a correction is applied only after staff review, through the account (audited), or denied with the reason', async () => {
    const user = await verifiedUser(t, { name: 'Ada Byron' });
    expect(json(await post(REQUESTS, { kind: 'access', regime: 'gdpr', correction: { field: 'name', value: 'X' } }, user.auth)).code).toBe('rights.correction_only');
    const made = await verifiedRequest(user, { kind: 'correct', correction: { field: 'name', value: 'Ada King' } });
    const waiting = json(await get(`${REQUESTS}/${made.id}`, privacy));
    expect(waiting).toMatchObject({ state: 'acknowledged', fulfilment: { status: 'awaiting_review', correction: { field: 'name', value: 'Ada King' } } });
    expect((await t.app.accounts.facts(t.app.db, [user.accountId]))[0]?.name).toBe('Ada Byron');
    expect(json(await post(`${DESK}/${made.id}/correction`, { decision: 'deny' }, privacy)).code).toBe('rights.denial_reason_required');
    expect((await post(`${DESK}/${made.id}/correction`, { decision: 'apply' }, user.auth)).statusCode).toBe(403);

    const staffer = await staffMember(t, 'privacy');
    const applied = await post(`${DESK}/${made.id}/correction`, { decision: 'apply' }, staffer.auth);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(json(applied)).toMatchObject({ state: 'completed', outcome: 'complied', fulfilment: { status: 'corrected', correction: { field: 'name', value: null } } });
    expect((await t.app.accounts.facts(t.app.db, [user.accountId]))[0]?.name).toBe('Ada King');
    const audited = await t.app.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', '=', 'account.profile_updated').where('target_id', '=', user.accountId).execute();
    expect(audited).toEqual([expect.objectContaining({ actor_id: staffer.id })]);
    await mailTo(user.body.email, 'Your correction request was answered');
    expect(json(await post(`${DESK}/${made.id}/correction`, { decision: 'apply' }, privacy)).code).toBe('rights.request_closed');

    const denied = await verifiedRequest(user, { kind: 'correct', correction: { field: 'name', value: 'Someone Else' } });
    const no = await post(`${DESK}/${denied.id}/correction`, { decision: 'deny', reason: 'The name on file matches your documents.' }, privacy);
    expect(json(no)).toMatchObject({ outcome: 'denied', fulfilment: { status: 'correction_denied' } });
    const log = await t.app.db.selectFrom('privacy_request_log').selectAll().where('request_id', '=', denied.id).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ outcome: 'denied', denial_reason: 'The name on file matches your documents.' });
    expect((await t.app.accounts.facts(t.app.db, [user.accountId]))[0]?.name).toBe('Ada King');
  });

  it('DSR-5: staff retry a deletion whose answer failed after its erasure: the answer comes from that erasure\'s record', async () => {
    const user = await verifiedUser(t);
    const made = json(await post(REQUESTS, { kind: 'delete', regime: 'gdpr' }, user.auth));
    await markVerifiedInDatabaseForTest(made.id);
    // Test-only: what a run that erased and then failed to answer leaves (its counts, and what it read before erasing).
    const at = clock.now().toISOString();
    const erased = {
      erasedAt: at,
      outcome: { billing: { cards: { deleted: 0, deidentified: 0, kept: 1, exception: 'sales_transaction', keptAs: 'deidentified' } } },
      recipients: [{ name: 'Earlier Recipient Co', address: '1 Old Road, Leeds', kind: 'partner', categories: ['identifiers'], purposes: ['events'], directMarketing: false, firstAt: at, lastAt: at }],
      orgs: [{ orgId: user.organization.id, name: user.organization.name }],
    };
    await t.app.db
      .insertInto('privacy_request_fulfilments')
      .values({ request_id: made.id, status: 'failed', correction_field: null, correction_value: null, answer: JSON.stringify({ erased }), certificate: null, certificate_digest: null, sweep_at: null, created_at: at, updated_at: at })
      .execute();
    const res = await post(`${DESK}/${made.id}/fulfil`, {}, privacy);
    expect(res.statusCode, res.body).toBe(200);
    const c = json(res).fulfilment.certificate;
    expect(c.erasedAt).toBe(at);
    expect(c.passedOnTo).toEqual([{ name: 'Earlier Recipient Co', kind: 'partner', notifiedBy: 'post' }]);
    const row = (m: string, tb: string) => c.tables.find((x: { module: string; table: string }) => x.module === m && x.table === tb);
    expect(row('billing', 'cards')).toMatchObject({ kept: 1, exception: 'sales_transaction' });
    // The second erasure found the account, still there: both runs' counts are in the certificate.
    expect(row('accounts', 'accounts')).toMatchObject({ deleted: 1 });
    expect(json(res)).toMatchObject({ state: 'completed', fulfilment: { status: 'erased' } });
    // A second run is refused: the request is answered.
    expect(json(await post(`${DESK}/${made.id}/fulfil`, {}, privacy)).code).toBe('rights.request_closed');
  });

  it('DSR-2: the signed-in link to an archive re-authenticates, whatever way the request was verified (here by staff, by phone)', async () => {
    const user = await verifiedUser(t);
    const made = json(await post(REQUESTS, { kind: 'access', regime: 'gdpr' }, user.auth));
    const decided = await post(`${DESK}/${made.id}/verification`, { decision: 'verified', method: 'phone', note: 'Called back on the number on file.' }, privacy);
    expect(json(decided).verification, decided.body).toBe('verified');
    const url = `${REQUESTS}/${made.id}/archive-link`;
    // A session alone, however fresh, gets no link; a wrong password neither.
    const bare = await post(url, {}, user.auth);
    expect([bare.statusCode, json(bare).code]).toEqual([403, 'accounts.reauthentication_required']);
    expect(json(await post(url, { password: 'not-the-password-1' }, user.auth)).code).toBe('accounts.reauthentication_failed');
    expect(await t.app.db.selectFrom('privacy_request_links').select('id').where('request_id', '=', made.id).where('used_at', 'is', null).execute()).toHaveLength(1);
    const linked = await post(url, { password: GOOD_PASSWORD }, user.auth);
    expect(linked.statusCode, linked.body).toBe(201);
    expect(json(linked).url).toContain(`${REQUESTS}/${made.id}/archive?token=`);
    // Right after POST /me/reauth, the step-up window stands in for the password.
    expect((await post('/api/v1/me/reauth', { password: GOOD_PASSWORD }, user.auth)).statusCode).toBe(200);
    expect((await post(url, {}, user.auth)).statusCode).toBe(201);
    // Someone else, even with their own password, is told it does not exist.
    const other = await verifiedUser(t);
    expect((await post(url, { password: GOOD_PASSWORD }, other.auth)).statusCode).toBe(404);
  });

  it('DSR-5: an erasure whose run died leaves `erasing`, which holds off other runs for 10 minutes and is then taken over', async () => {
    const user = await verifiedUser(t);
    const made = json(await post(REQUESTS, { kind: 'delete', regime: 'gdpr' }, user.auth));
    await markVerifiedInDatabaseForTest(made.id);
    // Test-only: what a run that crashed mid-erasure leaves.
    const at = clock.now().toISOString();
    await t.app.db
      .insertInto('privacy_request_fulfilments')
      .values({ request_id: made.id, status: 'erasing', correction_field: null, correction_value: null, answer: null, certificate: null, certificate_digest: null, sweep_at: null, created_at: at, updated_at: at })
      .execute();
    expect(json(await post(`${DESK}/${made.id}/fulfil`, {}, privacy)).code).toBe('rights.fulfilment_running');
    clock.advance(5 * 60_000);
    expect(json(await post(`${DESK}/${made.id}/fulfil`, {}, privacy)).code).toBe('rights.fulfilment_running');
    clock.advance(6 * 60_000);
    const res = await post(`${DESK}/${made.id}/fulfil`, {}, privacy);
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ state: 'completed', outcome: 'complied', fulfilment: { status: 'erased' } });
    expect(await t.app.accounts.facts(t.app.db, [user.accountId])).toEqual([]);
  });

  it('DSR-1: a correction whose answer fails goes back to review; a `deciding` left by a run that died is taken over after 10 minutes', async () => {
    const user = await verifiedUser(t, { name: 'Ada Byron' });
    const made = await verifiedRequest(user, { kind: 'correct', correction: { field: 'name', value: 'Ada King' } });
    const status = async () => (await t.app.db.selectFrom('privacy_request_fulfilments').select('status').where('request_id', '=', made.id).executeTakeFirstOrThrow()).status;
    // The answer's transaction fails (its mail cannot be queued): the claim is given back.
    const enqueue = t.app.mail.enqueue;
    const spy = vi.spyOn(t.app.mail, 'enqueue').mockImplementation(async (ex, m) => {
      if (m.subject.startsWith('Your correction request was answered')) throw new Error('the outbox is unavailable');
      return enqueue(ex, m);
    });
    try {
      expect((await post(`${DESK}/${made.id}/correction`, { decision: 'apply' }, privacy)).statusCode).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect(await status()).toBe('awaiting_review');
    expect(json(await get(`${REQUESTS}/${made.id}`, privacy)).state).toBe('acknowledged');
    // Test-only: what a decision that crashed after its claim leaves.
    await t.app.db.updateTable('privacy_request_fulfilments').set({ status: 'deciding', updated_at: clock.now().toISOString() }).where('request_id', '=', made.id).execute();
    expect(json(await post(`${DESK}/${made.id}/correction`, { decision: 'apply' }, privacy)).code).toBe('rights.fulfilment_running');
    clock.advance(11 * 60_000);
    const applied = await post(`${DESK}/${made.id}/correction`, { decision: 'apply' }, privacy);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(json(applied)).toMatchObject({ state: 'completed', outcome: 'complied', fulfilment: { status: 'corrected' } });
    expect((await t.app.accounts.facts(t.app.db, [user.accountId]))[0]?.name).toBe('Ada King');
  });

  describe('a deletion request end to end', () => {
    const NAME = 'Philippa Quattlebaum';
    let person: Admin;
    let otherAdmin: Admin;
    let made: Record<string, any>;

    beforeAll(async () => {
      person = await verifiedUser(t, { name: NAME });
      const call = (method: 'POST' | 'PUT', url: string, payload: object) => t.app.http.inject({ method, url, headers: person.auth, payload });
      expect((await call('POST', '/api/v1/consent', { purpose: 'marketing_email', granted: false })).statusCode).toBeLessThan(300);
      expect((await call('POST', '/api/v1/analytics/events', { path: '/console' })).statusCode).toBe(202);
      const year = clock.now().getUTCFullYear() + 2;
      expect((await call('PUT', `/api/v1/orgs/${person.organization.id}/billing/card`, { number: '4242424242424242', cvc: '737', expMonth: 6, expYear: year, holderName: NAME })).statusCode).toBe(200);
      const ticket = await call('POST', `/api/v1/orgs/${person.organization.id}/support/tickets`, { subject: `Bind fails for ${NAME}`, body: `I am ${NAME}.`, environment: 'production', productionImpact: true });
      expect(ticket.statusCode, ticket.body).toBe(201);
      await acceptedMember(t, person);
      // A membership in a second organization, which another admin administers (the "Notice to End Users").
      otherAdmin = await verifiedUser(t, { companyName: 'Harbour Freight Co' });
      const adminCaller = await callerOfToken(t, otherAdmin.token, otherAdmin.organization.id);
      const invited = await t.app.directory.users.invite(anonymousContext('127.0.0.1', null), adminCaller, otherAdmin.organization.id, { email: person.body.email, name: NAME });
      await t.app.directory.invitations.acceptSignedIn(anonymousContext('127.0.0.1', null), await callerOfToken(t, person.token), await inviteTokenFor(t, invited.id));
      // Third parties that received the person's data: one with a contact address, one by post only.
      await t.app.privacy.disclosures.record(t.app.db, { kind: 'partner', recipientName: 'Postal Partners Ltd', recipientAddress: '9 Quay St, Cork, T12 AB34, Ireland', categories: ['identifiers'], purpose: 'events', subject: { type: 'user', id: person.accountId } });
      await settleMail(t);
      made = await verifiedRequest(person, { kind: 'delete' });
    });

    it('DSR-5: the request erases the person in every module, passes the deletion on, tells the organization, and closes with a certificate', async () => {
      const view = json(await get(`${REQUESTS}/${made.id}`, privacy));
      expect(view).toMatchObject({ state: 'completed', outcome: 'complied', fulfilment: { status: 'erased' } });
      const actions = view.history.map((h: { action: string }) => h.action);
      expect(actions).toEqual(expect.arrayContaining(['verified', 'erased', 'deletion_passed_on', 'organization_notified', 'closed']));
      const notes = view.history.filter((h: { action: string }) => h.action === 'deletion_passed_on').map((h: { note: string }) => h.note);
      expect(notes).toEqual(expect.arrayContaining([`${RELAY.name} (service_provider): told by email.`, 'Postal Partners Ltd (partner): to be told by post at 9 Quay St, Cork, T12 AB34, Ireland.']));
      // The recipient with a contact address, and the other organization's admin, are told by mail.
      const relay = await t.smtp.waitFor((m) => m.to === 'privacy@relay.example' && m.subject === `Deletion request to pass on [${made.id}]`);
      expect(relay.text).toContain(person.body.email);
      const org = await mailTo(otherAdmin.body.email, "A member's personal data was deleted at their request [Harbour Freight Co]");
      expect(org.text).toContain('Notice to End Users');
      expect(view.fulfilment.answer.organizations.map((o: { name: string; admins: number }) => [o.name, o.admins]).sort()).toEqual(
        [['Harbour Freight Co', 1], [person.organization.name, 0]].sort(),
      );
      // The answer to the requester names each organization and where to ask.
      const answer = await mailTo(person.body.email, 'Your personal data was deleted');
      expect(answer.text).toContain('Harbour Freight Co: its administrators.');
    });

    it('DSR-5: the certificate lists each table deleted, de-identified or kept under its named exception, with a digest, and no personal data', async () => {
      const answer = await mailTo(person.body.email, 'Your personal data was deleted');
      const token = tokenFrom(answer.text, `${REQUESTS}/${made.id}/certificate`);
      const res = await get(`${REQUESTS}/${made.id}/certificate?token=${token}`);
      expect(res.statusCode, res.body).toBe(200);
      const c = json(res);
      expect(c).toMatchObject({ format: 'castellan-deletion-certificate', requestId: made.id, basis: 'deletion_request' });
      expect(c.digest).toBe(digestOf(c as Parameters<typeof digestOf>[0]));
      const row = (m: string, tb: string) => c.tables.find((x: { module: string; table: string }) => x.module === m && x.table === tb);
      expect(row('accounts', 'accounts')).toMatchObject({ deleted: 1 });
      expect(row('billing', 'cards')).toMatchObject({ kept: 1, exception: 'sales_transaction', keptAs: 'deidentified', exceptionText: expect.stringContaining('DSR-5') });
      expect(row('support', 'support_tickets')).toMatchObject({ kept: 1, exception: 'support_inquiry' });
      expect(row('directory', 'memberships').deidentified).toBeGreaterThanOrEqual(2);
      expect(c.passedOnTo).toEqual(expect.arrayContaining([{ name: RELAY.name, kind: 'service_provider', notifiedBy: 'email' }, { name: 'Postal Partners Ltd', kind: 'partner', notifiedBy: 'post' }]));
      expect(c.organizationsNotified).toBe(2);
      for (const needle of [person.body.email, NAME, person.accountId]) expect(res.body).not.toContain(needle);
      // Also as text, to staff without a token; to nobody else.
      const text = await get(`${REQUESTS}/${made.id}/certificate?format=text`, privacy);
      expect(text.headers['content-type']).toMatch(/^text\/plain/);
      expect(text.body).toContain(c.digest);
      expect((await get(`${REQUESTS}/${made.id}/certificate`)).statusCode).toBe(404);
      expect((await get(`${REQUESTS}/${made.id}/certificate?token=${token}x`)).statusCode).toBe(404);
      // Signed in without the capability or a token: 404, whether or not the request exists.
      for (const auth of [(await staffMember(t, 'support')).auth, otherAdmin.auth]) {
        for (const id of [made.id, 'dsr_nothing']) {
          const res = await get(`${REQUESTS}/${id}/certificate`, auth);
          expect([res.statusCode, json(res).code], id).toEqual([404, 'common.not_found']);
        }
      }
    });

    it('DSR-5: a scan of every table finds nothing of the person outside the named exceptions once the answer was delivered', async () => {
      await settleMail(t);
      const before = await traces(t.app.db, dialect.name, [person.body.email, NAME, person.accountId]);
      // Until the sweep: the request (its answer goes to the address) and the answer's mail and its delivery.
      expect([...before.keys()].every((k) => ['audit_log', 'consent_events', 'privacy_requests', 'mail_outbox', 'disclosures', 'throttles'].includes(k)), JSON.stringify([...before])).toBe(true);
      clock.advance(SWEEP_DELAY_MS + 1000);
      await t.app.jobRunner.drain();
      const left = await traces(t.app.db, dialect.name, [person.body.email, NAME, person.accountId]);
      expect([...left.keys()].sort(), JSON.stringify([...left])).toEqual(['audit_log', 'consent_events']);
      expect(await t.app.audit.verify()).toMatchObject({ ok: true });
      // The request, its log entry and its certificate stay; the certificate link still works.
      const log = await t.app.db.selectFrom('privacy_request_log').selectAll().where('request_id', '=', made.id).executeTakeFirstOrThrow();
      expect(log).toMatchObject({ kind: 'delete', outcome: 'complied' });
      expect(json(await get(`${REQUESTS}/${made.id}/certificate`, privacy)).requestId).toBe(made.id);
      expect(json(await get(`${REQUESTS}/${made.id}`, privacy)).history.map((h: { action: string }) => h.action)).toContain('swept');
    });

    it('DSR-5: an agent\u2019s deletion for an invited address: after the sweep nothing of the person is left outside the audit log and the consent events', async () => {
      const SUBJECT = 'Octavia Vanderpump';
      const email = uniqueEmail('octavia');
      const agentEmail = uniqueEmail('agent');
      // Each call from its own address, so that the intake's per-IP limit stays out of the way.
      const from = (url: string, payload: object) => t.app.http.inject({ method: 'POST', url, payload, remoteAddress: '10.77.0.1' });
      const adminCaller = await callerOfToken(t, otherAdmin.token, otherAdmin.organization.id);
      await t.app.directory.users.invite(anonymousContext('127.0.0.1', null), adminCaller, otherAdmin.organization.id, { email, name: SUBJECT, username: 'ovanderpump' });
      // The signed authorization names the subject, as a real one does.
      const pdf = Buffer.from(`%PDF-1.7\n% I, ${SUBJECT} (${email}), authorize Ada Agent to act for me.\n`);
      const made = await from(REQUESTS, {
        kind: 'delete',
        regime: 'gdpr',
        email,
        agent: { name: 'Ada Agent', email: agentEmail },
        authorization: { filename: 'authorization.pdf', contentType: 'application/pdf', content: pdf.toString('base64') },
      });
      expect(made.statusCode, made.body).toBe(201);
      const id = json(made).id as string;
      const agentToken = tokenFrom((await mailTo(agentEmail, 'We received the privacy request you made as an agent')).text, `/privacy/requests/${id}`);
      const points = { name: SUBJECT, organization: otherAdmin.organization.name, username: 'ovanderpump' };
      const byAgent = await from(`${REQUESTS}/${id}/verify`, { token: agentToken, dataPoints: points, declaration: { signedName: SUBJECT, agreed: true } });
      expect(json(byAgent).verificationNeeds, byAgent.body).toEqual(['awaiting_subject']);
      const subjectToken = tokenFrom((await t.smtp.waitFor((m) => m.to === email && m.subject === `We received your privacy request [${id}]`)).text, `${REQUESTS}/${id}`);
      const confirmed = await from(`${REQUESTS}/${id}/subject-confirmation`, { token: subjectToken });
      expect(json(confirmed), confirmed.body).toMatchObject({ verification: 'verified', state: 'completed', outcome: 'complied' });
      await settleMail(t);
      const before = await traces(t.app.db, dialect.name, [email, SUBJECT]);
      // The erasure left the request it answers its agent and its verification until the sweep.
      expect([...before.keys()]).toEqual(expect.arrayContaining(['privacy_request_agents', 'privacy_request_verifications']));

      clock.advance(SWEEP_DELAY_MS + 1000);
      await t.app.jobRunner.drain();
      const left = await traces(t.app.db, dialect.name, [email, SUBJECT]);
      expect([...left.keys()].sort(), JSON.stringify([...left])).toEqual(['audit_log', 'consent_events'].filter((k) => left.has(k)));
      expect(await t.app.db.selectFrom('privacy_request_agents').select('request_id').where('request_id', '=', id).execute()).toEqual([]);
      const v = await t.app.db.selectFrom('privacy_request_verifications').select(['declaration_name', 'residence', 'decision_note', 'attempts']).where('request_id', '=', id).executeTakeFirstOrThrow();
      expect(v).toEqual({ declaration_name: null, residence: null, decision_note: null, attempts: 1 });
      expect(json(await get(`${REQUESTS}/${id}/certificate`, privacy)).requestId).toBe(id);
    });
  });
});
