import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, acceptedMember, json, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { startAuthorization } from '../../../test/helpers/oidc.ts';

/** PRO-2: RP-initiated logout (OIDC RP-Initiated Logout 1.0) with openid-client as the application. */
describe.each(dialects)('OpenID Provider logout on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let issuer: string;
  let redirect: string;
  let bye: string;
  let rp: client.Configuration;
  let member: Awaited<ReturnType<typeof acceptedMember>>;

  beforeAll(async () => {
    t = await startBrowserApp(dialect);
    a = await verifiedUser(t);
    issuer = `${t.url}/oidc`;
    const rpOrigin = `http://127.0.0.1:${Number(new URL(t.url).port) + 1}`;
    redirect = `${rpOrigin}/cb`;
    bye = `${rpOrigin}/bye`;
    const base = `/api/v1/orgs/${a.organization.id}`;
    const made = await t.app.http.inject({
      method: 'POST',
      url: `${base}/resources`,
      headers: a.auth,
      payload: { kind: 'application', name: 'Logout Wiki', settings: { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: [redirect], postLogoutRedirectUris: [bye], public: true } },
    });
    expect(made.statusCode, made.body).toBe(201);
    const app = json(made) as { id: string; clientId: string };
    member = await acceptedMember(t, a);
    expect((await t.app.http.inject({ method: 'POST', url: `${base}/resources/${app.id}/bindings`, headers: a.auth, payload: { userId: member.user.id } })).statusCode).toBe(201);
    rp = await client.discovery(new URL(issuer), app.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  });
  afterAll(() => t.close());

  async function signedIn() {
    const f = await startAuthorization(rp, redirect);
    const done = await f.agent.submit(f.page, { email: member.email, password: member.password }, redirect);
    const tokens = await client.authorizationCodeGrant(rp, done.url, { pkceCodeVerifier: f.verifier, expectedState: f.state });
    return { agent: f.agent, idToken: tokens.id_token as string };
  }

  it('PRO-2: end_session with id_token_hint and a registered post_logout_redirect_uri asks to confirm, signs out, and goes back with the state', async () => {
    const { agent, idToken } = await signedIn();
    expect(rp.serverMetadata().end_session_endpoint).toBe(`${issuer}/session/end`);
    const url = client.buildEndSessionUrl(rp, { id_token_hint: idToken, post_logout_redirect_uri: bye, state: 'bye-state' });
    const confirm = await agent.follow(url, bye);
    expect(confirm.res.status).toBe(200);
    expect(confirm.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await confirm.res.text();
    expect(html).toContain('Logout Wiki');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('googleapis');
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const done = await agent.follow(new URL(action, issuer), bye, { method: 'POST', body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.url.href.startsWith(bye), done.url.href).toBe(true);
    expect(done.url.searchParams.get('state')).toBe('bye-state');
    // The provider's session is gone: the next sign-in asks for the password again.
    const again = await startAuthorization(rp, redirect, 'openid', {}, agent);
    expect(again.page.pathname).toMatch(/^\/oidc\/interaction\//);
    expect(again.res.status).toBe(200);
  });

  it('PRO-2, SEC-3: an unregistered post_logout_redirect_uri is refused, and the session stays', async () => {
    const { agent, idToken } = await signedIn();
    for (const uri of ['https://evil.example/bye', `${bye}/other`]) {
      const url = client.buildEndSessionUrl(rp, { id_token_hint: idToken, post_logout_redirect_uri: uri });
      const res = await agent.fetch(url);
      expect(res.status, uri).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
    // Still signed in: single sign-on goes straight back with a code.
    const again = await startAuthorization(rp, redirect, 'openid', {}, agent);
    expect(again.page.href.startsWith(redirect)).toBe(true);
    expect(again.page.searchParams.has('code')).toBe(true);
  });
});
