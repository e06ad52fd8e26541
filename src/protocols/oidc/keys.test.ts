import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { JWT_ACCESS_TOKEN_TTL_MAX, KEY_RETIREMENT_SECONDS, KEY_ROTATION_KIND } from '../../modules/federation/index.ts';
import { type TestApp, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { mountOidc } from './index.ts';
import { OIDC_TTL, ttlSettings } from './tokens.ts';

const DAY = 86_400_000;

/** PRO-2: signing keys rotated on a schedule (CASTELLAN_OIDC_KEY_ROTATION_DAYS), the previous ones published until their tokens lapse; with the clock moved by hand. */
describe.each(dialects)('OpenID Provider key rotation on $name', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_OIDC_KEY_ROTATION_DAYS: '30', CASTELLAN_JOBS_WORKER: 'false' } });
    clock = t.clock as ManualClock;
  });
  afterAll(() => t.close());

  it('PRO-2: a replaced key stays published longer than any token it signed can live: the longest JWT access token allowed, and an ID token', () => {
    expect(KEY_RETIREMENT_SECONDS).toBeGreaterThan(JWT_ACCESS_TOKEN_TTL_MAX);
    expect(KEY_RETIREMENT_SECONDS).toBeGreaterThan(OIDC_TTL.IdToken);
    // The provider holds a JWT application to the cap whatever its metadata says (defaults included),
    // so no signed access token outlives JWT_ACCESS_TOKEN_TTL_MAX.
    const ttl = ttlSettings() as unknown as Record<string, (ctx: unknown, token: unknown, client?: unknown) => number>;
    for (const asked of [undefined, 60, JWT_ACCESS_TOKEN_TTL_MAX, 86_400]) {
      const jwtClient = { clientId: 'app', castellan_token_format: 'jwt', ...(asked === undefined ? {} : { castellan_access_token_ttl: asked }) };
      for (const kind of ['AccessToken', 'ClientCredentials']) expect(ttl[kind]?.(undefined, undefined, jwtClient), `${kind} ${asked}`).toBeLessThanOrEqual(JWT_ACCESS_TOKEN_TTL_MAX);
    }
  });

  it('PRO-2: the job rotates after the period: the JWKS has both kids and new tokens use the new one; after the retirement time the old kid is gone', async () => {
    const a = await verifiedUser(t);
    const made = await t.app.http.inject({
      method: 'POST',
      url: `/api/v1/orgs/${a.organization.id}/resources`,
      headers: a.auth,
      payload: { kind: 'application', name: 'Machine', settings: { protocol: 'oidc', grantTypes: ['client_credentials'], tokenFormat: 'jwt' } },
    });
    expect(made.statusCode, made.body).toBe(201);
    const app = json(made) as { clientId: string; clientSecret: string };
    // A node of its own over the same database, as in a cluster.
    const node = Fastify();
    const mounted = await mountOidc(node, t.app, { findClient: (id) => t.app.federation.clients.clientMetadata(id) });
    const kids = async () => ((await node.inject({ method: 'GET', url: '/oidc/jwks' })).json() as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid).sort();
    const tokenKid = async () => {
      const res = await node.inject({
        method: 'POST',
        url: '/oidc/token',
        headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      });
      expect(res.statusCode, res.body).toBe(200);
      const [header = ''] = (res.json() as { access_token: string }).access_token.split('.');
      return (JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid;
    };
    try {
      const queued = await t.app.db.selectFrom('jobs').select('kind').where('kind', '=', KEY_ROTATION_KIND).execute();
      expect(queued).toHaveLength(1);
      const before = await kids();
      expect(before).toHaveLength(2);
      expect(before).toContain(await tokenKid());

      // Not due before the period.
      clock.advance(29 * DAY);
      await t.app.jobRunner.drain();
      await mounted.reloadKeys();
      expect(await kids()).toEqual(before);

      clock.advance(DAY);
      await t.app.jobRunner.drain();
      await mounted.reloadKeys();
      const both = await kids();
      expect(both).toHaveLength(4);
      expect(both).toEqual(expect.arrayContaining(before));
      const fresh = await tokenKid();
      expect(before).not.toContain(fresh);
      expect(both).toContain(fresh);

      // The job checks every hour; the previous keys leave the JWKS once their tokens have lapsed.
      clock.advance(KEY_RETIREMENT_SECONDS * 1000 - 2 * 3600_000);
      await t.app.jobRunner.drain();
      await mounted.reloadKeys();
      expect(await kids()).toEqual(both);
      clock.advance(3 * 3600_000);
      await t.app.jobRunner.drain();
      await mounted.reloadKeys();
      const after = await kids();
      expect(after).toHaveLength(2);
      for (const kid of before) expect(after).not.toContain(kid);
      expect(after).toContain(fresh);
      expect(await tokenKid()).toBe(fresh);
    } finally {
      await node.close();
    }
  });
});
