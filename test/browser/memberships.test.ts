/**
 * DIR-1, DIR-2, GOV-3, ACC-2 in headless Chromium: an admin invites a person who already has an
 * account and an address that has none, from the Users page; each accepts from the link in their
 * mail (the first signed in with that address, the second by choosing a password); the first,
 * now in two organizations, switches between them with the organization switcher; the admin sends
 * a pending invitation again and withdraws another.
 *
 * SQLite only: the API tests cover invitations on PostgreSQL.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { atPath, browserSuite, buttonOn, fieldOn, latestMail, nextResponse, shoot, tokenFrom, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

async function signInOn(p: Page, email: string, password: string) {
  await (await visible(fieldOn(p, 'Email'))).fill(email);
  await fieldOn(p, 'Password').fill(password);
  await buttonOn(p, 'Sign in').click();
}

async function inviteFromUsersPage(p: Page, orgId: string, email: string, name: string) {
  await p.goto('/console/users');
  await (await visible(buttonOn(p, 'Invite user'))).click();
  const dialog = p.getByRole('dialog');
  await (await visible(dialog.getByLabel('Email', { exact: true }))).fill(email);
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  const created = nextResponse(p, 'POST', `/api/v1/orgs/${orgId}/users`);
  await dialog.getByRole('button', { name: 'Send invitation', exact: true }).click();
  expect((await created).status()).toBe(201);
  await visible(p.getByRole('status').filter({ hasText: `Invitation sent to ${email}` }));
}

const invitationToken = async (email: string, orgName: string) =>
  tokenFrom((await suite.app.smtp.waitFor((m) => m.to === email && m.subject.startsWith('Invitation') && m.text.includes(`“${orgName}”`))).text, '/invitations');

describe('memberships in the console', () => {
  it('DIR-2, GOV-3: an account holder and a newcomer accept their invitations; the holder switches between organizations', async () => {
    const admin = await verifiedUser(suite.app, { companyName: 'Northwind Traders' });
    const holder = await verifiedUser(suite.app, { name: 'Grace Hopper', companyName: 'Hopper Consulting' });
    const newcomer = uniqueEmail('newcomer');
    const orgId = admin.organization.id as string;

    await page.goto('/sign-in');
    await signInOn(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');
    await inviteFromUsersPage(page, orgId, holder.body.email, 'Grace Hopper');
    await inviteFromUsersPage(page, orgId, newcomer, 'Alan Turing');
    const users = page.getByTestId('users-table');
    for (const email of [holder.body.email, newcomer]) await visible(users.locator('tbody tr').filter({ hasText: email }).getByText('Invited', { exact: true }));
    await shoot(page, 'memberships-invited');

    // The newcomer has no account: the link asks for a password and creates it.
    const other = await pages.open(suite.browser, suite.app.url);
    const newcomerToken = await invitationToken(newcomer, 'Northwind Traders');
    await other.page.goto(`/invitations/${newcomerToken}`);
    await visible(other.page.getByRole('heading', { name: 'Join “Northwind Traders”', exact: true }));
    await fieldOn(other.page, 'Password').fill('quiet-river-compass-58');
    await buttonOn(other.page, 'Create my account and accept').click();
    await visible(other.page.getByRole('heading', { name: 'Welcome', exact: true }));
    await shoot(other.page, 'memberships-newcomer-accepted');

    // The account holder is asked to sign in, comes back to the link, and accepts.
    const holderPage = (await pages.open(suite.browser, suite.app.url)).page;
    const holderToken = await invitationToken(holder.body.email, 'Northwind Traders');
    await holderPage.goto(`/invitations/${holderToken}`);
    await (await visible(holderPage.getByRole('link', { name: 'Sign in to accept', exact: true }))).click();
    await signInOn(holderPage, holder.body.email, GOOD_PASSWORD);
    await atPath(holderPage, `/invitations/${holderToken}`);
    const accepted = nextResponse(holderPage, 'POST', `/api/v1/invitations/${holderToken}/accept`);
    await (await visible(buttonOn(holderPage, 'Accept the invitation'))).click();
    expect((await accepted).status()).toBe(200);
    await atPath(holderPage, '/account');
    const main = holderPage.getByRole('main');
    await visible(main.getByText('Northwind Traders (in view)'));
    await visible(main.getByText('Hopper Consulting', { exact: true }));

    // Two organizations: the switcher shows them, and the console follows the choice.
    const switcher = await visible(holderPage.getByLabel('Organization', { exact: true }));
    await shoot(holderPage, 'memberships-switcher');
    await switcher.selectOption({ label: 'Hopper Consulting' });
    await atPath(holderPage, '/console');
    await visible(main.getByText('Hopper Consulting'));
    await holderPage.reload();
    await visible(main.getByText('Hopper Consulting'));
    expect(await holderPage.getByLabel('Organization', { exact: true }).inputValue()).toBe(holder.organization.id);

    // Back in the admin's console, both are Active now.
    await page.reload();
    for (const email of [holder.body.email, newcomer]) await visible(users.locator('tbody tr').filter({ hasText: email }).getByText('Active', { exact: true }));
  });

  it('DIR-2: an admin sends a pending invitation again and withdraws another', async () => {
    const admin = await verifiedUser(suite.app, { companyName: 'Contoso' });
    const orgId = admin.organization.id as string;
    const first = uniqueEmail('again');
    const second = uniqueEmail('withdrawn');
    await page.goto('/sign-in');
    await signInOn(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');
    await inviteFromUsersPage(page, orgId, first, 'Ada First');
    await inviteFromUsersPage(page, orgId, second, 'Bea Second');
    const users = page.getByTestId('users-table');
    const firstRow = users.locator('tbody tr').filter({ hasText: first });
    const oldToken = tokenFrom((await latestMail(suite.app.smtp, first, 'Invitation')).text, '/invitations');
    const resent = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/invitation'));
    await (await visible(firstRow.getByRole('button', { name: 'Send invitation again', exact: true }))).click();
    expect((await resent).status()).toBe(200);
    await suite.app.smtp.waitFor((m) => m.to === first && m.subject.startsWith('Invitation') && !m.text.includes(oldToken));

    const secondRow = users.locator('tbody tr').filter({ hasText: second });
    await (await visible(secondRow.getByRole('button', { name: 'Withdraw invitation', exact: true }))).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByText(second, { exact: false }));
    const withdrawn = page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname.endsWith('/invitation'));
    await dialog.getByRole('button', { name: 'Withdraw invitation', exact: true }).click();
    expect((await withdrawn).status()).toBe(204);
    await visible(page.getByRole('status').filter({ hasText: 'The invitation of Bea Second was withdrawn.' }));
    await secondRow.waitFor({ state: 'detached' });
  });
});
