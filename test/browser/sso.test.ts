/**
 * PRO-2, DIR-3 in headless Chromium: an admin makes an OpenID Connect application in the console
 * and copies its one-time secret; a member granted access signs in to it on Castellan's own sign-in
 * page (openid-client as the relying party, code + PKCE); the member's home page lists it, opening
 * it at its initiate-login URI; a member without access is sent back with access_denied.
 *
 * SQLite only: the protocol tests cover both databases.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acceptedMember, json, verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

/** The relying party's callback: a loopback server that answers every request with a short page. */
let rp: Server;
let rpOrigin: string;
beforeAll(async () => {
  rp = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Team Wiki</title><p>Signed in.</p>');
  });
  await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', resolve));
  rpOrigin = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => rp.close(() => resolve()));
});

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

describe('single sign-on in the browser', () => {
  it('PRO-2, DIR-3: an admin makes an OIDC application in the console; a member with access signs in to it on the sign-in page and sees it on their home page; one without access is refused', async () => {
    const t = suite.app;
    const admin = await verifiedUser(t, { companyName: 'Wiki Works' });
    const orgId = admin.organization.id as string;
    const redirect = `${rpOrigin}/cb`;

    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');
    await page.goto('/console/resources');
    const form = page.getByRole('form', { name: 'Add a resource' });
    await (await visible(form.getByLabel('Kind'))).selectOption('application');
    await form.getByLabel('Resource name').fill('Team Wiki');
    await (await visible(form.getByLabel('Single sign-on'))).selectOption('oidc');
    await form.getByLabel('Refresh tokens (offline access)').check();
    await form.getByLabel('Redirect URIs', { exact: true }).fill(redirect);
    await form.getByLabel('Initiate-login URI').fill('https://wiki.example.test/login');
    const created = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/resources`);
    await buttonOn(page, 'Add resource').click();
    const answer = await created;
    expect(answer.status()).toBe(201);
    const app = (await bodyOf(answer)) as { id: string; clientId: string; clientSecret: string; settings: Record<string, unknown> };
    expect(app.settings).toMatchObject({ protocol: 'oidc', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [redirect], public: false });
    // The secret is shown this once, beside the client id.
    const secretBox = await visible(page.getByTestId('client-secret'));
    expect(await secretBox.getByTestId('client-secret-value').textContent()).toBe(app.clientSecret);
    await shoot(page, 'sso-client-secret');

    // The application's page shows what its administrator configures.
    await page.goto(`/console/resources/${app.id}`);
    const endpoints = await visible(page.getByTestId('sso-endpoints'));
    await visible(endpoints.getByText(`${t.url}/oidc/.well-known/openid-configuration`));
    await visible(endpoints.getByText(app.id, { exact: true }));

    const grace = await acceptedMember(t, admin, { name: 'Grace Hopper' });
    const ada = await acceptedMember(t, admin, { name: 'Ada Lovelace' });
    const bound = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/resources/${app.id}/bindings`, headers: admin.auth, payload: { userId: grace.user.id } });
    expect(bound.statusCode).toBe(201);

    // Grace signs in to the application on Castellan's sign-in page.
    const config = await client.discovery(new URL(`${t.url}/oidc`), app.clientId, app.clientSecret, client.ClientSecretBasic(app.clientSecret), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authorize = client.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid email profile groups', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    await page.context().clearCookies();
    await page.goto(authorize.href);
    await atPath(page, /^\/oidc\/interaction\//);
    await visible(page.getByText('Team Wiki').first());
    await page.locator('input[name="email"]').fill(grace.email);
    await page.locator('input[name="password"]').fill(grace.password);
    await page.locator('[type="submit"]').first().click();
    await page.waitForURL((u) => u.href.startsWith(redirect));
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ sub: grace.user.id, email: grace.email, name: 'Grace Hopper' });

    // Her home page lists the application, opening it at its initiate-login URI with the issuer.
    await signInOnPage(page, grace.email, grace.password);
    await atPath(page, '/account');
    const list = await visible(page.getByTestId('applications'));
    const open = list.getByRole('link', { name: 'Open' });
    await visible(list.getByText('Team Wiki'));
    const href = new URL((await open.getAttribute('href')) ?? '');
    expect(`${href.origin}${href.pathname}`).toBe('https://wiki.example.test/login');
    expect(href.searchParams.get('iss')).toBe(`${t.url}/oidc`);
    await shoot(page, 'sso-portal');

    // Ada has no access: the application gets access_denied with its state (RFC 6749 §4.1.2.1).
    await page.context().clearCookies();
    const adaState = client.randomState();
    const denied = client.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid', state: adaState, code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    await page.goto(denied.href);
    await page.locator('input[name="email"]').fill(ada.email);
    await page.locator('input[name="password"]').fill(ada.password);
    await page.locator('[type="submit"]').first().click();
    await page.waitForURL((u) => u.href.startsWith(redirect));
    const back = new URL(page.url());
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(adaState);
    const audit = json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}/audit?action=oidc.access_denied`, headers: admin.auth }));
    expect(JSON.stringify(audit)).toContain(ada.user.id);
  });
});
