/**
 * Issue 13 item 15, SEC-1: an audit log people can read. The admin sees who did what to what by
 * name (the id on hover, a link to the object), filters by action prefix and by actor, and saves
 * the filtered log as CSV; the table fits a 1280 px screen.
 *
 * SQLite only: the page does not depend on the database; the route tests cover both.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, staffMember, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { type BrowserApp, DESKTOP, atPath, buttonOn, downloadedText, fieldOn, launchBrowser, nextResponse, requireWebBuild, shoot, sqliteDialect, startBrowserApp, visible, watchPages } from '../helpers/browser.ts';

let browser: Browser;
let t: BrowserApp;

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

async function signIn(p: Page, email: string, password: string) {
  await p.goto('/sign-in');
  await (await visible(fieldOn(p, 'Email'))).fill(email);
  await fieldOn(p, 'Password').fill(password);
  const answer = nextResponse(p, 'POST', '/api/v1/sessions');
  await buttonOn(p, 'Sign in').click();
  expect((await answer).status()).toBe(201);
}

describe('item 15: an audit log people can read', () => {
  it('SEC-1: names with ids on hover and links, action-prefix and actor filters, CSV of the filtered log, fits 1280 px', async () => {
    const page = (await pages.open(browser, t.url, { acceptDownloads: true })).page;
    await page.setViewportSize({ ...DESKTOP });
    const admin = await verifiedUser(t, { email: uniqueEmail('auditor'), name: 'Ada Auditor' });
    const base = `/api/v1/orgs/${admin.organization.id}`;
    const group = await t.app.http.inject({ method: 'POST', url: `${base}/groups`, headers: admin.auth, payload: { name: 'Night operations' } });
    expect(group.statusCode).toBe(201);
    const groupId = json(group).id as string;

    await signIn(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');
    await page.goto('/console/audit');
    const table = await visible(page.getByTestId('audit-table'));
    const link = await visible(table.getByRole('link', { name: 'Night operations' }));
    expect(await link.getAttribute('href')).toBe(`/console/groups/${groupId}`);
    expect(await table.locator(`[title="group ${groupId}"]`).count()).toBeGreaterThan(0);

    // Nothing in the table is cut off at 1280 px: it fits the box it scrolls in.
    const fits = await page.evaluate(`(() => {
      const el = document.querySelector('[data-testid="audit-table"]');
      return el ? el.getBoundingClientRect().right <= document.documentElement.clientWidth + 1 : false;
    })()`);
    expect(fits).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);

    // Action prefix.
    await fieldOn(page, 'Action').fill('directory.');
    let answer = nextResponse(page, 'GET', `${base}/audit`);
    await buttonOn(page, 'Apply filters').click();
    expect(new URL((await answer).url()).searchParams.get('action')).toBe('directory.');
    const actions = async () => (await table.locator('tbody tr td:nth-child(2)').allInnerTexts()).map((s) => s.trim());
    await expect.poll(async () => { const a = await actions(); return a.length > 0 && a.every((x) => x.startsWith('directory.')); }, { timeout: 15_000 }).toBe(true);
    await shoot(page, 'audit-log');

    // Actor: the admin, as the log names them.
    await fieldOn(page, 'Actor').first().click();
    await (await visible(page.getByRole('option', { name: /Ada Auditor/ }))).click();
    answer = nextResponse(page, 'GET', `${base}/audit`);
    await buttonOn(page, 'Apply filters').click();
    expect(new URL((await answer).url()).searchParams.get('actorId')).toMatch(/^acc_/);
    await expect.poll(actions, { timeout: 15_000 }).toContain('directory.group_created');

    // CSV of what is shown.
    const download = page.waitForEvent('download');
    await buttonOn(page, 'Export CSV').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('audit.csv');
    const text = await downloadedText(file);
    const rows = text.trim().split('\r\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.split(',')[2]?.startsWith('directory.'))).toBe(true);
    expect(text).toContain('Night operations');
  });

  it('SEC-1: staff with the privacy role read the whole log by name at /staff/audit, filtered by organization', async () => {
    const page = (await pages.open(browser, t.url)).page;
    await page.setViewportSize({ ...DESKTOP });
    const admin = await verifiedUser(t, { email: uniqueEmail('org'), name: 'Olga Org' });
    const group = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${admin.organization.id}/groups`, headers: admin.auth, payload: { name: 'Staff sees this' } });
    expect(group.statusCode).toBe(201);
    const privacy = await staffMember(t, 'privacy', { name: 'Priya Privacy' });

    await page.goto('/sign-in');
    await (await visible(fieldOn(page, 'Email'))).fill(privacy.email);
    await fieldOn(page, 'Password').fill(privacy.password);
    await buttonOn(page, 'Sign in').click();
    const code = await visible(fieldOn(page, 'Authentication code'));
    await code.fill(privacy.code());
    const answer = nextResponse(page, 'POST', '/api/v1/sessions');
    await buttonOn(page, 'Verify').click();
    expect((await answer).status()).toBe(201);
    await atPath(page, (p) => p.startsWith('/staff'));
    await page.goto('/staff/audit');
    await fieldOn(page, 'Organization').fill(admin.organization.id);
    await fieldOn(page, 'Action').fill('directory.');
    const listed = nextResponse(page, 'GET', '/api/v1/staff/audit');
    await buttonOn(page, 'Apply filters').click();
    const url = new URL((await listed).url());
    expect(url.searchParams.get('orgId')).toBe(admin.organization.id);
    const table = page.getByTestId('audit-table');
    await visible(table.getByText('Staff sees this'));
    await visible(table.getByText('Olga Org'));
    await shoot(page, 'audit-log-staff');
  });
});
