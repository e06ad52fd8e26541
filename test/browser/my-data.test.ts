/**
 * DSR-1, DSR-2, DSR-5 in headless Chromium: the account's "My data" page. Each right asks for the
 * password again (the verification route, and the download link's own call), then: a copy of the data to download through a
 * single-use link (a ZIP whose data.json is the account's), a correction that waits for staff
 * review, and the deletion of the account with a certificate by mail.
 *
 * SQLite only: the API tests cover fulfilment on PostgreSQL.
 */
import type { Download, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { unzip } from '../../src/modules/rights/index.ts';
import { GOOD_PASSWORD, verifiedUser } from '../helpers/app.ts';
import { WAIT_MS, bodyOf, browserSuite, buttonOn, fieldOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

const region = (name: string) => page.getByRole('region', { name });
/** The page's next POST answer to a path ending in `suffix`. */
const answerTo = (suffix: string) => page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(suffix));

async function bytesOf(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('the account\'s "My data" page', () => {
  it('DSR-1, DSR-2: "Download my data" re-authenticates, then offers a single-use link to a ZIP of the account\'s data', async () => {
    const u = await verifiedUser(suite.app, { name: 'Dora Datawise' });
    await signInOnPage(page, u.body.email, GOOD_PASSWORD);
    await page.goto('/account');
    await (await visible(page.getByRole('link', { name: 'My data' }).first())).click();
    const section = region('Download my data');
    await (await visible(fieldOn(section, 'Your password, to confirm it is you'))).fill('not-the-password-1');
    const made = nextResponse(page, 'POST', '/api/v1/privacy/requests');
    const refused = answerTo('/verify');
    await buttonOn(page, 'Prepare my download').click();
    expect((await made).status()).toBe(201);
    expect([401, 403]).toContain((await refused).status());
    const said = await bodyOf(await refused);
    await visible(section.getByText(said.detail, { exact: false }));
    // The same request is verified on the second try: no second request is made.
    await fieldOn(section, 'Your password, to confirm it is you').fill(GOOD_PASSWORD);
    const verified = answerTo('/verify');
    const linked = answerTo('/archive-link');
    await buttonOn(page, 'Prepare my download').click();
    expect((await verified).status()).toBe(200);
    // DSR-2: the link is given only to the person: the page sends the password with that call too.
    expect((await linked).status()).toBe(201);
    expect((await linked).request().postDataJSON()).toEqual({ password: GOOD_PASSWORD });
    const link = await visible(section.getByRole('link', { name: 'Download my data (ZIP)' }));
    await shoot(page, 'my-data-download');
    const saved = page.waitForEvent('download', { timeout: WAIT_MS });
    await link.click();
    const files = unzip(await bytesOf(await saved));
    const data = JSON.parse(files.get('data.json')?.toString('utf8') as string);
    expect(data.modules.accounts.accounts).toEqual([expect.objectContaining({ id: u.accountId, name: 'Dora Datawise' })]);
    expect([...files.keys()]).toContain('csv/accounts/accounts.csv');
    const requests = await suite.app.app.db.selectFrom('privacy_requests').select(['id', 'state', 'outcome']).where('account_id', '=', u.accountId).where('kind', '=', 'access').execute();
    expect(requests).toEqual([expect.objectContaining({ state: 'completed', outcome: 'complied' })]);
    // The link was single-use.
    const again = await suite.app.app.http.inject({ method: 'GET', url: new URL(await link.getAttribute('href') as string).pathname + new URL(await link.getAttribute('href') as string).search });
    expect(again.statusCode).toBe(404);
  });

  it('DSR-1: "Ask for a correction" of the name waits for staff review after re-authentication', async () => {
    const u = await verifiedUser(suite.app, { name: 'Corrie Typo' });
    await signInOnPage(page, u.body.email, GOOD_PASSWORD);
    await page.goto('/account/data');
    const section = region('Ask for a correction');
    await (await visible(fieldOn(section, 'Your name should be'))).fill('Corrie Tipo');
    await fieldOn(section, 'Your password, to confirm it is you').fill(GOOD_PASSWORD);
    await buttonOn(page, 'Ask for the correction').click();
    await visible(section.getByRole('status').filter({ hasText: 'waits for review' }));
    const row = await suite.app.app.db
      .selectFrom('privacy_requests')
      .innerJoin('privacy_request_fulfilments', 'privacy_request_fulfilments.request_id', 'privacy_requests.id')
      .select(['privacy_requests.verification', 'privacy_request_fulfilments.status', 'privacy_request_fulfilments.correction_value'])
      .where('privacy_requests.account_id', '=', u.accountId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ verification: 'verified', status: 'awaiting_review', correction_value: 'Corrie Tipo' });
    expect((await suite.app.app.accounts.facts(suite.app.app.db, [u.accountId]))[0]?.name).toBe('Corrie Typo');
  });

  it('DSR-5: "Delete my account\'s data" warns, asks for the confirmation and the password, erases the account and mails the certificate', async () => {
    const u = await verifiedUser(suite.app, { name: 'Dieter Deleted' });
    await signInOnPage(page, u.body.email, GOOD_PASSWORD);
    await page.goto('/account/data');
    const section = region("Delete my account's data");
    await visible(section.getByRole('note').filter({ hasText: 'This cannot be undone' }));
    const button = buttonOn(page, "Delete my account's data");
    await fieldOn(section, 'Your password, to confirm it is you').fill(GOOD_PASSWORD);
    expect(await button.isDisabled()).toBe(true);
    await fieldOn(section, 'Type "delete my data" to confirm').fill('delete my data');
    await shoot(page, 'my-data-delete');
    await button.click();
    await visible(section.getByRole('status').filter({ hasText: 'are deleted' }));
    expect(await suite.app.app.accounts.facts(suite.app.app.db, [u.accountId])).toEqual([]);
    const mail = await suite.app.smtp.waitFor((m) => m.to === u.body.email && m.subject.startsWith('Your personal data was deleted'));
    expect(mail.text).toContain('/certificate?token=');
    expect(mail.text).toContain('SHA-256');
  });
});
