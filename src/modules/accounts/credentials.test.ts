import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { type TestApp, GOOD_PASSWORD, acceptedMember, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { fastHasher } from '../../../test/helpers/hasher.ts';
import type { PasswordHasher } from './index.ts';

/** The test hasher, counting every check it makes: the proof of how many guesses were tried. */
function countingHasher() {
  const counter = { verifies: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => fastHasher.hash(p),
    async verify(stored, p) {
      counter.verifies += 1;
      // Yield, so that concurrent attempts really overlap while "hashing".
      await new Promise((resolve) => setImmediate(resolve));
      return fastHasher.verify(stored, p);
    },
  };
  return { hasher, counter };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
};

describe.each(dialects)('verifyCredentials on $name', (dialect) => {
  let t: TestApp;
  const { hasher, counter } = countingHasher();
  beforeAll(async () => {
    t = await startTestApp(dialect, { hasher, env: { CASTELLAN_SIGNIN_MAX_FAILURES: '5', CASTELLAN_SIGNIN_IP_MAX_FAILURES: '1000' } });
  });
  afterAll(() => t.close());

  const ctx = (ip = '198.51.100.7') => anonymousContext(ip, null);

  it('ACC-7: 30 simultaneous guesses check at most the allowed failures, and the right password among them does not pass the lockout', async () => {
    const a = await verifiedUser(t);
    const before = counter.verifies;
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 17 ? GOOD_PASSWORD : `wrong-password-${i}`));
    const codes = await Promise.all(guesses.map((password) => codeOf(t.app.accounts.verifyCredentials(ctx(), { identity: { email: a.body.email }, password }, 'web'))));
    const checked = counter.verifies - before;
    // Five slots at most: the other attempts were refused before any hashing.
    expect(checked).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'accounts.locked').length).toBeGreaterThanOrEqual(25);
    expect(codes.filter((c) => c === 'accounts.invalid_credentials').length).toBeLessThanOrEqual(5);
    // Whatever happened to the right guess, the account is locked now: the right password is refused too, unchecked.
    const after = counter.verifies;
    expect(await codeOf(t.app.accounts.verifyCredentials(ctx(), { identity: { email: a.body.email }, password: GOOD_PASSWORD }, 'web'))).toBe('accounts.locked');
    expect(counter.verifies).toBe(after);
  });

  it('ACC-7: a sign-in gives its slot back and clears the account’s failures, with the session it creates', async () => {
    const a = await verifiedUser(t);
    const ip = '198.51.100.10';
    const signIn = (password: string) => t.app.http.inject({ method: 'POST', url: '/api/v1/sessions', remoteAddress: ip, payload: { email: a.body.email, password } });
    for (let i = 0; i < 4; i++) expect((await signIn(`wrong-password-${i}`)).statusCode).toBe(401);
    expect((await signIn(GOOD_PASSWORD)).statusCode).toBe(201);
    // The address keeps its four failures; the sign-in's own slot was given back.
    const counts = await t.app.db.selectFrom('throttles').select('count').where('key', '=', `signin:ip:${ip}`).execute();
    expect(counts.map((r) => Number(r.count))).toEqual([4]);
    // The account's count was cleared: four more failures do not lock it (five would).
    for (let i = 0; i < 4; i++) expect((await signIn(`wrong-password-${i}`)).statusCode).toBe(401);
    expect((await signIn(GOOD_PASSWORD)).statusCode).toBe(201);
  });

  it('ACC-7: an unknown address and a wrong password get the same error after the same work', async () => {
    const a = await verifiedUser(t);
    const start = counter.verifies;
    const unknown = await codeOf(t.app.accounts.verifyCredentials(ctx('198.51.100.8'), { identity: { email: 'nobody@nowhere.example' }, password: 'whatever-it-is' }, 'web'));
    const afterUnknown = counter.verifies;
    const wrong = await codeOf(t.app.accounts.verifyCredentials(ctx('198.51.100.8'), { identity: { email: a.body.email }, password: 'whatever-it-is' }, 'web'));
    expect(unknown).toBe('accounts.invalid_credentials');
    expect(wrong).toBe(unknown);
    // One password check each: the unknown address is checked against a decoy hash.
    expect(afterUnknown - start).toBe(1);
    expect(counter.verifies - afterUnknown).toBe(1);
  });

  it('DIR-2, ACC-6: a bind by organization and username checks the member’s account, and a suspended member is refused', async () => {
    const a = await verifiedUser(t);
    const m = await acceptedMember(t, a, { username: 'grace' });
    const orgId = a.organization.id as string;
    const ok = await t.app.accounts.verifyCredentials(ctx('198.51.100.9'), { identity: { orgId, username: 'grace' }, password: GOOD_PASSWORD }, 'ldap');
    expect(ok.membershipId).toBe(m.user.id);
    expect(await codeOf(t.app.accounts.verifyCredentials(ctx('198.51.100.9'), { identity: { orgId, username: 'grace' }, password: 'wrong-password-1' }, 'ldap'))).toBe('accounts.invalid_credentials');
    expect(await codeOf(t.app.accounts.verifyCredentials(ctx('198.51.100.9'), { identity: { orgId: 'org_other', username: 'grace' }, password: GOOD_PASSWORD }, 'ldap'))).toBe('accounts.invalid_credentials');
    const suspend = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/users/${m.user.id}/suspend`, headers: a.auth });
    expect(suspend.statusCode).toBe(200);
    expect(await codeOf(t.app.accounts.verifyCredentials(ctx('198.51.100.9'), { identity: { orgId, username: 'grace' }, password: GOOD_PASSWORD }, 'ldap'))).toBe('accounts.account_suspended');
  });

  it('ACC-7: re-entering the password (changing it) is throttled like sign-in: after the failures the right one is refused', async () => {
    const a = await verifiedUser(t);
    const change = (currentPassword: string) =>
      t.app.http.inject({ method: 'POST', url: '/api/v1/me/password', headers: a.auth, payload: { currentPassword, newPassword: 'another-long-passphrase-7' } });
    for (let i = 0; i < 5; i++) expect((await change(`wrong-password-${i}`)).statusCode).toBe(403);
    const locked = await change(GOOD_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('accounts.locked');
  });
});
