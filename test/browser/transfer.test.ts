/**
 * DIR-5 in the browser: an admin imports users (and their groups) from a CSV file
 * through the Users page's "Import users" form, sees a refused file's problems by
 * line (and that nothing was imported), and exports the users as a CSV download.
 *
 * SQLite only, like console.test.ts: the API tests cover the import on PostgreSQL.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { json, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import {
  type BrowserApp,
  WAIT_MS,
  atPath,
  bodyOf,
  buttonOn,
  downloadedText,
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

beforeAll(async () => {
  requireWebBuild();
  browser = await launchBrowser();
  t = await startBrowserApp(sqliteDialect);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A fresh browser context per test; no page errors may happen in it. */
const pages = watchPages();
beforeEach(async () => {
  page = (await pages.open(browser, t.url)).page;
});

// ---- small helpers --------------------------------------------------------------

const field = (label: string) => fieldOn(page, label);
const button = (name: string) => buttonOn(page, name);
const rowOf = (container: Locator, text: string) => container.locator('tr, li').filter({ hasText: text });

type Admin = Awaited<ReturnType<typeof verifiedUser>>;

/** A verified org admin, signed in in the browser, on the Users page. */
async function adminOnUsersPage(name: string): Promise<Admin> {
  const admin = await verifiedUser(t, { email: uniqueEmail('admin'), name });
  await page.goto('/sign-in');
  await (await visible(field('Email'))).fill(admin.body.email);
  await field('Password').fill(admin.body.password);
  const answer = nextResponse(page, 'POST', '/api/v1/sessions');
  await button('Sign in').click();
  expect((await answer).status()).toBe(201);
  await atPath(page, '/console');
  await page.goto('/console/users');
  await visible(page.getByTestId('users-table'));
  return admin;
}

/** The organization's users, through the API with the admin's bearer token. */
async function usersByApi(admin: Admin): Promise<Array<Record<string, any>>> {
  const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${admin.organization.id}/users?limit=200`, headers: admin.auth });
  expect(res.statusCode, res.body).toBe(200);
  return json(res).items as Array<Record<string, any>>;
}

async function groupsByApi(admin: Admin): Promise<Array<Record<string, any>>> {
  const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${admin.organization.id}/groups?limit=200`, headers: admin.auth });
  expect(res.statusCode, res.body).toBe(200);
  return json(res).items as Array<Record<string, any>>;
}

/** Three people in two groups, as the CSV an admin would write. */
function threeUsers() {
  const people = [
    { email: uniqueEmail('grace'), name: 'Grace Hopper', username: 'grace', groups: 'engineering;ops' },
    { email: uniqueEmail('katherine'), name: 'Katherine Johnson', username: 'katherine', groups: 'engineering' },
    { email: uniqueEmail('dorothy'), name: 'Dorothy Vaughan', username: 'dorothy', groups: 'ops' },
  ];
  const csv = ['email,name,username,groups', ...people.map((p) => [p.email, p.name, p.username, p.groups].join(','))].join('\n') + '\n';
  return { people, csv };
}

/** Opens "Import users", chooses the file and clicks Import; the answer to the POST. */
async function importThroughModal(orgId: string, fileName: string, text: string) {
  await (await visible(button('Import users'))).click();
  const dialog = page.getByRole('dialog', { name: 'Import users' });
  await visible(dialog);
  const input = await visible(dialog.getByLabel('File (CSV or LDIF)'));
  await input.setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await visible(dialog.getByRole('checkbox', { name: 'Email each new user an invitation' }));
  const answer = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/users/import`);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  return { dialog, response: await answer };
}

// ---- the tests ---------------------------------------------------------------------

describe('importing and exporting users in the console', () => {
  it('DIR-5: an admin imports a CSV of 3 users in 2 groups through the "Import users" form and sees them in the table', async () => {
    const admin = await adminOnUsersPage('Ada Lovelace');
    const orgId = admin.organization.id as string;
    const { people, csv } = threeUsers();

    const { dialog, response } = await importThroughModal(orgId, 'people.csv', csv);
    expect(response.status()).toBe(200);
    expect(response.request().postDataJSON()).toMatchObject({ format: 'csv', data: csv });
    expect(await bodyOf(response)).toEqual({ created: 3, groupsCreated: 2, skipped: 0, passwordHashesKept: 0, passwordHashesIgnored: 0 });
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    await visible(page.getByRole('status').filter({ hasText: 'Imported 3 users and created 2 groups.' }));

    const users = page.getByTestId('users-table');
    for (const p of people) await visible(rowOf(users, p.email));
    expect(await users.locator('tbody tr').count()).toBe(4);
    const names = (await groupsByApi(admin)).map((g) => g.name).sort();
    expect(names).toEqual(['engineering', 'ops']);
    await shoot(page, 'console-users-imported');
  });

  it('DIR-5: a file with a bad row (an invalid email on line 3) is refused: "Line 3: …" is listed in the form and nobody is imported', async () => {
    const admin = await adminOnUsersPage('Alan Turing');
    const orgId = admin.organization.id as string;
    const csv = ['email,name,username,groups', `${uniqueEmail('ok')},Joan Clarke,joan,crypto`, 'not-an-email,Bad Row,badrow,crypto', `${uniqueEmail('ok')},Gordon Welchman,gordon,`].join('\n');

    const { dialog, response } = await importThroughModal(orgId, 'people.csv', csv);
    expect(response.status()).toBe(422);
    expect((await bodyOf(response)).code).toBe('directory.import_invalid');

    const alert = await visible(dialog.getByRole('alert'));
    expect(await alert.innerText()).toContain('Nothing was imported');
    const problems = dialog.getByTestId('import-problems');
    const items = problems.getByRole('listitem');
    await visible(items);
    expect(await items.count()).toBe(1);
    expect((await items.first().innerText()).trim()).toMatch(/^Line 3: .*not-an-email.*valid email/);
    await shoot(page, 'console-users-import-refused');

    // Nothing was imported: the admin is still alone, and no group was made.
    expect((await usersByApi(admin)).map((u) => u.email)).toEqual([admin.body.email]);
    expect(await groupsByApi(admin)).toEqual([]);

    // The form stays open, usable by keyboard: Escape closes it; the table did not change.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await page.getByTestId('users-table').locator('tbody tr').count()).toBe(1);
  });

  it('DIR-5: "Export CSV" downloads users.csv with the imported users and their groups', async () => {
    const admin = await adminOnUsersPage('Mary Jackson');
    const orgId = admin.organization.id as string;
    const { people, csv } = threeUsers();
    const { response } = await importThroughModal(orgId, 'people.csv', csv);
    expect(response.status()).toBe(200);
    await visible(rowOf(page.getByTestId('users-table'), people[2]!.email));

    const download = page.waitForEvent('download', { timeout: WAIT_MS });
    const exported = nextResponse(page, 'GET', `/api/v1/orgs/${orgId}/users/export`);
    await button('Export CSV').click();
    expect((await exported).status()).toBe(200);
    const file = await download;
    expect(file.suggestedFilename()).toBe('users.csv');
    const text = await downloadedText(file);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('email,name,username,groups');
    expect(lines).toContain(`${people[0]!.email},Grace Hopper,grace,engineering;ops`);
    expect(lines).toContain(`${people[1]!.email},Katherine Johnson,katherine,engineering`);
    expect(lines).toContain(`${people[2]!.email},Dorothy Vaughan,dorothy,ops`);
    expect(text).toContain(admin.body.email);
    expect(lines).toHaveLength(5);

    // LDIF too, under its own name.
    const ldif = page.waitForEvent('download', { timeout: WAIT_MS });
    await button('Export LDIF').click();
    const ldifFile = await ldif;
    expect(ldifFile.suggestedFilename()).toBe('users.ldif');
    expect(await downloadedText(ldifFile)).toContain(people[0]!.email);
  });
});
