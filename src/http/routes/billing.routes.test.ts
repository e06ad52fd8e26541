import type { StaffRole } from '../../core/caller.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { type TestApp, GOOD_PASSWORD, json, signIn, startTestApp, uniqueEmail, verifiedUser, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { tokenFrom } from '../../../test/helpers/smtp.ts';

type Admin = Awaited<ReturnType<typeof verifiedUser>>;
type Method = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

const VISA = '4242424242424242';
const MASTERCARD = '5555555555554444';
const AMEX = '378282246310005';
const DECLINED = '4000000000000002';
const card = (overrides: Record<string, unknown> = {}) => ({
  number: VISA,
  cvc: '737',
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 3,
  holderName: 'Ada Lovelace',
  ...overrides,
});

describe.each(dialects)('billing on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const call = (method: Method, url: string, auth: Record<string, string>, payload?: object) =>
    t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const cardUrl = (a: Admin) => `/api/v1/orgs/${a.organization.id}/billing/card`;
  const planOf = async (orgId: string) =>
    (await t.app.db.selectFrom('organizations').select('plan').where('id', '=', orgId).executeTakeFirstOrThrow()).plan;
  const auditActions = async (orgId: string) =>
    (await t.app.db.selectFrom('audit_log').select('action').where('org_id', '=', orgId).orderBy('seq').execute()).map((r) => r.action);

  async function staffAuth(role: string) {
    return (await staffMember(t, role as StaffRole)).auth;
  }

  async function addUser(a: Admin, email = uniqueEmail('member')) {
    const res = await call('POST', `/api/v1/orgs/${a.organization.id}/users`, a.auth, { email, name: 'Grace Hopper' });
    if (res.statusCode !== 201) throw new Error(`create user: ${res.statusCode} ${res.body}`);
    return json(res);
  }

  async function memberAuth(a: Admin) {
    const email = uniqueEmail('member');
    await addUser(a, email);
    const mail = await t.smtp.waitFor((m) => m.to === email && m.subject.includes('Invitation'));
    const token = tokenFrom(mail.text, '/invitations');
    await t.app.http.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: GOOD_PASSWORD } });
    return { authorization: `Bearer ${(await signIn(t, email, GOOD_PASSWORD)).token}` };
  }

  /** Everything a card change could touch, for "changed nothing" checks. */
  async function state(orgId: string) {
    return JSON.stringify({
      cards: await t.app.db.selectFrom('cards').selectAll().where('org_id', '=', orgId).execute(),
      org: await t.app.db.selectFrom('organizations').selectAll().where('id', '=', orgId).execute(),
      audit: await auditActions(orgId),
    });
  }

  it('PRV-10: adding a card stores only the token, brand, last 4 digits, holder and expiry, and moves a free organization to paid (DIR-4: then an 11th user is allowed)', async () => {
    const a = await verifiedUser(t);
    expect(await planOf(a.organization.id)).toBe('free');
    const body = card({ holderName: '  Ada Lovelace ' });
    const res = await call('PUT', cardUrl(a), a.auth, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ brand: 'visa', last4: '4242', holderName: 'Ada Lovelace', expMonth: 12, expYear: body.expYear, addedAt: t.clock.now().toISOString() });
    expect(res.body).not.toContain(VISA);

    const rows = await t.app.db.selectFrom('cards').selectAll().where('org_id', '=', a.organization.id).execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row).sort()).toEqual(['brand', 'created_at', 'created_by', 'exp_month', 'exp_year', 'holder_name', 'id', 'last4', 'org_id', 'provider', 'token'].sort());
    expect(row).toMatchObject({ provider: 'test', brand: 'visa', last4: '4242', holder_name: 'Ada Lovelace', exp_month: 12, exp_year: body.expYear, created_by: a.user.accountId });
    expect(row.token).toMatch(/^tok_test_/);
    expect(JSON.stringify(row)).not.toContain(VISA);

    expect(await planOf(a.organization.id)).toBe('paid');
    expect(await auditActions(a.organization.id)).toEqual(expect.arrayContaining(['billing.card_added', 'billing.plan_changed']));
    const planChange = await t.app.db.selectFrom('audit_log').select('details').where('org_id', '=', a.organization.id).where('action', '=', 'billing.plan_changed').executeTakeFirstOrThrow();
    expect(JSON.parse(String(planChange.details))).toMatchObject({ from: 'free', to: 'paid', reason: 'card_added' });

    expect(json(await call('GET', cardUrl(a), a.auth))).toEqual(json(res));
    // The admin is the first user: ten more make eleven, which the free plan would refuse.
    for (let i = 0; i < 10; i++) await addUser(a);
  });

  it('PRV-10: a new card replaces the old one; removing it keeps the plan (paid stays paid)', async () => {
    const a = await verifiedUser(t);
    await call('PUT', cardUrl(a), a.auth, card());
    const replaced = await call('PUT', cardUrl(a), a.auth, card({ number: MASTERCARD, cvc: '123', expMonth: 1 }));
    expect(json(replaced)).toMatchObject({ brand: 'mastercard', last4: '4444', expMonth: 1 });
    expect(await t.app.db.selectFrom('cards').select('brand').where('org_id', '=', a.organization.id).execute()).toEqual([{ brand: 'mastercard' }]);
    const amex = await call('PUT', cardUrl(a), a.auth, card({ number: AMEX, cvc: '1234' }));
    expect(json(amex)).toMatchObject({ brand: 'amex', last4: '0005' });

    expect((await call('DELETE', cardUrl(a), a.auth)).statusCode).toBe(204);
    const none = await call('GET', cardUrl(a), a.auth);
    expect(none.statusCode).toBe(404);
    expect(json(none).code).toBe('billing.no_card');
    expect(json(await call('DELETE', cardUrl(a), a.auth)).code).toBe('billing.no_card');
    expect(await planOf(a.organization.id)).toBe('paid');
    expect(await auditActions(a.organization.id)).toEqual(
      expect.arrayContaining(['billing.card_added', 'billing.card_replaced', 'billing.card_replaced', 'billing.card_removed']),
    );
    expect((await auditActions(a.organization.id)).filter((x) => x === 'billing.plan_changed')).toHaveLength(1);
  });

  it('DIR-4: a running jumpstart trial keeps its plan when a card is added; once the trial has ended, a card moves it to paid', async () => {
    const billing = await staffAuth('billing');
    const a = await verifiedUser(t);
    const endsAt = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    expect((await call('PATCH', `/api/v1/staff/orgs/${a.organization.id}/plan`, billing, { plan: 'jumpstart', endsAt })).statusCode).toBe(200);
    expect((await call('PUT', cardUrl(a), a.auth, card())).statusCode).toBe(200);
    expect(await planOf(a.organization.id)).toBe('jumpstart');

    (t.clock as ManualClock).advance(2 * 86_400_000);
    expect((await call('PUT', cardUrl(a), a.auth, card({ number: MASTERCARD }))).statusCode).toBe(200);
    expect(await planOf(a.organization.id)).toBe('paid');
  });

  it('PRV-10: a declined card is refused with billing.card_declined and changes nothing', async () => {
    const a = await verifiedUser(t);
    const before = await state(a.organization.id);
    const res = await call('PUT', cardUrl(a), a.auth, card({ number: DECLINED }));
    expect(res.statusCode).toBe(422);
    expect(json(res)).toMatchObject({ code: 'billing.card_declined', status: 422 });
    expect(res.body).not.toContain(DECLINED);
    // A valid number that is not a documented test card is declined too: the test provider charges nobody.
    const other = await call('PUT', cardUrl(a), a.auth, card({ number: '4111111111111111' }));
    expect(json(other).code).toBe('billing.card_declined');
    expect(await state(a.organization.id)).toBe(before);
    expect(await planOf(a.organization.id)).toBe('free');
  });

  it('PRV-10, SEC-3: bad card input gets problem details naming the field, never echoing the number or CVC, and changes nothing', async () => {
    const a = await verifiedUser(t);
    const before = await state(a.organization.id);
    const year = new Date().getUTCFullYear();
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [card({ number: '4242424242424241' }), 422, 'billing.invalid_card_number', 'number'],
      [card({ number: '9999999999999995' }), 422, 'billing.unsupported_card_brand', 'number'],
      [card({ number: AMEX, cvc: '737' }), 422, 'billing.invalid_cvc', 'cvc'],
      [card({ cvc: '7371' }), 422, 'billing.invalid_cvc', 'cvc'],
      [card({ expMonth: 1, expYear: year - 1 }), 422, 'billing.card_expired', 'expYear'],
      [card({ holderName: '   ' }), 422, 'billing.invalid_holder_name', 'holderName'],
      [card({ number: '4242 4242 4242 4242' }), 400, 'http.validation_failed', 'number'],
      [card({ number: '4242424242424242424242' }), 400, 'http.validation_failed', 'number'],
      [card({ cvc: '73' }), 400, 'http.validation_failed', 'cvc'],
      [card({ cvc: 'abc' }), 400, 'http.validation_failed', 'cvc'],
      [card({ expMonth: 13 }), 400, 'http.validation_failed', 'expMonth'],
      [card({ expYear: '2030' }), 400, 'http.validation_failed', 'expYear'],
      [card({ cvv: '737' }), 400, 'http.validation_failed', 'cvv'],
      [{ number: VISA, cvc: '737', expMonth: 12, holderName: 'Ada' }, 400, 'http.validation_failed', 'expYear'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await call('PUT', cardUrl(a), a.auth, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      const p = json(res);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(p.code).toBe(code);
      expect(p.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(res.body).not.toContain(String(body.number));
      expect(res.body).not.toContain(String(body.number).replace(/ /g, ''));
      expect(res.body).not.toMatch(new RegExp(`"${String(body.cvc ?? body.cvv)}"`));
    }
    expect(await state(a.organization.id)).toBe(before);
  });

  it('PRV-10: only the organization\'s admins manage its card: members and staff are refused, another organization\'s admin gets 404', async () => {
    const a = await verifiedUser(t);
    const other = await verifiedUser(t);
    const member = await memberAuth(a);
    await call('PUT', cardUrl(a), a.auth, card());
    const before = await state(a.organization.id);
    const attempts: Array<[Record<string, string>, number]> = [
      [member, 403],
      [other.auth, 404],
      [await staffAuth('billing'), 403],
      [await staffAuth('owner'), 403],
      [await staffAuth('support'), 403],
      [{}, 401],
    ];
    for (const [auth, status] of attempts) {
      for (const [method, payload] of [['GET', undefined], ['PUT', card({ number: MASTERCARD })], ['DELETE', undefined]] as const) {
        const res = await call(method, cardUrl(a), auth, payload);
        expect(res.statusCode, `${method} ${JSON.stringify(auth).slice(0, 40)}: ${res.body}`).toBe(status);
      }
    }
    expect(await state(a.organization.id)).toBe(before);
    // The other organization's own card is its own business: still none.
    expect((await call('GET', cardUrl(other), other.auth)).statusCode).toBe(404);
  });

  it('PRV-10: without a payment provider configured, adding a card is refused with billing.no_payment_provider and nothing changes', async () => {
    const bare = await startTestApp(dialect, { env: { CASTELLAN_PAYMENT_PROVIDER: 'none' } });
    try {
      const a = await verifiedUser(bare);
      const url = `/api/v1/orgs/${a.organization.id}/billing/card`;
      const res = await bare.app.http.inject({ method: 'PUT', url, headers: a.auth, payload: card() });
      expect(res.statusCode).toBe(409);
      expect(json(res).code).toBe('billing.no_payment_provider');
      expect(await bare.app.db.selectFrom('cards').selectAll().execute()).toEqual([]);
      expect((await bare.app.db.selectFrom('organizations').select('plan').where('id', '=', a.organization.id).executeTakeFirstOrThrow()).plan).toBe('free');
    } finally {
      await bare.close();
    }
  });
});
