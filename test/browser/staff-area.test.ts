/**
 * The staff area in headless Chromium: one navigation lists exactly the staff pages the role may
 * use (PRV-8, PRV-9, DIR-4, SUP-1..SUP-7); a page the role cannot use stays at its address and says
 * so beside that navigation; an owner picks a jumpstart organization's specialist by name (SUP-2).
 *
 * SQLite only: the pages do not depend on the database, and the API tests cover both.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/core/caller.ts';
import { staffMember, verifiedUser } from '../helpers/app.ts';
import { WAIT_MS, atPath, browserSuite, buttonOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

async function staffSignedIn(role: StaffRole, name?: string) {
  const staff = await staffMember(suite.app, role, name ? { name } : {});
  await signInOnPage(page, staff.email, staff.password, staff.secret ? staff.code : undefined);
  await atPath(page, '/staff');
  return staff;
}

const navLinks = async () => {
  const nav = await visible(page.getByRole('navigation', { name: 'Staff' }));
  return nav.getByRole('link').allInnerTexts();
};

describe('the staff area', () => {
  it('DIR-4, PRV-9: billing staff see exactly their pages in the staff navigation, and the ledger says their role cannot use it', async () => {
    await staffSignedIn('billing');
    await expect.poll(navLinks, { timeout: WAIT_MS }).toEqual(['Staff home', 'Plans', 'Account']);
    await shoot(page, 'staff-nav');
    await page.goto('/staff/privacy/disclosures');
    const panel = await visible(page.getByTestId('role-forbidden'));
    expect(await panel.innerText()).toMatch(/Your role \(billing\) cannot use this page\. It is for staff with the owner, privacy roles\./);
    await atPath(page, '/staff/privacy/disclosures');
    // The navigation stays beside the panel, and leads on.
    expect(await navLinks()).toEqual(['Staff home', 'Plans', 'Account']);
    await shoot(page, 'staff-forbidden');
    await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Plans', exact: true }).click();
    await atPath(page, '/staff/plans');
    await visible(page.getByRole('heading', { name: 'Plans', exact: true }));
  });

  it('SUP-1, SUP-4, SUP-7, DIR-4: support staff see the desk, support settings and knowledge base; the plans page says their role cannot use it', async () => {
    await staffSignedIn('support');
    await expect.poll(navLinks, { timeout: WAIT_MS }).toEqual(['Staff home', 'Support desk', 'Support settings', 'Knowledge base', 'Account']);
    await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Support settings', exact: true }).click();
    await atPath(page, '/staff/support/settings');
    await visible(page.getByRole('heading', { name: 'Support settings', exact: true }));
    await page.goto('/staff/plans');
    await visible(page.getByTestId('role-forbidden').getByText('Your role (support) cannot use this page. It is for staff with the owner, billing roles.'));
    await atPath(page, '/staff/plans');
    expect(await page.getByRole('button', { name: 'Search' }).count()).toBe(0);
  });

  it('SUP-2: an owner picks a jumpstart organization and its specialist by name, not by id', async () => {
    const tag = `Wombat${Date.now().toString(36)}`;
    const customer = await verifiedUser(suite.app, { companyName: `${tag} Freight` });
    const specialist = await staffMember(suite.app, 'support', { name: `${tag} Specialist` });
    await staffMember(suite.app, 'billing', { name: `${tag} Biller` });
    await staffSignedIn('owner');
    await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Support settings', exact: true }).click();
    await atPath(page, '/staff/support/settings');

    const orgs = nextResponse(page, 'GET', '/api/v1/staff/orgs');
    await (await visible(page.getByRole('textbox', { name: 'Organization' }))).fill(`${tag.toLowerCase()} fr`);
    expect((await orgs).status()).toBe(200);
    await (await visible(page.getByRole('option', { name: new RegExp(`${tag} Freight`) }))).click();

    const members = nextResponse(page, 'GET', '/api/v1/staff/members');
    await page.getByRole('textbox', { name: 'Specialist' }).fill(tag.toLowerCase());
    expect((await members).status()).toBe(200);
    await visible(page.getByRole('option', { name: new RegExp(`${tag} Specialist`) }));
    // Billing staff cannot be specialists: they are not offered.
    expect(await page.getByRole('option', { name: new RegExp(`${tag} Biller`) }).count()).toBe(0);
    await page.getByRole('option', { name: new RegExp(`${tag} Specialist`) }).click();

    const put = nextResponse(page, 'PUT', `/api/v1/staff/support/orgs/${customer.organization.id}/specialist`);
    await buttonOn(page, 'Assign specialist').click();
    const res = await put;
    expect(res.status()).toBe(200);
    expect((await res.json()).staffId).toBe(specialist.id);
    await visible(page.getByRole('status').getByText(`${tag} Specialist is now the dedicated specialist of ${tag} Freight`));
    await shoot(page, 'staff-specialist-picker');
  });
});
