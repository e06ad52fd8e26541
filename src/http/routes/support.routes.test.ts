import type { StaffRole } from '../../core/caller.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type TestApp, GOOD_PASSWORD, json, signIn, startTestApp, uniqueEmail, verifiedUser, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Admin = Awaited<ReturnType<typeof verifiedUser>>;
type Auth = Record<string, string>;
type Method = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

// Monday 2 March 2026, 09:00 in Denver (MST, UTC−7).
const MONDAY_OPENING = '2026-03-02T16:00:00.000Z';

const ticketBody = (overrides: Record<string, unknown> = {}) => ({
  subject: 'LDAP bind fails for new users',
  body: 'Since this morning ldapsearch returns invalid credentials for users created today.',
  environment: 'production',
  productionImpact: true,
  ...overrides,
});

describe.each(dialects)('support desk on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(MONDAY_OPENING);
    t = await startTestApp(dialect, { clock });
  });
  afterAll(() => t.close());

  const call = (method: Method, url: string, auth: Auth, payload?: object) => t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const tickets = (a: Admin) => `/api/v1/orgs/${a.organization.id}/support/tickets`;
  const auditActions = async (orgId: string) =>
    (await t.app.db.selectFrom('audit_log').select('action').where('org_id', '=', orgId).orderBy('seq').execute()).map((r) => r.action);

  async function staff(role: string) {
    const staff = await staffMember(t, role as StaffRole);
    return { id: staff.id, auth: staff.auth as Auth };
  }

  async function member(a: Admin) {
    const email = uniqueEmail('member');
    const res = await call('POST', `/api/v1/orgs/${a.organization.id}/users`, a.auth, { email, name: 'Grace Hopper' });
    expect(res.statusCode, res.body).toBe(201);
    const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    const token = tokenFrom(mail.text, '/invitations');
    await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: GOOD_PASSWORD } });
    return { id: json(res).id as string, email, auth: { authorization: `Bearer ${(await signIn(t, email, GOOD_PASSWORD)).token}` } as Auth };
  }

  async function setPlan(orgId: string, plan: string, endsAt?: string) {
    const owner = await staff('owner');
    const res = await call('PATCH', `/api/v1/staff/orgs/${orgId}/plan`, owner.auth, { plan, ...(endsAt ? { endsAt } : {}) });
    expect(res.statusCode, res.body).toBe(200);
  }

  /** Moving the clock by weeks ends sessions: sign in again at the new time. */
  async function again(a: Admin): Promise<Admin> {
    const s = await signIn(t, a.body.email, a.body.password);
    return { ...a, token: s.token, csrfToken: s.csrfToken, auth: { authorization: `Bearer ${s.token}` } };
  }

  async function open(a: Admin, overrides: Record<string, unknown> = {}) {
    const res = await call('POST', tickets(a), a.auth, ticketBody(overrides));
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }

  it('SUP-1: an active admin opens a ticket by web and gets a threaded acknowledgment with the first-response due time', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    await setPlan(a.organization.id, 'paid');
    const ticket = await open(a);
    expect(ticket).toMatchObject({
      status: 'open',
      environment: 'production',
      productionImpact: true,
      priority: 'high',
      channel: 'web',
      eligibility: { level: 'full', plan: 'paid' },
      // Paid, high: 2 business hours to the first response (11:00), 16 to resolution (Tuesday 17:00 MST).
      sla: { paused: false, firstResponseDueAt: '2026-03-02T18:00:00.000Z', resolutionDueAt: '2026-03-04T00:00:00.000Z', nextResponseDueAt: null },
    });
    expect(ticket.messages.map((m: { author: { kind: string } }) => m.author.kind)).toEqual(['customer', 'system']);
    const ack = await t.smtp.waitFor((m) => m.to === a.body.email && m.subject.includes(ticket.id));
    expect(ack.text).toContain('Monday 2 March 2026, 11:00 MST');
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect((ack.headers.get('reply-to') as { text: string }).text).toMatch(/^support@/);
    expect(await auditActions(a.organization.id)).toContain('support.ticket_opened');
    const list = json(await call('GET', tickets(a), a.auth));
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([ticket.id]);
  });

  it('SUP-1: a user who is not an admin is told that end-user support is their administrator’s; another organization gets 404; staff cannot open tickets', async () => {
    const a = await verifiedUser(t);
    const m = await member(a);
    const refused = await call('POST', tickets(a), m.auth, ticketBody());
    expect(refused.statusCode).toBe(403);
    expect(json(refused).code).toBe('support.admins_only');
    expect(json(refused).detail).toMatch(/end-user support is your administrator/);
    const other = await verifiedUser(t);
    expect((await call('POST', tickets(a), other.auth, ticketBody())).statusCode).toBe(404);
    const mine = await open(a);
    expect((await call('GET', `${tickets(a)}/${mine.id}`, other.auth)).statusCode).toBe(404);
    expect((await call('GET', `${tickets(other)}/${mine.id}`, other.auth)).statusCode).toBe(404);
    const s = await staff('support');
    expect((await call('POST', tickets(a), s.auth, ticketBody())).statusCode).toBe(403);
    expect(await t.app.db.selectFrom('support_tickets').select('id').where('org_id', '=', a.organization.id).execute()).toHaveLength(1);
  });

  it('SUP-2: a free organization has full support for 7 calendar days after sign-up, to the minute in America/Denver across the change of the clocks', async () => {
    // Sign-up on Thursday 5 March 2026 at 10:17 MST; the clocks change on Sunday 8 March.
    clock.set('2026-03-05T17:17:00.000Z');
    const a = await verifiedUser(t);
    // 7 days later at 10:16 MDT (16:16 UTC): still full.
    clock.set('2026-03-12T16:16:59.000Z');
    const inside = await open(a);
    expect(inside.eligibility).toMatchObject({ level: 'full', plan: 'free', fullSupportUntil: '2026-03-12T16:17:00.000Z' });
    expect(inside.eligibility.reason).toContain('Thursday 12 March 2026, 10:17 MDT');
    // 10:17 MDT: limited; answered with knowledge-base suggestions and waiting on the customer, without targets.
    clock.set('2026-03-12T16:17:00.000Z');
    const after = await open(a);
    expect(after.eligibility.level).toBe('limited');
    expect(after).toMatchObject({ status: 'pending', sla: { paused: false, firstResponseDueAt: null, resolutionDueAt: null } });
    expect(after.messages.at(-1).body).toMatch(/limited to the knowledge base and to critical defects/);
    await t.smtp.waitFor((m) => m.to === a.body.email && m.subject.includes(after.id));
  });

  it('SUP-2: staff mark a limited ticket as a critical defect: its service-level clocks start then', async () => {
    clock.set('2026-01-05T16:00:00.000Z');
    let a = await verifiedUser(t);
    clock.set('2026-03-02T17:00:00.000Z'); // Monday 10:00 MST
    a = await again(a);
    const limited = await open(a, { environment: 'staging', productionImpact: false });
    expect(limited.eligibility.level).toBe('limited');
    const s = await staff('support');
    const marked = await call('PATCH', `/api/v1/staff/support/tickets/${limited.id}`, s.auth, { criticalDefect: true });
    expect(marked.statusCode, marked.body).toBe(200);
    // Free, normal: 16 business hours to the first response, from Monday 10:00 → Wednesday 10:00.
    expect(json(marked)).toMatchObject({ criticalDefect: true, status: 'open', sla: { firstResponseDueAt: '2026-03-04T17:00:00.000Z' } });
    expect(await auditActions(a.organization.id)).toContain('support.ticket_updated');
    const paid = await verifiedUser(t);
    await setPlan(paid.organization.id, 'paid');
    const full = await open(paid);
    expect((await call('PATCH', `/api/v1/staff/support/tickets/${full.id}`, s.auth, { criticalDefect: true })).statusCode).toBe(409);
  });

  it('SUP-2: a jumpstart organization has full support routed to its dedicated specialist', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    await setPlan(a.organization.id, 'jumpstart', '2026-04-01T00:00:00.000Z');
    const owner = await staff('owner');
    const specialist = await staff('support');
    const assigned = await call('PUT', `/api/v1/staff/support/orgs/${a.organization.id}/specialist`, owner.auth, { staffId: specialist.id });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const ticket = await open(a);
    expect(ticket.eligibility).toMatchObject({ level: 'full', plan: 'jumpstart' });
    expect(ticket.specialist).toMatchObject({ id: specialist.id });
    // Only support-manager staff assign, and only staff of the support or owner role can be assigned.
    expect((await call('PUT', `/api/v1/staff/support/orgs/${a.organization.id}/specialist`, specialist.auth, { staffId: specialist.id })).statusCode).toBe(403);
    const privacy = await staff('privacy');
    expect((await call('PUT', `/api/v1/staff/support/orgs/${a.organization.id}/specialist`, owner.auth, { staffId: privacy.id })).statusCode).toBe(422);
  });

  it('SUP-3: staff close an out-of-scope ticket with a reason the customer sees and is mailed', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    await setPlan(a.organization.id, 'paid');
    const ticket = await open(a, { subject: 'Reset the password of our employee Bob' });
    const s = await staff('support');
    const closed = await call('POST', `/api/v1/staff/support/tickets/${ticket.id}/close`, s.auth, { reason: 'end_user_support', note: 'Your admins can reset it in the console.' });
    expect(closed.statusCode, closed.body).toBe(200);
    const seen = json(await call('GET', `${tickets(a)}/${ticket.id}`, a.auth));
    expect(seen).toMatchObject({ status: 'closed', closeReason: 'end_user_support', closeNote: 'Your admins can reset it in the console.' });
    expect(seen.closeReasonText).toMatch(/end-user support/);
    expect(seen.sla).toMatchObject({ firstResponseDueAt: null, resolutionDueAt: null });
    const mail = await t.smtp.waitFor((m) => m.to === a.body.email && m.text.includes('This ticket is closed.'));
    expect(mail.text).toMatch(/end-user support/);
    expect(mail.headers.get('in-reply-to')).toBeTruthy();
    expect((await call('POST', `/api/v1/staff/support/tickets/${ticket.id}/close`, s.auth, { reason: 'gossip' })).statusCode).toBe(400);
    expect(await auditActions(a.organization.id)).toContain('support.ticket_closed');
    const macros = json(await call('GET', '/api/v1/staff/support/macros', s.auth)).items as Array<{ closeReason: string | null }>;
    expect(macros.map((m) => m.closeReason).filter(Boolean).sort()).toEqual(['customization', 'end_user_support', 'not_english', 'professional_services', 'unsupported_protocol_or_equipment']);
  });

  it('SUP-4: the clocks pause while the ticket waits on the customer, the next response is due after their reply, and changed targets are recomputed and audited', async () => {
    clock.set('2026-03-06T22:00:00.000Z'); // Friday 15:00 MST
    const a = await verifiedUser(t);
    await setPlan(a.organization.id, 'paid');
    const ticket = await open(a, { environment: 'production', productionImpact: false }); // normal: 8 / 8 / 40
    // 2 business hours on Friday, then 6 from Monday (MDT from Sunday 8 March): Monday 15:00 MDT.
    expect(ticket.sla.firstResponseDueAt).toBe('2026-03-09T21:00:00.000Z');
    // 40 business hours: 2 on Friday, four days of 8, 6 on the next Friday: 15:00 MDT.
    expect(ticket.sla.resolutionDueAt).toBe('2026-03-13T21:00:00.000Z');
    const s = await staff('support');
    clock.set('2026-03-06T23:00:00.000Z'); // Friday 16:00: one business hour used
    const answered = json(await call('POST', `/api/v1/staff/support/tickets/${ticket.id}/messages`, s.auth, { body: 'Which client version?' }));
    expect(answered).toMatchObject({ status: 'pending', sla: { paused: true, firstRespondedAt: '2026-03-06T23:00:00.000Z', resolutionDueAt: null } });
    const staffMail = await t.smtp.waitFor((m) => m.to === a.body.email && m.text.includes('Which client version?'));
    expect(staffMail.headers.get('auto-submitted')).toBeUndefined();
    // The customer answers on Tuesday 10:00 MDT: Friday 16–17 and Monday 9–17 and Tuesday 9–10 (10 business hours) did not count.
    clock.set('2026-03-10T16:00:00.000Z');
    const replied = json(await call('POST', `${tickets(a)}/${ticket.id}/messages`, a.auth, { body: 'Version 2.6.7' }));
    expect(replied.status).toBe('open');
    expect(replied.sla.nextResponseDueAt).toBe('2026-03-11T16:00:00.000Z'); // 8 business hours: Wednesday 10:00
    // 40 − 1 used = 39 business hours left from Tuesday 10:00 → Monday 16 March 09:00 + … = 4 days 7 h → Monday 17:00.
    expect(replied.sla.resolutionDueAt).toBe('2026-03-16T23:00:00.000Z');
    const owner = await staff('owner');
    const changed = await call('PUT', '/api/v1/staff/support/targets/paid/normal', owner.auth, { firstResponseHours: 4, nextResponseHours: 2, resolutionHours: 20 });
    expect(changed.statusCode, changed.body).toBe(200);
    const after = json(await call('GET', `${tickets(a)}/${ticket.id}`, a.auth));
    expect(after.sla.nextResponseDueAt).toBe('2026-03-10T18:00:00.000Z');
    expect(await auditActions(a.organization.id)).toContain('support.sla_recomputed');
    expect((await call('PUT', '/api/v1/staff/support/targets/paid/normal', s.auth, { firstResponseHours: 1, nextResponseHours: 1, resolutionHours: 1 })).statusCode).toBe(403);
    await call('PUT', '/api/v1/staff/support/targets/paid/normal', owner.auth, { firstResponseHours: 8, nextResponseHours: 8, resolutionHours: 40 });
  });

  it('SUP-4: a change of plan (a card added) gives open limited tickets full support and targets, audited', async () => {
    clock.set('2026-01-05T16:00:00.000Z');
    let a = await verifiedUser(t);
    clock.set(MONDAY_OPENING);
    a = await again(a);
    const limited = await open(a, { productionImpact: false });
    expect(limited.sla.resolutionDueAt).toBeNull();
    const card = await call('PUT', `/api/v1/orgs/${a.organization.id}/billing/card`, a.auth, {
      number: '4242424242424242',
      cvc: '737',
      expMonth: 12,
      expYear: 2030,
      holderName: 'Ada Lovelace',
    });
    expect(card.statusCode, card.body).toBe(200);
    const after = json(await call('GET', `${tickets(a)}/${limited.id}`, a.auth));
    expect(after.eligibility.level).toBe('full');
    expect(after.sla.paused).toBe(true); // it still waits on the customer's answer to the suggestions
    expect(await auditActions(a.organization.id)).toContain('support.sla_recomputed');
  });

  it('SUP-5: the queue puts production-impacting tickets first, then the order of submission; staging never moves up', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    await setPlan(a.organization.id, 'paid');
    const first = await open(a, { subject: 'q1 dev', environment: 'development', productionImpact: false });
    clock.advance(60_000);
    const staging = await open(a, { subject: 'q2 staging impact', environment: 'staging', productionImpact: true });
    clock.advance(60_000);
    const prod = await open(a, { subject: 'q3 production impact', environment: 'production', productionImpact: true });
    clock.advance(60_000);
    const test = await open(a, { subject: 'q4 test', environment: 'test', productionImpact: true });
    const s = await staff('support');
    const q = json(await call('GET', '/api/v1/staff/support/queue', s.auth)).items as Array<{ id: string; orgName: string }>;
    const mine = q.map((i) => i.id).filter((id) => [first.id, staging.id, prod.id, test.id].includes(id));
    expect(mine).toEqual([prod.id, first.id, staging.id, test.id]);
    const ids = q.map((i) => i.id);
    expect(ids.indexOf(prod.id)).toBeLessThan(ids.indexOf(first.id));
    expect(q.find((i) => i.id === prod.id)?.orgName).toBe(a.organization.name);
    expect((await call('GET', '/api/v1/staff/support/queue', a.auth)).statusCode).toBe(403);
    const privacy = await staff('privacy');
    expect((await call('GET', '/api/v1/staff/support/queue', privacy.auth)).statusCode).toBe(403);
  });

  it('SUP-6: no staff role can set a password, bind a user to a resource, delete or read an account through the directory', async () => {
    const a = await verifiedUser(t);
    const m = await member(a);
    const res = await call('POST', `/api/v1/orgs/${a.organization.id}/resources`, a.auth, { name: 'VPN', kind: 'network' });
    expect(res.statusCode, res.body).toBe(201);
    const resourceId = json(res).id;
    for (const role of ['owner', 'support', 'privacy', 'billing']) {
      const s = await staff(role);
      const attempts = [
        await call('GET', `/api/v1/orgs/${a.organization.id}/users/${m.id}`, s.auth),
        await call('DELETE', `/api/v1/orgs/${a.organization.id}/users/${m.id}`, s.auth),
        await call('POST', `/api/v1/orgs/${a.organization.id}/resources/${resourceId}/bindings`, s.auth, { userId: m.id }),
        await call('PUT', '/api/v1/me/password', s.auth, { currentPassword: 'x', newPassword: GOOD_PASSWORD }),
      ];
      for (const r of attempts.slice(0, 3)) expect(r.statusCode, `${role}: ${r.body}`).toBe(403);
    }
    expect(await t.app.db.selectFrom('memberships').select('id').where('id', '=', m.id).executeTakeFirst()).toBeTruthy();
  });

  it('SUP-6: staff disclose or delete an account only after the requesting admin confirmed that very request by emailed link and password; each grant serves once', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    const m = await member(a);
    const other = await member(a);
    const ticket = await open(a, { subject: 'Please remove a departed employee' });
    const s = await staff('support');
    const base = `/api/v1/staff/support/tickets/${ticket.id}/verifications`;
    const asked = await call('POST', base, s.auth, { action: 'disclose_account', userId: m.id });
    expect(asked.statusCode, asked.body).toBe(201);
    const v = json(asked);
    expect(v.status).toBe('pending');
    expect((await call('GET', `${base}/${v.id}/account`, s.auth)).statusCode).toBe(403);
    const mail = await t.smtp.waitFor((x) => x.to === a.body.email && x.subject.includes('Confirm a request'));
    const token = tokenFrom(mail.text, '/support/verify');
    // Another admin of the same organization, or the wrong password, confirms nothing.
    const inspect = await call('POST', '/api/v1/support/verifications/inspect', a.auth, { token });
    expect(json(inspect)).toMatchObject({ action: 'disclose_account', accountEmail: m.email, ticketId: ticket.id, status: 'pending' });
    expect((await call('POST', '/api/v1/support/verifications/confirm', other.auth, { token, password: GOOD_PASSWORD })).statusCode).toBe(403);
    const wrong = await call('POST', '/api/v1/support/verifications/confirm', a.auth, { token, password: 'not-the-password' });
    expect(json(wrong).code).toBe('accounts.reauthentication_failed');
    expect((await call('GET', `${base}/${v.id}/account`, s.auth)).statusCode).toBe(403);
    const ok = await call('POST', '/api/v1/support/verifications/confirm', a.auth, { token, password: a.body.password });
    expect(ok.statusCode, ok.body).toBe(200);
    // Another staff role without the desk cannot use it; the support engineer can, once.
    const privacy = await staff('privacy');
    expect((await call('GET', `${base}/${v.id}/account`, privacy.auth)).statusCode).toBe(403);
    const shown = await call('GET', `${base}/${v.id}/account`, s.auth);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(json(shown)).toMatchObject({ id: m.id, email: m.email });
    expect(shown.body).not.toMatch(/password|hash/i);
    expect((await call('GET', `${base}/${v.id}/account`, s.auth)).statusCode).toBe(403);
    // A disclosure grant does not delete.
    expect((await call('POST', `${base}/${v.id}/delete-account`, s.auth)).statusCode).toBe(403);
    expect((await call('POST', base, s.auth, { action: 'delete_account', userId: m.id, email: m.email })).statusCode).toBe(422);
    const del = json(await call('POST', base, s.auth, { action: 'delete_account', email: m.email.toUpperCase() }));
    expect(del.userId).toBe(m.id);
    const delMail = await t.smtp.waitFor((x) => x.to === a.body.email && x.subject.includes('Confirm a request') && x.text.includes('delete the account'));
    await call('POST', '/api/v1/support/verifications/confirm', a.auth, { token: tokenFrom(delMail.text, '/support/verify'), password: a.body.password });
    expect((await call('POST', `${base}/${del.id}/delete-account`, s.auth)).statusCode).toBe(204);
    expect(await t.app.db.selectFrom('memberships').select('id').where('id', '=', m.id).executeTakeFirst()).toBeUndefined();
    const actions = await auditActions(a.organization.id);
    for (const action of ['support.verification_requested', 'support.verification_confirmed', 'support.account_disclosed', 'directory.user_deleted', 'support.ticket_viewed']) {
      if (action === 'support.ticket_viewed') await call('GET', `/api/v1/staff/support/tickets/${ticket.id}`, s.auth);
      expect(await auditActions(a.organization.id).then((x) => x.concat(actions))).toContain(action);
    }
    // Someone outside the ticket's organization cannot be named.
    const stranger = await verifiedUser(t);
    expect((await call('POST', base, s.auth, { action: 'disclose_account', userId: stranger.user.id })).statusCode).toBe(404);
    expect((await call('POST', base, s.auth, { action: 'disclose_account', email: stranger.body.email })).statusCode).toBe(404);
  });

  it('SUP-7: a ticket naming an end-of-life system version is flagged and answered with a request to update first', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    await setPlan(a.organization.id, 'paid');
    const ticket = await open(a, { systemVersion: 'Ubuntu 18.04.6 LTS' });
    expect(ticket.endOfLife).toMatchObject({ system: 'Ubuntu', version: '18.04' });
    expect(ticket).toMatchObject({ status: 'pending', sla: { paused: true } });
    expect(ticket.messages.at(-1).body).toMatch(/end of life .*update to a supported version/s);
    const current = await open(a, { systemVersion: 'Ubuntu 24.04' });
    expect(current.endOfLife).toBeNull();
    expect(current.status).toBe('open');
  });

  it('SUP-1: a reply reopens a closed ticket and starts its clocks again', async () => {
    clock.set(MONDAY_OPENING);
    const a = await verifiedUser(t);
    await setPlan(a.organization.id, 'paid');
    const ticket = await open(a);
    const resolved = json(await call('POST', `${tickets(a)}/${ticket.id}/resolve`, a.auth));
    expect(resolved).toMatchObject({ status: 'closed', closeReason: 'resolved', sla: { resolutionDueAt: null } });
    expect((await call('POST', `${tickets(a)}/${ticket.id}/resolve`, a.auth)).statusCode).toBe(409);
    clock.advance(3600_000);
    const reopened = json(await call('POST', `${tickets(a)}/${ticket.id}/messages`, a.auth, { body: 'It is back.' }));
    expect(reopened).toMatchObject({ status: 'open', closeReason: null, closedAt: null });
    // The business hour it stood closed does not count: resolution moves from Tuesday 17:00 to Wednesday 10:00 (MST).
    expect(ticket.sla.resolutionDueAt).toBe('2026-03-04T00:00:00.000Z');
    expect(reopened.sla.resolutionDueAt).toBe('2026-03-04T17:00:00.000Z');
    expect(await auditActions(a.organization.id)).toContain('support.ticket_reopened');
  });

  it('SUP-1: attachments are stored with the message and downloaded by the organization only; oversize ones are refused and change nothing', async () => {
    const a = await verifiedUser(t);
    const log = Buffer.from('2026-03-02 slapd[1]: conn=1 op=0 BIND dn="uid=bob" err=49\n');
    const ticket = await open(a, { attachments: [{ filename: '../../etc/slapd.log', contentType: 'text/plain', contentBase64: log.toString('base64') }] });
    const file = ticket.messages[0].attachments[0];
    expect(file).toMatchObject({ filename: 'slapd.log', contentType: 'text/plain', size: log.length });
    const got = await call('GET', `${tickets(a)}/${ticket.id}/attachments/${file.id}`, a.auth);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(log)).toBe(true);
    expect(got.headers['content-disposition']).toContain('attachment');
    const other = await verifiedUser(t);
    expect((await call('GET', `${tickets(a)}/${ticket.id}/attachments/${file.id}`, other.auth)).statusCode).toBe(404);
    const s = await staff('support');
    const forStaff = await call('GET', `/api/v1/staff/support/tickets/${ticket.id}/attachments/${file.id}`, s.auth);
    expect(forStaff.statusCode).toBe(200);
    expect(forStaff.rawPayload.equals(log)).toBe(true);
    expect(await auditActions(a.organization.id)).toContain('support.attachment_viewed');
    const billing = await staff('billing');
    expect((await call('GET', `/api/v1/staff/support/tickets/${ticket.id}/attachments/${file.id}`, billing.auth)).statusCode).toBe(403);
    const before = await t.app.db.selectFrom('support_tickets').select('id').where('org_id', '=', a.organization.id).execute();
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 1).toString('base64');
    const refused = await call('POST', tickets(a), a.auth, ticketBody({ attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', contentBase64: big }] }));
    expect(refused.statusCode).toBe(422);
    expect(json(refused).code).toBe('support.attachment_too_large');
    expect(await t.app.db.selectFrom('support_tickets').select('id').where('org_id', '=', a.organization.id).execute()).toEqual(before);
  });
});
