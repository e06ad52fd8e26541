import Fastify from 'fastify';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../core/context.ts';
import { type Admin, json, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { mountOidc } from './index.ts';

/** PRO-2: the OpenID Provider under /oidc, its clients (OIDC applications) and the client-credentials grant, over a real port. */
describe.each(dialects)('OpenID Provider on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let issuer: string;
  beforeAll(async () => {
    t = await startBrowserApp(dialect);
    a = await verifiedUser(t);
    issuer = `${t.url}/oidc`;
  });
  afterAll(() => t.close());

  const createApp = (settings: Record<string, unknown>, name = `app-${Math.random().toString(36).slice(2)}`, kind = 'application') =>
    t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/resources`, headers: a.auth, payload: { kind, name, settings } });
  const confidential = async () => {
    const res = await createApp({ protocol: 'oidc', grantTypes: ['client_credentials'] });
    expect(res.statusCode, res.body).toBe(201);
    return json(res) as { id: string; clientId: string; clientSecret: string };
  };
  const rpFor = (clientId: string, secret: string) =>
    client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      // A token-endpoint error body (ResponseBodyError), or the error of a WWW-Authenticate challenge.
      const err = e as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
      return err.error ?? (Array.isArray(err.cause) ? err.cause[0]?.parameters?.error : undefined) ?? String(e);
    }
    throw new Error('expected a refusal');
  };

  it('PRO-2: discovery names the issuer (public URL + /oidc) and endpoints under it; the routes are not in the OpenAPI document', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, any>;
    expect(doc.issuer).toBe(issuer);
    for (const k of ['jwks_uri', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'authorization_endpoint']) expect(doc[k], k).toMatch(new RegExp(`^${issuer}/`));
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    const openapi = json(await t.app.http.inject({ method: 'GET', url: '/openapi.json' }));
    expect(Object.keys(openapi.paths).filter((p) => p.startsWith('/oidc'))).toEqual([]);
  });

  it('PRO-2: the JWKS publishes one ES256 and one RS256 public key; after a rotation, the new and the previous ones', async () => {
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const k of jwks.keys) for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(priv);
    // A second node's view: a server of its own over the same database, told to look for new keys.
    const node = Fastify();
    const mounted = await mountOidc(node, t.app);
    try {
      const before = (await node.inject({ method: 'GET', url: '/oidc/jwks' })).json() as { keys: Array<{ kid: string }> };
      await t.app.federation.signingKeys.rotate(systemContext());
      await mounted.reloadKeys();
      const after = (await node.inject({ method: 'GET', url: '/oidc/jwks' })).json() as { keys: Array<{ kid: string; alg: string }> };
      expect(after.keys).toHaveLength(4);
      expect(after.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(before.keys.map((k) => k.kid)));
    } finally {
      await node.close();
    }
  });

  it('SEC-3: bad requests inside /oidc get the provider’s OAuth errors, not problem details, and never crash the server', async () => {
    const cases: Array<{ method: string; path: string; body?: string | Buffer; type?: string }> = [
      { method: 'POST', path: '/token', body: 'grant_type=client_credentials', type: 'application/x-www-form-urlencoded' },
      { method: 'POST', path: '/token', body: '{"grant_type":', type: 'application/json' },
      { method: 'POST', path: '/token', body: Buffer.alloc(2 * 1024 * 1024, 'a'), type: 'application/x-www-form-urlencoded' },
      { method: 'POST', path: '/token', body: '%%%=%%%&&&', type: 'application/x-www-form-urlencoded' },
      { method: 'POST', path: '/token/introspection', body: 'token=x', type: 'text/plain' },
      { method: 'GET', path: '/auth?client_id=nobody&response_type=code&scope=openid' },
      { method: 'GET', path: '/nowhere' },
      { method: 'DELETE', path: '/jwks' },
    ];
    for (const c of cases) {
      const res = await fetch(`${issuer}${c.path}`, { method: c.method, body: c.body, headers: c.type ? { 'content-type': c.type } : {} }).catch((e: unknown) => e as Error);
      if (res instanceof Error) continue; // The provider may close a connection that sends too much.
      expect(res.status, `${c.method} ${c.path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${c.method} ${c.path}`).toBeLessThan(500);
      expect(res.headers.get('content-type') ?? '', `${c.method} ${c.path}`).not.toContain('problem+json');
    }
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(t.logs.filter((l) => l.includes('oidc provider error'))).toEqual([]);
  });

  it('PRO-2: creating an OIDC application answers its client id and secret this once; the secret is stored sealed', async () => {
    const created = await confidential();
    expect(created.clientId).toBe(created.id);
    expect(created.clientSecret).toMatch(/^[\w-]{43}$/);
    const again = json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/resources/${created.id}`, headers: a.auth }));
    expect(again).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(again)).not.toContain(created.clientSecret);
    const stored = JSON.stringify(await t.app.db.selectFrom('oidc_clients').selectAll().where('resource_id', '=', created.id).execute());
    expect(stored).toContain(created.id);
    expect(stored).not.toContain(created.clientSecret);
    expect(t.logs.join('\n')).not.toContain(created.clientSecret);
    const pub = await createApp({ protocol: 'oidc', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['https://app.example/cb', 'http://127.0.0.1:8123/cb'], public: true });
    expect(pub.statusCode, pub.body).toBe(201);
    expect(json(pub).clientId).toBe(json(pub).id);
    expect(json(pub)).not.toHaveProperty('clientSecret');
    // A resource that is not an OIDC application answers neither.
    const plain = await createApp({ protocol: 'ldap' });
    expect(plain.statusCode).toBe(201);
    expect(json(plain)).not.toHaveProperty('clientId');
  });

  it('PRO-2, SEC-3: bad OIDC settings are refused with problem details naming the setting, and nothing is saved', async () => {
    const bad: Array<[Record<string, unknown>, string, string, string?]> = [
      [{ protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['http://app.example/cb'] }, 'federation.invalid_redirect_uri', 'settings.redirectUris[0]'],
      [{ protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb#x'] }, 'federation.invalid_redirect_uri', 'settings.redirectUris[0]'],
      [{ protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://ok.example/cb', 'not a uri'] }, 'federation.invalid_redirect_uri', 'settings.redirectUris[1]'],
      [{ protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['javascript:alert(1)'] }, 'federation.invalid_redirect_uri', 'settings.redirectUris[0]'],
      [{ protocol: 'oidc', grantTypes: ['authorization_code'] }, 'federation.invalid_oidc_settings', 'settings.redirectUris'],
      [{ protocol: 'oidc', grantTypes: ['implicit'] }, 'federation.invalid_oidc_settings', 'settings.grantTypes'],
      [{ protocol: 'oidc', grantTypes: [] }, 'federation.invalid_oidc_settings', 'settings.grantTypes'],
      [{ protocol: 'oidc' }, 'federation.invalid_oidc_settings', 'settings.grantTypes'],
      [{ protocol: 'oidc', grantTypes: ['refresh_token'] }, 'federation.invalid_oidc_settings', 'settings.grantTypes'],
      [{ protocol: 'oidc', grantTypes: ['client_credentials'], public: true }, 'federation.invalid_oidc_settings', 'settings.grantTypes'],
      [{ protocol: 'oidc', grantTypes: ['client_credentials'], public: 'yes' }, 'federation.invalid_oidc_settings', 'settings.public'],
      [{ protocol: 'oidc', grantTypes: ['client_credentials'], postLogoutRedirectUris: 'https://x.example' }, 'federation.invalid_oidc_settings', 'settings.postLogoutRedirectUris'],
      [{ protocol: 'oidc', grantTypes: ['client_credentials'] }, 'federation.invalid_oidc_settings', 'settings.protocol', 'system'],
    ];
    const count = async () => (await t.app.db.selectFrom('resources').select('id').where('org_id', '=', a.organization.id).execute()).length;
    const before = await count();
    for (const [settings, code, field, kind] of bad) {
      const res = await createApp(settings, 'bad-app', kind);
      expect(res.statusCode, JSON.stringify(settings)).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(json(res), JSON.stringify(settings)).toMatchObject({ code, errors: [{ field, message: expect.any(String) }] });
    }
    expect(await count()).toBe(before);
    // PATCH checks the same rules and changes nothing.
    const app = await confidential();
    const patch = await t.app.http.inject({ method: 'PATCH', url: `/api/v1/orgs/${a.organization.id}/resources/${app.id}`, headers: a.auth, payload: { settings: { protocol: 'oidc', grantTypes: ['password'] } } });
    expect(patch.statusCode).toBe(422);
    expect(json(patch).code).toBe('federation.invalid_oidc_settings');
    expect(json(await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${a.organization.id}/resources/${app.id}`, headers: a.auth })).settings).toEqual({ protocol: 'oidc', grantTypes: ['client_credentials'] });
  });

  it('PRO-2: a confidential application gets an access token by client credentials through openid-client; introspection and revocation work', async () => {
    const app = await confidential();
    const rp = await rpFor(app.clientId, app.clientSecret);
    const token = await client.clientCredentialsGrant(rp, {});
    expect(token.token_type.toLowerCase()).toBe('bearer');
    expect(token.expires_in).toBeGreaterThan(0);
    const info = await client.tokenIntrospection(rp, token.access_token);
    expect(info).toMatchObject({ active: true, client_id: app.clientId });
    // SEC-2: the token is not in the database in clear.
    expect(JSON.stringify(await t.app.db.selectFrom('oidc_models').selectAll().execute())).not.toContain(token.access_token);
    // RFC 7662: another client learns nothing of it.
    const other = await confidential();
    expect((await client.tokenIntrospection(await rpFor(other.clientId, other.clientSecret), token.access_token)).active).toBe(false);
    await client.tokenRevocation(rp, token.access_token);
    expect((await client.tokenIntrospection(rp, token.access_token)).active).toBe(false);
    // An application cannot ask for the Castellan API's scopes: those are for API clients.
    expect(await refusal(client.clientCredentialsGrant(rp, { scope: 'directory:read' }))).toBe('invalid_scope');
  });

  it('PRO-2: a wrong secret, an unknown client and a public client are refused; a rotated secret works at once and the old one no longer does', async () => {
    const app = await confidential();
    expect(await refusal(client.clientCredentialsGrant(await rpFor(app.clientId, 'x'.repeat(43)), {}))).toBe('invalid_client');
    expect(await refusal(client.clientCredentialsGrant(await rpFor('res_nobody', app.clientSecret), {}))).toBe('invalid_client');
    const rotated = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/resources/${app.id}/client-secret`, headers: a.auth });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = json(rotated) as { clientId: string; clientSecret: string };
    expect(fresh.clientId).toBe(app.clientId);
    expect(fresh.clientSecret).not.toBe(app.clientSecret);
    expect(await refusal(client.clientCredentialsGrant(await rpFor(app.clientId, app.clientSecret), {}))).toBe('invalid_client');
    expect((await client.clientCredentialsGrant(await rpFor(app.clientId, fresh.clientSecret), {})).access_token).toBeTruthy();
    const audited = await t.app.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'federation.client_secret_rotated').execute();
    expect(audited.length).toBeGreaterThan(0);
    expect(JSON.stringify(audited)).not.toContain(fresh.clientSecret);
    // A public client has no secret to rotate; a resource that is no OIDC application has none either.
    const pub = json(await createApp({ protocol: 'oidc', grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'], public: true }));
    const pubRotate = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/resources/${pub.id}/client-secret`, headers: a.auth });
    expect([pubRotate.statusCode, json(pubRotate).code]).toEqual([422, 'federation.public_client']);
    const sys = json(await createApp({}, `sys-${Date.now()}`, 'system'));
    const sysRotate = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/resources/${sys.id}/client-secret`, headers: a.auth });
    expect([sysRotate.statusCode, json(sysRotate).code]).toEqual([422, 'federation.not_oidc_application']);
  });

  it('DIR-1: another organization’s admin can neither rotate the secret nor learn of the application', async () => {
    const app = await confidential();
    const b = await verifiedUser(t);
    const viaOwn = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/resources/${app.id}/client-secret`, headers: b.auth });
    expect(viaOwn.statusCode).toBe(404);
    const viaTheirs = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/resources/${app.id}/client-secret`, headers: b.auth });
    expect([403, 404]).toContain(viaTheirs.statusCode);
    expect((await client.clientCredentialsGrant(await rpFor(app.clientId, app.clientSecret), {})).access_token).toBeTruthy();
  });

  it('PRO-2: an application deleted, or no longer an OIDC application, is no longer a client', async () => {
    const gone = await confidential();
    const kept = await confidential();
    expect((await t.app.http.inject({ method: 'DELETE', url: `/api/v1/orgs/${a.organization.id}/resources/${gone.id}`, headers: a.auth })).statusCode).toBe(204);
    expect(await refusal(client.clientCredentialsGrant(await rpFor(gone.clientId, gone.clientSecret), {}))).toBe('invalid_client');
    const patched = await t.app.http.inject({ method: 'PATCH', url: `/api/v1/orgs/${a.organization.id}/resources/${kept.id}`, headers: a.auth, payload: { settings: { protocol: 'ldap' } } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await refusal(client.clientCredentialsGrant(await rpFor(kept.clientId, kept.clientSecret), {}))).toBe('invalid_client');
  });
});
