import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, signIn, signupBody, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type State = { subject: string; purposes: { purpose: string; rule: string; allowed: boolean; recorded: boolean; source: string | null; policyVersion: number | null }[]; gpc: { honored: boolean } };

describe.each(dialects)('consent, GPC and analytics on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  /** A browser: it keeps the visitor cookie (and a session cookie) between requests. */
  function browser(ip = '203.0.113.77') {
    const cookies: Record<string, string> = {};
    let csrf: string | undefined;
    async function call(method: 'GET' | 'POST', url: string, opts: { payload?: object; headers?: Record<string, string> } = {}) {
      const res = await t.app.http.inject({
        method,
        url,
        cookies,
        remoteAddress: ip,
        headers: { ...(csrf && method === 'POST' ? { 'x-csrf-token': csrf } : {}), ...opts.headers },
        ...(opts.payload ? { payload: opts.payload } : {}),
      });
      for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
        if (c.maxAge === 0) delete cookies[c.name];
        else cookies[c.name] = c.value;
      }
      const body = res.body ? (res.json() as Record<string, any>) : {};
      if (typeof body.csrfToken === 'string') csrf = body.csrfToken;
      return res;
    }
    return { call, cookies };
  }
  const stateOf = (res: { json(): unknown }) => res.json() as State;
  const purpose = (s: State, p: string) => s.purposes.find((x) => x.purpose === p);
  const eventsOf = (subjectId: string) =>
    t.app.db.selectFrom('consent_events').selectAll().where('subject_id', '=', subjectId).orderBy('seq').execute();

  it('PRV-1: a visitor gets a random id in a first-party HttpOnly cookie, and reading consent stores nothing', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/consent' });
    expect(res.statusCode).toBe(200);
    const cookie = (res.cookies as { name: string; value: string; httpOnly?: boolean; sameSite?: string; path?: string }[]).find((c) => c.name === 'castellan_visitor');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.value).toMatch(/^vis_[A-Za-z0-9_-]{22}$/);
    const other = await t.app.http.inject({ method: 'GET', url: '/api/v1/consent' });
    expect(other.cookies.find((c) => c.name === 'castellan_visitor')?.value).not.toBe(cookie?.value);
    expect(stateOf(res).subject).toBe('visitor');
    expect(await eventsOf(cookie?.value as string)).toEqual([]);
    // An odd cookie value is not taken as an id: a new one is handed out.
    const odd = await t.app.http.inject({ method: 'GET', url: '/api/v1/consent', cookies: { castellan_visitor: 'alice@example.com' } });
    expect(odd.cookies.find((c) => c.name === 'castellan_visitor')?.value).toMatch(/^vis_/);
  });

  it('PRV-3: each purpose has its rule; opt-out purposes are allowed and opt-in purposes refused until someone chooses', async () => {
    const s = stateOf(await browser().call('GET', '/api/v1/consent'));
    const rules = Object.fromEntries(s.purposes.map((p) => [p.purpose, [p.rule, p.allowed, p.recorded]]));
    expect(rules).toEqual({
      analytics: ['opt_out', true, false],
      advertising: ['opt_out', true, false],
      marketing_email: ['opt_out', true, false],
      partner_sharing: ['opt_out', true, false],
      personalization: ['opt_out', true, false],
      direct_mail: ['opt_in', false, false],
      telemarketing: ['opt_in', false, false],
      profile_combination: ['opt_in', false, false],
      profile_sharing: ['opt_in', false, false],
    });
  });

  it('PRV-4: every change is an append-only event with its source, time and truncated address; the state is derived from them', async () => {
    const b = browser('198.51.100.23');
    await b.call('GET', '/api/v1/consent');
    const visitor = b.cookies.castellan_visitor as string;
    const r1 = await b.call('POST', '/api/v1/consent', { payload: { purpose: 'direct_mail', granted: true, source: 'preferences' } });
    expect(r1.statusCode).toBe(200);
    expect(purpose(stateOf(r1), 'direct_mail')).toMatchObject({ allowed: true, recorded: true, source: 'preferences' });
    // The same choice again is no change: nothing is added.
    await b.call('POST', '/api/v1/consent', { payload: { purpose: 'direct_mail', granted: true } });
    await b.call('POST', '/api/v1/consent', { payload: { choices: [{ purpose: 'direct_mail', granted: false }, { purpose: 'analytics', granted: false }], source: 'banner' } });
    const events = await eventsOf(visitor);
    expect(events.map((e) => [e.purpose, Number(e.granted), e.source, e.ip])).toEqual([
      ['direct_mail', 1, 'preferences', '198.51.100.0'],
      ['direct_mail', 0, 'banner', '198.51.100.0'],
      ['analytics', 0, 'banner', '198.51.100.0'],
    ]);
    const s = stateOf(await b.call('GET', '/api/v1/consent'));
    expect(purpose(s, 'direct_mail')).toMatchObject({ allowed: false, source: 'banner' });
    expect(purpose(s, 'analytics')).toMatchObject({ allowed: false, recorded: true });
    const history = json(await b.call('GET', '/api/v1/consent/history?limit=2'));
    expect(history.items.map((e: { purpose: string; granted: boolean }) => [e.purpose, e.granted])).toEqual([
      ['analytics', false],
      ['direct_mail', false],
    ]);
    const rest = json(await b.call('GET', `/api/v1/consent/history?limit=2&cursor=${history.nextCursor}`));
    expect(rest).toMatchObject({ items: [{ purpose: 'direct_mail', granted: true, source: 'preferences' }], nextCursor: null });
    // The events are the proof: the database refuses to change or delete them.
    await expect(sql`update consent_events set granted = 1 where subject_id = ${visitor}`.execute(t.app.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from consent_events where subject_id = ${visitor}`.execute(t.app.db)).rejects.toThrow(/append-only/);
  });

  it('PRV-4: a request may not claim a source Castellan records itself, nor an unknown purpose; nothing is recorded', async () => {
    const b = browser();
    await b.call('GET', '/api/v1/consent');
    for (const payload of [
      { purpose: 'advertising', granted: false, source: 'gpc' },
      { purpose: 'advertising', granted: false, source: 'staff' },
      { purpose: 'selling', granted: false },
      { purpose: 'advertising', granted: 'no' },
      { choices: [] },
    ]) {
      const res = await b.call('POST', '/api/v1/consent', { payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await eventsOf(b.cookies.castellan_visitor as string)).toEqual([]);
  });

  it('PRV-5: Sec-GPC opts the visitor out of advertising and partner sharing, overriding an opt-in, and a later request without it changes nothing', async () => {
    const b = browser();
    await b.call('POST', '/api/v1/consent', { payload: { choices: [{ purpose: 'advertising', granted: true }, { purpose: 'partner_sharing', granted: true }, { purpose: 'profile_sharing', granted: true }], source: 'banner' } });
    const gpc = stateOf(await b.call('GET', '/api/v1/consent', { headers: { 'sec-gpc': '1' } }));
    expect(gpc.gpc).toEqual({ honored: true });
    expect(purpose(gpc, 'advertising')).toMatchObject({ allowed: false, source: 'gpc' });
    expect(purpose(gpc, 'partner_sharing')).toMatchObject({ allowed: false, source: 'gpc' });
    // It asks for nothing more: other purposes keep their state.
    expect(purpose(gpc, 'profile_sharing')).toMatchObject({ allowed: true, source: 'banner' });
    expect(purpose(gpc, 'analytics')).toMatchObject({ allowed: true, recorded: false });
    // Sent again, nothing is added; a grant sent along with the signal does not win.
    const before = (await eventsOf(b.cookies.castellan_visitor as string)).length;
    const again = await b.call('POST', '/api/v1/consent', { payload: { purpose: 'advertising', granted: true }, headers: { 'sec-gpc': '1' } });
    expect(purpose(stateOf(again), 'advertising')).toMatchObject({ allowed: false, source: 'gpc' });
    expect((await eventsOf(b.cookies.castellan_visitor as string)).length).toBe(before);
    // Without the signal, nothing changes by itself.
    const later = stateOf(await b.call('GET', '/api/v1/consent'));
    expect(later.gpc).toEqual({ honored: false });
    expect(purpose(later, 'advertising')).toMatchObject({ allowed: false, source: 'gpc' });
    // Any route carrying the signal applies it, not only the consent API.
    const c = browser();
    await c.call('POST', '/api/v1/consent', { payload: { purpose: 'advertising', granted: true } });
    await c.call('POST', '/api/v1/analytics/events', { payload: { path: '/pricing' }, headers: { 'sec-gpc': '1' } });
    expect(purpose(stateOf(await c.call('GET', '/api/v1/consent')), 'advertising')).toMatchObject({ allowed: false, source: 'gpc' });
  });

  it('PRV-5: the signal opts the signed-in user out too, and a visitor\'s GPC opt-out follows them into their account at sign-in', async () => {
    const u = await verifiedUser(t);
    await t.app.http.inject({ method: 'POST', url: '/api/v1/consent', headers: u.auth, payload: { purpose: 'advertising', granted: true } });
    const signed = await t.app.http.inject({ method: 'GET', url: '/api/v1/consent', headers: { ...u.auth, 'sec-gpc': '1' } });
    expect(stateOf(signed).subject).toBe('user');
    expect(purpose(stateOf(signed), 'advertising')).toMatchObject({ allowed: false, source: 'gpc' });

    const v = await verifiedUser(t);
    const b = browser();
    await b.call('GET', '/api/v1/consent', { headers: { 'sec-gpc': '1' } });
    await b.call('POST', '/api/v1/sessions', { payload: { email: v.body.email, password: v.body.password } });
    const mine = stateOf(await b.call('GET', '/api/v1/consent'));
    expect(mine.subject).toBe('user');
    expect(purpose(mine, 'advertising')).toMatchObject({ allowed: false, source: 'gpc' });
    expect(purpose(mine, 'partner_sharing')).toMatchObject({ allowed: false, source: 'gpc' });
  });

  it('PRV-5: /.well-known/gpc.json declares support for the signal', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/.well-known/gpc.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ gpc: true, lastUpdate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('PRV-3: the sign-up form\'s personalization opt-out is recorded on the new account; banner choices follow the visitor into it', async () => {
    const b = browser();
    await b.call('POST', '/api/v1/consent', { payload: { choices: [{ purpose: 'analytics', granted: false }, { purpose: 'direct_mail', granted: true }], source: 'banner' } });
    const body = signupBody({ personalization: false });
    const res = await b.call('POST', '/api/v1/signup', { payload: body });
    expect(res.statusCode).toBe(201);
    const userId = json(res).user.accountId as string;
    const events = await eventsOf(userId);
    expect(events.map((e) => [e.purpose, Number(e.granted), e.source]).sort()).toEqual(
      [
        ['analytics', 0, 'banner'],
        ['direct_mail', 1, 'banner'],
        ['personalization', 0, 'signup'],
      ].sort(),
    );
    // Signing up again with an address that has an account records nothing on that account.
    const again = browser();
    await again.call('POST', '/api/v1/consent', { payload: { purpose: 'telemarketing', granted: true } });
    const dup = await again.call('POST', '/api/v1/signup', { payload: { ...body, personalization: true } });
    expect(dup.statusCode).toBe(201);
    expect((await eventsOf(userId)).length).toBe(3);
  });

  it('PRV-5: at sign-in an opt-out follows the visitor into an existing account, a grant does not', async () => {
    const u = await verifiedUser(t);
    const b = browser();
    await b.call('POST', '/api/v1/consent', { payload: { choices: [{ purpose: 'marketing_email', granted: false }, { purpose: 'profile_sharing', granted: true }] } });
    await b.call('POST', '/api/v1/sessions', { payload: { email: u.body.email, password: u.body.password } });
    const s = stateOf(await b.call('GET', '/api/v1/consent'));
    expect(purpose(s, 'marketing_email')).toMatchObject({ allowed: false, recorded: true });
    expect(purpose(s, 'profile_sharing')).toMatchObject({ allowed: false, recorded: false });
  });

  it('PRV-2: page views are kept only while analytics is allowed, and a one-click opt-out stops them at once', async () => {
    const b = browser('192.0.2.55');
    const view = { path: '/pricing', referrer: 'https://search.example/?q=directory', searchTerms: 'ldap directory' };
    const r1 = await b.call('POST', '/api/v1/analytics/events', { payload: view, headers: { 'user-agent': 'TestBrowser/1.0' } });
    expect(r1.statusCode).toBe(202);
    const visitor = b.cookies.castellan_visitor as string;
    const kept = await t.app.db.selectFrom('analytics_events').selectAll().where('visitor_id', '=', visitor).execute();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ path: '/pricing', referrer: view.referrer, search_terms: 'ldap directory', user_agent: 'TestBrowser/1.0', ip: '192.0.2.0', user_id: null });
    await b.call('POST', '/api/v1/consent', { payload: { purpose: 'analytics', granted: false, source: 'banner' } });
    const r2 = await b.call('POST', '/api/v1/analytics/events', { payload: { path: '/docs' } });
    expect(r2.statusCode).toBe(202);
    expect(r2.body).toBe(r1.body);
    expect(await t.app.db.selectFrom('analytics_events').select('path').where('visitor_id', '=', visitor).execute()).toEqual([{ path: '/pricing' }]);
  });

  it('PRV-6: earlier anonymous page views join the account only when profile_combination was granted', async () => {
    const linked = async (grant: boolean) => {
      const b = browser();
      await b.call('POST', '/api/v1/analytics/events', { payload: { path: '/before-signup' } });
      if (grant) await b.call('POST', '/api/v1/consent', { payload: { purpose: 'profile_combination', granted: true } });
      const res = await b.call('POST', '/api/v1/signup', { payload: signupBody() });
      const userId = json(res).user.accountId as string;
      const rows = await t.app.db.selectFrom('analytics_events').select(['user_id']).where('visitor_id', '=', b.cookies.castellan_visitor as string).execute();
      const links = await t.app.db.selectFrom('visitor_links').selectAll().where('user_id', '=', userId).execute();
      return { rows, links, userId };
    };
    const without = await linked(false);
    expect(without.rows).toEqual([{ user_id: null }]);
    expect(without.links).toEqual([]);
    const withGrant = await linked(true);
    expect(withGrant.rows).toEqual([{ user_id: withGrant.userId }]);
    expect(withGrant.links).toHaveLength(1);
  });

  it('PRV-4: a cookie-authenticated change needs the CSRF token; the user\'s own choices are kept apart from the visitor\'s', async () => {
    const u = await verifiedUser(t);
    const b = browser();
    await b.call('GET', '/api/v1/consent');
    const visitor = b.cookies.castellan_visitor as string;
    const login = await t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', cookies: b.cookies, payload: { email: u.body.email, password: u.body.password } });
    const session = login.cookies.find((c) => c.name === 'castellan_session')?.value as string;
    const noCsrf = await t.app.http.inject({ method: 'POST', url: '/api/v1/consent', cookies: { ...b.cookies, castellan_session: session }, payload: { purpose: 'telemarketing', granted: true } });
    expect(noCsrf.statusCode).toBe(403);
    const ok = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/consent',
      cookies: { ...b.cookies, castellan_session: session },
      headers: { 'x-csrf-token': json(login).csrfToken },
      payload: { purpose: 'telemarketing', granted: true },
    });
    expect(purpose(stateOf(ok), 'telemarketing')).toMatchObject({ allowed: true });
    expect(await eventsOf(visitor)).toEqual([]);
    expect((await eventsOf(u.accountId)).map((e) => e.purpose)).toEqual(['telemarketing']);
    // Signed out and without a visitor cookie, there is nobody to record for.
    const none = await t.app.http.inject({ method: 'POST', url: '/api/v1/consent', headers: { authorization: 'Bearer nobody-here-at-all-xxxxxxxx' }, payload: { purpose: 'telemarketing', granted: true } });
    expect(none.statusCode).toBe(422);
    expect(json(none).code).toBe('privacy.no_subject');
  });

  it('PRV-1: verification mail still works for visitors who signed up (the visitor cookie does not get in the way)', async () => {
    const b = browser();
    const body = signupBody();
    await b.call('POST', '/api/v1/signup', { payload: body });
    const mail = await t.smtp.waitFor((m) => m.to === body.email && m.subject.includes('Verify'));
    const verify = await b.call('POST', '/api/v1/email-verification', { payload: { token: tokenFrom(mail.text, '/verify-email') } });
    expect(verify.statusCode).toBe(200);
    expect((await signIn(t, body.email, body.password)).token).toBeTruthy();
  });
});
