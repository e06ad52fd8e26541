/**
 * The privacy pages in headless Chromium against a Castellan on a real port: the public Shine the
 * Light form (DSR-7) names what a request lacks and sends the answer by mail; the public report of a
 * child's account (DSR-8); privacy staff work the request queue (DSR-4: due dates, overdue ones
 * marked), enter a request that came by telephone, extend one with reasons and answer it (DSR-5),
 * and confirm a report of a child's account.
 *
 * SQLite only: the pages do not depend on the database, and the API tests cover both.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { staffMember, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { WAIT_MS, atPath, browserSuite, buttonOn, fieldOn, latestMail, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

const field = (label: string) => fieldOn(page, label);
const button = (name: string) => buttonOn(page, name);

describe('the public privacy forms', () => {
  it('DSR-7: the Shine the Light form names what is missing, then sends the answer by mail', async () => {
    const email = uniqueEmail('stl-page');
    await page.goto(`${suite.app.url}/privacy/shine-the-light`);
    await visible(page.getByRole('heading', { name: 'Your California Privacy Rights' }));
    // The statement and the site name come filled in.
    await expect.poll(() => field('Site name').inputValue(), { timeout: WAIT_MS }).toBe('Castellan');
    expect(await field('Statement').inputValue()).toBe('Your California Privacy Rights');
    await field('Your name').fill('Rosa Díaz');
    await field('Email address').fill(email);
    await field('City').fill('San Francisco');
    const refused = nextResponse(page, 'POST', '/api/v1/privacy/requests');
    await button('Send the request').click();
    expect((await refused).status()).toBe(422);
    const lacks = await visible(page.getByRole('list', { name: 'What the request lacks' }));
    expect(await lacks.innerText()).toMatch(/street address[\s\S]*zip code/);
    await shoot(page, 'privacy-shine-the-light-missing');

    await field('Street address').fill('1 Market St');
    await field('Zip code').fill('94105');
    await button('Send the request').click();
    await visible(page.getByRole('heading', { name: 'Request received' }));
    expect(await page.getByRole('status').innerText()).toContain(`sent our answer to ${email}`);
    const answer = await latestMail(suite.app.smtp, email, 'Your California Privacy Rights: our answer');
    expect(answer.text).toContain('did not disclose your personal information');
  });

  it('DSR-8: anyone reports a child account without signing in', async () => {
    await page.goto(`${suite.app.url}/privacy/report-child`);
    await field("The account's email address").fill(uniqueEmail('child'));
    await field('Why you believe a child holds it').fill('Their profile says they are in sixth grade.');
    await button('Send the report').click();
    await visible(page.getByRole('heading', { name: 'Thank you' }));
    expect(await page.getByRole('status').innerText()).toMatch(/We received your report \(reference chr_/);
  });
});

describe('the privacy desk', () => {
  it('DSR-4, DSR-5, DSR-8: privacy staff see the queue by due date with overdue requests marked, enter, extend and answer requests, and confirm a child report', async () => {
    const db = suite.app.app.db;
    const late = uniqueEmail('late');
    const soon = uniqueEmail('soon');
    for (const [email, regime] of [[late, 'gdpr'], [soon, 'ccpa']] as const) {
      const res = await suite.app.app.http.inject({ method: 'POST', url: '/api/v1/privacy/requests', payload: { kind: 'access', regime, email } });
      expect(res.statusCode, res.body).toBe(201);
    }
    // One is past its due date (as if a month had gone by unanswered).
    await db.updateTable('privacy_requests').set({ due_at: '2026-01-01T06:59:59.999Z' }).where('email', '=', late).execute();
    const child = await verifiedUser(suite.app);
    expect((await suite.app.app.http.inject({ method: 'POST', url: '/api/v1/privacy/child-reports', payload: { accountEmail: child.body.email, details: 'Says they are twelve.' } })).statusCode).toBe(202);

    const staff = await staffMember(suite.app, 'privacy');
    await signInOnPage(page, staff.email, staff.password, staff.secret ? staff.code : undefined);
    await atPath(page, '/staff');
    await (await visible(page.getByRole('link', { name: 'Privacy requests', exact: true }))).click();
    await atPath(page, '/staff/privacy/requests');
    const rows = page.getByTestId('privacy-queue').locator('tbody tr');
    await visible(rows.filter({ hasText: late }));
    const order = await rows.allInnerTexts();
    const lateRow = order.findIndex((r) => r.includes(late));
    expect(lateRow).toBeLessThan(order.findIndex((r) => r.includes(soon)));
    expect(order[lateRow]).toMatch(/overdue/i);
    expect(await rows.filter({ hasText: late }).getAttribute('data-overdue')).toBe('true');
    await shoot(page, 'staff-privacy-queue');

    // A request that came by telephone.
    const phoned = uniqueEmail('phoned');
    await page.getByLabel('Came by').selectOption('phone');
    await page.getByLabel('Kind').selectOption('delete');
    await field("Requester's email address").fill(phoned);
    await field('What was asked').fill('Called to ask for deletion.');
    await button('Enter the request').click();
    await visible(page.getByRole('status').filter({ hasText: `Deletion for ${phoned}` }));
    await latestMail(suite.app.smtp, phoned, 'We received your privacy request');

    // Extend the CCPA one with reasons, then answer it.
    await rows.filter({ hasText: soon }).getByRole('link').click();
    await atPath(page, /^\/staff\/privacy\/requests\/dsr_/);
    await field('Reasons (sent to the requester)').fill('Your data spans three archived systems.');
    await button('Extend').click();
    await visible(page.getByRole('status').filter({ hasText: 'Extended' }));
    expect((await latestMail(suite.app.smtp, soon, 'Your privacy request needs more time')).text).toContain('three archived systems');
    await page.getByLabel('Outcome').selectOption('denied');
    await button('Record the answer').click();
    await visible(page.getByText('Give the reason for a denial.'));
    await field('Reason for the denial').fill('We hold no data about this address.');
    await button('Record the answer').click();
    await visible(page.getByRole('status').filter({ hasText: 'Answered' }));
    const log = await db.selectFrom('privacy_request_log').innerJoin('privacy_requests', 'privacy_requests.id', 'privacy_request_log.request_id').select(['privacy_request_log.outcome', 'privacy_request_log.denial_reason']).where('privacy_requests.email', '=', soon).executeTakeFirstOrThrow();
    expect(log).toEqual({ outcome: 'denied', denial_reason: 'We hold no data about this address.' });
    await shoot(page, 'staff-privacy-request');

    // The child report: confirmed from its page.
    await (await visible(page.getByRole('link', { name: 'Child-account reports', exact: true }))).click();
    await atPath(page, '/staff/privacy/child-reports');
    const report = page.getByTestId('child-reports').locator('tbody tr').filter({ hasText: child.body.email.toLowerCase() });
    await visible(report);
    await report.getByRole('button', { name: 'Confirm' }).click();
    await visible(report.getByText('Confirmed: erasure scheduled'));
  });
});
