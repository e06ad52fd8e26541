/**
 * What a first-time admin and the operator's staff meet in the console (issue 13): lists an
 * admin can use, form errors on the right field, one staff navigation, an audit log people can
 * read, and quiet consoles. Headless Chromium against a Castellan on a real port; every page is
 * screenshot at 1280 px, and no page may log a console error or answer a request with a failure
 * the page did not expect.
 *
 * SQLite only: the pages do not depend on the database; the route tests cover both.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { json, staffMember, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import {
  type BrowserApp,
  noTableClipped,
  atPath,
  buttonOn,
  descriptionOf,
  fieldOn,
  launchBrowser,
  nextResponse,
  requireWebBuild,
  shoot,
  sqliteDialect,
  startBrowserApp,
  visible,
  watchPages,
} from '../helpers/browser.ts';

let browser: Browser;
let t: BrowserApp;
let page: Page;
/** Console errors and failed responses seen by the current page (item 18: quiet consoles). */
let noise: string[];

beforeAll(async () => {
  requireWebBuild();
  browser = await launchBrowser();
  t = await startBrowserApp(sqliteDialect);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const pages = watchPages();
beforeEach(async () => {
  page = (await pages.open(browser, t.url)).page;
  noise = [];
  page.on('console', (m) => {
    if (m.type() === 'error') noise.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) noise.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
});

const field = (label: string) => fieldOn(page, label);
const heading = (name: string) => page.getByRole('heading', { name, exact: true });

type Admin = Awaited<ReturnType<typeof verifiedUser>>;

async function signIn(p: Page, email: string, password: string) {
  await p.goto('/sign-in');
  await (await visible(fieldOn(p, 'Email'))).fill(email);
  await fieldOn(p, 'Password').fill(password);
  const answer = nextResponse(p, 'POST', '/api/v1/sessions');
  await buttonOn(p, 'Sign in').click();
  expect((await answer).status()).toBe(201);
}

async function adminSignedIn(name = 'Ada Lovelace'): Promise<Admin> {
  const admin = await verifiedUser(t, { email: uniqueEmail('admin'), name });
  await signIn(page, admin.body.email, admin.body.password);
  await atPath(page, '/console');
  return admin;
}

async function api(admin: { auth: Record<string, string> }, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  const res = await t.app.http.inject({ method, url, headers: admin.auth, ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.statusCode === 204 ? null : json(res);
}


describe('item 11: console lists an admin can use', () => {
  it('DIR-2: users are sorted by name, sortable and filterable by status, with the total; the user page shows groups and last sign-in; groups show their member count', async () => {
    const admin = await adminSignedIn('Mallory Admin');
    noise.length = 0;
    const base = `/api/v1/orgs/${admin.organization.id}`;
    const made: Record<string, string> = {};
    for (const name of ['delta Dee', 'Alpha Ames', 'charlie Chu', 'Bravo Best']) {
      made[name] = (await api(admin, 'POST', `${base}/users`, { email: uniqueEmail('u'), name }))?.id as string;
    }
    await api(admin, 'POST', `${base}/users/${made['charlie Chu']}/suspend`);
    const ops = await api(admin, 'POST', `${base}/groups`, { name: 'ops' });
    await api(admin, 'POST', `${base}/groups/${ops?.id}/members`, { userId: made['Alpha Ames'] });
    await api(admin, 'POST', `${base}/groups/${ops?.id}/members`, { userId: admin.user.id });

    await page.goto('/console/users');
    const table = page.getByTestId('users-table');
    const names = async () => (await table.locator('tbody tr td:first-child a').allInnerTexts()).map((s) => s.trim());
    await expect.poll(names, { timeout: 15_000 }).toEqual(['Alpha Ames', 'Bravo Best', 'charlie Chu', 'delta Dee', 'Mallory Admin']);
    await visible(page.getByTestId('users-total').filter({ hasText: '5 users in all' }));
    await noTableClipped(page, 'users');
    await shoot(page, 'console-users-sorted');

    await field('Sort by').selectOption({ label: 'Name (Z to A)' });
    await expect.poll(names, { timeout: 15_000 }).toEqual(['Mallory Admin', 'delta Dee', 'charlie Chu', 'Bravo Best', 'Alpha Ames']);
    await field('Status').selectOption({ label: 'Invited' });
    await expect.poll(names, { timeout: 15_000 }).toEqual(['delta Dee', 'Bravo Best', 'Alpha Ames']);
    await visible(page.getByTestId('users-total').filter({ hasText: '3 users match' }));
    await field('Status').selectOption({ label: 'Suspended' });
    await expect.poll(names, { timeout: 15_000 }).toEqual(['charlie Chu']);
    await shoot(page, 'console-users-filtered');

    await page.goto(`/console/users/${admin.user.id}`);
    await visible(heading('Mallory Admin'));
    const groups = await visible(page.getByTestId('user-groups'));
    await expect.poll(() => groups.innerText()).toContain('ops');
    await expect.poll(() => groups.innerText()).toContain('2 members');
    await visible(page.getByText('Last sign-in'));
    expect(await page.locator('dd').filter({ hasText: /^Never$/ }).count()).toBe(0);
    await shoot(page, 'console-user-groups');

    await page.goto('/console/groups');
    const row = await visible(page.getByTestId('groups-table').locator('tr').filter({ hasText: 'ops' }));
    const header = await page.getByTestId('groups-table').locator('th').allInnerTexts();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[header.indexOf('Members')]).toBe('2');
    await noTableClipped(page, 'groups');
    await shoot(page, 'console-groups-counts');
    expect(noise).toEqual([]);
    await page.goto('/privacy/archive');
    await visible(page.getByRole('heading', { level: 1 }));
    await noTableClipped(page, 'privacy archive');
  });
});

describe('item 12: clear errors in forms', () => {
  it('SEC-3: the field named in a problem is the one marked, errors are written for people, a new error clears the last success, and a renamed username offers to move the home directory', async () => {
    const admin = await adminSignedIn('Ada Admin');
    noise.length = 0;
    const email = uniqueEmail('dup');
    await api(admin, 'POST', `/api/v1/orgs/${admin.organization.id}/users`, { email, name: 'First Try' });

    await page.goto('/console/users');
    await (await visible(buttonOn(page, 'Invite user'))).click();
    const dialog = await visible(page.getByRole('dialog'));
    await (await visible(fieldOn(dialog, 'Email'))).fill(email);
    await fieldOn(dialog, 'Name').fill('Second Try');
    const answer = nextResponse(page, 'POST', `/api/v1/orgs/${admin.organization.id}/users`);
    await dialog.getByRole('button', { name: 'Send invitation', exact: true }).click();
    expect((await answer).status()).toBe(409);
    await expect.poll(() => descriptionOf(page, fieldOn(dialog, 'Email'))).toContain('already a member of, or invited to, this organization');
    expect(await fieldOn(dialog, 'Username (optional)').getAttribute('aria-invalid')).not.toBe('true');
    await shoot(page, 'console-invite-duplicate-email');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();

    await page.goto(`/console/users/${admin.user.id}`);
    const form = await visible(page.getByRole('form', { name: 'Edit the user' }));
    await fieldOn(form, 'Name').fill('Ada Renamed');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await visible(form.getByRole('status').filter({ hasText: 'Saved.' }));

    await fieldOn(form, 'Login shell').fill('bash');
    const refused = nextResponse(page, 'PATCH', `/api/v1/orgs/${admin.organization.id}/users/${admin.user.id}`);
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect((await refused).status()).toBe(400);
    await expect.poll(() => descriptionOf(page, fieldOn(form, 'Login shell'))).toContain('Must be an absolute path, starting with "/"');
    expect(await page.getByText(/must match pattern/i).count()).toBe(0);
    expect(await form.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(0);
    await shoot(page, 'console-user-edit-error');

    await fieldOn(form, 'Login shell').fill('/bin/zsh');
    await fieldOn(form, 'Username').fill('ada.new');
    const move = await visible(page.getByLabel('Move the home directory to /home/ada.new'));
    expect(await move.isChecked()).toBe(true);
    await shoot(page, 'console-user-rename');
    const saved = nextResponse(page, 'PATCH', `/api/v1/orgs/${admin.organization.id}/users/${admin.user.id}`);
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect((await saved).status()).toBe(200);
    await visible(page.locator('dd').filter({ hasText: /^\/home\/ada\.new$/ }));
    expect(noise.filter((n) => !/^(409|400) /.test(n) && !/status of (409|400)/.test(n))).toEqual([]);
  });
});

describe('item 18: quiet consoles', () => {
  it('PRV-1, ACC-5: signed-out pages make no failing request and log no console error; the console home asks for no card that does not exist and requires MFA only of an admin who has it; the unsubscribe page uses the site layout; the invitation page names the organization', async () => {
    // A published policy, as every install has (the sign-in page links to it).
    const privacy = await staffMember(t, 'privacy');
    await api(privacy, 'POST', '/api/v1/staff/privacy/policies', { title: 'Privacy policy', markdown: '# Privacy\n\nWe keep little.', material: false });

    for (const path of ['/sign-in', '/sign-up', '/forgot-password', '/privacy', '/privacy/archive', '/privacy/choices', '/kb']) {
      noise.length = 0;
      await page.goto(path);
      await visible(page.getByRole('heading', { level: 1 }));
      await page.waitForLoadState('networkidle');
      expect(noise, path).toEqual([]);
    }
    await shoot(page, 'public-kb-quiet');

    const admin = await adminSignedIn('Quiet Admin');
    noise.length = 0;
    await page.goto('/console');
    await visible(page.getByRole('heading', { name: 'Billing' }));
    await page.waitForLoadState('networkidle');
    expect(noise).toEqual([]);
    await shoot(page, 'console-home-no-card');

    // ACC-5: the console home's settings require two-step verification only of an admin who has it.
    await page.getByLabel('Require two-step verification for every member').click({ force: true });
    await visible(page.getByText('Turn on two-step verification for your own account before requiring it of the organization.'));
    expect(await page.getByLabel('Require two-step verification for every member').isChecked()).toBe(false);

    // The invitation page names the organization, in its heading and its title.
    const email = uniqueEmail('invitee');
    await api(admin, 'POST', `/api/v1/orgs/${admin.organization.id}/users`, { email, name: 'Invitee' });
    const mail = await t.smtp.waitFor((m) => m.to === email);
    const link = /https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? '';
    expect(link).not.toBe('');
    const visitor = (await pages.open(browser, t.url)).page;
    await visitor.goto(new URL(link).pathname);
    await visible(visitor.getByRole('heading', { name: /Join .Analytical Engines Ltd./ }));
    expect(await visitor.title()).toContain('Analytical Engines Ltd');
    await visible(visitor.getByText(/You were invited to join/));
    await shoot(visitor, 'invitation-names-organization');

    // The unsubscribe page (server-rendered, no script) carries the site's frame: its name on top, one card, the privacy link.
    await visitor.goto('/unsubscribe?token=not-a-real-token');
    await visible(visitor.getByRole('heading', { level: 1 }));
    await visible(visitor.locator('header a[href="/"]'));
    await visible(visitor.getByRole('main'));
    await visible(visitor.getByRole('link', { name: 'Your privacy choices' }));
    await shoot(visitor, 'unsubscribe-layout');
  });
});
