import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { type Admin, acceptedMember, callerOfToken, inviteTokenFor, json, totpCode, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { OidcAgent as Agent } from '../../../test/helpers/oidc.ts';

/** PRO-2, DIR-3, ACC-5, ACC-7: signing in to an application through Castellan's sign-in page, with openid-client as the application. */
describe.each(dialects)('OpenID Provider login on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let issuer: string;
  let redirect: string;
  let app: { id: string; clientId: string };
  let rp: client.Configuration;
  let grace: Awaited<ReturnType<typeof acceptedMember>>;

  const call = (method: 'POST' | 'GET', url: string, auth: Record<string, string>, payload?: Record<string, unknown>) => t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await startBrowserApp(dialect);
    a = await verifiedUser(t);
    issuer = `${t.url}/oidc`;
    redirect = `http://127.0.0.1:${Number(new URL(t.url).port) + 1}/cb`;
    const base = `/api/v1/orgs/${a.organization.id}`;
    const made = await call('POST', `${base}/resources`, a.auth, {
      kind: 'application',
      name: 'Team Wiki',
      settings: { protocol: 'oidc', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [redirect], public: true },
    });
    expect(made.statusCode, made.body).toBe(201);
    app = json(made) as typeof app;
    grace = await acceptedMember(t, a, { username: 'grace', name: 'Grace Hopper' });
    // Grace is in two groups of this organization; the application is bound to one of them.
    const engineers = json(await call('POST', `${base}/groups`, a.auth, { name: 'engineers' }));
    const ops = json(await call('POST', `${base}/groups`, a.auth, { name: 'ops' }));
    for (const g of [engineers, ops]) expect((await call('POST', `${base}/groups/${g.id}/members`, a.auth, { userId: grace.user.id })).statusCode).toBe(204);
    expect((await call('POST', `${base}/resources/${app.id}/bindings`, a.auth, { groupId: engineers.id })).statusCode).toBe(201);
    // She is a member of another organization too, in a group of its own.
    const b = await verifiedUser(t);
    const bCaller = await callerOfToken(t, b.token, b.organization.id);
    const ctx = anonymousContext('127.0.0.1', null);
    const invited = await t.app.directory.users.invite(ctx, bCaller, b.organization.id, { email: grace.email, name: 'Grace' });
    await t.app.directory.invitations.acceptSignedIn(ctx, await callerOfToken(t, grace.token), await inviteTokenFor(t, invited.id));
    const bGroup = json(await call('POST', `/api/v1/orgs/${b.organization.id}/groups`, b.auth, { name: 'other-org-team' }));
    expect((await call('POST', `/api/v1/orgs/${b.organization.id}/groups/${bGroup.id}/members`, b.auth, { userId: invited.id })).statusCode).toBe(204);
    rp = await client.discovery(new URL(issuer), app.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  });
  afterAll(() => t.close());

  /** Starts an authorization request; answers the agent on the interaction page, and what the code exchange needs. */
  async function start(scope = 'openid email profile groups', extra: Record<string, string> = {}) {
    const agent = new Agent();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(rp, { redirect_uri: redirect, scope, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra });
    const { res, url: page } = await agent.follow(url, redirect);
    return { agent, verifier, state, res, page };
  }

  const exchange = (callback: URL, f: { verifier: string; state: string }) => client.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: f.verifier, expectedState: f.state });

  it('PRO-2, DIR-3: code + PKCE through the sign-in page; the ID token’s sub is the membership id and its groups are that organization’s only', async () => {
    const f = await start();
    expect(f.page.pathname).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    expect(f.res.status).toBe(200);
    expect(f.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(f.res.headers.get('content-security-policy')).toContain(`form-action 'self' ${new URL(redirect).origin}`);
    const html = await f.res.text();
    expect(html).toContain('Team Wiki');
    for (const field of ['name="email"', 'name="password"', 'type="submit"']) expect(html).toContain(field);
    expect(html).not.toContain('name="code"');
    expect(html).not.toContain('<script');

    const done = await f.agent.submit(f.page, { email: grace.email, password: grace.password }, redirect);
    expect(done.url.searchParams.get('state')).toBe(f.state);
    const tokens = await exchange(done.url, f);
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: issuer, aud: app.clientId, sub: grace.user.id, email: grace.email, email_verified: true, name: 'Grace Hopper', preferred_username: 'grace' });
    expect(claims?.groups).toEqual(['engineers', 'ops']);
    expect(tokens.refresh_token).toBeUndefined();
    // The userinfo endpoint tells the same.
    const info = await client.fetchUserInfo(rp, tokens.access_token, grace.user.id);
    expect(info).toMatchObject({ sub: grace.user.id, email: grace.email, groups: ['engineers', 'ops'] });
    const audited = await t.app.db.selectFrom('audit_log').select(['action', 'target_id']).where('org_id', '=', a.organization.id).where('action', '=', 'oidc.signin').execute();
    expect(audited.map((r) => r.target_id)).toContain(grace.user.id);
    // SEC-2: no password reached the log.
    expect(t.logs.join('\n')).not.toContain(grace.password);
  });

  it('DIR-3: a member without access, and a person of another organization, are sent back with error=access_denied and the state', async () => {
    const nobody = await acceptedMember(t, a, { username: 'noaccess' });
    const stranger = await verifiedUser(t);
    for (const who of [{ email: nobody.email, password: nobody.password }, { email: stranger.body.email, password: stranger.body.password }]) {
      const f = await start();
      const done = await f.agent.submit(f.page, who, redirect);
      expect(done.url.searchParams.get('error')).toBe('access_denied');
      expect(done.url.searchParams.get('state')).toBe(f.state);
      expect(done.url.searchParams.get('iss')).toBe(issuer);
      expect(done.url.searchParams.has('code')).toBe(false);
    }
    const denied = await t.app.db.selectFrom('audit_log').select('target_id').where('org_id', '=', a.organization.id).where('action', '=', 'oidc.access_denied').execute();
    expect(denied.map((r) => r.target_id)).toContain(nobody.user.id);
  });

  it('PRO-2: offline_access issues a refresh token without prompt=consent; a refresh rotates it; a used one is refused and revokes the grant', async () => {
    const f = await start('openid offline_access groups');
    const done = await f.agent.submit(f.page, { email: grace.email, password: grace.password }, redirect);
    const tokens = await exchange(done.url, f);
    expect(tokens.refresh_token).toBeTruthy();
    const first = tokens.refresh_token as string;
    const refreshed = await client.refreshTokenGrant(rp, first);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first);
    expect(refreshed.claims()?.sub).toBe(grace.user.id);
    const reused = await client.refreshTokenGrant(rp, first).then(
      () => 'accepted',
      (e: { error?: string }) => e.error,
    );
    expect(reused).toBe('invalid_grant');
    // Reuse detection: the grant is revoked, so the token that replaced the used one is refused too.
    const after = await client.refreshTokenGrant(rp, refreshed.refresh_token as string).then(
      () => 'accepted',
      (e: { error?: string }) => e.error,
    );
    expect(after).toBe('invalid_grant');
  });

  it('PRO-2: a public client must send a PKCE S256 challenge; plain is refused', async () => {
    for (const params of [{}, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }]) {
      const url = new URL(`${issuer}/auth`);
      for (const [k, v] of Object.entries({ client_id: app.clientId, response_type: 'code', scope: 'openid', redirect_uri: redirect, state: 'st', ...params })) url.searchParams.set(k, v);
      const { url: back } = await new Agent().follow(url, redirect);
      expect(back.href.startsWith(redirect), back.href).toBe(true);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('state')).toBe('st');
    }
  });

  it('PRO-2: an existing Castellan web session continues to the application without a password', async () => {
    const f = await start();
    f.agent.jar.set('castellan_session', grace.token);
    const page = await f.agent.fetch(f.page);
    const html = await page.text();
    expect(html).toContain(`Continue as ${grace.email}`);
    const done = await f.agent.submit(f.page, { continue: '1' }, redirect);
    expect((await exchange(done.url, f)).claims()?.sub).toBe(grace.user.id);
  });

  it('ACC-5: an account with TOTP on is asked for its code after the password, and gets in with it', async () => {
    const ada = await acceptedMember(t, a, { username: 'ada' });
    const caller = await callerOfToken(t, ada.token);
    const ctx = anonymousContext('127.0.0.1', null);
    const { secret } = await t.app.accounts.mfa.enrol(ctx, caller, { password: ada.password });
    await t.app.accounts.mfa.confirm(ctx, caller, totpCode(secret, t.clock));
    expect((await call('POST', `/api/v1/orgs/${a.organization.id}/resources/${app.id}/bindings`, a.auth, { userId: ada.user.id })).statusCode).toBe(201);
    const f = await start();
    const asked = await f.agent.submit(f.page, { email: ada.email, password: ada.password }, redirect);
    expect(asked.res.status).toBe(401);
    expect(await asked.res.text()).toContain('name="code"');
    const done = await f.agent.submit(f.page, { email: ada.email, password: ada.password, code: totpCode(secret, t.clock, 1) }, redirect);
    expect((await exchange(done.url, f)).claims()?.sub).toBe(ada.user.id);
  });

  it('PRO-2: a second sign-in in the same browser goes straight back with a code (single sign-on), offline_access included', async () => {
    const f = await start();
    const first = await f.agent.submit(f.page, { email: grace.email, password: grace.password }, redirect);
    await exchange(first.url, f);
    for (const scope of ['openid groups', 'openid offline_access']) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(rp, { redirect_uri: redirect, scope, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const again = await f.agent.follow(url, redirect);
      expect(again.url.href.startsWith(redirect), again.url.href).toBe(true);
      const tokens = await exchange(again.url, { verifier, state });
      expect(tokens.claims()?.sub).toBe(grace.user.id);
      expect(Boolean(tokens.refresh_token), scope).toBe(scope.includes('offline_access'));
    }
  });

  it('DIR-3: once access is taken away, the provider’s session signs in no more and refreshes are refused; suspension likewise', async () => {
    const base = `/api/v1/orgs/${a.organization.id}`;
    for (const how of ['unbind', 'suspend'] as const) {
      const m = await acceptedMember(t, a);
      const binding = json(await call('POST', `${base}/resources/${app.id}/bindings`, a.auth, { userId: m.user.id }));
      const f = await start('openid offline_access');
      const done = await f.agent.submit(f.page, { email: m.email, password: m.password }, redirect);
      const tokens = await exchange(done.url, f);
      expect(tokens.refresh_token).toBeTruthy();
      const taken =
        how === 'unbind'
          ? await t.app.http.inject({ method: 'DELETE', url: `${base}/resources/${app.id}/bindings/${binding.id}`, headers: a.auth })
          : await call('POST', `${base}/users/${m.user.id}/suspend`, a.auth);
      expect(taken.statusCode, taken.body).toBeLessThan(300);
      const refused = await client.refreshTokenGrant(rp, tokens.refresh_token as string).then(
        () => 'accepted',
        (e: { error?: string }) => e.error,
      );
      expect(refused, how).toBe('invalid_grant');
      // The same browser is asked to sign in again, and then refused.
      const state = client.randomState();
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(rp, { redirect_uri: redirect, scope: 'openid', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const again = await f.agent.follow(url, redirect);
      expect(again.url.pathname, how).toMatch(/^\/oidc\/interaction\//);
      if (how === 'unbind') {
        const denied = await f.agent.submit(again.url, { email: m.email, password: m.password }, redirect);
        expect(denied.url.searchParams.get('error')).toBe('access_denied');
        expect(denied.url.searchParams.get('state')).toBe(state);
      }
    }
  });

  it('SEC-3: an unknown or expired interaction, and bad form bodies, get a page or a 4xx, never a 500', async () => {
    const unknown = await fetch(`${issuer}/interaction/nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('This sign-in has expired');
    const f = await start();
    const cases: Array<{ body: string | Buffer; type: string }> = [
      { body: 'email=x', type: 'application/json' },
      { body: Buffer.alloc(64 * 1024, 'a'), type: 'application/x-www-form-urlencoded' },
      { body: '%%%=%%&&', type: 'application/x-www-form-urlencoded' },
      { body: 'email[]=a&email[]=b&password=', type: 'application/x-www-form-urlencoded' },
    ];
    for (const c of cases) {
      const res = await f.agent.fetch(f.page, { method: 'POST', body: c.body as string, headers: { 'content-type': c.type } });
      expect(res.status, c.type).toBeGreaterThanOrEqual(400);
      expect(res.status, c.type).toBeLessThan(500);
    }
    expect((await f.agent.fetch(f.page)).status).toBe(200);
  });

  it('ACC-5: when the organization requires MFA, a member without TOTP is asked for a code and not let in', async () => {
    const c = await verifiedUser(t);
    const base = `/api/v1/orgs/${c.organization.id}`;
    const made = json(await call('POST', `${base}/resources`, c.auth, { kind: 'application', name: 'Strict App', settings: { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: [redirect], public: true } }));
    const m = await acceptedMember(t, c);
    expect((await call('POST', `${base}/resources/${made.id}/bindings`, c.auth, { userId: m.user.id })).statusCode).toBe(201);
    // The organization's setting, set directly: turning it on through the API asks the admin for TOTP first.
    await t.app.db.updateTable('organizations').set({ require_mfa: 1 }).where('id', '=', c.organization.id).execute();
    const strict = await client.discovery(new URL(issuer), made.id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(strict, { redirect_uri: redirect, scope: 'openid', state: 's', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const agent = new Agent();
    const { url: page } = await agent.follow(url, redirect);
    const refused = await agent.submit(page, { email: m.email, password: m.password }, redirect);
    expect(refused.res.status).toBe(403);
    const html = await refused.res.text();
    expect(html).toContain('name="code"');
    expect(html).toContain('requires two-step verification');
  });

  // Last: it locks the test's address out of further sign-ins for a while.
  it('ACC-7: a wrong password re-shows the form, saying nothing of whether the email exists; failures are audited (channel oidc) and throttled', async () => {
    const victim = await acceptedMember(t, a, { username: 'victim' });
    const f = await start();
    const wrong = await f.agent.submit(f.page, { email: victim.email, password: 'not-the-password-1' }, redirect);
    expect(wrong.res.status).toBe(401);
    const wrongHtml = await wrong.res.text();
    expect(wrongHtml).toContain('name="password"');
    expect(wrongHtml).toContain(victim.email);
    const unknown = await f.agent.submit(f.page, { email: uniqueEmail('nobody'), password: 'not-the-password-1' }, redirect);
    expect(unknown.res.status).toBe(401);
    const message = (html: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(await unknown.res.text())).toBe(message(wrongHtml));
    const audited = await t.app.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'auth.signin_failed').execute();
    expect(audited.some((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details)?.channel === 'oidc')).toBe(true);
    expect(JSON.stringify(audited)).not.toContain('not-the-password-1');
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) status = (await f.agent.submit(f.page, { email: victim.email, password: `wrong-${i}` }, redirect)).res.status;
    expect(status).toBe(429);
    // Locked out, even the right password is refused for now.
    const locked = await f.agent.submit(f.page, { email: victim.email, password: victim.password }, redirect);
    expect(locked.res.status).toBe(429);
  });
});
