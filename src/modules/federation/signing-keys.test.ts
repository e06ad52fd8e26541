import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import { FieldCipher } from '../../core/crypto.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { createAudit } from '../audit/index.ts';
import { createSigningKeys, KEY_RETIREMENT_SECONDS, type SigningKeys } from './signing-keys.service.ts';

describe.each(dialects)('OpenID Provider signing keys on $name', (dialect) => {
  let tdb: TestDatabase;
  let keys: SigningKeys;
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const cipher = new FieldCipher(randomBytes(32));
  beforeEach(async () => {
    tdb = await dialect.openMigrated();
    const audit = createAudit({ db: tdb.handle.db, dialect: tdb.handle.dialect, clock, key: randomBytes(32) });
    keys = createSigningKeys({ db: tdb.handle.db, clock, cipher, audit });
  });
  afterEach(() => tdb.cleanup());

  it('PRO-2: the first start makes one current ES256 and one RS256 key, and later starts keep them', async () => {
    expect(await keys.ensure()).toBe(true);
    const first = await keys.list();
    expect(first.map((k) => `${k.alg}:${k.state}`).sort()).toEqual(['ES256:current', 'RS256:current']);
    expect(await keys.ensure()).toBe(false);
    expect(await keys.list()).toEqual(first);
    const jwks = await keys.privateJwks();
    expect(jwks.map((k) => [k.alg, k.kty, k.use])).toEqual(expect.arrayContaining([['ES256', 'EC', 'sig'], ['RS256', 'RSA', 'sig']]));
    expect(jwks.every((k) => typeof k.d === 'string')).toBe(true);
  });

  it('PRO-2, SEC-2: private keys are sealed at rest', async () => {
    await keys.ensure();
    const stored = JSON.stringify(await tdb.handle.db.selectFrom('oidc_signing_keys').selectAll().execute());
    for (const k of await keys.privateJwks()) expect(stored).not.toContain(k.d as string);
    // Another key cannot open them.
    const other = createSigningKeys({ db: tdb.handle.db, clock, cipher: new FieldCipher(randomBytes(32)), audit: createAudit({ db: tdb.handle.db, dialect: tdb.handle.dialect, clock, key: randomBytes(32) }) });
    await expect(other.privateJwks()).rejects.toThrow();
  });

  it('PRO-2: rotation makes new current keys and keeps the replaced ones published as previous until every token they signed has lapsed', async () => {
    await keys.ensure();
    const first = await keys.list();
    clock.advance(1000);
    const second = await keys.rotate(systemContext());
    expect(second.filter((k) => k.state === 'current').map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(second.filter((k) => k.state === 'previous').map((k) => k.kid).sort()).toEqual(first.map((k) => k.kid).sort());
    // Current keys come first: the provider signs with the first key of each algorithm.
    const jwks = await keys.privateJwks();
    const currentKids = second.filter((k) => k.state === 'current').map((k) => k.kid);
    expect(jwks.slice(0, 2).map((k) => k.kid).sort()).toEqual(currentKids.sort());
    // A second rotation soon after keeps both replaced pairs: the first pair's tokens may still be valid.
    clock.advance(1000);
    const third = await keys.rotate(systemContext());
    expect(third).toHaveLength(6);
    expect(third.filter((k) => k.state === 'previous').map((k) => k.kid)).toEqual(expect.arrayContaining(first.map((k) => k.kid)));
    // Once the longest token lifetime has passed since the first pair stopped signing, it is retired.
    clock.advance(KEY_RETIREMENT_SECONDS * 1000 - 1000);
    expect((await keys.rotateIfDue(systemContext(), 90)).retired.sort()).toEqual(first.map((k) => k.kid).sort());
    expect((await keys.list()).map((k) => k.kid).sort()).toEqual(third.filter((k) => !first.some((f) => f.kid === k.kid)).map((k) => k.kid).sort());
    const retired = await tdb.handle.db.selectFrom('oidc_signing_keys').select(['kid', 'retired_at']).where('state', '=', 'retired').execute();
    expect(retired.map((r) => r.kid).sort()).toEqual(first.map((k) => k.kid).sort());
    expect(retired.every((r) => r.retired_at === clock.now().toISOString())).toBe(true);
    // SEC-1: rotations and retirements are audited with key ids only.
    const entries = await tdb.handle.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'in', ['federation.oidc_keys_rotated', 'federation.oidc_keys_retired']).orderBy('seq').execute();
    expect(entries.map((e) => e.action)).toEqual(['federation.oidc_keys_rotated', 'federation.oidc_keys_rotated', 'federation.oidc_keys_retired']);
    expect(String(entries[2]?.details)).toContain(first[0]?.kid as string);
    for (const k of await keys.privateJwks()) for (const e of entries) expect(String(e.details)).not.toContain(k.d as string);
  });

  it('PRO-2: the schedule rotates when the current keys are as old as the rotation period, and not before', async () => {
    await keys.ensure();
    const first = await keys.list();
    clock.advance(89 * 86_400_000);
    expect(await keys.rotateIfDue(systemContext(), 90)).toEqual({ rotated: false, retired: [] });
    expect(await keys.list()).toEqual(first);
    clock.advance(86_400_000);
    expect((await keys.rotateIfDue(systemContext(), 90)).rotated).toBe(true);
    const after = await keys.list();
    expect(after.filter((k) => k.state === 'previous').map((k) => k.kid).sort()).toEqual(first.map((k) => k.kid).sort());
    // The next check is not due for another period.
    clock.advance(3600_000);
    expect((await keys.rotateIfDue(systemContext(), 90)).rotated).toBe(false);
    expect(await keys.list()).toEqual(after);
  });
});
