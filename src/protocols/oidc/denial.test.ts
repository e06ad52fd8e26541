import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { type Admin, acceptedMember, callerOfToken, inviteTokenFor, json, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { startAuthorization } from '../../../test/helpers/oidc.ts';

/** PRO-2, DIR-3: what a refused member sees: the error redirect (default), or Castellan's denial page when the application's admin turned it on. */
describe.each(dialects)('OpenID Provider denial page on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let base: string;
  let issuer: string;
  let redirect: string;

  const call = (method: 'POST' | 'GET', url: string, payload?: Record<string, unknown>) => t.app.http.inject({ method, url, headers: a.auth, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await startBrowserApp(dialect);
    a = await verifiedUser(t);
    base = `/api/v1/orgs/${a.organization.id}`;
    issuer = `${t.url}/oidc`;
    redirect = `http://127.0.0.1:${Number(new URL(t.url).port) + 1}/cb`;
  });
  afterAll(() => t.close());

  async function application(name: string, denialPage: boolean) {
    const made = await call('POST', `${base}/resources`, { kind: 'application', name, settings: { protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: [redirect], public: true, denialPage } });
    expect(made.statusCode, made.body).toBe(201);
    const app = json(made) as { id: string; clientId: string };
    return { app, rp: await client.discovery(new URL(issuer), app.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] }) };
  }

  const backLink = (html: string) => new URL((/<a href="([^"]*)"/.exec(html)?.[1] ?? '').replace(/&amp;/g, '&'));

  it('PRO-2, DIR-3: with denialPage on, a member without access sees a page naming the application and the reason, linking back with error, state and iss', async () => {
    const { rp } = await application('Wiki <b>"&</b>', true);
    const m = await acceptedMember(t, a);
    const f = await startAuthorization(rp, redirect);
    const denied = await f.agent.submit(f.page, { email: m.email, password: m.password }, redirect);
    expect(denied.url.pathname).toMatch(/^\/oidc\/interaction\//);
    expect(denied.res.status).toBe(403);
    expect(denied.res.headers.get('content-type')).toContain('text/html');
    expect(denied.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await denied.res.text();
    expect(html).toContain('Wiki &lt;b&gt;&quot;&amp;&lt;/b&gt;');
    expect(html).not.toContain('<b>"&</b>');
    expect(html).toContain('ask an administrator of your organization for access');
    expect(html).not.toContain('<script');
    const back = backLink(html);
    expect(back.href.startsWith(redirect)).toBe(true);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(f.state);
    expect(back.searchParams.get('iss')).toBe(issuer);
    expect(back.searchParams.has('code')).toBe(false);
    // The refusal is audited in the organization's log, as with the redirect.
    const audited = await t.app.db.selectFrom('audit_log').select('target_id').where('action', '=', 'oidc.access_denied').execute();
    expect(audited.map((r) => r.target_id)).toContain(m.user.id);
  });

  it('PRO-2, DIR-3: the page says when the member is suspended, and when the person is no member of the organization', async () => {
    const { app, rp } = await application('Suspended Wiki', true);
    const m = await acceptedMember(t, a);
    expect((await call('POST', `${base}/resources/${app.id}/bindings`, { userId: m.user.id })).statusCode).toBe(201);
    // Active in another organization, so that the credential check lets the person in at all.
    const b = await verifiedUser(t);
    const ctx = anonymousContext('127.0.0.1', null);
    const invited = await t.app.directory.users.invite(ctx, await callerOfToken(t, b.token, b.organization.id), b.organization.id, { email: m.email, name: 'Elsewhere' });
    await t.app.directory.invitations.acceptSignedIn(ctx, await callerOfToken(t, m.token), await inviteTokenFor(t, invited.id));
    expect((await call('POST', `${base}/users/${m.user.id}/suspend`)).statusCode).toBe(200);
    const f = await startAuthorization(rp, redirect);
    const suspended = await f.agent.submit(f.page, { email: m.email, password: m.password }, redirect);
    expect(suspended.res.status).toBe(403);
    const html = await suspended.res.text();
    expect(html).toContain('is suspended');
    expect(backLink(html).searchParams.get('error')).toBe('access_denied');

    const g = await startAuthorization(rp, redirect);
    const stranger = await g.agent.submit(g.page, { email: b.body.email, password: b.body.password }, redirect);
    expect(stranger.res.status).toBe(403);
    expect(await stranger.res.text()).toContain('You are not a member of the organization of Suspended Wiki.');
  });

  it('PRO-2, DIR-3: with denialPage off (the default), the refusal is the error redirect with error, state and iss (RFC 9207)', async () => {
    const { rp } = await application('Plain Wiki', false);
    const m = await acceptedMember(t, a);
    const f = await startAuthorization(rp, redirect);
    const denied = await f.agent.submit(f.page, { email: m.email, password: m.password }, redirect);
    expect(denied.url.href.startsWith(redirect)).toBe(true);
    expect(denied.url.searchParams.get('error')).toBe('access_denied');
    expect(denied.url.searchParams.get('state')).toBe(f.state);
    expect(denied.url.searchParams.get('iss')).toBe(issuer);
  });
});
