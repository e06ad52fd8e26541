import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type TestApp, json, staffMember, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

type Auth = Record<string, string>;
// Monday 2 March 2026, 09:00 in Denver: inside business hours, within the free plan's first week.
const START = '2026-03-02T16:00:00.000Z';
const KINDS = ['access', 'know', 'correct', 'delete', 'opt_out', 'shine_the_light', 'question', 'complaint'] as const;
const SHINE_THE_LIGHT = { statement: 'Your California Privacy Rights', siteName: 'Castellan', name: 'Ada Admin', street: '1 Market St', city: 'San Francisco', state: 'CA', zip: '94105' };

/**
 * DSR-9: exercising a right changes no price, plan or service level. The one exception, deleting an
 * organization (which stops its service because the data is the service), has its own tests.
 */
describe.each(dialects)('no discrimination on $name', (dialect) => {
  let t: TestApp;
  let owner: Auth;
  beforeAll(async () => {
    t = await startTestApp(dialect, { clock: new ManualClock(START), env: { CASTELLAN_PAYMENT_PROVIDER: 'test' } });
    owner = (await staffMember(t, 'owner')).auth;
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Auth = {}, payload?: object) => t.app.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  /** What a customer is offered and gets: prices and plans, the organization's plan and seats, support eligibility and due times. */
  async function terms(a: Awaited<ReturnType<typeof verifiedUser>>): Promise<unknown> {
    const config = json(await call('GET', '/api/v1/config'));
    const org = json(await call('GET', `/api/v1/orgs/${a.organization.id}`, a.auth));
    const staffView = json(await call('GET', `/api/v1/staff/orgs?q=${a.organization.id}`, owner)).items;
    const ticket = await call('POST', `/api/v1/orgs/${a.organization.id}/support/tickets`, a.auth, {
      subject: 'LDAP bind fails for new users',
      body: 'Since this morning ldapsearch returns invalid credentials for users created today.',
      environment: 'production',
      productionImpact: true,
    });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const { eligibility, firstResponseDueAt, priority, severity } = json(ticket);
    return { billing: config.billing, plans: config.plans, org: { plan: org.plan, requireMfa: org.requireMfa }, staffView, support: { eligibility, firstResponseDueAt, priority, severity } };
  }

  it('DSR-9: prices, plans and support eligibility are the same after each kind of request as before it', async () => {
    for (const plan of ['free', 'paid']) {
      const admin = await verifiedUser(t);
      if (plan === 'paid') expect((await call('PATCH', `/api/v1/staff/orgs/${admin.organization.id}/plan`, owner, { plan: 'paid' })).statusCode).toBe(200);
      const before = await terms(admin);
      expect(JSON.stringify(before)).toContain(plan === 'paid' ? '"level":"full"' : '"plan":"free"');
      for (const kind of KINDS) {
        const res = await call('POST', '/api/v1/privacy/requests', admin.auth, { kind, regime: 'ccpa', ...(kind === 'shine_the_light' ? SHINE_THE_LIGHT : {}) });
        expect(res.statusCode, `${kind}: ${res.body}`).toBe(201);
        expect(await terms(admin), `after ${kind} on the ${plan} plan`).toEqual(before);
        // The intake allows five requests a day per address; this person makes eight.
        await sql`delete from throttles where key like 'rights.request:%'`.execute(t.app.db);
      }
    }
  });
});
