/**
 * The privacy center in Chromium (DSR-1, DSR-2, DSR-3): a person without an account makes a
 * request, opens the link mailed to them and verifies it with data points and the declaration; an
 * authorized agent makes one with the signed authorization uploaded.
 */
import { describe, expect, it } from 'vitest';
import { anonymousContext } from '../../src/core/context.ts';
import { uniqueEmail, verifiedUser } from '../helpers/app.ts';
import { WAIT_MS, browserSuite, latestMail, newPage, shoot, tokenFrom } from '../helpers/browser.ts';

const suite = browserSuite();
/** The smallest PNG: a scan of a signed authorization, as far as the content check can tell. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e2b6a90000000049454e44ae426082', 'hex');

/** An address Castellan knows only from an invitation: its data points are the name, the organization and who invited it. */
async function invitedPerson() {
  const t = suite.app;
  const admin = await verifiedUser(t);
  const email = uniqueEmail('invitee');
  const caller = await t.app.directory.callers.callerFor({ accountId: admin.accountId, sessionId: 'fixture', staffRole: null, emailVerified: true, mfa: false }, admin.organization.id);
  await t.app.directory.users.invite(anonymousContext('127.0.0.1', null), caller, admin.organization.id, { email, name: 'Grace Hopper' });
  return { email, organization: admin.organization.name as string, inviter: admin.body.email };
}

const requestOf = (email: string) => suite.app.app.db.selectFrom('privacy_requests').select(['id', 'verification', 'verification_method']).where('email_normalized', '=', email).executeTakeFirstOrThrow();

describe('the privacy center in the browser', () => {
  it('DSR-1, DSR-2: a person without an account makes a request, opens the mailed link and verifies it with 3 data points and the signed declaration', async () => {
    const person = await invitedPerson();
    const { context, page, problems } = await newPage(suite.browser, suite.app.url);
    try {
      await page.goto('/privacy/requests/new');
      await page.getByRole('heading', { name: 'Make a privacy request' }).waitFor({ timeout: WAIT_MS });
      await page.getByLabel('Your email address').fill(person.email);
      await shoot(page, 'privacy-request-new');
      await page.getByRole('button', { name: 'Send the request' }).click();
      await page.getByRole('heading', { name: 'We received your request' }).waitFor({ timeout: WAIT_MS });
      const { id } = await requestOf(person.email);
      expect(await page.getByRole('status').textContent()).toContain(id);

      const mail = await latestMail(suite.app.smtp, person.email, 'We received your privacy request');
      const token = tokenFrom(mail.text, `/privacy/requests/${id}`);
      expect(mail.text).toContain(`${suite.app.url}/privacy/requests/${id}?token=${token}`);
      await page.goto(`/privacy/requests/${id}?token=${token}`);
      await page.getByRole('heading', { name: 'Verify your request' }).waitFor({ timeout: WAIT_MS });
      expect(await page.getByRole('table', { name: 'History' }).textContent()).toContain('acknowledged');

      // Blank answers are not sent: the page asks for enough of them first, and nothing is counted.
      let sent = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/verify')) sent++;
      });
      await page.getByLabel('Your name, as an organization knows you').fill('   ');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText(/Fill in at least \d of these/).waitFor({ timeout: WAIT_MS });
      expect(sent).toBe(0);

      // One wrong answer first: refused, with the attempts left.
      await page.getByLabel('Your name, as an organization knows you').fill('Someone Else');
      await page.getByLabel('An organization that invited you').fill(person.organization);
      await page.getByLabel('Who invited you').fill(person.inviter);
      await page.getByLabel('Your full name, as your signature').fill('Grace Hopper');
      await page.getByLabel('I agree to this declaration').check();
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText('4 attempts left.').waitFor({ timeout: WAIT_MS });
      expect((await requestOf(person.email)).verification).toBe('pending');

      await page.getByLabel('Your name, as an organization knows you').fill('Grace Hopper');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText('Verification: Verified').waitFor({ timeout: WAIT_MS });
      expect(await requestOf(person.email)).toMatchObject({ verification: 'verified', verification_method: 'email_and_data_points' });
      await shoot(page, 'privacy-request-verified');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('DSR-3: an authorized agent makes a request with the signed authorization uploaded, and the subject is asked to confirm it', async () => {
    const subject = uniqueEmail('subject');
    const agentEmail = uniqueEmail('agent');
    const { context, page, problems } = await newPage(suite.browser, suite.app.url);
    try {
      await page.goto('/privacy/requests/new');
      await page.getByLabel('I am an authorized agent making this request for someone else').check();
      await page.getByLabel('The email address of the person you act for').fill(subject);
      await page.getByLabel('Your name').fill('Ada Agent');
      await page.getByLabel('Your email address').fill(agentEmail);
      await page.getByLabel(/The authorization the person signed/).setInputFiles({ name: 'signed.png', mimeType: 'image/png', buffer: PNG });
      await page.getByText('signed.png').waitFor({ timeout: WAIT_MS });
      await page.getByRole('button', { name: 'Send the request' }).click();
      await page.getByRole('heading', { name: 'We received your request' }).waitFor({ timeout: WAIT_MS });
      const { id } = await requestOf(subject);
      const stored = await suite.app.app.db.selectFrom('privacy_request_agents').select(['name', 'content_type', 'size']).where('request_id', '=', id).executeTakeFirstOrThrow();
      expect(stored).toEqual({ name: 'Ada Agent', content_type: 'image/png', size: PNG.length });
      await latestMail(suite.app.smtp, agentEmail, 'as an agent');
      const mail = await latestMail(suite.app.smtp, subject, 'We received your privacy request');
      expect(mail.text).toContain('Ada Agent');
      await page.goto(`/privacy/requests/${id}?token=${tokenFrom(mail.text, `/privacy/requests/${id}`)}`);
      await page.getByRole('button', { name: 'Confirm' }).waitFor({ timeout: WAIT_MS });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
