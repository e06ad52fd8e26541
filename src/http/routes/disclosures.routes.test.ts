import type { StaffRole } from '../../core/caller.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { DisclosureEntry } from '../../modules/privacy/index.ts';
import { type TestApp, json, signIn, signup, startTestApp, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

const PROVIDER = { CASTELLAN_MAIL_PROVIDER_NAME: 'Relay Mail Inc.', CASTELLAN_MAIL_PROVIDER_ADDRESS: '100 Harbor Way, Oakland, CA 94607' };
const URL = '/api/v1/staff/privacy/disclosures';

const legalRequest = (overrides: Record<string, unknown> = {}) => ({
  recipientName: 'Alameda County Sheriff',
  recipientAddress: '1401 Lakeside Dr, Oakland, CA 94612',
  categories: ['identifiers', 'internet_activity'],
  purpose: 'response to a subpoena in a criminal investigation',
  reference: 'Subpoena 2026-CR-0042',
  subjectEmail: 'Suspect@Example.com',
  ...overrides,
});

describe.each(dialects)('disclosure ledger routes on $name', (dialect) => {
  const clock = new ManualClock('2026-04-01T09:00:00.000Z');
  let t: TestApp;
  let privacy: Record<string, string>;
  let owner: Record<string, string>;
  let privacyId: string;

  const get = (url: string, headers: Record<string, string>) => t.app.http.inject({ method: 'GET', url, headers });
  const post = (payload: object, headers: Record<string, string>) => t.app.http.inject({ method: 'POST', url: URL, payload, headers });
  const count = async () => Number((await t.app.db.selectFrom('disclosures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  async function staff(role: string) {
    const staff = await staffMember(t, role as StaffRole);
    return { id: staff.id, auth: staff.auth };
  }

  /** An org admin, verified through the mail the worker sent over SMTP (and the provider recorded). */
  async function orgAdmin() {
    const s = await signup(t);
    await t.app.jobRunner.drain();
    const mail = await t.smtp.waitFor((m) => m.to === s.body.email && m.subject.includes('Verify'));
    await t.app.http.inject({ method: 'POST', url: '/api/v1/email-verification', payload: { token: tokenFrom(mail.text, '/verify-email') } });
    const session = await signIn(t, s.body.email, s.body.password);
    return { ...s, auth: { authorization: `Bearer ${session.token}` } };
  }

  beforeAll(async () => {
    t = await startTestApp(dialect, { clock, env: { ...PROVIDER, CASTELLAN_MAIL_WORKER: 'false' } });
    const p = await staff('privacy');
    privacy = p.auth;
    privacyId = p.id;
    owner = (await staff('owner')).auth;
  });
  afterAll(() => t.close());

  it('PRV-9: the mail provider’s disclosure of a sign-up’s verification mail shows in the ledger', async () => {
    const admin = await orgAdmin();
    const res = await get(`${URL}?subjectEmail=${encodeURIComponent(admin.body.email.toUpperCase())}`, privacy);
    expect(res.statusCode).toBe(200);
    const { items } = json(res);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      recipientKind: 'service_provider',
      recipientName: 'Relay Mail Inc.',
      recipientAddress: '100 Harbor Way, Oakland, CA 94607',
      categories: ['identifiers', 'contact', 'message_content'],
      purpose: 'email delivery',
      directMarketing: false,
      subjectEmail: admin.body.email.toLowerCase(),
      recordedBy: null,
    });
  });

  it('PRV-9: privacy staff list the ledger newest first, filter it and page through it', async () => {
    const seed = async (instant: string, entry: Partial<DisclosureEntry>) => {
      clock.set(instant);
      return t.app.privacy.disclosures.record(t.app.db, {
        kind: 'partner',
        recipientName: 'Filterable Partners 100% LLC',
        recipientAddress: '5 Main St, Fresno, CA 93721',
        categories: ['identifiers'],
        purpose: 'joint newsletter',
        directMarketing: true,
        subject: { type: 'user', id: 'usr_filter_a' },
        ...entry,
      });
    };
    const a = await seed('2026-02-10T08:00:00.000Z', {});
    const b = await seed('2026-02-11T08:00:00.000Z', { directMarketing: false, purpose: 'Fraud screening', subject: { type: 'user', id: 'usr_filter_b' } });
    const c = await seed('2026-02-12T23:30:00.000Z', { kind: 'integration', recipientName: 'Filterable Chat Integration', subject: null, subjectEmail: 'Someone@Example.com', orgId: 'org_filter' });
    const d = await seed('2026-02-13T08:00:00.000Z', { recipientName: 'Other Partner', subject: { type: 'user', id: 'usr_filter_a' } });
    clock.set('2026-04-01T09:00:00.000Z');

    const ids = async (query: string) => {
      const res = await get(`${URL}?${query}`, privacy);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
      return json(res).items.map((i: { id: string }) => i.id);
    };
    expect(await ids('recipient=filterable')).toEqual([c.id, b.id, a.id]);
    expect(await ids('recipient=100%25')).toEqual([b.id, a.id]);
    expect(await ids('recipient=1000%25')).toEqual([]);
    expect(await ids('kind=integration&recipient=filterable')).toEqual([c.id]);
    expect(await ids('subjectId=usr_filter_a')).toEqual([d.id, a.id]);
    expect(await ids('subjectEmail=someone@example.COM')).toEqual([c.id]);
    expect(await ids('subjectEmail=someone')).toEqual([]);
    expect(await ids('directMarketing=true&recipient=filterable')).toEqual([c.id, a.id]);
    expect(await ids('directMarketing=false&recipient=filterable')).toEqual([b.id]);
    expect(await ids('purpose=fraud')).toEqual([b.id]);
    expect(await ids('orgId=org_filter')).toEqual([c.id]);
    // A day includes all of it; an instant is exact (from inclusive, until exclusive).
    expect(await ids('from=2026-02-11&until=2026-02-12&recipient=filterable')).toEqual([c.id, b.id]);
    expect(await ids('from=2026-02-11T08:00:00.000Z&until=2026-02-12T23:30:00.000Z&recipient=filterable')).toEqual([b.id]);
    expect(await ids('from=2026-02-14')).toEqual(await ids('from=2026-02-14T00:00:00Z'));

    const page1 = json(await get(`${URL}?subjectId=usr_filter_a&limit=1`, privacy));
    expect(page1.items.map((i: { id: string }) => i.id)).toEqual([d.id]);
    expect(page1.nextCursor).toMatch(/^\d+$/);
    const page2 = json(await get(`${URL}?subjectId=usr_filter_a&limit=1&cursor=${page1.nextCursor}`, privacy));
    expect(page2.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect(page2.nextCursor).toBeNull();

    const one = await get(`${URL}/${c.id}`, privacy);
    expect(one.statusCode).toBe(200);
    expect(json(one)).toEqual({ ...c, subjectEmail: 'someone@example.com' });
    expect(json(await get(`${URL}/${c.id}`, owner)).id).toBe(c.id);
    expect((await get(`${URL}/dsc_nobody`, privacy)).statusCode).toBe(404);
  });

  it('PRV-9: support and billing staff and org admins are refused the ledger; without a session, 401', async () => {
    const admin = await orgAdmin();
    const one = json(await post(legalRequest(), privacy));
    const before = await count();
    for (const auth of [(await staff('support')).auth, (await staff('billing')).auth, admin.auth]) {
      for (const res of [await get(URL, auth), await get(`${URL}/${one.id}`, auth), await post(legalRequest(), auth)]) {
        expect(res.statusCode, res.body).toBe(403);
        expect(json(res).code).toBe('common.forbidden');
        expect(res.body).not.toContain('Alameda');
      }
    }
    expect((await get(URL, {})).statusCode).toBe(401);
    expect((await post(legalRequest(), {})).statusCode).toBe(401);
    expect(await count()).toBe(before);
    expect((await get(URL, owner)).statusCode).toBe(200);
  });

  it('PRV-9: privacy staff record a disclosure on legal request: its reference and who recorded it are kept, and it is audited', async () => {
    const res = await post(legalRequest({ subjectUserId: 'usr_suspect', orgId: 'org_suspect' }), privacy);
    expect(res.statusCode, res.body).toBe(201);
    const d = json(res);
    expect(d).toMatchObject({
      recipientKind: 'legal_request',
      recipientName: 'Alameda County Sheriff',
      recipientAddress: '1401 Lakeside Dr, Oakland, CA 94612',
      categories: ['identifiers', 'internet_activity'],
      directMarketing: false,
      subjectType: 'user',
      subjectId: 'usr_suspect',
      subjectEmail: 'suspect@example.com',
      orgId: 'org_suspect',
      recordedBy: privacyId,
      reference: 'Subpoena 2026-CR-0042',
      at: clock.now().toISOString(),
    });
    expect(json(await get(`${URL}/${d.id}`, privacy))).toEqual(d);
    expect(json(await get(`${URL}?kind=legal_request&subjectId=usr_suspect`, privacy)).items).toEqual([d]);

    const audit = json(await get('/api/v1/staff/audit?action=privacy.disclosure_recorded', privacy)).items;
    const entry = audit.find((e: { target: { id: string } | null }) => e.target?.id === d.id);
    expect(entry).toMatchObject({
      actor: { type: 'staff', id: privacyId },
      orgId: 'org_suspect',
      target: { type: 'disclosure', id: d.id },
      details: { kind: 'legal_request', recipient: 'Alameda County Sheriff', reference: 'Subpoena 2026-CR-0042' },
    });
  });

  it('PRV-9: a legal-request disclosure is checked: blank fields, no subject, unknown categories and bad addresses record nothing', async () => {
    const before = await count();
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ recipientName: '   ' }, 422, 'privacy.invalid_disclosure', 'recipientName'],
      [{ recipientAddress: ' ' }, 422, 'privacy.invalid_disclosure', 'recipientAddress'],
      [{ purpose: '  ' }, 422, 'privacy.invalid_disclosure', 'purpose'],
      [{ reference: '  ' }, 422, 'privacy.invalid_disclosure', 'reference'],
      [{ subjectEmail: undefined }, 422, 'privacy.invalid_disclosure', 'subject'],
      [{ subjectEmail: undefined, subjectUserId: ' ' }, 422, 'privacy.invalid_disclosure', 'subject'],
      [{ categories: [] }, 400, 'http.validation_failed', 'categories'],
      [{ categories: ['dna'] }, 400, 'http.validation_failed', 'categories.0'],
      [{ categories: ['contact', 'contact'] }, 400, 'http.validation_failed', 'categories'],
      [{ subjectEmail: 'not-an-address' }, 400, 'http.validation_failed', 'subjectEmail'],
      [{ directMarketing: true }, 400, 'http.validation_failed', 'directMarketing'],
    ];
    for (const [change, status, code, field] of cases) {
      const res = await post(legalRequest(change), privacy);
      expect(res.statusCode, `${JSON.stringify(change)}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const p = json(res);
      expect(p.code).toBe(code);
      expect(p.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await count()).toBe(before);
  });
});
