import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { anonymousContext } from '../../core/context.ts';
import { type Admin, type TestApp, GOOD_PASSWORD, json, staffMember, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Auth = Record<string, string>;
// Monday 16 November 2026, 10:00 in Denver.
const START = '2026-11-16T17:00:00.000Z';
const REQUESTS = '/api/v1/privacy/requests';
const STAFF = '/api/v1/staff/privacy/requests';
/** The smallest PNG: a signed authorization's scan, as far as the content check can tell. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e2b6a90000000049454e44ae426082', 'hex');
const authorization = (over: Record<string, string> = {}) => ({ filename: 'signed.png', contentType: 'image/png', content: PNG.toString('base64'), ...over });

describe.each(dialects)('verification of privacy requests on $name', (dialect) => {
  let t: TestApp;
  let privacy: Auth;
  let ip = 0;
  const verified: string[] = [];
  beforeAll(async () => {
    t = await startTestApp(dialect, { clock: new ManualClock(START), env: { CASTELLAN_SESSION_TTL_SECONDS: String(365 * 86_400) } });
    privacy = (await staffMember(t, 'privacy')).auth;
    // DSR-2 → DSR-1: fulfilment is handed each verified request, after the transaction commits.
    const before = t.app.privacyRequests.hooks.afterVerified;
    t.app.privacyRequests.hooks.afterVerified = async (ctx, id) => {
      verified.push(id);
      await before(ctx, id);
    };
  });
  afterAll(() => t.close());

  // Each call from its own address, so the per-IP limits of the intake and of verification stay out of the way.
  const from = () => `10.9.${Math.floor(++ip / 250)}.${ip % 250}`;
  const post = (url: string, payload: object, headers: Auth = {}) => t.app.http.inject({ method: 'POST', url, payload, headers, remoteAddress: from() });
  const get = (url: string, headers: Auth = {}) => t.app.http.inject({ method: 'GET', url, headers, remoteAddress: from() });
  const mailTo = (to: string, id: string, subject = 'We received your privacy request') => t.smtp.waitFor((m) => m.to === to && m.subject.startsWith(subject) && m.subject.includes(id));
  const linkToken = async (to: string, id: string) => tokenFrom((await mailTo(to, id)).text, `${REQUESTS}/${id}`);
  const row = (id: string) => t.app.db.selectFrom('privacy_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** An address Castellan knows only as an invitation: the name, organization, username and inviter are its data points. */
  async function invited(username?: string): Promise<{ email: string; points: Record<string, string> }> {
    const admin: Admin = await verifiedUser(t);
    const email = uniqueEmail('invitee');
    const caller = await t.app.directory.callers.callerFor({ accountId: admin.accountId, sessionId: 'fixture', staffRole: null, emailVerified: true, mfa: false }, admin.organization.id);
    await t.app.directory.users.invite(anonymousContext('127.0.0.1', null), caller, admin.organization.id, { email, name: 'Grace Hopper', ...(username ? { username } : {}) });
    return { email, points: { name: 'grace  HOPPER', organization: admin.organization.name, invitedBy: admin.body.email, ...(username ? { username } : {}) } };
  }

  async function request(body: Record<string, unknown>, headers: Auth = {}) {
    const res = await post(REQUESTS, body, headers);
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }

  it('DSR-2: an account holder re-authenticates: a fresh session alone is refused, the password verifies the request and the answer says so', async () => {
    const user = await verifiedUser(t);
    const r = await request({ kind: 'access', regime: 'gdpr' }, user.auth);
    expect(r.verificationNeeds).toEqual(['reauthentication']);
    const fresh = await post(`${REQUESTS}/${r.id}/verify`, {}, user.auth);
    expect([fresh.statusCode, json(fresh).code]).toEqual([403, 'accounts.reauthentication_required']);
    expect((await row(r.id)).verification).toBe('pending');

    const ok = await post(`${REQUESTS}/${r.id}/verify`, { password: GOOD_PASSWORD }, user.auth);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ verification: 'verified', verificationNeeds: [], verifiedAt: START });
    expect(json(ok).history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['reauthenticated', 'verified']));
    expect((await row(r.id)).verification_method).toBe('reauthentication');
    expect(verified).toContain(r.id);
    expect(json(await post(`${REQUESTS}/${r.id}/verify`, { password: GOOD_PASSWORD }, user.auth)).code).toBe('rights.verification_not_pending');
    const audit = await t.app.db.selectFrom('audit_log').select('action').where('target_id', '=', r.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['privacy.request_reauthenticated', 'privacy.request_verified']));
  });

  it('DSR-2: a wrong password goes through the one credential check and its throttle; the request stays pending', async () => {
    const user = await verifiedUser(t);
    const r = await request({ kind: 'delete', regime: 'other' }, user.auth);
    for (let i = 0; i < 5; i++) expect(json(await post(`${REQUESTS}/${r.id}/verify`, { password: `wrong-${i}-password` }, user.auth)).code).toBe('accounts.reauthentication_failed');
    const locked = await post(`${REQUESTS}/${r.id}/verify`, { password: GOOD_PASSWORD }, user.auth);
    expect([locked.statusCode, json(locked).code]).toEqual([429, 'accounts.locked']);
    expect((await row(r.id)).verification).toBe('pending');
    const failures = await t.app.db.selectFrom('audit_log').select('action').where('action', '=', 'auth.reauthentication_failed').where('actor_id', '=', user.accountId).execute();
    expect(failures.length).toBe(5);
  });

  it('DSR-2: a request about an account made by its address alone is verified only by signing in, which its mail and its link say; the intake tells nothing', async () => {
    const user = await verifiedUser(t);
    const stranger = await invited();
    const about = await request({ kind: 'know', regime: 'gdpr', email: user.body.email });
    const other = await request({ kind: 'know', regime: 'gdpr', email: stranger.email });
    // DIR-1 rule 4: the intake's answer is the same with or without an account.
    const strip = ({ id: _i, history: _h, ...rest }: Record<string, unknown>) => rest;
    expect(strip(about)).toEqual(strip(other));
    expect(about.verificationNeeds).toEqual(['email_link']);

    const mail = await mailTo(user.body.email, about.id);
    expect(mail.text).toContain('sign in to your account');
    const token = tokenFrom(mail.text, `${REQUESTS}/${about.id}`);
    expect(mail.text).toContain(`/privacy/requests/${about.id}?token=${token}`);
    expect(json(await get(`${REQUESTS}/${about.id}?token=${token}`)).verificationNeeds).toEqual(['reauthentication']);
    const refused = await post(`${REQUESTS}/${about.id}/verify`, { token, dataPoints: { name: 'x', organization: 'y' } });
    expect([refused.statusCode, json(refused).code]).toEqual([403, 'rights.sign_in_required']);
    // Signed in, the holder verifies it with the password alone.
    const ok = await post(`${REQUESTS}/${about.id}/verify`, { token, password: GOOD_PASSWORD }, user.auth);
    expect(json(ok).verification, ok.body).toBe('verified');
  });

  it('DSR-2: without the link or the account, verifying answers 404 alike whether or not the address has an account', async () => {
    const user = await verifiedUser(t);
    const stranger = await invited();
    const a = await request({ kind: 'know', regime: 'other', email: user.body.email });
    const b = await request({ kind: 'know', regime: 'other', email: stranger.email });
    const someone = await verifiedUser(t);
    for (const r of [a, b]) {
      for (const [body, headers] of [
        [{ dataPoints: { name: 'Grace Hopper' } }, {}],
        [{ token: 'x'.repeat(43), dataPoints: { name: 'Grace Hopper' } }, {}],
        [{ password: GOOD_PASSWORD }, someone.auth],
      ] as const) {
        const res = await post(`${REQUESTS}/${r.id}/verify`, body, headers);
        expect([res.statusCode, json(res).code]).toEqual([404, 'common.not_found']);
      }
      expect((await post(`${REQUESTS}/${r.id}/subject-confirmation`, { token: 'x'.repeat(43) })).statusCode).toBe(404);
    }
    expect((await post(`${REQUESTS}/dsr_nothing/verify`, { token: 'x'.repeat(43) })).statusCode).toBe(404);
  });

  it('DSR-2: by the emailed link, 2 matching data points verify a request for categories; fewer are refused and counted', async () => {
    const person = await invited();
    const r = await request({ kind: 'know', regime: 'gdpr', email: person.email });
    const token = await linkToken(person.email, r.id);
    expect(json(await get(`${REQUESTS}/${r.id}?token=${token}`)).verificationNeeds).toEqual(['email_link', 'data_points:2']);
    const one = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { name: person.points.name, organization: 'Some Other Org' } });
    expect([one.statusCode, json(one).code, json(one).attemptsLeft]).toEqual([422, 'rights.data_points_not_matched', 4]);
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { name: person.points.name, invitedBy: person.points.invitedBy } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ verification: 'verified', verificationNeeds: [] });
    expect((await row(r.id)).verification_method).toBe('email_and_data_points');
    // The history names how many matched and which kinds, never the values given.
    const notes = json(ok).history.map((h: { note: string | null }) => h.note ?? '').join('\n');
    expect(notes).toContain('2 of 2 required data points matched');
    expect(notes).not.toContain('Hopper');
    const v = await t.app.db.selectFrom('privacy_request_verifications').selectAll().where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect([v.attempts, v.failed_attempts, JSON.parse(v.matched_keys ?? '[]')]).toEqual([2, 1, ['name', 'invitedBy']]);
  });

  it('DSR-2: specific pieces (access) need 3 data points and a declaration signed under penalty of perjury', async () => {
    const person = await invited('ghopper');
    const r = await request({ kind: 'access', regime: 'other', email: person.email });
    const token = await linkToken(person.email, r.id);
    expect(json(await get(`${REQUESTS}/${r.id}?token=${token}`)).verificationNeeds).toEqual(['email_link', 'data_points:3', 'declaration']);
    const declaration = { signedName: 'Grace Hopper', agreed: true };
    const undeclared = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: person.points });
    expect([undeclared.statusCode, json(undeclared).code]).toEqual([422, 'rights.declaration_required']);
    expect(json(await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: person.points, declaration: { ...declaration, agreed: false } })).code).toBe('rights.declaration_required');
    const two = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { name: person.points.name, username: 'ghopper' }, declaration });
    // Two where three are needed: refused before matching, and not counted as an attempt.
    expect(json(two).code).toBe('rights.data_points_required');
    const wrong = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { name: person.points.name, username: 'ghopper', organization: 'Elsewhere Inc' }, declaration });
    expect([json(wrong).code, json(wrong).attemptsLeft]).toEqual(['rights.data_points_not_matched', 4]);
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { name: person.points.name, username: 'ghopper', organization: person.points.organization }, declaration });
    expect(json(ok).verification, ok.body).toBe('verified');
    const staff = json(await get(`${STAFF.replace('/staff', '')}/${r.id}`, privacy));
    const items = Object.fromEntries(staff.verificationChecklist.items.map((i: { key: string }) => [i.key, i]));
    expect(items.declaration).toMatchObject({ required: true, done: true });
    expect(items.data_points).toMatchObject({ required: true, done: true, detail: expect.stringContaining('3 of 3') });
    expect(items.email_link).toMatchObject({ required: true, done: true });
  });

  it('DSR-2: a deletion of data that includes a directory login (sensitive) needs 3 and the declaration; an invitation alone, 2', async () => {
    const login = await invited('login-holder');
    const plain = await invited();
    // An entry imported with its former directory's password binds over LDAP: active, with no account.
    await t.app.db.updateTable('memberships').set({ status: 'active' }).where('email_normalized', '=', login.email).execute();
    const a = await request({ kind: 'delete', regime: 'other', email: login.email });
    const b = await request({ kind: 'delete', regime: 'other', email: plain.email });
    expect(json(await get(`${REQUESTS}/${a.id}?token=${await linkToken(login.email, a.id)}`)).verificationNeeds).toEqual(['email_link', 'data_points:3', 'declaration']);
    expect(json(await get(`${REQUESTS}/${b.id}?token=${await linkToken(plain.email, b.id)}`)).verificationNeeds).toEqual(['email_link', 'data_points:2']);
  });

  it('DSR-2: a correction is never verified by the field being corrected', async () => {
    const person = await invited();
    const r = await request({ kind: 'correct', regime: 'other', email: person.email, correction: { field: 'name', value: 'Grace B. Hopper' } });
    const token = await linkToken(person.email, r.id);
    const byName = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { name: person.points.name, organization: person.points.organization } });
    expect(json(byName).code).toBe('rights.data_points_not_matched');
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { organization: person.points.organization, invitedBy: person.points.invitedBy } });
    expect(json(ok).verification, ok.body).toBe('verified');
  });

  it('DSR-2: a California request also attests residence, and the attestation is recorded', async () => {
    const person = await invited();
    const r = await request({ kind: 'know', regime: 'ccpa', email: person.email });
    const token = await linkToken(person.email, r.id);
    expect(json(await get(`${REQUESTS}/${r.id}?token=${token}`)).verificationNeeds).toEqual(['email_link', 'data_points:2', 'residence']);
    const dataPoints = { name: person.points.name, invitedBy: person.points.invitedBy };
    expect(json(await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints })).code).toBe('rights.residence_required');
    expect(json(await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints, residence: { state: 'NV', agreed: true } })).code).toBe('rights.residence_required');
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints, residence: { state: 'CA', agreed: true } });
    expect(json(ok).verification, ok.body).toBe('verified');
    const v = await t.app.db.selectFrom('privacy_request_verifications').select(['residence', 'residence_attested_at']).where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect(v).toEqual({ residence: 'CA', residence_attested_at: START });
    // An account holder's California request attests it too, with the password.
    const user = await verifiedUser(t);
    const mine = await request({ kind: 'know', regime: 'ccpa' }, user.auth);
    expect(mine.verificationNeeds).toEqual(['reauthentication', 'residence']);
    expect(json(await post(`${REQUESTS}/${mine.id}/verify`, { password: GOOD_PASSWORD }, user.auth)).code).toBe('rights.residence_required');
    expect(json(await post(`${REQUESTS}/${mine.id}/verify`, { password: GOOD_PASSWORD, residence: { state: 'CA', agreed: true } }, user.auth)).verification).toBe('verified');
  });

  it('DSR-2: an unverifiable deletion becomes an opt-out of sale/sharing at once, the request is closed honestly and the requester told', async () => {
    const person = await invited();
    const r = await request({ kind: 'delete', regime: 'ccpa', email: person.email });
    const token = await linkToken(person.email, r.id);
    const wrong = { token, dataPoints: { name: 'Nobody', organization: 'Nowhere' }, residence: { state: 'CA', agreed: true } };
    for (let left = 4; left >= 1; left--) expect(json(await post(`${REQUESTS}/${r.id}/verify`, wrong)).attemptsLeft).toBe(left);
    const last = await post(`${REQUESTS}/${r.id}/verify`, wrong);
    expect([last.statusCode, json(last).code]).toEqual([409, 'rights.verification_failed']);

    const closed = await row(r.id);
    expect(closed).toMatchObject({ verification: 'failed', state: 'completed', outcome: 'denied' });
    expect(closed.outcome_reason).toContain('opt-out of sale and sharing');
    const log = await t.app.db.selectFrom('privacy_request_log').selectAll().where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ outcome: 'denied', responded_at: START });
    expect(log.denial_reason).toContain('opt-out');
    const consent = await t.app.db.selectFrom('consent_events').select(['purpose', 'granted']).where('subject_type', '=', 'email').where('subject_id', '=', person.email).execute();
    expect(consent.map((e) => [e.purpose, Number(e.granted)]).sort()).toEqual([['advertising', 0], ['partner_sharing', 0]]);
    const mail = await mailTo(person.email, r.id, 'Your deletion request could not be verified');
    expect(mail.text).toContain('opt out of the sale and sharing');
    expect(mail.text).toContain('not deleted');
    const view = json(await get(`${REQUESTS}/${r.id}?token=${token}`));
    expect(view.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['verification_failed', 'opted_out', 'closed']));
    expect(json(await post(`${REQUESTS}/${r.id}/verify`, wrong)).code).toBe('rights.request_closed');
    expect(verified).not.toContain(r.id);
  });

  it('DSR-3: an agent submits with a signed authorization; the request is verified only once the agent\u2019s verification and the subject\u2019s own confirmation are both in', async () => {
    const person = await invited();
    const agentEmail = uniqueEmail('agent');
    const r = await request({ kind: 'know', regime: 'other', email: person.email, agent: { name: 'Ada Agent', email: agentEmail }, authorization: authorization() });
    expect(r.verificationNeeds).toEqual(['email_link']);
    const agentMail = await mailTo(agentEmail, r.id, 'We received the privacy request you made as an agent');
    const agentToken = tokenFrom(agentMail.text, `/privacy/requests/${r.id}`);
    const subjectMail = await mailTo(person.email, r.id);
    expect(subjectMail.text).toContain('Ada Agent');
    const subjectToken = tokenFrom(subjectMail.text, `${REQUESTS}/${r.id}`);

    expect(json(await get(`${REQUESTS}/${r.id}?token=${agentToken}`)).verificationNeeds).toEqual(['data_points:2', 'awaiting_subject']);
    expect(json(await get(`${REQUESTS}/${r.id}?token=${subjectToken}`)).verificationNeeds).toEqual(['data_points:2', 'subject_confirmation']);
    const byAgent = await post(`${REQUESTS}/${r.id}/verify`, { token: agentToken, dataPoints: { name: person.points.name, organization: person.points.organization } });
    expect(json(byAgent)).toMatchObject({ verification: 'pending', verificationNeeds: ['awaiting_subject'] });
    expect(verified).not.toContain(r.id);
    // The agent's link cannot stand in for the subject's.
    expect((await post(`${REQUESTS}/${r.id}/subject-confirmation`, { token: agentToken })).statusCode).toBe(404);
    const confirmed = await post(`${REQUESTS}/${r.id}/subject-confirmation`, { token: subjectToken });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(json(confirmed).verification).toBe('verified');
    expect((await row(r.id)).verification_method).toBe('agent_and_subject');
    expect(verified).toContain(r.id);
    await mailTo(agentEmail, r.id, 'The privacy request you made as an agent is verified');

    // Staff see the agent on the checklist and download the authorization as uploaded.
    const staff = json(await get(`${REQUESTS}/${r.id}`, privacy));
    expect(staff.verificationChecklist.agent).toMatchObject({ name: 'Ada Agent', email: agentEmail, authorization: { filename: 'signed.png', contentType: 'image/png', size: PNG.length } });
    const file = await get(`${STAFF}/${r.id}/authorization`, privacy);
    expect([file.statusCode, file.headers['content-type'], file.rawPayload.equals(PNG)]).toEqual([200, 'image/png', true]);
    expect(file.headers['content-disposition']).toContain('attachment');
    expect((await get(`${STAFF}/${r.id}/authorization`, (await staffMember(t, 'support')).auth)).statusCode).toBe(403);
    expect((await post(`${REQUESTS}/${r.id}/subject-confirmation`, { token: subjectToken })).statusCode).toBe(409);
  });

  it('DSR-3: an agent\u2019s opt-out needs only the signed authorization and takes effect at once', async () => {
    const subject = uniqueEmail('subject');
    const r = await request({ kind: 'opt_out', regime: 'ccpa', email: subject, agent: { name: 'Ada Agent', email: uniqueEmail('agent') }, authorization: authorization({ filename: 'auth.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7\n% signed\n').toString('base64') }) });
    expect(r).toMatchObject({ state: 'completed', outcome: 'complied', verification: 'not_required', verificationNeeds: [] });
    const consent = await t.app.db.selectFrom('consent_events').select('purpose').where('subject_type', '=', 'email').where('subject_id', '=', subject).execute();
    expect(consent.length).toBe(2);
    const agent = await t.app.db.selectFrom('privacy_request_agents').select(['content_type', 'size']).where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect(agent.content_type).toBe('application/pdf');
  });

  it('DSR-3: a bad authorization is refused and nothing is recorded', async () => {
    const before = (await t.app.db.selectFrom('privacy_requests').select('id').execute()).length;
    const agent = { name: 'Ada Agent', email: uniqueEmail('agent') };
    const email = uniqueEmail('subject');
    const unique = () => uniqueEmail('subject');
    for (const [body, code] of [
      [{ agent }, 'rights.agent_authorization_required'],
      [{ authorization: authorization() }, 'rights.agent_authorization_required'],
      [{ agent, authorization: authorization({ content: Buffer.from('MZ this is a program').toString('base64') }) }, 'rights.authorization_file_refused'],
      [{ agent, authorization: authorization({ contentType: 'application/pdf' }) }, 'rights.authorization_file_refused'],
      [{ agent, authorization: authorization({ filename: 'signed.exe' }) }, 'rights.authorization_file_refused'],
      [{ agent, authorization: authorization({ content: 'not base64!' }) }, 'rights.authorization_file_refused'],
    ] as const) {
      const res = await post(REQUESTS, { kind: 'access', regime: 'other', email: unique(), ...body });
      expect([res.statusCode, json(res).code], JSON.stringify(body).slice(0, 120)).toEqual([422, code]);
    }
    expect(json(await post(REQUESTS, { kind: 'question', regime: 'other', email, agent, authorization: authorization() })).code).toBe('rights.agent_kind_refused');
    const html = await post(REQUESTS, { kind: 'access', regime: 'other', email, agent, authorization: authorization({ contentType: 'text/html' }) });
    expect(html.statusCode).toBe(400);
    expect((await t.app.db.selectFrom('privacy_requests').select('id').execute()).length).toBe(before);
  });

  it('DSR-1, DSR-5: verification records and an agent\u2019s authorization are in the subject\u2019s export, and go with their erasure', async () => {
    const person = await invited();
    const agentEmail = uniqueEmail('agent');
    const r = await request({ kind: 'access', regime: 'ccpa', email: person.email, agent: { name: 'Ada Agent', email: agentEmail }, authorization: authorization() });
    const agentToken = tokenFrom((await mailTo(agentEmail, r.id, 'We received the privacy request you made as an agent')).text, `/privacy/requests/${r.id}`);
    const declaration = { signedName: 'Grace Hopper', agreed: true };
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token: agentToken, dataPoints: person.points, declaration, residence: { state: 'CA', agreed: true } });
    expect(json(ok).verificationNeeds, ok.body).toEqual(['awaiting_subject']);

    const subject = await t.app.rights.subjectOf({ email: person.email });
    const exported = (await t.app.rights.registry.exportAll(subject)).modules.request_verification;
    expect(exported?.privacy_request_verifications).toEqual([expect.objectContaining({ request_id: r.id, declaration_name: 'Grace Hopper', residence: 'CA' })]);
    const [agentRow] = exported?.privacy_request_agents ?? [];
    expect(agentRow).toMatchObject({ request_id: r.id, name: 'Ada Agent', content: PNG.toString('base64') });
    expect(agentRow).not.toHaveProperty('token_hash');
    // The agent's own export holds the request they made.
    const asAgent = (await t.app.rights.registry.exportAll(await t.app.rights.subjectOf({ email: agentEmail }))).modules.request_verification;
    expect(asAgent?.privacy_request_agents?.map((a) => a.request_id)).toEqual([r.id]);

    const erased = (await t.app.rights.registry.eraseAll(subject, { basis: 'deletion_request', reference: null })).request_verification;
    expect([erased?.privacy_request_verifications?.deidentified, erased?.privacy_request_agents?.deleted]).toEqual([1, 1]);
    const v = await t.app.db.selectFrom('privacy_request_verifications').select(['declaration_name', 'residence', 'attempts']).where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect(v).toEqual({ declaration_name: null, residence: null, attempts: 1 });
    expect(await t.app.db.selectFrom('privacy_request_agents').select('request_id').where('request_id', '=', r.id).execute()).toEqual([]);
  });

  it('DSR-2: a verify call with fewer non-blank data points than needed is refused before it counts; five of them fail nothing', async () => {
    const person = await invited();
    const r = await request({ kind: 'delete', regime: 'other', email: person.email });
    const token = await linkToken(person.email, r.id);
    for (const dataPoints of [undefined, {}, { name: '   ', organization: ' ' }, { name: person.points.name }, { name: person.points.name, organization: '  ' }, {}]) {
      const res = await post(`${REQUESTS}/${r.id}/verify`, { token, ...(dataPoints ? { dataPoints } : {}) });
      expect([res.statusCode, json(res).code, json(res).errors?.[0]?.field ?? json(res).field], JSON.stringify(dataPoints)).toEqual([422, 'rights.data_points_required', 'dataPoints']);
    }
    expect(await row(r.id)).toMatchObject({ verification: 'pending', state: 'acknowledged' });
    const v = await t.app.db.selectFrom('privacy_request_verifications').select(['attempts', 'failed_attempts']).where('request_id', '=', r.id).executeTakeFirst();
    expect(v ?? { attempts: 0, failed_attempts: 0 }).toEqual({ attempts: 0, failed_attempts: 0 });
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token, dataPoints: { name: person.points.name, invitedBy: person.points.invitedBy } });
    expect(json(ok).verification, ok.body).toBe('verified');
  });

  it('DSR-3: a staff "verified" decision on an agent\u2019s request records the identity; the request is verified only once the subject confirms', async () => {
    const person = await invited();
    const agentEmail = uniqueEmail('agent');
    const r = await request({ kind: 'know', regime: 'other', email: person.email, agent: { name: 'Ada Agent', email: agentEmail }, authorization: authorization() });
    const decided = await post(`${STAFF}/${r.id}/verification`, { decision: 'verified', method: 'agent_documents', note: 'The authorization and the agent\u2019s ID were checked.' }, privacy);
    expect(decided.statusCode, decided.body).toBe(200);
    expect(json(decided)).toMatchObject({ verification: 'pending', verificationNeeds: ['subject_confirmation'] });
    expect((await row(r.id)).verification).toBe('pending');
    expect(verified).not.toContain(r.id);
    const subjectToken = await linkToken(person.email, r.id);
    const confirmed = await post(`${REQUESTS}/${r.id}/subject-confirmation`, { token: subjectToken });
    expect(json(confirmed).verification, confirmed.body).toBe('verified');
    expect((await row(r.id)).verification_method).toBe('agent_and_subject');
    expect(verified).toContain(r.id);
  });

  it('DSR-2: a staff "verified" decision on a California request waits for the residence, which the requester attests by the link', async () => {
    const person = await invited();
    const r = await request({ kind: 'know', regime: 'ccpa', email: person.email });
    const decided = await post(`${STAFF}/${r.id}/verification`, { decision: 'verified', method: 'phone', note: 'Called back; two details matched.' }, privacy);
    expect(json(decided), decided.body).toMatchObject({ verification: 'pending', verificationNeeds: ['residence'] });
    const token = await linkToken(person.email, r.id);
    expect(json(await get(`${REQUESTS}/${r.id}?token=${token}`)).verificationNeeds).toEqual(['residence']);
    expect(json(await post(`${REQUESTS}/${r.id}/verify`, { token, residence: { state: 'NV', agreed: true } })).code).toBe('rights.residence_required');
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token, residence: { state: 'CA', agreed: true } });
    expect(json(ok), ok.body).toMatchObject({ verification: 'verified', verificationNeeds: [] });
    expect(await row(r.id)).toMatchObject({ verification: 'verified', verification_method: 'staff' });
    expect(verified).toContain(r.id);
  });

  it('DSR-3: the history an agent\u2019s link shows never tells that the subject has an account', async () => {
    const holder = await verifiedUser(t);
    const stranger = await invited();
    const agent = { name: 'Ada Agent', email: uniqueEmail('agent') };
    const about = await request({ kind: 'know', regime: 'other', email: holder.body.email, agent, authorization: authorization() });
    const other = await request({ kind: 'know', regime: 'other', email: stranger.email, agent, authorization: authorization() });
    const agentToken = async (id: string) => tokenFrom((await mailTo(agent.email, id, 'We received the privacy request you made as an agent')).text, `/privacy/requests/${id}`);
    // The account holder confirms signed in, with the password; the other subject by their link.
    const byHolder = await post(`${REQUESTS}/${about.id}/subject-confirmation`, { token: await linkToken(holder.body.email, about.id), password: GOOD_PASSWORD }, holder.auth);
    expect(byHolder.statusCode, byHolder.body).toBe(200);
    expect((await post(`${REQUESTS}/${other.id}/subject-confirmation`, { token: await linkToken(stranger.email, other.id) })).statusCode).toBe(200);
    const seen = async (id: string) => json(await get(`${REQUESTS}/${id}?token=${await agentToken(id)}`)).history.map((h: { action: string; note: string | null }) => [h.action, h.note]);
    const a = await seen(about.id);
    expect(JSON.stringify(a)).not.toMatch(/account|re-?authenticat/i);
    const confirmation = (h: Array<[string, string | null]>) => h.filter(([action]) => action === 'subject_confirmed');
    expect(confirmation(a)).toEqual(confirmation(await seen(other.id)));
    expect(confirmation(a)).toHaveLength(1);
  });

  it('DSR-3: a person\u2019s export of requests they made as an agent leaves out the other person\u2019s signed authorization; their erasure keeps that request\u2019s agent, de-identified', async () => {
    const person = await invited();
    const agentEmail = uniqueEmail('agent');
    const r = await request({ kind: 'know', regime: 'other', email: person.email, agent: { name: 'Ada Agent', email: agentEmail }, authorization: authorization() });
    const agentSubject = await t.app.rights.subjectOf({ email: agentEmail });
    const asAgent = await t.app.rights.registry.exportAll(agentSubject);
    const [row0] = asAgent.modules.request_verification?.privacy_request_agents ?? [];
    expect(row0).toMatchObject({ request_id: r.id, name: 'Ada Agent', filename: 'signed.png' });
    expect(row0).not.toHaveProperty('content');
    expect(asAgent.withheld).toContainEqual(expect.objectContaining({ module: 'request_verification', table: 'privacy_request_agents', column: 'content' }));
    // The subject's own export still holds the authorization they signed.
    const own = (await t.app.rights.registry.exportAll(await t.app.rights.subjectOf({ email: person.email }))).modules.request_verification?.privacy_request_agents ?? [];
    expect(own).toEqual([expect.objectContaining({ request_id: r.id, content: PNG.toString('base64') })]);

    const erased = (await t.app.rights.registry.eraseAll(agentSubject, { basis: 'deletion_request', reference: null })).request_verification;
    expect([erased?.privacy_request_agents?.deleted, erased?.privacy_request_agents?.deidentified]).toEqual([0, 1]);
    const kept = await t.app.db.selectFrom('privacy_request_agents').selectAll().where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect([kept.name, kept.email, kept.email_normalized, Buffer.from(kept.content ?? []).equals(PNG)]).toEqual(['[erased]', '[erased]', '[erased]', true]);
    // The other person's request still needs their own confirmation, and no mail goes to the erased agent.
    const subjectToken = await linkToken(person.email, r.id);
    expect(json(await get(`${REQUESTS}/${r.id}?token=${subjectToken}`)).verificationNeeds).toContain('subject_confirmation');
    // The subject's own data points, by their own link, verify it and confirm it at once.
    const ok = await post(`${REQUESTS}/${r.id}/verify`, { token: subjectToken, dataPoints: { name: person.points.name, invitedBy: person.points.invitedBy } });
    expect(json(ok).verification, ok.body).toBe('verified');
    await t.app.jobRunner.drain();
    expect(await t.app.db.selectFrom('mail_outbox').select('id').where('to_address', '=', '[erased]').execute()).toEqual([]);
  });

  it('DSR-2: privacy staff record a verification done outside the web, audited; a failed one on a deletion becomes an opt-out', async () => {
    const person = await invited();
    const r = await request({ kind: 'access', regime: 'gdpr', email: person.email });
    const url = `${STAFF}/${r.id}/verification`;
    const support = (await staffMember(t, 'support')).auth;
    expect((await post(url, { decision: 'verified', note: 'x' }, support)).statusCode).toBe(403);
    expect(json(await post(url, { decision: 'verified', note: '   ' }, privacy)).code).toBe('common.invalid');
    const ok = await post(url, { decision: 'verified', method: 'phone', note: 'Called back on the number the organization holds; three details matched.' }, privacy);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ verification: 'verified', verificationChecklist: { decision: { decision: 'verified', method: 'phone' } } });
    expect((await row(r.id)).verification_method).toBe('staff');
    expect(verified).toContain(r.id);
    expect(json(await post(url, { decision: 'failed', note: 'Again.' }, privacy)).code).toBe('rights.verification_not_pending');
    const audit = await t.app.db.selectFrom('audit_log').select('action').where('target_id', '=', r.id).execute();
    expect(audit.map((a) => a.action)).toContain('privacy.request_verification_decided');

    const del = await request({ kind: 'delete', regime: 'other', email: person.email });
    const failed = await post(`${STAFF}/${del.id}/verification`, { decision: 'failed', method: 'phone', note: 'The caller could not tell us anything we hold.' }, privacy);
    expect(json(failed)).toMatchObject({ verification: 'failed', state: 'completed', outcome: 'denied' });
    await mailTo(person.email, del.id, 'Your deletion request could not be verified');
    expect((await post(`${STAFF}/dsr_nothing/verification`, { decision: 'verified', note: 'x' }, privacy)).statusCode).toBe(404);
  });
});
