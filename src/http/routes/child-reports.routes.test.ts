import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type TestApp, json, staffMember, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

type Auth = Record<string, string>;
const HOUR = 3_600_000;
const START = '2026-11-16T17:00:00.000Z';
const REPORTS = '/api/v1/privacy/child-reports';
const DESK = '/api/v1/staff/privacy/child-reports';
const DETAILS = 'Their profile says they are in seventh grade.';

describe.each(dialects)('child reports on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let privacy: Auth;
  beforeAll(async () => {
    clock = new ManualClock(START);
    t = await startTestApp(dialect, { clock, env: { CASTELLAN_SESSION_TTL_SECONDS: String(365 * 86_400) } });
    privacy = (await staffMember(t, 'privacy')).auth;
  });
  afterAll(() => t.close());

  let ip = 0;
  /** Each test reports from its own address, so the per-IP limit is tested alone. */
  const from = () => `198.51.100.${++ip}`;
  const report = (accountEmail: string, remoteAddress: string) => t.app.http.inject({ method: 'POST', url: REPORTS, payload: { accountEmail, details: DETAILS }, remoteAddress });
  const post = (url: string, payload: object | undefined, headers: Auth) => t.app.http.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
  const history = (res: Parameters<typeof json>[0]) => (json(res).history as Array<{ action: string }>).map((h) => h.action);

  it('DSR-8: a report answers alike whether or not an account has the address, and privacy staff are told', async () => {
    const user = await verifiedUser(t);
    const ipA = from();
    const a = await report(uniqueEmail('nobody'), ipA);
    const b = await report(user.body.email.toUpperCase(), ipA);
    expect([a.statusCode, b.statusCode], a.body + b.body).toEqual([202, 202]);
    const { id: idA, ...restA } = json(a);
    const { id: idB, ...restB } = json(b);
    expect(restA).toEqual({ state: 'received' });
    expect(restB).toEqual(restA);
    expect(Object.keys(json(a))).toEqual(Object.keys(json(b)));
    await t.smtp.waitFor((m) => m.subject === `Report of a child's account [${idB}]`);
    // Inside, the report names the account; only privacy staff see it, open and newest first.
    const list = await t.app.http.inject({ method: 'GET', url: DESK, headers: privacy });
    expect(list.statusCode, list.body).toBe(200);
    const items = json(list).items as Array<{ id: string; accountId: string | null; email: string; state: string }>;
    expect(items.map((r) => r.id).sort()).toEqual([idA, idB].sort());
    expect(items.find((r) => r.id === idB)).toMatchObject({ accountId: user.accountId, email: user.body.email.toLowerCase(), state: 'received' });
    expect(items.find((r) => r.id === idA)).toMatchObject({ accountId: null });
  });

  it('DSR-8: the public form is rate-limited per reported address and per IP', async () => {
    const busy = uniqueEmail('busy');
    for (let i = 0; i < 3; i++) expect((await report(busy, from())).statusCode).toBe(202);
    const refused = await report(busy, from());
    expect([refused.statusCode, json(refused).code]).toEqual([429, 'rights.too_many_child_reports']);
    const one = from();
    for (let i = 0; i < 10; i++) expect((await report(uniqueEmail('many'), one)).statusCode).toBe(202);
    expect(json(await report(uniqueEmail('many'), one)).code).toBe('rights.too_many_child_reports');
  });

  it('DSR-8: confirming stops sharing and ends sessions at once, and the erasure job removes the account a day later; support staff get 403', async () => {
    const user = await verifiedUser(t);
    const id = json(await report(user.body.email, from())).id as string;
    expect((await post(`${DESK}/${id}/confirm`, undefined, (await staffMember(t, 'support')).auth)).statusCode).toBe(403);

    const confirmed = await post(`${DESK}/${id}/confirm`, undefined, privacy);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(json(confirmed)).toMatchObject({ state: 'confirmed', eraseAt: new Date(new Date(START).getTime() + 24 * HOUR).toISOString() });
    expect(history(confirmed)).toEqual(['received', 'confirmed', 'opted_out', 'sessions_ended', 'erasure_scheduled']);
    const consent = await t.app.privacy.consent.state({ type: 'user', id: user.accountId });
    for (const purpose of ['advertising', 'partner_sharing']) expect(consent.find((p) => p.purpose === purpose)).toMatchObject({ allowed: false, source: 'child_report' });
    expect(await t.app.accounts.sessions.authenticate(user.token)).toBeFalsy();
    expect(await t.app.db.selectFrom('jobs').select('run_at').where('kind', '=', 'rights.child_erasure').where('dedupe_key', '=', id).execute()).toHaveLength(1);
    expect(json(await post(`${DESK}/${id}/confirm`, undefined, privacy)).code).toBe('rights.child_report_decided');

    // Not before the day is over.
    clock.advance(23 * HOUR);
    await t.app.jobRunner.drain();
    expect(await t.app.accounts.factsByEmail(t.app.db, user.body.email)).toBeDefined();
    clock.advance(HOUR + 1000);
    await t.app.jobRunner.drain();
    expect(await t.app.accounts.factsByEmail(t.app.db, user.body.email)).toBeUndefined();
    expect(await t.app.db.selectFrom('accounts').select('id').where('email', '=', user.body.email.toLowerCase()).execute()).toEqual([]);
    const signIn = await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', payload: { email: user.body.email, password: user.body.password } });
    expect(signIn.statusCode).toBe(401);
    const erased = (json(await t.app.http.inject({ method: 'GET', url: DESK, headers: privacy })).items as Array<{ id: string }>).find((r) => r.id === id);
    expect(erased).toMatchObject({ state: 'erased', outcome: 'erased', accountId: null, details: null });
    expect(JSON.stringify(erased)).not.toContain(user.body.email.toLowerCase());
    expect(json(await post(`${DESK}/${id}/dismiss`, { reason: 'Too late.' }, privacy)).code).toBe('rights.child_report_decided');
  });

  it('DSR-8: dismissing a confirmed report cancels its erasure; a report naming no account is closed saying so', async () => {
    const user = await verifiedUser(t);
    const id = json(await report(user.body.email, from())).id as string;
    expect((await post(`${DESK}/${id}/confirm`, undefined, privacy)).statusCode).toBe(200);
    const dismissed = await post(`${DESK}/${id}/dismiss`, { reason: 'The account holder proved their age.' }, privacy);
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(json(dismissed)).toMatchObject({ state: 'dismissed', outcome: 'dismissed', dismissReason: 'The account holder proved their age.' });
    expect(history(dismissed).at(-1)).toBe('dismissed');
    clock.advance(25 * HOUR);
    await t.app.jobRunner.drain();
    expect(await t.app.accounts.factsByEmail(t.app.db, user.body.email)).toBeDefined();

    const none = json(await report(uniqueEmail('ghost'), from())).id as string;
    const closed = await post(`${DESK}/${none}/confirm`, undefined, privacy);
    expect(json(closed)).toMatchObject({ state: 'closed', outcome: 'no_account', eraseAt: null });
    expect(history(closed)).toEqual(['received', 'confirmed', 'closed']);
    const list = json(await t.app.http.inject({ method: 'GET', url: DESK, headers: privacy })).items as Array<{ id: string; state: string }>;
    const firstDecided = list.findIndex((r) => !['received', 'confirmed'].includes(r.state));
    expect(list.slice(firstDecided).every((r) => !['received', 'confirmed'].includes(r.state))).toBe(true);
  });
});
