import type { StaffRole } from '../../core/caller.ts';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { type TestApp, GOOD_PASSWORD, json, signup, startTestApp, uniqueEmail, verifiedUser, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { until } from '../../../test/helpers/process.ts';
import { type ReceivedMail, tokenFrom } from '../../../test/helpers/smtp.ts';
import { PIXEL_GIF } from './marketing.pages.ts';

type User = Awaited<ReturnType<typeof verifiedUser>>;
const DAY = 24 * 3600 * 1000;
const PUBLIC_URL = 'https://mail.castellan.test';
const CAMPAIGN = '/api/v1/staff/privacy/campaigns';

/** A header of the raw message as it crossed the wire, unfolded (RFC 5322 §2.2.3). */
function rawHeader(raw: string, name: string): string | undefined {
  const head = (raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n(?=[ \t])/g, '');
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
}

/** The one-click URL of a received marketing message, as a path and query to inject. */
function unsubscribeUrl(m: ReceivedMail): string {
  const header = rawHeader(m.raw, 'List-Unsubscribe');
  const url = /^<([^>]+)>$/.exec(header ?? '')?.[1];
  if (!url) throw new Error(`no List-Unsubscribe URL in: ${header}`);
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

describe.each(dialects)('marketing mail (PRV-7) on $name', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_PUBLIC_URL: PUBLIC_URL, CASTELLAN_SITE_NAME: 'Castellan Test' } });
  });
  afterEach(() => t.close());

  const clock = () => t.clock as ManualClock;

  async function staffAuth(role: string) {
    const staff = await staffMember(t, role as StaffRole);
    return { id: staff.id, auth: staff.auth };
  }

  async function choose(u: User, purpose: string, granted: boolean) {
    const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/consent', headers: u.auth, payload: { purpose, granted } });
    expect(res.statusCode, res.body).toBe(200);
  }

  const stateOf = async (userId: string, purpose: string) =>
    (await t.app.privacy.consent.state({ type: 'user', id: userId })).find((s) => s.purpose === purpose);

  async function campaign(auth: Record<string, string>, body: Record<string, unknown>) {
    return t.app.http.inject({ method: 'POST', url: CAMPAIGN, headers: auth, payload: { list: 'newsletter', ...body } });
  }

  const outbox = (subject: string) => t.app.db.selectFrom('mail_outbox').selectAll().where('subject', '=', subject).execute();

  /**
   * Sends everything due, waits until every message with `subject` is done with
   * (the background worker may hold some), and answers what each address received.
   */
  async function deliver(subject: string) {
    await until(async () => {
      await t.app.jobRunner.drain();
      return (await outbox(subject)).every((r) => r.status === 'sent' || r.status === 'suppressed');
    }, 10_000, `the "${subject}" messages to be sent`);
    return (email: string) => t.smtp.messages.filter((m) => m.to === email && m.subject === subject);
  }

  it('PRV-7: a campaign reaches only verified, active users who allow marketing email, with List-Unsubscribe and List-Unsubscribe-Post over real SMTP', async () => {
    const privacy = await staffAuth('privacy');
    const ada = await verifiedUser(t);
    const refuser = await verifiedUser(t);
    await choose(refuser, 'marketing_email', false);
    const unverified = await signup(t);

    const res = await campaign(privacy.auth, { subject: 'Spring news', text: 'Hello from the newsletter.' });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toMatchObject({ list: 'newsletter', subject: 'Spring news', recipients: 1, createdBy: privacy.id });

    const received = await deliver('Spring news');
    expect(received(refuser.body.email)).toEqual([]);
    expect(received(unverified.body.email)).toEqual([]);
    const [m] = received(ada.body.email);
    if (!m) throw new Error('the campaign did not arrive');
    expect(rawHeader(m.raw, 'List-Unsubscribe')).toMatch(/^<https:\/\/mail\.castellan\.test\/unsubscribe\?token=[A-Za-z0-9_-]{60,}>$/);
    expect(rawHeader(m.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // The same link is in the body, for people.
    const link = /^<(.+)>$/.exec(rawHeader(m.raw, 'List-Unsubscribe') as string)?.[1] as string;
    expect(m.text).toContain('Hello from the newsletter.');
    expect(m.text).toContain(`Unsubscribe with one click: ${link}`);
    expect((await simpleParser(m.raw)).html).toBe(false);

    const rows = await outbox('Spring news');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ category: 'marketing', list: 'newsletter', user_id: ada.user.accountId, status: 'sent' });
    const stored = await t.app.db.selectFrom('mail_campaigns').selectAll().execute();
    expect(stored).toEqual([expect.objectContaining({ id: json(res).id, list: 'newsletter', subject: 'Spring news', created_by: privacy.id, recipients: 1 })]);
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'privacy.campaign_sent').execute();
    expect(audit).toEqual([expect.objectContaining({ actor_type: 'staff', actor_id: privacy.id, target_id: json(res).id })]);
  });

  it('PRV-7: a cookie-less POST to the List-Unsubscribe URL unsubscribes at once; a GET only shows the page', async () => {
    const privacy = await staffAuth('privacy');
    const [form, multipart, empty] = [await verifiedUser(t), await verifiedUser(t), await verifiedUser(t)];
    expect(json(await campaign(privacy.auth, { subject: 'Issue 1', text: 'One.' })).recipients).toBe(3);
    const received = await deliver('Issue 1');
    const urlOf = (u: User) => unsubscribeUrl(received(u.body.email)[0] as ReceivedMail);

    // A link scanner's GET: the page with its button, and nothing recorded.
    const page = await t.app.http.inject({ method: 'GET', url: urlOf(form) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<form method="post">');
    expect(page.body).toContain('<button type="submit">Unsubscribe</button>');
    expect(page.body).toContain('newsletter');
    expect(await stateOf(form.user.accountId, 'marketing_email')).toMatchObject({ allowed: true, recorded: false });

    // RFC 8058 §3.2: the mail client's POST, with no cookie or session at all.
    const posted = await t.app.http.inject({
      method: 'POST',
      url: urlOf(form),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(posted.statusCode, posted.body).toBe(200);
    expect(posted.body).toContain('You are unsubscribed');
    expect(await stateOf(form.user.accountId, 'marketing_email')).toMatchObject({ allowed: false, recorded: true, source: 'email_link' });

    const noBoundary = await t.app.http.inject({ method: 'POST', url: urlOf(multipart), headers: { 'content-type': 'multipart/form-data' }, payload: 'List-Unsubscribe=One-Click' });
    expect(noBoundary.statusCode).toBe(400);
    expect(await stateOf(multipart.user.accountId, 'marketing_email')).toMatchObject({ allowed: true, recorded: false });
    const boundary = 'XyZ123';
    const mp = await t.app.http.inject({
      method: 'POST',
      url: urlOf(multipart),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(mp.statusCode, mp.body).toBe(200);
    expect(await stateOf(multipart.user.accountId, 'marketing_email')).toMatchObject({ allowed: false, source: 'email_link' });
    const bare = await t.app.http.inject({ method: 'POST', url: urlOf(empty) });
    expect(bare.statusCode, bare.body).toBe(200);
    expect(await stateOf(empty.user.accountId, 'marketing_email')).toMatchObject({ allowed: false, source: 'email_link' });

    // Again: still 200, and one event only (PRV-4 records changes). The page now says so.
    expect((await t.app.http.inject({ method: 'POST', url: urlOf(form), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })).statusCode).toBe(200);
    const events = await t.app.db.selectFrom('consent_events').selectAll().where('subject_id', '=', form.user.accountId).execute();
    expect(events).toEqual([expect.objectContaining({ purpose: 'marketing_email', granted: 0, source: 'email_link' })]);
    const after = await t.app.http.inject({ method: 'GET', url: urlOf(form) });
    expect(after.body).not.toContain('<form');

    // The next campaign reaches none of them.
    expect(json(await campaign(privacy.auth, { subject: 'Issue 2', text: 'Two.' })).recipients).toBe(0);
    // The token travels in the query string, which the logs leave out.
    const token = new URL(urlOf(form), PUBLIC_URL).searchParams.get('token') as string;
    expect(t.logs.some((l) => l.includes('"/unsubscribe"'))).toBe(true);
    expect(t.logs.join('\n')).not.toContain(token);
  });

  it('PRV-7: a forged, altered or expired link, or a pixel token, changes nothing', async () => {
    const privacy = await staffAuth('privacy');
    const ada = await verifiedUser(t);
    const bob = await verifiedUser(t);
    await campaign(privacy.auth, { subject: 'Forge me', text: 'x', html: '<p>x</p>' });
    const received = await deliver('Forge me');
    const m = received(ada.body.email)[0] as ReceivedMail;
    const url = new URL(unsubscribeUrl(m), PUBLIC_URL);
    const token = url.searchParams.get('token') as string;
    // The claims (JSON) and then 32 bytes of HMAC.
    const bytes = Buffer.from(token, 'base64url');
    const payload = bytes.subarray(0, -32);
    const mac = bytes.subarray(-32);
    const claims = JSON.parse(payload.toString('utf8')) as [string, string, number];
    expect(claims).toEqual([ada.user.accountId, 'newsletter', Math.floor(clock().now().getTime() / 1000)]);
    const flipped = Buffer.from(mac);
    flipped[0] = (flipped[0] as number) ^ 1;
    const pixel = tokenFrom((await simpleParser(m.raw)).html as string, '/mail/open');
    const forgeries = [
      Buffer.concat([Buffer.from(JSON.stringify([bob.user.accountId, claims[1], claims[2]])), mac]).toString('base64url'),
      Buffer.concat([Buffer.from(JSON.stringify([ada.user.accountId, claims[1], claims[2] + 400 * 24 * 3600])), mac]).toString('base64url'),
      Buffer.concat([payload, flipped]).toString('base64url'),
      payload.toString('base64url'),
      `${token}.${token}`,
      'not-a-token',
      pixel,
    ];
    for (const forged of forgeries) {
      const target = `/unsubscribe?token=${encodeURIComponent(forged)}`;
      const post = await t.app.http.inject({ method: 'POST', url: target, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      expect(post.statusCode, forged).toBe(422);
      expect(post.headers['content-type']).toContain('application/problem+json');
      expect(json(post).code).toBe('privacy.invalid_unsubscribe_link');
      expect(JSON.stringify(json(post))).not.toContain(forged);
      const get = await t.app.http.inject({ method: 'GET', url: target });
      expect(get.statusCode).toBe(422);
      expect(get.body).toContain('This link does not work');
    }
    for (const u of [ada, bob]) expect(await stateOf(u.user.id, 'marketing_email')).toMatchObject({ allowed: true, recorded: false });

    // A year and a day later the genuine link has expired.
    clock().advance(366 * DAY);
    const late = await t.app.http.inject({ method: 'POST', url: unsubscribeUrl(m) });
    expect(late.statusCode).toBe(422);
    expect(await stateOf(ada.user.accountId, 'marketing_email')).toMatchObject({ allowed: true, recorded: false });
  });

  it('PRV-7: the link still works 31 days after the mail was sent', async () => {
    const privacy = await staffAuth('owner');
    const ada = await verifiedUser(t);
    await campaign(privacy.auth, { subject: 'Old news', text: 'x' });
    const m = (await deliver('Old news'))(ada.body.email)[0] as ReceivedMail;
    clock().advance(31 * DAY);
    const res = await t.app.http.inject({ method: 'POST', url: unsubscribeUrl(m), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await stateOf(ada.user.accountId, 'marketing_email')).toMatchObject({ allowed: false, source: 'email_link' });
  });

  it('PRV-7: whoever opts out, or is suspended, after the campaign was queued gets nothing: the message is suppressed', async () => {
    const privacy = await staffAuth('privacy');
    const admin = await verifiedUser(t);
    const stays = await verifiedUser(t);
    const email = uniqueEmail('member');
    const member = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${admin.organization.id}/users`, headers: admin.auth, payload: { email, name: 'Grace Hopper' } }));
    const invitation = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    const accepted = json(await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: tokenFrom(invitation.text, '/invitations'), password: GOOD_PASSWORD } }));
    const memberAccount = (await t.app.accounts.factsByEmail(t.app.db, accepted.email))?.id ?? null;

    await t.app.jobRunner.stop();
    expect(json(await campaign(privacy.auth, { subject: 'Queued', text: 'x' })).recipients).toBe(3);
    await choose(admin, 'marketing_email', false);
    const suspended = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${admin.organization.id}/users/${member.id}/suspend`, headers: admin.auth });
    expect(suspended.statusCode, suspended.body).toBe(200);

    const received = await deliver('Queued');
    expect(received(admin.body.email)).toEqual([]);
    expect(received(email)).toEqual([]);
    expect(received(stays.body.email)).toHaveLength(1);
    const byUser = new Map((await outbox('Queued')).map((r) => [r.user_id, r]));
    expect(byUser.get(admin.user.accountId)).toMatchObject({ status: 'suppressed', body_enc: null });
    expect(byUser.get(memberAccount)).toMatchObject({ status: 'suppressed', body_enc: null });
    expect(byUser.get(stays.user.accountId)).toMatchObject({ status: 'sent' });
  });

  it('PRV-7: the open-tracking pixel goes only to recipients who allow analytics, and an open is kept only while they do', async () => {
    const privacy = await staffAuth('privacy');
    const tracked = await verifiedUser(t);
    const untracked = await verifiedUser(t);
    const later = await verifiedUser(t);
    await choose(untracked, 'analytics', false);
    const res = await campaign(privacy.auth, { subject: 'With HTML', text: 'Plain.', html: '<html><body><p>Rich.</p></body></html>' });
    const campaignId = json(res).id as string;
    const received = await deliver('With HTML');
    const htmlOf = async (u: User) => (await simpleParser((received(u.body.email)[0] as ReceivedMail).raw)).html as string;

    const withPixel = await htmlOf(tracked);
    expect(withPixel).toMatch(/<img src="https:\/\/mail\.castellan\.test\/mail\/open\?token=[A-Za-z0-9_.-]+" width="1" height="1" alt=""[^>]*><\/body><\/html>$/);
    const without = await htmlOf(untracked);
    expect(without).not.toContain('/mail/open');
    expect(without).not.toContain('<img');
    expect(without).toContain('https://mail.castellan.test/unsubscribe?token=');
    expect(without).toContain('<p>Rich.</p>');

    const opens = () => t.app.db.selectFrom('mail_opens').selectAll().orderBy('user_id').execute();
    const fetchPixel = (token: string) => t.app.http.inject({ method: 'GET', url: `/mail/open?token=${encodeURIComponent(token)}` });
    const pixel = await fetchPixel(tokenFrom(withPixel, '/mail/open'));
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    expect(pixel.rawPayload.equals(PIXEL_GIF)).toBe(true);
    await fetchPixel(tokenFrom(withPixel, '/mail/open'));
    expect(await opens()).toEqual([expect.objectContaining({ campaign_id: campaignId, user_id: tracked.user.accountId })]);

    // Refused after the mail arrived: the pixel still answers, and nothing is kept.
    const laterPixel = tokenFrom(await htmlOf(later), '/mail/open');
    await choose(later, 'analytics', false);
    expect((await fetchPixel(laterPixel)).rawPayload.equals(PIXEL_GIF)).toBe(true);
    const forged = await fetchPixel(`${laterPixel.slice(0, -43)}${'A'.repeat(43)}`);
    expect(forged.statusCode).toBe(200);
    expect(forged.headers['content-type']).toBe('image/gif');
    // An unsubscribe token is no pixel token.
    await fetchPixel(new URL(unsubscribeUrl(received(tracked.body.email)[0] as ReceivedMail), PUBLIC_URL).searchParams.get('token') as string);
    expect(await opens()).toHaveLength(1);
  });

  it('PRV-7: transactional mail still reaches someone who refused marketing email', async () => {
    const ada = await verifiedUser(t);
    await choose(ada, 'marketing_email', false);
    const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/password-resets', payload: { email: ada.body.email } });
    expect(res.statusCode).toBe(202);
    // The request only queues a job; the message exists once that job has run (on whichever runner took it).
    await until(async () => {
      await t.app.jobRunner.drain();
      return (await outbox('Reset your password')).length > 0;
    }, 10_000, 'the reset message to be queued');
    const [reset] = (await deliver('Reset your password'))(ada.body.email);
    expect(reset?.text).toContain('/reset-password?token=');
    expect(rawHeader(reset?.raw ?? '', 'List-Unsubscribe')).toBeUndefined();
    expect(await outbox('Reset your password')).toEqual([expect.objectContaining({ category: 'transactional', status: 'sent' })]);
  });

  it('PRV-7: only staff with the privacy or owner role send campaigns; support, billing and organization admins are refused and nothing is queued', async () => {
    const admin = await verifiedUser(t);
    for (const auth of [(await staffAuth('support')).auth, (await staffAuth('billing')).auth, admin.auth]) {
      const res = await campaign(auth, { subject: 'Not allowed', text: 'x' });
      expect(res.statusCode).toBe(403);
      expect(json(res).code).toBe('common.forbidden');
    }
    expect(await outbox('Not allowed')).toEqual([]);
    expect(await t.app.db.selectFrom('mail_campaigns').selectAll().execute()).toEqual([]);
    const bad = await campaign((await staffAuth('owner')).auth, { list: 'News Letter', subject: 'x', text: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).errors).toContainEqual(expect.objectContaining({ field: 'list' }));
    const ok = await campaign((await staffAuth('owner')).auth, { subject: 'Allowed', text: 'x' });
    expect(ok.statusCode).toBe(201);
    expect(json(ok).recipients).toBe(1);
  });
});
