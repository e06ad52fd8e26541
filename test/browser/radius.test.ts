/**
 * PRO-3 in headless Chromium: an admin makes a network in the console with its RADIUS clients and
 * copies its one-time shared secret; on the network's page they edit the clients, rotate the secret
 * (shown once), and see the accounting sessions a NAS sends with it.
 *
 * SQLite only: the protocol tests cover both databases.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { Attr, Code, attr, decode, encodeRequest, intAttr } from '../../src/protocols/radius/packet.ts';
import { udpClient } from '../../src/protocols/radius/udp-client.ts';
import { verifiedUser } from '../helpers/app.ts';
import { atPath, bodyOf, browserSuite, buttonOn, nextResponse, shoot, signInOnPage, visible, watchPages } from '../helpers/browser.ts';

const suite = browserSuite();
const pages = watchPages();
let page: Page;

beforeEach(async () => {
  page = (await pages.open(suite.browser, suite.app.url)).page;
});

describe('RADIUS networks in the browser', () => {
  it('PRO-3: an admin makes a network with its clients, copies its shared secret once, edits the clients, rotates the secret and sees accounting', async () => {
    const t = suite.app;
    const admin = await verifiedUser(t, { companyName: 'Harbor Wi-Fi' });
    const orgId = admin.organization.id as string;
    await signInOnPage(page, admin.body.email, admin.body.password);
    await atPath(page, '/console');
    await page.goto('/console/resources');
    const form = page.getByRole('form', { name: 'Add a resource' });
    await (await visible(form.getByLabel('Kind'))).selectOption('network');
    await form.getByLabel('Resource name').fill('Office Wi-Fi');
    await (await visible(form.getByLabel('RADIUS clients'))).fill('127.0.0.1\n10.0.0.0/24');
    const created = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/resources`);
    await buttonOn(page, 'Add resource').click();
    const answer = await created;
    expect(answer.status()).toBe(201);
    const network = (await bodyOf(answer)) as { id: string; sharedSecret: string; settings: Record<string, unknown> };
    expect(network.settings).toEqual({ clients: ['127.0.0.1', '10.0.0.0/24'] });
    const box = await visible(page.getByTestId('shared-secret'));
    expect(await box.getByTestId('shared-secret-value').textContent()).toBe(network.sharedSecret);
    await shoot(page, 'radius-shared-secret');

    await page.goto(`/console/resources/${network.id}`);
    const clients = page.getByRole('form', { name: 'RADIUS clients of Office Wi-Fi' });
    const field = await visible(clients.getByLabel('RADIUS clients'));
    expect(await field.inputValue()).toBe('127.0.0.1\n10.0.0.0/24');
    await field.fill('127.0.0.1\n2001:db8::/32');
    const saved = nextResponse(page, 'PATCH', `/api/v1/orgs/${orgId}/resources/${network.id}`);
    await buttonOn(page, 'Save clients').click();
    expect((await saved).status()).toBe(200);
    await visible(clients.getByText('Saved.'));

    const rotated = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/resources/${network.id}/shared-secret`);
    await buttonOn(page, 'Rotate the shared secret').click();
    // It asks first: the old secret stops working.
    await (await visible(page.getByRole('dialog').getByRole('button', { name: 'Rotate the shared secret' }))).click();
    const secret = ((await bodyOf(await rotated)) as { sharedSecret: string }).sharedSecret;
    expect(secret).not.toBe(network.sharedSecret);
    expect(await (await visible(page.getByTestId('shared-secret-value'))).textContent()).toBe(secret);

    // A NAS sends an accounting Start with the new secret; the page lists it once refreshed.
    const acctPort = t.app.radiusServer?.address().acctPort as number;
    const nas = await udpClient();
    try {
      const start = encodeRequest(Code.accountingRequest, 1, Buffer.alloc(16), [attr(Attr.userName, 'grace'), intAttr(Attr.acctStatusType, 1), attr(Attr.acctSessionId, 'wifi-0001'), attr(Attr.callingStationId, '02-00-00-00-00-07')], Buffer.from(secret));
      const reply = await nas.exchange(start, acctPort, 3000);
      expect(reply && decode(reply).code).toBe(Code.accountingResponse);
    } finally {
      await nas.close();
    }
    await buttonOn(page, 'Refresh').click();
    const sessions = await visible(page.getByTestId('radius-sessions'));
    await visible(sessions.getByText('02-00-00-00-00-07'));
    await visible(sessions.getByText('grace'));
    await shoot(page, 'radius-network');
  });
});
