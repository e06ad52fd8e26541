import type { StaffRole } from '../../core/caller.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { type TestApp, GOOD_PASSWORD, json, signIn, signup, startTestApp, uniqueEmail, verifiedUser, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Auth = Record<string, string>;
const DAY = 86_400_000;
const PUBLISH = '/api/v1/staff/privacy/policies';

const V1 = '# Privacy policy\n\nWe keep your name and email.\n\nWe never sell your data.\n';
const V2 = '# Privacy policy\n\nWe keep your name, email and phone number.\n\nWe never sell your data.\n\n## Partners\n\nWe share usage data with partners you allow.\n';

describe.each(dialects)('privacy policy versions on $name', (dialect) => {
  let t: TestApp;
  // Policy versions are the operator's, shared by everyone: each test starts on an empty database (without the starter policy).
  beforeEach(async () => {
    t = await startTestApp(dialect, { starterPolicy: false });
  });
  afterEach(() => t.close());

  const clock = () => t.clock as ManualClock;
  const inDays = (days: number) => new Date(t.clock.now().getTime() + days * DAY).toISOString();
  const call = (method: 'GET' | 'POST', url: string, auth: Auth = {}, payload?: object) =>
    t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

  async function staff(role: string): Promise<Auth> {
    return (await staffMember(t, role as StaffRole)).auth;
  }

  async function publish(auth: Auth, body: Record<string, unknown>) {
    const res = await call('POST', PUBLISH, auth, { title: 'Privacy policy', markdown: V1, material: false, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }

  /** A member of `admin`'s organization who accepted the invitation: verified, with a password. */
  async function member(admin: Awaited<ReturnType<typeof verifiedUser>>) {
    const email = uniqueEmail('member');
    const created = json(await call('POST', `/api/v1/orgs/${admin.organization.id}/users`, admin.auth, { email, name: 'Grace Hopper' }));
    const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    await call('POST', '/api/v1/invitations/accept', {}, { token: tokenFrom(mail.text, '/invitations'), password: GOOD_PASSWORD });
    const accountId = (await t.app.accounts.factsByEmail(t.app.db, email))?.id as string;
    return { id: created.id as string, email, accountId };
  }

  const bearer = async (email: string) => ({ authorization: `Bearer ${(await signIn(t, email, GOOD_PASSWORD)).token}` });
  const acknowledgements = async (auth: Auth) => json(await call('GET', '/api/v1/privacy/acknowledgements', auth)).items;
  const notice = async (auth: Auth) => json(await call('GET', '/api/v1/privacy/notice', auth)).notice;

  it('PRV-8: privacy and owner staff publish versions, audited; support staff and org admins are refused and nothing is published', async () => {
    const privacy = await staff('privacy');
    const owner = await staff('owner');
    const admin = await verifiedUser(t);
    for (const auth of [await staff('support'), await staff('billing'), admin.auth]) {
      const res = await call('POST', PUBLISH, auth, { title: 'Mine', markdown: V1, material: false });
      expect(res.statusCode).toBe(403);
      expect(json(res).code).toBe('common.forbidden');
    }
    expect((await call('POST', PUBLISH, {}, { title: 'Mine', markdown: V1, material: false })).statusCode).toBe(401);
    expect(json(await call('GET', '/api/v1/privacy/policies')).items).toEqual([]);

    const v1 = await publish(privacy, { title: 'Our privacy policy' });
    expect(v1).toMatchObject({ version: 1, title: 'Our privacy policy', markdown: V1.trim(), material: false, summary: null, status: 'in_force', supersededAt: null, emailed: 0 });
    expect(v1.effectiveAt).toBe(t.clock.now().toISOString());
    expect((await publish(owner, { markdown: V2 })).version).toBe(2);

    const audit = json(await call('GET', '/api/v1/staff/audit?action=privacy.policy_published', privacy)).items;
    expect(audit.map((e: { target: { id: string } }) => e.target.id).sort()).toEqual(['1', '2']);
    expect(audit[0]).toMatchObject({ actor: { type: 'staff' }, target: { type: 'policy_version' }, details: { material: false, emailed: 0 } });
  });

  it('PRV-8: the current version, the archive with every version and its dates, and each version by number', async () => {
    const privacy = await staff('privacy');
    const none = await call('GET', '/api/v1/privacy/policy');
    expect(none.statusCode).toBe(404);
    expect(json(none).code).toBe('privacy.no_policy_in_force');

    const v1 = await publish(privacy, { title: 'First' });
    clock().advance(DAY);
    const v2At = inDays(10);
    const v2 = await publish(privacy, { title: 'Second', markdown: V2, effectiveAt: v2At, material: true, summary: 'We now keep phone numbers.' });
    expect(v2).toMatchObject({ version: 2, status: 'upcoming', effectiveAt: v2At, publishedAt: t.clock.now().toISOString() });

    const current = json(await call('GET', '/api/v1/privacy/policy'));
    expect(current).toMatchObject({ version: 1, title: 'First', markdown: V1.trim(), status: 'in_force', supersededAt: v2At });
    expect(current.upcoming).toMatchObject({ version: 2, title: 'Second', effectiveAt: v2At, status: 'upcoming' });
    expect(current.upcoming.markdown).toBeUndefined();
    expect(current.announcement).toEqual({ version: 2, title: 'Second', summary: 'We now keep phone numbers.', effectiveAt: v2At, takenEffect: false, previousVersion: 1 });

    clock().advance(11 * DAY);
    const after = json(await call('GET', '/api/v1/privacy/policy'));
    expect(after).toMatchObject({ version: 2, status: 'in_force', supersededAt: null, upcoming: null });
    expect(after.announcement).toMatchObject({ version: 2, takenEffect: true });
    const archive = json(await call('GET', '/api/v1/privacy/policies')).items;
    expect(archive).toEqual([
      { version: 2, title: 'Second', summary: 'We now keep phone numbers.', material: true, effectiveAt: v2At, publishedAt: v2.publishedAt, supersededAt: null, status: 'in_force' },
      { version: 1, title: 'First', summary: null, material: false, effectiveAt: v1.effectiveAt, publishedAt: v1.publishedAt, supersededAt: v2At, status: 'superseded' },
    ]);
    expect(json(await call('GET', '/api/v1/privacy/policies/1'))).toMatchObject({ version: 1, markdown: V1.trim(), status: 'superseded', supersededAt: v2At });
    const missing = await call('GET', '/api/v1/privacy/policies/3');
    expect(missing.statusCode).toBe(404);
    expect(json(missing).code).toBe('privacy.policy_version_not_found');

    // The sign-in page stops announcing a material change 30 days after it took effect.
    clock().advance(30 * DAY);
    expect(json(await call('GET', '/api/v1/privacy/policy')).announcement).toBeNull();
  });

  it('PRV-8: a version cannot take effect in the past, nor before the version published before it; a material one needs a summary', async () => {
    const privacy = await staff('privacy');
    const refuse = async (body: Record<string, unknown>, code: string, field: string) => {
      const res = await call('POST', PUBLISH, privacy, { title: 'T', markdown: V1, material: false, ...body });
      expect(res.statusCode, res.body).toBe(422);
      expect(json(res)).toMatchObject({ code, errors: [{ field }] });
    };
    await refuse({ effectiveAt: inDays(-1) }, 'privacy.policy_effective_in_past', 'effectiveAt');
    await refuse({ material: true }, 'accounts.invalid_field', 'summary');
    await refuse({ material: true, summary: '   ' }, 'accounts.invalid_field', 'summary');
    await refuse({ title: '   ' }, 'accounts.invalid_field', 'title');
    expect(json(await call('GET', '/api/v1/privacy/policies')).items).toEqual([]);

    // Two minutes ago is within the tolerance for clocks and typing: it takes effect at publication.
    const v1 = await publish(privacy, { effectiveAt: new Date(t.clock.now().getTime() - 120_000).toISOString() });
    expect(v1.effectiveAt).toBe(v1.publishedAt);
    const later = inDays(20);
    await publish(privacy, { effectiveAt: later });
    await refuse({ effectiveAt: inDays(5) }, 'privacy.policy_effective_out_of_order', 'effectiveAt');
    expect((await publish(privacy, { effectiveAt: later })).version).toBe(3);
  });

  it('PRV-8: the diff between any two versions shows the changed lines, in either direction', async () => {
    const privacy = await staff('privacy');
    await publish(privacy, { title: 'First' });
    await publish(privacy, { title: 'Second', markdown: V2 });
    const d = json(await call('GET', '/api/v1/privacy/policies/diff?from=1&to=2'));
    expect(d.from).toMatchObject({ version: 1, title: 'First', status: 'superseded' });
    expect(d.to).toMatchObject({ version: 2, title: 'Second', status: 'in_force' });
    expect(d.from.markdown).toBeUndefined();
    expect(d.lines.filter((l: { op: string }) => l.op === 'delete')).toEqual([{ op: 'delete', text: 'We keep your name and email.', fromLine: 3, toLine: null }]);
    expect(d.lines.filter((l: { op: string }) => l.op === 'insert').map((l: { text: string }) => l.text)).toEqual([
      'We keep your name, email and phone number.',
      '',
      '## Partners',
      '',
      'We share usage data with partners you allow.',
    ]);
    expect(d).toMatchObject({ inserted: 5, deleted: 1 });
    const back = json(await call('GET', '/api/v1/privacy/policies/diff?from=2&to=1'));
    expect(back).toMatchObject({ inserted: 1, deleted: 5 });
    expect(json(await call('GET', '/api/v1/privacy/policies/diff?from=2&to=2'))).toMatchObject({ inserted: 0, deleted: 0 });
    const unknown = await call('GET', '/api/v1/privacy/policies/diff?from=1&to=9');
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).code).toBe('privacy.policy_version_not_found');
  });

  it('PRV-8, PRV-7: a material change is emailed over SMTP to every active user with a verified address, as transactional mail', async () => {
    const privacy = await staff('privacy');
    const admin = await verifiedUser(t);
    const grace = await member(admin);
    const suspended = await member(admin);
    await call('POST', `/api/v1/orgs/${admin.organization.id}/users/${suspended.id}/suspend`, admin.auth);
    const unverified = await signup(t);
    // PRV-7: a policy-change notice is not marketing: refusing marketing email does not stop it.
    expect((await call('POST', '/api/v1/consent', admin.auth, { purpose: 'marketing_email', granted: false })).statusCode).toBe(200);
    await publish(privacy, { title: 'Minor wording' });
    await t.app.jobRunner.drain();
    expect(t.smtp.messages.filter((m) => m.subject.includes('privacy policy'))).toEqual([]);

    const effectiveAt = inDays(14);
    const v2 = await publish(privacy, { title: 'Partners', markdown: V2, material: true, summary: 'We now share usage data with partners you allow.', effectiveAt });
    expect(v2.emailed).toBe(2);
    for (const to of [admin.body.email, grace.email]) {
      const mail = await t.smtp.waitFor((m) => m.to === to && m.subject === 'Changes to the Castellan privacy policy');
      expect(mail.text).toContain('version 2, "Partners"');
      expect(mail.text).toContain('In short: We now share usage data with partners you allow.');
      expect(mail.text).toContain('http://castellan.test/privacy\n');
      expect(mail.text).toContain('http://castellan.test/privacy/diff?from=1&to=2');
      expect(mail.headers.get('list-unsubscribe')).toBeUndefined();
    }
    await t.app.jobRunner.drain();
    const told = t.smtp.messages.filter((m) => m.subject.includes('privacy policy')).map((m) => m.to);
    expect(told.sort()).toEqual([admin.body.email, grace.email].sort());
    for (const nobody of [suspended.email, unverified.body.email]) expect(told).not.toContain(nobody);

    const rows = await t.app.db.selectFrom('mail_outbox').select(['category', 'user_id', 'list']).where('subject', '=', 'Changes to the Castellan privacy policy').execute();
    expect(rows.map((r) => r.category)).toEqual(['transactional', 'transactional']);
    expect(rows.map((r) => r.user_id).sort()).toEqual([admin.accountId, grace.accountId].sort());
    expect(rows.every((r) => r.list === null)).toBe(true);
    const notices = await t.app.db.selectFrom('policy_notices').select(['user_id', 'version', 'emailed_at']).execute();
    expect(notices.map((n) => n.user_id).sort()).toEqual([admin.accountId, grace.accountId].sort());
    expect(notices.every((n) => Number(n.version) === 2 && n.emailed_at === v2.publishedAt)).toBe(true);
  });

  it('PRV-8: the notice of a material change is shown to users who joined before it, until they acknowledge it', async () => {
    const privacy = await staff('privacy');
    const admin = await verifiedUser(t);
    const other = await verifiedUser(t);
    await publish(privacy, { title: 'First' });
    expect(await notice(admin.auth)).toBeNull();

    const effectiveAt = inDays(7);
    await publish(privacy, { title: 'Partners', markdown: V2, material: true, summary: 'Partners.', effectiveAt });
    const shownAt = t.clock.now().toISOString();
    const first = await notice(admin.auth);
    expect(first).toEqual({
      version: 2,
      title: 'Partners',
      summary: 'Partners.',
      effectiveAt,
      takenEffect: false,
      previousVersion: 1,
      firstShownAt: shownAt,
      emailedAt: shownAt,
      continuedUseRecordedAt: null,
    });
    clock().advance(DAY);
    expect(await notice(admin.auth)).toMatchObject({ version: 2, firstShownAt: shownAt });
    expect(await notice(await staff('privacy'))).toBeNull();

    const ack = await call('POST', '/api/v1/privacy/notice/acknowledge', admin.auth, { version: 2 });
    expect(ack.statusCode).toBe(200);
    expect(json(ack)).toEqual({ version: 2, kind: 'acknowledged', at: t.clock.now().toISOString() });
    expect(await notice(admin.auth)).toBeNull();
    clock().advance(60_000);
    expect(json(await call('POST', '/api/v1/privacy/notice/acknowledge', admin.auth, { version: 2 })).at).toBe(json(ack).at);
    expect(await acknowledgements(admin.auth)).toEqual([{ version: 2, kind: 'acknowledged', at: json(ack).at }]);
    // Another user's notice is their own.
    expect(await notice(other.auth)).toMatchObject({ version: 2 });

    const minor = await call('POST', '/api/v1/privacy/notice/acknowledge', other.auth, { version: 1 });
    expect(json(minor)).toMatchObject({ status: 422, code: 'privacy.policy_not_material' });
    expect(json(await call('POST', '/api/v1/privacy/notice/acknowledge', other.auth, { version: 7 })).code).toBe('privacy.policy_version_not_found');

    // Whoever joins once the change is in force accepted it by signing up: no notice.
    clock().advance(7 * DAY);
    const newcomer = await verifiedUser(t);
    expect(await notice(newcomer.auth)).toBeNull();
  });

  it('PRV-8: signing in after a noticed change took effect, without acknowledging it, is recorded once as continued use with the version', async () => {
    const privacy = await staff('privacy');
    const emailed = await verifiedUser(t);
    const early = await verifiedUser(t);
    const unverified = await signup(t);
    const effectiveAt = inDays(2);
    await publish(privacy, { title: 'Partners', markdown: V2, material: true, summary: 'Partners.', effectiveAt });
    await call('POST', '/api/v1/privacy/notice/acknowledge', early.auth, { version: 1 });

    // Before it takes effect, signing in accepts nothing.
    await bearer(emailed.body.email);
    expect(await acknowledgements(emailed.auth)).toEqual([]);

    clock().advance(3 * DAY);
    const signedInAt = t.clock.now().toISOString();
    const auth = await bearer(emailed.body.email);
    expect(await acknowledgements(auth)).toEqual([{ version: 1, kind: 'continued_use', at: signedInAt }]);
    clock().advance(60_000);
    await bearer(emailed.body.email);
    expect(await acknowledgements(auth)).toHaveLength(1);
    // Continued use is acceptance, but the notice stays until acknowledged; then both are on record.
    expect(await notice(auth)).toMatchObject({ version: 1, takenEffect: true, continuedUseRecordedAt: signedInAt });
    await call('POST', '/api/v1/privacy/notice/acknowledge', auth, { version: 1 });
    expect((await acknowledgements(auth)).map((a: { kind: string }) => a.kind)).toEqual(['continued_use', 'acknowledged']);
    expect(await notice(auth)).toBeNull();

    // Acknowledged before it took effect: signing in adds nothing.
    await bearer(early.body.email);
    expect((await acknowledgements(early.auth)).map((a: { kind: string }) => a.kind)).toEqual(['acknowledged']);

    // Never emailed (unverified address): the first sign-in is not after a notice; once shown, the next one is.
    const u1 = await bearer(unverified.body.email);
    expect(await acknowledgements(u1)).toEqual([]);
    expect(await notice(u1)).toMatchObject({ version: 1, emailedAt: null });
    clock().advance(60_000);
    await bearer(unverified.body.email);
    expect(await acknowledgements(u1)).toEqual([{ version: 1, kind: 'continued_use', at: t.clock.now().toISOString() }]);
  });

  it('PRV-8, PRV-4: consent events record the policy version in force when the choice was made', async () => {
    const privacy = await staff('privacy');
    const user = await verifiedUser(t);
    const choose = async (purpose: string, granted: boolean) => {
      const res = await call('POST', '/api/v1/consent', user.auth, { purpose, granted });
      expect(res.statusCode, res.body).toBe(200);
      return json(res).purposes.find((p: { purpose: string }) => p.purpose === purpose).policyVersion;
    };
    expect(await choose('analytics', false)).toBeNull();
    await publish(privacy, { title: 'First' });
    expect(await choose('advertising', false)).toBe(1);
    await publish(privacy, { title: 'Second', markdown: V2, effectiveAt: inDays(1) });
    expect(await choose('analytics', true)).toBe(1);
    clock().advance(2 * DAY);
    expect(await choose('partner_sharing', false)).toBe(2);
    const history = json(await call('GET', '/api/v1/consent/history', user.auth)).items;
    expect(history.map((e: { purpose: string; policyVersion: number | null }) => [e.purpose, e.policyVersion])).toEqual([
      ['partner_sharing', 2],
      ['analytics', 1],
      ['advertising', 1],
      ['analytics', null],
    ]);
  });
});
