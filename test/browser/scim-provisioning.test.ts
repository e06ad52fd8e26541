/**
 * PRO-4 in headless Chromium: an admin opens the console's "Provisioning (SCIM)" page from the
 * navigation, copies the SCIM base URL, makes a token (shown once, with a copy button) that then
 * authenticates as the organization's SCIM client, sees it listed (and when it was last used),
 * revokes it after a confirmation (it stops working at once), and chooses what becomes of a member
 * the identity provider deprovisions.
 *
 * SQLite only: the API tests cover the routes on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();

describe("the console's SCIM provisioning page", () => {
  it('PRO-4: an admin makes a SCIM token (shown once), sees it listed, revokes it, and sets how long deprovisioned members stay suspended', async () => {
    const t = suite.app;
    const { page, context } = await pages.open(suite.browser, t.url);
    const admin = await verifiedUser(t, { email: uniqueEmail('admin'), companyName: 'Provisioned Co' });
    const orgId = admin.organization.id as string;
    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');

    await (await visible(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Provisioning (SCIM)', exact: true }))).click();
    await atPath(page, '/console/scim');
    await visible(page.getByRole('heading', { name: 'Provisioning (SCIM)', exact: true, level: 1 }));
    await visible(page.getByText('No SCIM token yet.'));

    // The base URL to paste into the identity provider, with a copy button.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    expect(await (await visible(page.getByTestId('scim-base-url'))).innerText()).toBe(`${t.url}/scim/v2`);
    await buttonOn(page, 'Copy the SCIM base URL').click();
    await visible(page.getByRole('button', { name: 'Copy the SCIM base URL' }).getByText('Copied'));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${t.url}/scim/v2`);

    // A token, shown this once.
    const newToken = page.getByRole('form', { name: 'New SCIM token' });
    await (await visible(fieldOn(newToken, 'Name'))).fill('Okta production');
    const made = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/scim/tokens`);
    await buttonOn(page, 'Create SCIM token').click();
    const answer = await made;
    expect(answer.status()).toBe(201);
    const token = await bodyOf(answer);
    expect(token.name).toBe('Okta production');
    const shown = await visible(page.getByTestId('scim-token-secret'));
    expect(await shown.getByTestId('scim-token-value').innerText()).toBe(token.token);
    await shown.getByRole('button', { name: 'Copy the SCIM token' }).click();
    await visible(shown.getByRole('button', { name: 'Copy the SCIM token' }).getByText('Copied'));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token.token);
    const listed = page.getByTestId('scim-tokens');
    await visible(listed.getByText('Okta production'));
    await visible(listed.getByText(/never used/));
    await shoot(page, 'console-scim-provisioning');

    // The token works at /scim/v2, for this organization.
    const scim = () => t.app.http.inject({ method: 'GET', url: '/scim/v2/Users?count=1', headers: { authorization: `Bearer ${token.token as string}` } });
    expect((await scim()).statusCode).toBe(200);
    expect(await t.app.directory.scimTokens.callerOf(token.token as string)).toMatchObject({ orgId, clientId: token.id });

    // Shown once: gone when dismissed, and not there after a reload; the list says it was used.
    await buttonOn(page, 'I have stored it').click();
    await page.reload();
    await visible(listed.getByText('Okta production'));
    await visible(listed.getByText(/last used/));
    expect(await page.locator('body').innerText()).not.toContain(token.token);

    // Revoked after a confirmation: the token stops working at once.
    await listed.getByRole('button', { name: 'Revoke' }).click();
    const revoked = nextResponse(page, 'DELETE', `/api/v1/orgs/${orgId}/scim/tokens/${token.id}`);
    await (await visible(page.getByRole('dialog').getByRole('button', { name: 'Revoke SCIM token' }))).click();
    expect((await revoked).status()).toBe(204);
    await visible(page.getByText('No SCIM token yet.'));
    expect((await scim()).statusCode).toBe(401);

    // Deprovisioning: 30 days by default; at once; a number of days; until an admin removes them.
    const deprovisioning = page.getByRole('form', { name: 'Deprovisioning' });
    const mode = fieldOn(deprovisioning, 'When the identity provider deprovisions a member');
    const days = fieldOn(deprovisioning, 'Days suspended before removal');
    expect(await (await visible(mode)).inputValue()).toBe('days');
    expect(await (await visible(days)).inputValue()).toBe('30');
    const save = deprovisioning.getByRole('button', { name: 'Save', exact: true });
    expect(await save.isDisabled()).toBe(true);

    const patch = () => nextResponse(page, 'PATCH', `/api/v1/orgs/${orgId}`);
    await mode.selectOption({ label: 'Remove at once' });
    let saved = patch();
    await save.click();
    expect((await bodyOf(await saved)).scimRemoveAfterDays).toBe(0);
    await visible(deprovisioning.getByRole('status').getByText('Deprovisioned members are now removed at once.'));

    await mode.selectOption({ label: 'Remove after a number of days' });
    await (await visible(days)).fill('0');
    await visible(deprovisioning.getByText('A whole number of days from 1 to 3650.'));
    expect(await save.isDisabled()).toBe(true);
    await days.fill('7');
    saved = patch();
    await save.click();
    expect((await bodyOf(await saved)).scimRemoveAfterDays).toBe(7);
    await visible(deprovisioning.getByRole('status').getByText('Deprovisioned members now stay suspended for 7 days, then are removed.'));

    await mode.selectOption({ label: 'Keep suspended until an admin removes them' });
    expect(await days.count()).toBe(0);
    saved = patch();
    await save.click();
    expect((await bodyOf(await saved)).scimRemoveAfterDays).toBeNull();
    await visible(deprovisioning.getByRole('status').getByText('Deprovisioned members now stay suspended until an admin removes them.'));

    // Kept: after a reload the page shows the organization's setting.
    await page.reload();
    expect(await (await visible(mode)).inputValue()).toBe('never');
    const org = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}`, headers: admin.auth });
    expect(org.json().scimRemoveAfterDays).toBeNull();
  });
});
