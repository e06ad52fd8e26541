/**
 * PRO-2 in headless Chromium: an admin opens the console's "API clients" page from the navigation,
 * makes a client with chosen scopes (its secret shown once, with a copy button), and a script gets a
 * token with exactly what the page gave and lists the users; revoked on the page, the token is
 * refused at once.
 *
 * SQLite only: the API tests cover the routes on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();

describe("the console's API clients page", () => {
  it('PRO-2: an admin makes an API client (its secret shown once), a script uses it, and revoking it stops its token at once', async () => {
    const t = suite.app;
    const { page, context } = await pages.open(suite.browser, t.url);
    const admin = await verifiedUser(t, { email: uniqueEmail('admin'), companyName: 'Script Works' });
    const orgId = admin.organization.id as string;
    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');

    await (await visible(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API clients', exact: true }))).click();
    await atPath(page, '/console/api-clients');
    await visible(page.getByRole('heading', { name: 'API clients', exact: true, level: 1 }));
    await visible(page.getByText('No API client yet.'));

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    await (await visible(fieldOn(page, 'Name'))).fill('nightly sync');
    await page.getByRole('checkbox', { name: /audit:read/ }).check();
    const made = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/api-clients`);
    await buttonOn(page, 'Create API client').click();
    const answer = await made;
    expect(answer.status()).toBe(201);
    const client = await bodyOf(answer);
    expect(client.scopes).toEqual(['directory:read', 'audit:read']);
    const shown = await visible(page.getByTestId('api-client-secret'));
    expect(await shown.getByTestId('client-id-value').innerText()).toBe(client.clientId);
    expect(await shown.getByTestId('client-secret-value').innerText()).toBe(client.clientSecret);
    await shown.getByRole('button', { name: 'Copy the client secret' }).click();
    await visible(shown.getByRole('button', { name: 'Copy the client secret' }).getByText('Copied'));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(client.clientSecret);
    await visible(page.getByTestId('api-clients').getByText('nightly sync'));
    await shoot(page, 'console-api-clients');

    // A script, with what the page gave: a token by client credentials, then the API.
    const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
    const granted = await fetch(`${t.url}/oidc/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=directory%3Aread',
    });
    expect(granted.status).toBe(200);
    const { access_token: token } = (await granted.json()) as { access_token: string };
    const users = `${t.url}/api/v1/orgs/${orgId}/users`;
    expect((await fetch(users, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    // Shown once: gone when dismissed, and not there after a reload.
    await buttonOn(page, 'I have stored it').click();
    await page.reload();
    await visible(page.getByTestId('api-clients').getByText('nightly sync'));
    expect(await page.locator('body').innerText()).not.toContain(client.clientSecret);

    // Revoked after a confirmation: the token is refused at once.
    await page.getByTestId('api-clients').getByRole('button', { name: 'Revoke' }).click();
    const revoked = nextResponse(page, 'DELETE', `/api/v1/orgs/${orgId}/api-clients/${client.id}`);
    await (await visible(page.getByRole('dialog').getByRole('button', { name: 'Revoke API client' }))).click();
    expect((await revoked).status()).toBe(204);
    await visible(page.getByText('No API client yet.'));
    expect((await fetch(users, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});
