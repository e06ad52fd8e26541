import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { type TestApp, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { createBilling } from './index.ts';
import { createTestProvider } from './test-provider.ts';

const card = (number: string, cvc = '123') => ({ number, cvc, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, holderName: 'Ada Lovelace' });

describe.each(dialects)('cards on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  /** A billing module of its own, to watch what its provider holds. */
  function billing() {
    const provider = createTestProvider(t.clock);
    const { db, audit, clock } = t.app;
    return { provider, ...createBilling({ db, dialect: dialect.name, clock, audit, provider, plans: t.app.directory.plans }) };
  }

  async function admin() {
    const a = await verifiedUser(t);
    const session = await t.app.accounts.sessions.authenticate(a.token);
    if (!session) throw new Error('no session');
    const principal = await t.app.directory.callers.callerFor(session, a.organization.id);
    return { orgId: a.organization.id as string, principal };
  }

  it('PRV-10: replacing a card detaches the old one at the provider; removing it detaches it too', async () => {
    const b = billing();
    const { orgId, principal } = await admin();
    await b.cards.add(systemContext(), principal, orgId, card('4242424242424242'));
    const first = await t.app.db.selectFrom('cards').select('token').where('org_id', '=', orgId).executeTakeFirstOrThrow();
    await b.cards.add(systemContext(), principal, orgId, card('5555555555554444'));
    const second = await t.app.db.selectFrom('cards').select('token').where('org_id', '=', orgId).executeTakeFirstOrThrow();
    expect(second.token).not.toBe(first.token);
    expect(b.provider.attached).toBe(1);
    await b.cards.remove(systemContext(), principal, orgId);
    expect(b.provider.attached).toBe(0);
    expect(await t.app.db.selectFrom('cards').selectAll().where('org_id', '=', orgId).execute()).toEqual([]);
  });

  it('PRV-10: a card that cannot be stored is detached again, and a refused one is never attached', async () => {
    const b = billing();
    const { orgId, principal } = await admin();
    // An organization deleted after the caller was loaded: the new token is not left at the provider.
    const gone = { ...principal, orgId: 'org_gone' };
    await expect(b.cards.add(systemContext(), gone, 'org_gone', card('4242424242424242'))).rejects.toMatchObject({ code: 'common.not_found' });
    await expect(b.cards.add(systemContext(), principal, orgId, card('4000000000000002'))).rejects.toBeInstanceOf(AppError);
    expect(b.provider.attached).toBe(0);
  });
});
