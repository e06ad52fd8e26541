/**
 * DIR-4: a default install can grow past 10 users. Without a payment provider the console is told
 * that no card is taken and where to write instead; billing staff find an organization by name and
 * set its plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp, staffMember, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

type Method = 'GET' | 'PATCH' | 'PUT' | 'POST';

describe.each(dialects)('plans without a payment provider on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_PAYMENT_PROVIDER: 'none', CASTELLAN_BILLING_ADDRESS: 'Sales@Operator.example', CASTELLAN_SITE_NAME: 'Operator Cloud' } });
  });
  afterAll(() => t.close());

  const call = (method: Method, url: string, headers: Record<string, string> = {}, payload?: object) =>
    t.app.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  it('DIR-4: GET /api/v1/config, without signing in, says that no card is taken and where to write to change plan; it holds no secret', async () => {
    const res = await call('GET', '/api/v1/config');
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({
      siteName: 'Operator Cloud',
      billing: { cards: false, contact: 'sales@operator.example', freeUserLimit: 10 },
      supportAddress: 'support@castellan.localhost',
      googleSignIn: false,
    });
    expect(res.body).not.toMatch(/key|secret|token|smtp:/i);
  });

  it('PRV-10: with no payment provider a card is refused, and the organization stays on its plan', async () => {
    const a = await verifiedUser(t);
    const res = await call('PUT', `/api/v1/orgs/${a.organization.id}/billing/card`, a.auth, { number: '4242424242424242', cvc: '123', expMonth: 12, expYear: 2040, holderName: 'Ada' });
    expect(res.statusCode).toBe(409);
    expect(json(res).code).toBe('billing.no_payment_provider');
    const org = await t.app.db.selectFrom('organizations').select(['plan']).where('id', '=', a.organization.id).executeTakeFirstOrThrow();
    expect(org.plan).toBe('free');
    expect(await t.app.db.selectFrom('cards').select('org_id').where('org_id', '=', a.organization.id).execute()).toEqual([]);
  });

  it('DIR-4: billing staff find an organization by part of its name, any case, see its plan and seats, and set it to paid: the 11th user is then taken', async () => {
    const tag = `Zephyr${Date.now().toString(36)}`;
    const a = await verifiedUser(t, { companyName: `${tag} Widgets` });
    await verifiedUser(t, { companyName: `${tag} Gadgets` });
    await verifiedUser(t, { companyName: 'Unrelated Ltd' });
    for (let i = 0; i < 9; i++) {
      expect((await call('POST', `/api/v1/orgs/${a.organization.id}/users`, a.auth, { email: uniqueEmail(), name: `User ${i}` })).statusCode).toBe(201);
    }
    const refused = await call('POST', `/api/v1/orgs/${a.organization.id}/users`, a.auth, { email: uniqueEmail(), name: 'Eleventh' });
    expect(json(refused).code).toBe('directory.user_limit_reached');

    const billing = (await staffMember(t, 'billing')).auth;
    const found = json(await call('GET', `/api/v1/staff/orgs?q=${encodeURIComponent(tag.toLowerCase())}`, billing));
    expect(found.items.map((o: { name: string }) => o.name)).toEqual([`${tag} Gadgets`, `${tag} Widgets`]);
    expect(found.items[1]).toMatchObject({ id: a.organization.id, plan: 'free', planEndsAt: null, seats: 10, userLimit: 10 });
    // The whole id finds it too (pasted from a ticket or the audit log).
    expect(json(await call('GET', `/api/v1/staff/orgs?q=${a.organization.id}`, billing)).items.map((o: { id: string }) => o.id)).toEqual([a.organization.id]);

    expect((await call('PATCH', `/api/v1/staff/orgs/${a.organization.id}/plan`, billing, { plan: 'paid' })).statusCode).toBe(200);
    expect((await call('POST', `/api/v1/orgs/${a.organization.id}/users`, a.auth, { email: uniqueEmail(), name: 'Eleventh' })).statusCode).toBe(201);
    const after = json(await call('GET', `/api/v1/staff/orgs?q=${encodeURIComponent(`${tag} widgets`)}`, billing)).items[0];
    expect(after).toMatchObject({ plan: 'paid', seats: 11, userLimit: null });
  });

  it('DIR-4: a search is taken literally (% and _ match only themselves) and pages by name', async () => {
    const tag = `Lit${Date.now().toString(36)}`;
    for (const name of [`${tag} 100% Cotton`, `${tag} 100 Percent`, `${tag} A_B`, `${tag} AxB`]) await verifiedUser(t, { companyName: name });
    const billing = (await staffMember(t, 'billing')).auth;
    const names = async (q: string) => json(await call('GET', `/api/v1/staff/orgs?q=${encodeURIComponent(q)}`, billing)).items.map((o: { name: string }) => o.name);
    expect(await names(`${tag} 100%`)).toEqual([`${tag} 100% Cotton`]);
    expect(await names(`${tag} A_B`)).toEqual([`${tag} A_B`]);
    const first = json(await call('GET', `/api/v1/staff/orgs?q=${tag}&limit=3`, billing));
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toBe('3');
    const second = json(await call('GET', `/api/v1/staff/orgs?q=${tag}&limit=3&cursor=${first.nextCursor}`, billing));
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((o: { name: string }) => o.name)).toEqual([`${tag} 100 Percent`, `${tag} 100% Cotton`, `${tag} A_B`, `${tag} AxB`]);
  });

  it('DIR-1, DIR-4: support and privacy staff find organizations by name but see no plan; org admins and the anonymous cannot search', async () => {
    const tag = `Scope${Date.now().toString(36)}`;
    const a = await verifiedUser(t, { companyName: `${tag} Corp` });
    for (const role of ['support', 'privacy'] as const) {
      const auth = (await staffMember(t, role)).auth;
      const items = json(await call('GET', `/api/v1/staff/orgs?q=${tag}`, auth)).items;
      expect(items, role).toEqual([{ id: a.organization.id, name: `${tag} Corp`, createdAt: expect.any(String) }]);
    }
    const owner = (await staffMember(t, 'owner')).auth;
    expect(json(await call('GET', `/api/v1/staff/orgs?q=${tag}`, owner)).items[0]).toHaveProperty('plan', 'free');
    // An admin of another organization learns nothing about this one.
    const b = await verifiedUser(t);
    const byAdmin = await call('GET', `/api/v1/staff/orgs?q=${tag}`, b.auth);
    expect(byAdmin.statusCode).toBe(403);
    expect(byAdmin.body).not.toContain(tag);
    expect((await call('GET', `/api/v1/staff/orgs?q=${tag}`)).statusCode).toBe(401);
  });

  it('SEC-3: a bad search is refused with a problem', async () => {
    const billing = (await staffMember(t, 'billing')).auth;
    for (const url of [`/api/v1/staff/orgs?q=${'x'.repeat(201)}`, '/api/v1/staff/orgs?limit=0', '/api/v1/staff/orgs?cursor=-1', '/api/v1/staff/orgs?cursor=20000', '/api/v1/staff/orgs?other=1']) {
      const res = await call('GET', url, billing);
      expect([400, 422], url).toContain(res.statusCode);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe.each(dialects)('plans with the test payment provider on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_PAYMENT_PROVIDER: 'test' } });
  });
  afterAll(() => t.close());

  it('DIR-4: GET /api/v1/config says that cards are taken, and names the support address when no billing address is set', async () => {
    const body = json(await t.app.http.inject({ method: 'GET', url: '/api/v1/config' }));
    expect(body.billing).toEqual({ cards: true, contact: 'support@castellan.localhost', freeUserLimit: 10 });
  });
});
