import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { type Admin, acceptedMember, callerOfToken, json, totpCode, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { Agent, autoPost, continueForm, idpFrom, makeSp, redirectUrl, requestFrom, authnXml, rsaPair, type TestSp } from '../../../test/helpers/saml-sp.ts';
import type { SamlIdentityProvider } from './samlify.ts';

const problemOf = async (res: Response) => (await res.json()) as { code: string; status: number };

/** PRO-5, DIR-3: SAML single sign-on with a real samlify service provider, over HTTP, on each database. */
describe.each(dialects)('SAML identity provider on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let app: { id: string };
  let sp: TestSp;
  let idp: SamlIdentityProvider;
  let grace: Awaited<ReturnType<typeof acceptedMember>>;
  let outsider: Awaited<ReturnType<typeof acceptedMember>>;
  const call = (method: 'POST' | 'GET' | 'PATCH', url: string, payload?: Record<string, unknown>) => t.app.http.inject({ method, url, headers: a.auth, ...(payload ? { payload } : {}) });
  const base = () => `/api/v1/orgs/${a.organization.id}`;

  beforeAll(async () => {
    // A RADIUS listener on its own free port (the default 1812 may be taken on a shared machine).
    t = await startBrowserApp(dialect, { CASTELLAN_RADIUS_PORT: '0' });
    a = await verifiedUser(t);
    const origin = `http://127.0.0.1:${Number(new URL(t.url).port) + 1}`;
    sp = makeSp({ entityId: `${origin}/sp`, acsUrl: `${origin}/acs`, sloUrl: `${origin}/slo`, pair: await rsaPair(), signed: true });
    const made = await call('POST', `${base()}/resources`, {
      kind: 'application',
      name: 'Expense Reports',
      settings: { protocol: 'saml', entityId: sp.entityId, acsUrls: [sp.acsUrl], spCertificate: sp.pair.certPem, sloUrl: sp.sloUrl },
    });
    expect(made.statusCode, made.body).toBe(201);
    app = json(made) as typeof app;
    grace = await acceptedMember(t, a, { name: 'Grace Hopper' });
    outsider = await acceptedMember(t, a, { name: 'Olive Outsider' });
    const engineers = json(await call('POST', `${base()}/groups`, { name: 'engineers' }));
    const ops = json(await call('POST', `${base()}/groups`, { name: 'ops' }));
    for (const g of [engineers, ops]) expect((await call('POST', `${base()}/groups/${g.id}/members`, { userId: grace.user.id })).statusCode).toBe(204);
    expect((await call('POST', `${base()}/resources/${app.id}/bindings`, { groupId: engineers.id })).statusCode).toBe(201);
    idp = await idpFrom(`${t.url}/saml/${app.id}/metadata`);
  });
  afterAll(() => t.close());

  /** SP-initiated: the request reaches the IdP, which keeps it and sends the browser to its sign-in page. */
  async function start(agent: Agent, binding: 'redirect' | 'post', relayState = 'rs-123') {
    const req = sp.sp.createLoginRequest(idp, binding, { relayState });
    const res = binding === 'redirect' ? await agent.fetch(req.context) : await agent.post(`${t.url}/saml/${app.id}/sso`, { SAMLRequest: req.context, RelayState: relayState });
    expect(res.status, await res.clone().text()).toBe(303);
    const page = new URL(res.headers.get('location') ?? '', t.url);
    expect(page.pathname).toBe(`/saml/${app.id}/sso`);
    return { page, requestId: req.id };
  }

  async function signIn(agent: Agent, page: URL, who: { email: string; password: string }) {
    const res = await agent.post(page, { email: who.email, password: who.password });
    return { res, html: await res.text() };
  }

  it('PRO-5: the metadata names the IdP entity, its signing certificate and both SSO bindings, and asks for signed requests', async () => {
    const res = await fetch(`${t.url}/saml/${app.id}/metadata`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/samlmetadata+xml');
    const xml = await res.text();
    expect(xml).toContain(`entityID="${t.url}/saml/${app.id}/metadata"`);
    expect(xml).toContain('X509Certificate');
    expect(xml).toContain('WantAuthnRequestsSigned="true"');
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${t.url}/saml/${app.id}/sso"`);
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${t.url}/saml/${app.id}/sso"`);
    expect(xml).not.toContain('PRIVATE KEY');
  });

  it('PRO-5, DIR-3: SP-initiated over HTTP-Redirect: the sign-in page, then a signed Response the service provider accepts, with a persistent NameID and this organization’s groups', async () => {
    const agent = new Agent();
    const { page, requestId } = await start(agent, 'redirect');
    const form = await agent.fetch(page);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await form.text();
    expect(html).toContain('Expense Reports');
    for (const f of ['name="email"', 'name="password"', 'type="submit"']) expect(html).toContain(f);
    const done = await signIn(agent, page, grace);
    expect(done.res.status, done.html.slice(0, 300)).toBe(200);
    const post = autoPost(done.html);
    expect(post.action).toBe(sp.acsUrl);
    expect(post.fields.RelayState).toBe('rs-123');
    expect(done.res.headers.get('content-security-policy')).toContain(`form-action ${new URL(sp.acsUrl).origin}`);
    const xml = Buffer.from(post.fields.SAMLResponse as string, 'base64').toString('utf8');
    // Both the Response and its Assertion are signed, RSA-SHA256.
    expect(xml.match(/<ds:Signature /g)?.length).toBe(2);
    expect(xml).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(xml).toContain(`InResponseTo="${requestId}"`);
    expect(xml).toContain(`<saml:Audience>${sp.entityId}</saml:Audience>`);
    expect(xml).toContain(`Recipient="${sp.acsUrl}"`);
    const parsed = await sp.sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: post.fields.SAMLResponse } });
    const nameId = parsed.extract.nameID as string;
    expect(nameId).not.toContain(grace.email);
    expect(nameId).not.toBe(grace.user.id);
    expect(parsed.extract.attributes).toMatchObject({ email: grace.email, name: 'Grace Hopper', groups: ['engineers', 'ops'] });
    expect(xml).toContain('nameid-format:persistent');
    // The same member gets the same NameID next time (POST binding this time).
    const again = await start(new Agent(), 'post');
    const second = autoPost((await signIn(new Agent(), again.page, grace)).html);
    const parsedAgain = await sp.sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: second.fields.SAMLResponse } });
    expect(parsedAgain.extract.nameID).toBe(nameId);
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'org_id']).where('action', '=', 'saml.signin').execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit.every((r) => r.org_id === a.organization.id)).toBe(true);
  });

  it('PRO-5: a pending sign-in is answered once; a wrong password shows the form again', async () => {
    const agent = new Agent();
    const { page } = await start(agent, 'redirect');
    const wrong = await signIn(agent, page, { email: grace.email, password: 'not-her-password-at-all' });
    expect(wrong.res.status).toBe(401);
    expect(wrong.html).toContain('name="password"');
    expect((await signIn(agent, page, grace)).res.status).toBe(200);
    const replay = await signIn(agent, page, grace);
    expect(replay.res.status).toBe(400);
    expect(JSON.parse(replay.html).code).toBe('saml.sign_in_expired');
  });

  /** IdP-initiated with a web session: the "Continue to" page, then its form posted as the person would. */
  async function continueVia(agent: Agent, url: string) {
    const res = await agent.fetch(url);
    expect(res.status, url).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('SAMLResponse');
    const form = continueForm(html);
    return { html, res, form, posted: await agent.post(new URL(form.action, t.url), form.fields) };
  }

  it('PRO-5: IdP-initiated from the user portal: a web session gets "Continue to <application>", whose POST answers with a signed Response; without one, the sign-in page comes first', async () => {
    const listed = json(await t.app.http.inject({ method: 'GET', url: '/api/v1/me/applications', headers: grace.auth })).items as Array<{ resourceId: string; launchUrl: string }>;
    const launchUrl = listed.find((i) => i.resourceId === app.id)?.launchUrl;
    expect(launchUrl).toBe(`/saml/${app.id}/init`);
    const agent = new Agent();
    agent.jar.set('castellan_session', grace.token);
    const { html, res, form, posted } = await continueVia(agent, `${t.url}${launchUrl}`);
    expect(html).toContain('Continue to Expense Reports');
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(form.action).toBe(`/saml/${app.id}/init`);
    expect(posted.status).toBe(200);
    const post = autoPost(await posted.text());
    expect(post.action).toBe(sp.acsUrl);
    expect(post.fields.RelayState).toBeUndefined();
    const parsed = await sp.sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: post.fields.SAMLResponse } });
    expect(parsed.extract.attributes).toMatchObject({ email: grace.email });
    expect(Buffer.from(post.fields.SAMLResponse as string, 'base64').toString()).not.toContain('InResponseTo');

    const anonymous = await new Agent().fetch(`${t.url}${launchUrl}`);
    expect(anonymous.status).toBe(303);
    const page = new URL(anonymous.headers.get('location') ?? '', t.url);
    const done = await signIn(new Agent(), page, grace);
    expect(autoPost(done.html).action).toBe(sp.acsUrl);
  });

  it('PRO-5: IdP-initiated never sends a RelayState from the query; it sends the application’s defaultRelayState', async () => {
    const evil = `${t.url}/saml/${app.id}/init?RelayState=${encodeURIComponent('https://attacker.example/phish')}`;
    const agent = new Agent();
    agent.jar.set('castellan_session', grace.token);
    const without = autoPost(await (await continueVia(agent, evil)).posted.text());
    expect(without.fields.RelayState).toBeUndefined();
    expect(JSON.stringify(without)).not.toContain('attacker');

    const landing = `${new URL(sp.acsUrl).origin}/landing`;
    const settings = { protocol: 'saml', entityId: sp.entityId, acsUrls: [sp.acsUrl], spCertificate: sp.pair.certPem, sloUrl: sp.sloUrl };
    const set = await call('PATCH', `${base()}/resources/${app.id}`, { settings: { ...settings, defaultRelayState: landing } });
    expect(set.statusCode, set.body).toBe(200);
    try {
      const withSession = autoPost(await (await continueVia(agent, evil)).posted.text());
      expect(withSession.fields.RelayState).toBe(landing);
      const anonymous = await new Agent().fetch(evil);
      const signedIn = autoPost((await signIn(new Agent(), new URL(anonymous.headers.get('location') ?? '', t.url), grace)).html);
      expect(signedIn.fields.RelayState).toBe(landing);
    } finally {
      expect((await call('PATCH', `${base()}/resources/${app.id}`, { settings })).statusCode).toBe(200);
    }
  });

  it('PRO-5: a cross-site POST to IdP-initiated sign-in without the session’s own token is refused (403 problem) and issues nothing', async () => {
    const other = new Agent();
    other.jar.set('castellan_session', outsider.token);
    const othersToken = continueForm(await (await other.fetch(`${t.url}/saml/${app.id}/init`)).text()).fields.csrf as string;
    const counts = async () => ({
      pending: (await t.app.db.selectFrom('saml_pending_requests').select('id').execute()).length,
      audit: (await t.app.db.selectFrom('audit_log').select('id').where('action', 'in', ['saml.signin', 'saml.access_denied']).execute()).length,
    });
    const before = await counts();
    const agent = new Agent();
    agent.jar.set('castellan_session', grace.token);
    for (const fields of [{}, { csrf: '' }, { csrf: 'forged' }, { csrf: othersToken }] as Array<Record<string, string>>) {
      const res = await agent.post(`${t.url}/saml/${app.id}/init`, fields);
      expect(res.status, JSON.stringify(fields)).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = await res.text();
      expect(JSON.parse(body).code).toBe('http.csrf_failed');
      expect(body).not.toContain('SAMLResponse');
    }
    // Without a web session, the token proves nothing either.
    expect((await new Agent().post(`${t.url}/saml/${app.id}/init`, { csrf: othersToken })).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('DIR-3: a member without access is answered Responder/RequestDenied, audited as saml.access_denied', async () => {
    const { page } = await start(new Agent(), 'redirect');
    const done = await signIn(new Agent(), page, outsider);
    expect(done.res.status).toBe(200);
    const post = autoPost(done.html);
    const xml = Buffer.from(post.fields.SAMLResponse as string, 'base64').toString('utf8');
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:RequestDenied');
    expect(xml).not.toContain('Assertion');
    await expect(sp.sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: post.fields.SAMLResponse } })).rejects.toThrow(/RequestDenied/);
    const denied = await t.app.db.selectFrom('audit_log').select(['target_id']).where('action', '=', 'saml.access_denied').execute();
    expect(denied.map((r) => r.target_id)).toContain(outsider.user.id);
  });

  it('DIR-3: a suspended member is cut off at once, web session or not', async () => {
    const member = await acceptedMember(t, a, { name: 'Sam Suspended' });
    expect((await call('POST', `${base()}/resources/${app.id}/bindings`, { userId: member.user.id })).statusCode).toBe(201);
    const ok = await start(new Agent(), 'redirect');
    expect(autoPost((await signIn(new Agent(), ok.page, member)).html).fields.SAMLResponse).toBeDefined();
    expect((await call('POST', `${base()}/users/${member.user.id}/suspend`)).statusCode).toBe(200);
    const after = await start(new Agent(), 'redirect');
    const done = await signIn(new Agent(), after.page, member);
    if (done.res.status === 200) {
      const xml = Buffer.from(autoPost(done.html).fields.SAMLResponse as string, 'base64').toString('utf8');
      expect(xml).toContain('RequestDenied');
      expect(xml).not.toContain('Assertion');
    } else {
      // The credential check itself may refuse a suspended member's password.
      expect(done.html).not.toContain('SAMLResponse');
    }
    const agent = new Agent();
    agent.jar.set('castellan_session', member.token);
    const viaSession = await agent.fetch(`${t.url}/saml/${app.id}/init`);
    const text = await viaSession.text();
    if (viaSession.status === 200) {
      const form = continueForm(text);
      const answered = autoPost(await (await agent.post(new URL(form.action, t.url), form.fields)).text());
      expect(Buffer.from(answered.fields.SAMLResponse as string, 'base64').toString('utf8')).toContain('RequestDenied');
    } else expect(viaSession.status).toBe(303);
  });

  it('ACC-5, ACC-7: an account with TOTP on is asked for its code after the password; a web session may continue without one', async () => {
    const ada = await acceptedMember(t, a, { name: 'Ada Lovelace' });
    const caller = await callerOfToken(t, ada.token);
    const ctx = anonymousContext('127.0.0.1', null);
    const { secret } = await t.app.accounts.mfa.enrol(ctx, caller, { password: ada.password });
    await t.app.accounts.mfa.confirm(ctx, caller, totpCode(secret, t.clock));
    expect((await call('POST', `${base()}/resources/${app.id}/bindings`, { userId: ada.user.id })).statusCode).toBe(201);
    const agent = new Agent();
    const { page } = await start(agent, 'redirect');
    const asked = await signIn(agent, page, ada);
    expect(asked.res.status).toBe(401);
    expect(asked.html).toContain('name="code"');
    const done = await agent.post(page, { email: ada.email, password: ada.password, code: totpCode(secret, t.clock, 1) });
    expect(autoPost(await done.text()).action).toBe(sp.acsUrl);

    const withSession = new Agent();
    withSession.jar.set('castellan_session', grace.token);
    const next = await start(withSession, 'redirect');
    const html = await (await withSession.fetch(next.page)).text();
    expect(html).toContain(`Continue as ${grace.email}`);
    const continued = await withSession.post(next.page, { continue: '1' });
    const parsed = await sp.sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: autoPost(await continued.text()).fields.SAMLResponse } });
    expect(parsed.extract.attributes).toMatchObject({ email: grace.email });
  });

  it('PRO-5: a service provider without a certificate may send unsigned requests; the email NameID format; no SLO without an SLO URL', async () => {
    const origin = `http://127.0.0.1:${Number(new URL(t.url).port) + 2}`;
    const plain = makeSp({ entityId: `${origin}/plain`, acsUrl: `${origin}/acs`, sloUrl: `${origin}/slo`, pair: await rsaPair(), signed: false });
    const made = json(await call('POST', `${base()}/resources`, { kind: 'application', name: 'Plain App', settings: { protocol: 'saml', entityId: plain.entityId, acsUrls: [plain.acsUrl], nameIdFormat: 'email', attributes: { groups: null, name: 'displayName' } } }));
    expect((await call('POST', `${base()}/resources/${made.id}/bindings`, { userId: grace.user.id })).statusCode).toBe(201);
    const plainIdp = await idpFrom(`${t.url}/saml/${made.id}/metadata`);
    const agent = new Agent();
    const res = await agent.fetch(redirectUrl(`${t.url}/saml/${made.id}/sso`, authnXml({ destination: `${t.url}/saml/${made.id}/sso`, issuer: plain.entityId })));
    expect(res.status).toBe(303);
    const done = await signIn(agent, new URL(res.headers.get('location') ?? '', t.url), grace);
    const post = autoPost(done.html);
    expect(post.action).toBe(plain.acsUrl);
    const parsed = await plain.sp.parseLoginResponse(plainIdp, 'post', { body: { SAMLResponse: post.fields.SAMLResponse } });
    expect(parsed.extract.nameID).toBe(grace.email);
    expect(parsed.extract.attributes).toEqual({ email: grace.email, displayName: 'Grace Hopper' });
    const slo = plain.sp.createLogoutRequest(plainIdp, 'post', { logoutNameID: grace.email });
    const refused = await new Agent().post(`${t.url}/saml/${made.id}/slo`, { SAMLRequest: slo.context });
    expect(refused.status).toBe(400);
    expect((await problemOf(refused)).code).toBe('saml.slo_not_configured');
  });

  it('PRO-5: a signed LogoutRequest over HTTP-POST is answered too', async () => {
    const req = sp.sp.createLogoutRequest(idp, 'post', { logoutNameID: 'someone' });
    const res = await new Agent().post(`${t.url}/saml/${app.id}/slo`, { SAMLRequest: req.context });
    expect(res.status, await res.clone().text()).toBe(200);
    const post = autoPost(await res.text());
    const parsed = await sp.sp.parseLogoutResponse(idp, 'post', { body: { SAMLResponse: post.fields.SAMLResponse } });
    expect(parsed.extract.response?.inResponseTo).toBe(req.id);
  });

  it('PRO-5: IsPassive is answered at once (an assertion for a web session, NoPassive otherwise); ForceAuthn offers no web session', async () => {
    const destination = `${t.url}/saml/${app.id}/sso`;
    const flagged = (flag: string) => authnXml({ destination, issuer: sp.entityId, acsUrl: sp.acsUrl }).replace('Version="2.0"', `Version="2.0" ${flag}="true"`);
    const anonymous = await new Agent().fetch(requestFrom(sp, idp, 'redirect', flagged('IsPassive')).context);
    expect(anonymous.status).toBe(200);
    const noPassive = autoPost(await anonymous.text());
    expect(Buffer.from(noPassive.fields.SAMLResponse as string, 'base64').toString('utf8')).toContain('urn:oasis:names:tc:SAML:2.0:status:NoPassive');
    const withSession = new Agent();
    withSession.jar.set('castellan_session', grace.token);
    const passive = await withSession.fetch(requestFrom(sp, idp, 'redirect', flagged('IsPassive')).context);
    const parsed = await sp.sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: autoPost(await passive.text()).fields.SAMLResponse } });
    expect(parsed.extract.attributes).toMatchObject({ email: grace.email });

    const forced = await withSession.fetch(requestFrom(sp, idp, 'redirect', flagged('ForceAuthn')).context);
    expect(forced.status).toBe(303);
    const page = new URL(forced.headers.get('location') ?? '', t.url);
    expect(await (await withSession.fetch(page)).text()).not.toContain('Continue as');
    const refused = await withSession.post(page, { continue: '1' });
    expect(await refused.text()).not.toContain('SAMLResponse');
    expect(autoPost((await signIn(withSession, page, grace)).html).action).toBe(sp.acsUrl);
  });

  it('PRO-5: a replayed AuthnRequest is refused', async () => {
    const req = sp.sp.createLoginRequest(idp, 'redirect', {});
    expect((await new Agent().fetch(req.context)).status).toBe(303);
    const again = await new Agent().fetch(req.context);
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect((await problemOf(again)).code).toBe('saml.request_replayed');
  });

  it('PRO-5: an AuthnRequest issued too long ago, or in the future, is refused', async () => {
    const destination = `${t.url}/saml/${app.id}/sso`;
    for (const at of [new Date(Date.now() - 10 * 60_000), new Date(Date.now() + 10 * 60_000)]) {
      const req = requestFrom(sp, idp, 'redirect', authnXml({ destination, issuer: sp.entityId, acsUrl: sp.acsUrl, issueInstant: at.toISOString() }));
      const res = await new Agent().fetch(req.context);
      expect(res.status).toBe(400);
      expect((await problemOf(res)).code).toBe('saml.request_expired');
    }
  });

  it('PRO-5: an AssertionConsumerServiceURL that is not the application’s is refused', async () => {
    const req = requestFrom(sp, idp, 'redirect', authnXml({ destination: `${t.url}/saml/${app.id}/sso`, issuer: sp.entityId, acsUrl: 'https://attacker.example/acs' }));
    const res = await new Agent().fetch(req.context);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe('saml.unknown_acs_url');
  });

  it('PRO-5: AssertionConsumerServiceIndex names the index attribute of the SP’s metadata (index i of acsUrls without metadata); an unknown index is refused', async () => {
    const origin = `http://127.0.0.1:${Number(new URL(t.url).port) + 3}`;
    const acs = (location: string, index: number) => `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${location}" index="${index}"/>`;
    // The first ACS has index 1, the second index 0: a position would pick the wrong one.
    const metadataXml = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${origin}/indexed"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${acs(`${origin}/acs-one`, 1)}${acs(`${origin}/acs-zero`, 0)}</md:SPSSODescriptor></md:EntityDescriptor>`;
    const made = await call('POST', `${base()}/resources`, { kind: 'application', name: 'Indexed App', settings: { protocol: 'saml', metadataXml } });
    expect(made.statusCode, made.body).toBe(201);
    const id = json(made).id as string;
    const sso = `${t.url}/saml/${id}/sso`;
    const byIndex = (index: string) => authnXml({ destination: sso, issuer: `${origin}/indexed` }).replace('Version="2.0"', `Version="2.0" AssertionConsumerServiceIndex="${index}"`);
    for (const [index, expected] of [['1', `${origin}/acs-one`], ['0', `${origin}/acs-zero`]] as const) {
      const agent = new Agent();
      const res = await agent.fetch(redirectUrl(sso, byIndex(index)));
      expect(res.status, index).toBe(303);
      const done = await signIn(agent, new URL(res.headers.get('location') ?? '', t.url), grace);
      expect(autoPost(done.html).action, index).toBe(expected);
    }
    for (const index of ['2', '70000', 'x']) {
      const res = await new Agent().fetch(redirectUrl(sso, byIndex(index)));
      expect(res.status, index).toBe(400);
      // Not an xs:unsignedShort at all: the schema check may refuse it first.
      expect((await problemOf(res)).code).toMatch(index === '2' ? /^saml\.unknown_acs_url$/ : /^saml\.(unknown_acs_url|invalid_message)$/);
    }
    // Without metadata, index 0 is the first of acsUrls; there is no index 1.
    const destination = `${t.url}/saml/${app.id}/sso`;
    const signedByIndex = (index: string) => requestFrom(sp, idp, 'redirect', authnXml({ destination, issuer: sp.entityId }).replace('Version="2.0"', `Version="2.0" AssertionConsumerServiceIndex="${index}"`));
    expect((await new Agent().fetch(signedByIndex('0').context)).status).toBe(303);
    const unknown = await new Agent().fetch(signedByIndex('1').context);
    expect(unknown.status).toBe(400);
    expect((await problemOf(unknown)).code).toBe('saml.unknown_acs_url');
  });

  it('PRO-5: an unsigned or tampered request, or another issuer, is refused when the service provider gave a certificate', async () => {
    const destination = `${t.url}/saml/${app.id}/sso`;
    const signed = sp.sp.createLoginRequest(idp, 'redirect', {});
    const unsigned = new URL(signed.context);
    unsigned.searchParams.delete('Signature');
    unsigned.searchParams.delete('SigAlg');
    const tampered = new URL(signed.context);
    tampered.searchParams.set('RelayState', 'changed');
    for (const url of [unsigned.href, tampered.href]) {
      const res = await new Agent().fetch(url);
      expect(res.status, url).toBe(400);
      expect((await problemOf(res)).code).toBe('saml.signature_invalid');
    }
    const foreign = requestFrom(sp, idp, 'redirect', authnXml({ destination, issuer: 'https://other-sp.example', acsUrl: sp.acsUrl }));
    const res = await new Agent().fetch(foreign.context);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe('saml.unknown_issuer');
  });

  it('PRO-5: signature wrapping (the signed AuthnRequest moved inside another one, a second signature, or a Signature in another namespace) is refused', async () => {
    const destination = `${t.url}/saml/${app.id}/sso`;
    const genuine = requestFrom(sp, idp, 'post', authnXml({ destination, issuer: sp.entityId, acsUrl: sp.acsUrl }));
    const signedXml = Buffer.from(genuine.context, 'base64').toString('utf8');
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signedXml)?.[0] as string;
    expect(signature).toBeDefined();
    const inner = signedXml.replace(signature, '');
    // XSW: a new root with its own ID, carrying the genuine signature, which still verifies against the genuine request hidden in Extensions.
    const evilRoot = authnXml({ id: '_evil', destination, issuer: sp.entityId, acsUrl: sp.acsUrl }).replace('</saml:Issuer>', `</saml:Issuer>${signature}<samlp:Extensions>${inner}</samlp:Extensions>`);
    const twoSignatures = signedXml.replace('</samlp:AuthnRequest>', `<samlp:Extensions>${signature}</samlp:Extensions></samlp:AuthnRequest>`);
    // A Signature in another namespace, where no digest covers it (a ds:Object of the genuine signature): samlify and xml-crypto pick signatures by local name alone.
    const foreignSignature = signedXml.replace('</ds:Signature>', '<ds:Object><x:Signature xmlns:x="urn:example:not-xmldsig">x</x:Signature></ds:Object></ds:Signature>');
    expect(foreignSignature).not.toBe(signedXml);
    for (const xml of [evilRoot, twoSignatures, foreignSignature]) {
      const res = await new Agent().post(destination, { SAMLRequest: Buffer.from(xml).toString('base64') });
      expect(res.status, xml.slice(0, 120)).toBe(400);
      expect((await problemOf(res)).code).toBe('saml.signature_invalid');
    }
    // The genuine one passes.
    expect((await new Agent().post(destination, { SAMLRequest: genuine.context })).status).toBe(303);
  });

  it('PRO-5: XML with a DTD or an external entity is refused before it is parsed, on both bindings', async () => {
    const destination = `${t.url}/saml/${app.id}/sso`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${authnXml({ destination, issuer: '&x;', acsUrl: sp.acsUrl })}`;
    const post = await new Agent().post(destination, { SAMLRequest: Buffer.from(xxe).toString('base64') });
    expect(post.status).toBe(400);
    expect((await problemOf(post)).code).toBe('saml.xml_declarations_refused');
    const redirect = await new Agent().fetch(redirectUrl(destination, xxe));
    expect(redirect.status).toBe(400);
    const body = await problemOf(redirect);
    expect(body.code).toBe('saml.xml_declarations_refused');
    expect(JSON.stringify(body)).not.toContain('root:');
  });

  it('PRO-5: single logout answers the service provider’s signed LogoutRequest with a signed LogoutResponse', async () => {
    const req = sp.sp.createLogoutRequest(idp, 'redirect', { logoutNameID: 'someone', sessionIndex: '_s1' }, { relayState: 'bye' });
    const res = await new Agent().fetch(req.context);
    expect(res.status, await res.clone().text()).toBe(200);
    const post = autoPost(await res.text());
    expect(post.action).toBe(sp.sloUrl);
    expect(post.fields.RelayState).toBe('bye');
    const parsed = await sp.sp.parseLogoutResponse(idp, 'post', { body: { SAMLResponse: post.fields.SAMLResponse } });
    expect(parsed.extract.response?.inResponseTo).toBe(req.id);
    // The same request again is a replay.
    const again = await new Agent().fetch(req.context);
    expect(again.status).toBe(400);
    expect((await problemOf(again)).code).toBe('saml.request_replayed');
  });

  it('DIR-1: a member of another organization is refused at this organization’s application: RequestDenied and no assertion, by password, web session or IdP-initiated', async () => {
    // Organization B, with its own SAML application and a member who may use it; its metadata is public, like every application's.
    const b = await verifiedUser(t);
    const bMember = await acceptedMember(t, b, { name: 'Bob Elsewhere' });
    const theirs = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/resources`, headers: b.auth, payload: { kind: 'application', name: 'B Wiki', settings: { protocol: 'saml', entityId: 'https://b-wiki.example', acsUrls: ['https://b-wiki.example/acs'] } } }));
    expect((await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/resources/${theirs.id}/bindings`, headers: b.auth, payload: { userId: bMember.user.id } })).statusCode).toBe(201);
    expect((await fetch(`${t.url}/saml/${theirs.id}/metadata`)).status).toBe(200);
    const refused = (html: string) => {
      const xml = Buffer.from(autoPost(html).fields.SAMLResponse as string, 'base64').toString('utf8');
      expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:RequestDenied');
      expect(xml).not.toContain('Assertion');
      expect(xml).not.toContain(bMember.email);
    };
    for (const who of [bMember, { email: b.body.email as string, password: b.body.password as string }]) {
      const { page } = await start(new Agent(), 'redirect');
      const done = await signIn(new Agent(), page, who);
      expect(done.res.status).toBe(200);
      refused(done.html);
    }
    const withSession = new Agent();
    withSession.jar.set('castellan_session', bMember.token);
    const { page } = await start(withSession, 'redirect');
    refused(await (await withSession.post(page, { continue: '1' })).text());
    // IdP-initiated: no "Continue to" for a session outside the organization; the sign-in page instead.
    const init = await withSession.fetch(`${t.url}/saml/${app.id}/init`);
    expect(init.status).toBe(303);
    refused((await signIn(withSession, new URL(init.headers.get('location') ?? '', t.url), bMember)).html);
  });

  it('DIR-1: an unknown id, or a resource that is not a SAML application (OIDC, system), is 404 alike on every route', async () => {
    const b = await verifiedUser(t);
    const oidc = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/resources`, headers: b.auth, payload: { kind: 'application', name: 'Not SAML', settings: { protocol: 'oidc', grantTypes: ['client_credentials'] } } }));
    const system = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/resources`, headers: b.auth, payload: { kind: 'system', name: 'Box' } }));
    for (const id of ['res_nope', oidc.id, system.id, '..%2F..%2Fapi', 'x'.repeat(90)]) {
      for (const [method, path] of [['GET', 'metadata'], ['GET', 'sso'], ['POST', 'sso'], ['GET', 'init'], ['POST', 'init'], ['GET', 'slo'], ['POST', 'slo']] as const) {
        const res = await fetch(`${t.url}/saml/${id}/${path}`, { method, ...(method === 'POST' ? { body: 'SAMLRequest=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}) });
        expect(res.status, `${method} ${id} ${path}`).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
  });
});
