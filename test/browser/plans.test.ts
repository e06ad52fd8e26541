/**
 * DIR-4 on a default install (no payment provider) in headless Chromium: the organization admin's
 * console offers no card form and says where to write to change plan; billing staff find the
 * organization by name on /staff/plans and set its plan, and the 11th user is then taken. Support
 * staff get no plans page.
 *
 * SQLite only: the pages do not depend on the database, and the API tests cover both.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/core/caller.ts';
import { staffMember, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { WAIT_MS, atPath, bodyOf, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite({ CASTELLAN_PAYMENT_PROVIDER: 'none', CASTELLAN_BILLING_ADDRESS: 'sales@operator.example', CASTELLAN_SITE_NAME: 'Operator Cloud' });
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

async function staffSignedIn(role: StaffRole) {
  const staff = await staffMember(suite.app, role);
  await signInOnPage(page, staff.email, staff.password, staff.secret ? staff.code : undefined);
  await atPath(page, '/staff');
}

describe('plans on a default install', () => {
  it('DIR-4, PRV-10: with no payment provider the console offers no card form and says where to write to change plan', async () => {
    const admin = await verifiedUser(suite.app, { companyName: 'Nocard Networks' });
    const cardRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/billing/card')) cardRequests.push(r.url());
    });
    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');
    const contact = await visible(page.getByTestId('billing-contact'));
    expect(await contact.innerText()).toContain('Operator Cloud does not take cards online');
    const mail = contact.getByRole('link', { name: 'sales@operator.example' });
    expect(await mail.getAttribute('href')).toMatch(/^mailto:sales@operator\.example\?subject=Plan%20for%20Nocard%20Networks/);
    expect(await contact.innerText()).toContain(admin.organization.id);
    expect(await page.getByLabel('Card number').count()).toBe(0);
    expect(await buttonOn(page, 'Add card').count()).toBe(0);
    expect(cardRequests).toEqual([]);
    await shoot(page, 'console-billing-contact');
  });

  it('DIR-4: billing staff find an organization by name on /staff/plans, give it a jumpstart trial, then the paid plan, and its 11th user is taken', async () => {
    const tag = `Quokka${Date.now().toString(36)}`;
    const admin = await verifiedUser(suite.app, { companyName: `${tag} Labs` });
    await verifiedUser(suite.app, { companyName: `${tag} Bakery` });
    const invite = (name: string) =>
      suite.app.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${admin.organization.id}/users`, headers: admin.auth, payload: { email: uniqueEmail(), name } });
    for (let i = 0; i < 9; i++) expect((await invite(`User ${i}`)).statusCode).toBe(201);
    expect((await invite('Eleventh')).json().code).toBe('directory.user_limit_reached');

    await staffSignedIn('billing');
    // No "not built yet": the billing role's page is linked from the staff home.
    expect(await page.getByText(/not built yet/i).count()).toBe(0);
    await (await visible(page.getByRole('link', { name: 'Plans', exact: true }))).click();
    await atPath(page, '/staff/plans');
    await visible(page.getByRole('heading', { name: 'Plans', exact: true }));

    await (await visible(fieldOn(page, 'Organization name or id'))).fill(tag.toLowerCase());
    const found = nextResponse(page, 'GET', '/api/v1/staff/orgs');
    await buttonOn(page, 'Search').click();
    expect((await found).status()).toBe(200);
    const rows = page.getByTestId('plan-orgs').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(2);
    const row = rows.filter({ hasText: `${tag} Labs` });
    expect(await row.innerText()).toMatch(/free[\s\S]*10 of 10/i);

    await row.getByRole('button', { name: `Change the plan of ${tag} Labs` }).click();
    const form = await visible(page.getByRole('form', { name: `Plan of ${tag} Labs` }));
    await form.getByLabel('New plan').selectOption('jumpstart');
    await visible(form.getByLabel('Trial ends on'));
    await shoot(page, 'staff-plans');
    const trial = nextResponse(page, 'PATCH', `/api/v1/staff/orgs/${admin.organization.id}/plan`);
    await buttonOn(page, 'Set plan').click();
    const trialBody = await bodyOf(await trial);
    expect(trialBody).toMatchObject({ plan: 'jumpstart' });
    expect(new Date(trialBody.planEndsAt).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    await visible(page.getByRole('status').filter({ hasText: `${tag} Labs is now on the jumpstart plan until` }));
    await expect.poll(() => row.innerText(), { timeout: WAIT_MS }).toMatch(/jumpstart/i);

    await row.getByRole('button', { name: `Change the plan of ${tag} Labs` }).click();
    await (await visible(page.getByRole('form', { name: `Plan of ${tag} Labs` }))).getByLabel('New plan').selectOption('paid');
    const paid = nextResponse(page, 'PATCH', `/api/v1/staff/orgs/${admin.organization.id}/plan`);
    await buttonOn(page, 'Set plan').click();
    expect((await paid).status()).toBe(200);
    await visible(page.getByRole('status').filter({ hasText: `${tag} Labs is now on the paid plan.` }));
    await expect.poll(() => row.innerText(), { timeout: WAIT_MS }).toMatch(/paid/i);
    await shoot(page, 'staff-plans-saved');

    expect((await invite('Eleventh')).statusCode).toBe(201);
    const audit = await suite.app.app.db.selectFrom('audit_log').select('action').where('org_id', '=', admin.organization.id).where('action', '=', 'billing.plan_changed').execute();
    expect(audit).toHaveLength(2);
  });

  it('DIR-4: support staff have no plans page and no link to one', async () => {
    await staffSignedIn('support');
    await visible(page.getByRole('link', { name: 'Support desk', exact: true }));
    expect(await page.getByRole('link', { name: 'Plans', exact: true }).count()).toBe(0);
    expect(await page.getByText(/not built yet/i).count()).toBe(0);
  });
});
