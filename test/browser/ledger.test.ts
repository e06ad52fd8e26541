/**
 * The disclosure ledger page (PRV-9) in headless Chromium against a Castellan on
 * a real port whose mail goes over SMTP to a configured third-party provider: a
 * privacy staff member finds the ledger from the staff home, sees the provider's
 * disclosure of a sign-up's verification mail and a partner's direct-marketing
 * disclosure, records a disclosure on legal request (with the form's checks),
 * and filters the ledger. Support staff get no ledger.
 *
 * SQLite only: the page does not depend on the database, and the API tests cover
 * the ledger on PostgreSQL.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { DATA_CATEGORIES } from '../../src/modules/privacy/index.ts';
import type { StaffRole } from '../../src/core/caller.ts';
import { verifiedUser, staffMember } from '../helpers/app.ts';
import { WAIT_MS, atPath, bodyOf, browserSuite, buttonOn, descriptionOf, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const URL = '/api/v1/staff/privacy/disclosures';

const suite = browserSuite({ CASTELLAN_MAIL_PROVIDER_NAME: 'Relay Mail Inc.', CASTELLAN_MAIL_PROVIDER_ADDRESS: '100 Harbor Way, Oakland, CA 94607' });
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

const field = (label: string) => fieldOn(page, label);
const button = (name: string) => buttonOn(page, name);
const rows = () => page.getByTestId('disclosures-table').locator('tbody tr');

async function staffSignedIn(role: StaffRole) {
  const staff = await staffMember(suite.app, role);
  await signInOnPage(page, staff.email, staff.password, staff.secret ? staff.code : undefined);
  await atPath(page, '/staff');
}

async function applyFilters() {
  const listed = nextResponse(page, 'GET', URL);
  await button('Apply filters').click();
  expect((await listed).status()).toBe(200);
}

describe('the disclosure ledger page', () => {
  it('PRV-9: privacy staff browse and filter the ledger and record a disclosure on legal request', async () => {
    const member = await verifiedUser(suite.app);
    // The worker records the provider's disclosure just after the SMTP server took the verification mail.
    await expect
      .poll(async () => (await suite.app.app.db.selectFrom('disclosures').select('id').where('subject_email', '=', member.body.email.toLowerCase()).execute()).length, { timeout: WAIT_MS })
      .toBeGreaterThan(0);
    await suite.app.app.privacy.disclosures.record(suite.app.app.db, {
      kind: 'partner',
      recipientName: 'Brightside Offers Co.',
      recipientAddress: '9 Sunset Blvd, Los Angeles, CA 90028',
      categories: ['identifiers', 'contact'],
      purpose: 'partner offers',
      directMarketing: true,
      subject: { type: 'user', id: member.user.id },
    });

    await staffSignedIn('privacy');
    await (await visible(page.getByRole('link', { name: 'Disclosure ledger', exact: true }))).click();
    await atPath(page, '/staff/privacy/disclosures');
    await visible(page.getByRole('heading', { name: 'Disclosure ledger', exact: true }));
    await visible(rows().filter({ hasText: 'Brightside Offers Co.' }));
    expect(await rows().filter({ hasText: member.body.email.toLowerCase() }).innerText()).toMatch(/Relay Mail Inc\.[\s\S]*Service provider[\s\S]*message content[\s\S]*email delivery/i);
    await shoot(page, 'staff-ledger');

    // The form's own check, then the server's: a subject is needed.
    await (await visible(field("Recipient's name"))).fill('Alameda County Sheriff');
    await field('Reference').fill('Subpoena 2026-CR-0042');
    await field("Recipient's postal address").fill('1401 Lakeside Dr\nOakland, CA 94612');
    await field('Purpose of the disclosure').fill('response to a subpoena');
    await button('Record disclosure').click();
    await visible(page.getByText('Choose at least one category of data.'));
    await page.getByLabel(DATA_CATEGORIES.identifiers).check();
    await page.getByLabel(DATA_CATEGORIES.internet_activity).check();
    const refused = nextResponse(page, 'POST', URL);
    await button('Record disclosure').click();
    expect((await bodyOf(await refused)).code).toBe('privacy.invalid_disclosure');
    const email = field("Subject's email address");
    await expect.poll(() => email.getAttribute('aria-invalid'), { timeout: WAIT_MS }).toBe('true');
    expect(await descriptionOf(page, email)).toContain('Name whose data was disclosed');

    await email.fill('suspect@example.com');
    const recorded = nextResponse(page, 'POST', URL);
    await button('Record disclosure').click();
    expect((await recorded).status()).toBe(201);
    await visible(page.getByRole('status').filter({ hasText: 'The disclosure to Alameda County Sheriff (Subpoena 2026-CR-0042) was recorded.' }));
    const legal = await visible(rows().filter({ hasText: 'Subpoena 2026-CR-0042' }));
    expect(await legal.innerText()).toMatch(/Alameda County Sheriff[\s\S]*Legal request[\s\S]*identifiers[\s\S]*internet activity[\s\S]*suspect@example\.com/i);
    expect(await field("Recipient's name").inputValue()).toBe('');

    // Filters: direct marketing only, then a recipient's name, then a subject.
    await page.getByLabel('Direct marketing').selectOption('yes');
    await applyFilters();
    await expect.poll(() => rows().count(), { timeout: WAIT_MS }).toBe(1);
    await visible(rows().filter({ hasText: 'Brightside Offers Co.' }));
    await page.getByLabel('Direct marketing').selectOption('');
    await page.getByPlaceholder('Part of the name').fill('sheriff');
    await applyFilters();
    await expect.poll(() => rows().count(), { timeout: WAIT_MS }).toBe(1);
    await visible(rows().filter({ hasText: 'Subpoena 2026-CR-0042' }));
    await page.getByPlaceholder('Part of the name').fill('');
    await page.getByPlaceholder('Account id or email').fill(member.user.id);
    await applyFilters();
    await expect.poll(() => rows().count(), { timeout: WAIT_MS }).toBe(1);
    await visible(rows().filter({ hasText: 'Brightside Offers Co.' }));
    await page.getByPlaceholder('Account id or email').fill('nobody@example.com');
    await applyFilters();
    await visible(page.getByRole('status').filter({ hasText: 'No disclosures match these filters.' }));
  });

  it('PRV-9: support staff are offered no ledger, and its address says their role cannot use it', async () => {
    await staffSignedIn('support');
    await visible(page.getByRole('link', { name: 'Support desk', exact: true }));
    expect(await page.getByRole('link', { name: 'Disclosure ledger', exact: true }).count()).toBe(0);
    await page.goto('/staff/privacy/disclosures');
    await visible(page.getByTestId('role-forbidden').getByText('Your role (support) cannot use this page'));
    await atPath(page, '/staff/privacy/disclosures');
  });
});
