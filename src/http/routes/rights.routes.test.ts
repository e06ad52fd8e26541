import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type TestApp, json, staffMember, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { runCliInProcess } from '../../../test/helpers/cli.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Auth = Record<string, string>;
const DAY = 86_400_000;
// Monday 16 November 2026, 10:00 in Denver (MST, UTC−7).
const START = '2026-11-16T17:00:00.000Z';
const REQUESTS = '/api/v1/privacy/requests';
const QUEUE = '/api/v1/staff/privacy/requests';

describe.each(dialects)('privacy requests on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let privacy: Auth;
  beforeAll(async () => {
    clock = new ManualClock(START);
    t = await startTestApp(dialect, { clock, env: { CASTELLAN_SESSION_TTL_SECONDS: String(365 * 86_400) } });
    privacy = (await staffMember(t, 'privacy')).auth;
  });
  afterAll(() => t.close());

  const post = (url: string, payload: object, headers: Auth = {}) => t.app.http.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Auth = {}) => t.app.http.inject({ method: 'GET', url, headers });
  const ack = (to: string) => t.smtp.waitFor((m) => m.to === to && m.subject.startsWith('We received your privacy request'));

  it('DSR-1, DSR-4: the public intake answers alike with or without an account, acknowledges by mail at once, and shows the request only to its link and privacy staff', async () => {
    const stranger = uniqueEmail('stranger');
    const user = await verifiedUser(t);
    const a = await post(REQUESTS, { kind: 'access', regime: 'ccpa', email: stranger });
    const b = await post(REQUESTS, { kind: 'access', regime: 'ccpa', email: user.body.email });
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    // DIR-1 rule 4: nothing in the answer tells whether the address has an account.
    const { id: _a, history: _ha, ...sameA } = json(a);
    const { id: _b, history: _hb, ...sameB } = json(b);
    expect(sameA).toEqual(sameB);
    expect(json(a)).toMatchObject({ kind: 'access', regime: 'ccpa', state: 'acknowledged', channel: 'web', receivedAt: START, acknowledgeBy: '2026-12-02T06:59:59.999Z', dueAt: '2027-01-01T06:59:59.999Z', overdue: false });

    const mail = await ack(stranger);
    const token = tokenFrom(mail.text, `${REQUESTS}/${json(a).id}`);
    const mine = await get(`${REQUESTS}/${json(a).id}?token=${token}`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(json(mine).history.map((h: { action: string }) => h.action)).toEqual(['received', 'acknowledged']);
    expect(json(mine)).not.toHaveProperty('email');
    expect((await t.app.db.selectFrom('privacy_requests').select('token_hash').where('id', '=', json(a).id).executeTakeFirstOrThrow()).token_hash).not.toContain(token);

    const support = (await staffMember(t, 'support')).auth;
    for (const [url, headers] of [
      [`${REQUESTS}/${json(a).id}`, {}],
      [`${REQUESTS}/${json(a).id}?token=${token}x`, {}],
      [`${REQUESTS}/${json(a).id}`, user.auth],
      [`${REQUESTS}/${json(a).id}`, support],
      [`${REQUESTS}/dsr_nothing?token=${token}`, {}],
    ] as const) {
      expect((await get(url, headers)).statusCode, url).toBe(404);
    }
    const staffView = await get(`${REQUESTS}/${json(b).id}`, privacy);
    expect(json(staffView)).toMatchObject({ email: user.body.email, accountId: expect.any(String) });

    // Signed in: about the account, answered at its address; without it, an address is needed.
    const signedIn = await post(REQUESTS, { kind: 'know', regime: 'gdpr' }, user.auth);
    expect(signedIn.statusCode, signedIn.body).toBe(201);
    await t.smtp.waitFor((m) => m.to === user.body.email && m.text.includes(json(signedIn).id));
    expect(json(await post(REQUESTS, { kind: 'know', regime: 'gdpr' })).code).toBe('rights.email_required');

    // Rate-limited per address (and per IP): the sixth request of the day for one address is refused.
    const busy = uniqueEmail('busy');
    for (let i = 0; i < 5; i++) expect((await post(REQUESTS, { kind: 'question', regime: 'other', email: busy })).statusCode).toBe(201);
    const refused = await post(REQUESTS, { kind: 'question', regime: 'other', email: busy });
    expect([refused.statusCode, json(refused).code]).toEqual([429, 'rights.too_many_requests']);
  });

  it('DSR-1, PRV-5: an opt-out of sale/sharing asks for nothing more and takes effect at once, for an account or an address alone', async () => {
    const user = await verifiedUser(t);
    const res = await post(REQUESTS, { kind: 'opt_out', regime: 'ccpa' }, user.auth);
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toMatchObject({ state: 'completed', outcome: 'complied', respondedAt: START });
    const consent = json(await get('/api/v1/consent', user.auth));
    for (const purpose of ['advertising', 'partner_sharing']) expect(consent.purposes.find((p: { purpose: string }) => p.purpose === purpose)).toMatchObject({ allowed: false, source: 'request' });
    expect((await ack(user.body.email)).text).toContain('It has taken effect');

    const alone = uniqueEmail('noaccount');
    expect(json(await post(REQUESTS, { kind: 'opt_out', regime: 'other', email: alone })).state).toBe('completed');
    const events = await t.app.db.selectFrom('consent_events').select(['purpose', 'granted']).where('subject_type', '=', 'email').where('subject_id', '=', alone).execute();
    expect(events.map((e) => [e.purpose, Number(e.granted)]).sort()).toEqual([['advertising', 0], ['partner_sharing', 0]]);
  });

  it('DSR-4, DSR-5: staff entry with a channel, the queue by due date with overdue flagged, one extension in time, closing with an outcome, and the yearly report', async () => {
    const email = uniqueEmail('phoned');
    const entered = await post(QUEUE, { kind: 'delete', regime: 'ccpa', channel: 'phone', email }, privacy);
    expect(entered.statusCode, entered.body).toBe(201);
    expect(json(entered)).toMatchObject({ channel: 'phone', state: 'acknowledged' });
    await ack(email);
    expect((await post(QUEUE, { kind: 'delete', regime: 'ccpa', channel: 'phone', email }, (await staffMember(t, 'support')).auth)).statusCode).toBe(403);
    expect(json(await get(QUEUE, (await staffMember(t, 'privacy', { mfa: false })).auth)).code).toBe('staff.mfa_required');

    const gdpr = json(await post(QUEUE, { kind: 'correct', regime: 'gdpr', channel: 'mail', email: uniqueEmail('letter') }, privacy));
    const ccpa = json(entered);
    const queue = json(await get(QUEUE, privacy)).items.map((r: { id: string }) => r.id);
    expect(queue.indexOf(gdpr.id)).toBeLessThan(queue.indexOf(ccpa.id));

    // Extended in the first period: 45 more days, with notice and reasons mailed; a second time is refused.
    const extended = await post(`${QUEUE}/${ccpa.id}/extend`, { reason: 'Your data spans three archived systems.' }, privacy);
    expect(extended.statusCode, extended.body).toBe(200);
    expect(json(extended)).toMatchObject({ state: 'extended', dueAt: '2027-02-15T06:59:59.999Z' });
    await t.smtp.waitFor((m) => m.to === email && m.text.includes('three archived systems'));
    expect(json(await post(`${QUEUE}/${ccpa.id}/extend`, { reason: 'Again.' }, privacy)).code).toBe('rights.already_extended');

    // A month on, the GDPR request is past due: its deadline job marks it overdue and tells privacy staff.
    clock.advance(32 * DAY);
    await t.app.jobRunner.drain();
    const overdue = json(await get(QUEUE, privacy)).items.find((r: { id: string }) => r.id === gdpr.id);
    expect(overdue).toMatchObject({ overdue: true });
    await t.smtp.waitFor((m) => m.subject === `Overdue privacy request [${gdpr.id}]`);
    expect(json(await post(`${QUEUE}/${gdpr.id}/extend`, { reason: 'Late.' }, privacy)).code).toBe('rights.extension_window_closed');

    expect(json(await post(`${QUEUE}/${gdpr.id}/close`, { outcome: 'denied' }, privacy)).code).toBe('rights.denial_reason_required');
    const closed = await post(`${QUEUE}/${gdpr.id}/close`, { outcome: 'denied', reason: 'The data asked about is not ours.' }, privacy);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(json(closed)).toMatchObject({ state: 'completed', outcome: 'denied', overdue: false });
    expect(json(closed).history.map((h: { action: string }) => h.action)).toEqual(['received', 'acknowledged', 'overdue', 'closed']);
    // DSR-2: an unverified deletion is never answered as done; denied, with the reason, it is.
    expect(json(await post(`${QUEUE}/${ccpa.id}/close`, { outcome: 'complied' }, privacy)).code).toBe('rights.not_fulfilled');
    expect((await post(`${QUEUE}/${ccpa.id}/close`, { outcome: 'denied', reason: 'The caller never verified.' }, privacy)).statusCode).toBe(200);
    expect(json(await post(`${QUEUE}/${ccpa.id}/close`, { outcome: 'denied', reason: 'Again.' }, privacy)).code).toBe('rights.request_closed');
    const audited = await t.app.db.selectFrom('audit_log').select('action').where('target_id', '=', ccpa.id).execute();
    expect(audited.map((r) => r.action)).toEqual(expect.arrayContaining(['privacy.request_received', 'privacy.request_extended', 'privacy.request_closed']));
    const log = await t.app.db.selectFrom('privacy_request_log').selectAll().where('request_id', '=', gdpr.id).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ kind: 'correct', channel: 'mail', regime: 'gdpr', outcome: 'denied', denial_reason: 'The data asked about is not ours.' });

    // DSR-5: the yearly report, from the request log (every request of this test file was received on 16 November 2026).
    const r = await runCliInProcess(['privacy', 'report', '--year', '2026', '--data-dir', t.db.dataDir], { env: { DATABASE_URL: t.db.url, CASTELLAN_LOG_LEVEL: 'warn' } });
    expect(r.code, r.stderr).toBe(0);
    const received = await t.app.db.selectFrom('privacy_request_log').select('kind').execute();
    expect(r.stdout).toMatch(new RegExp(`^total\\s+${received.length}\\s+2\\s+0\\s+2\\s`, 'm'));
    expect(r.stdout).toMatch(/^correct\s+1\s+0\s+0\s+1\s+0\s+32\b/m);
    expect(r.stdout).toMatch(/^opt_out\s+2\s+2\s+0\s+0\s+0\s+0\b/m);
  });
  it('DSR-2: staff close access, know, correct and delete as complied only once verified and fulfilled; a denial with its reason always', async () => {
    const markVerified = (id: string) => t.app.db.updateTable('privacy_requests').set({ verification: 'verified', verification_method: 'staff', verified_at: clock.now().toISOString() }).where('id', '=', id).execute();
    const statusOf = (id: string, status: string) =>
      t.app.db
        .insertInto('privacy_request_fulfilments')
        .values({ request_id: id, status, correction_field: null, correction_value: null, answer: null, certificate: null, certificate_digest: null, sweep_at: null, created_at: START, updated_at: START })
        .execute();
    for (const kind of ['access', 'know', 'correct', 'delete'] as const) {
      const r = json(await post(QUEUE, { kind, regime: 'gdpr', channel: 'phone', email: uniqueEmail(`close-${kind}`) }, privacy));
      for (const outcome of ['complied', 'partly_complied'] as const) {
        const res = await post(`${QUEUE}/${r.id}/close`, { outcome, reason: 'Done by phone.' }, privacy);
        expect([res.statusCode, json(res).code], `${kind} ${outcome}`).toEqual([409, 'rights.not_fulfilled']);
      }
      // Verified is not enough: the fulfilment has not answered it.
      await markVerified(r.id);
      expect(json(await post(`${QUEUE}/${r.id}/close`, { outcome: 'complied' }, privacy)).code).toBe('rights.not_fulfilled');
      expect((await t.app.db.selectFrom('privacy_requests').select('state').where('id', '=', r.id).executeTakeFirstOrThrow()).state).toBe('acknowledged');
      expect(json(await post(`${QUEUE}/${r.id}/close`, { outcome: 'denied', reason: 'Out of scope.' }, privacy)).outcome).toBe('denied');
    }
    // An access request whose archive was offered may be closed as complied (the link was mailed).
    const offered = json(await post(QUEUE, { kind: 'access', regime: 'gdpr', channel: 'phone', email: uniqueEmail('offered') }, privacy));
    await markVerified(offered.id);
    await statusOf(offered.id, 'archive_offered');
    expect(json(await post(`${QUEUE}/${offered.id}/close`, { outcome: 'complied' }, privacy)).outcome).toBe('complied');
    // While an erasure or a correction runs, nothing closes it: that would undo its answer.
    for (const [kind, status] of [['delete', 'erasing'], ['correct', 'deciding']] as const) {
      const r = json(await post(QUEUE, { kind, regime: 'gdpr', channel: 'phone', email: uniqueEmail('running') }, privacy));
      await markVerified(r.id);
      await statusOf(r.id, status);
      for (const body of [{ outcome: 'denied', reason: 'Changed our mind.' }, { outcome: 'complied' }]) {
        const res = await post(`${QUEUE}/${r.id}/close`, body, privacy);
        expect([res.statusCode, json(res).code], `${kind} ${body.outcome} ${res.body}`).toEqual([409, 'rights.fulfilment_running']);
      }
    }
    // The other kinds are answered by staff as they see fit.
    const question = json(await post(QUEUE, { kind: 'question', regime: 'other', channel: 'phone', email: uniqueEmail('asks') }, privacy));
    expect(json(await post(`${QUEUE}/${question.id}/close`, { outcome: 'complied', reason: 'Answered on the phone.' }, privacy)).outcome).toBe('complied');
  });
});
