import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, acceptedMember, json, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { JWT_ACCESS_TOKEN_TTL_MAX } from '../../modules/federation/index.ts';
import { signInTo, verifiedJwt } from '../../../test/helpers/oidc.ts';

/** PRO-2: per-application token settings (format, lifetimes, initiate_login_uri), with openid-client as the application. */
describe.each(dialects)('OpenID Provider token settings on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let base: string;
  let issuer: string;
  let redirect: string;

  const call = (method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) => t.app.http.inject({ method, url, headers: a.auth, payload });

  beforeAll(async () => {
    t = await startBrowserApp(dialect);
    a = await verifiedUser(t);
    base = `/api/v1/orgs/${a.organization.id}`;
    issuer = `${t.url}/oidc`;
    redirect = `http://127.0.0.1:${Number(new URL(t.url).port) + 1}/cb`;
  });
  afterAll(() => t.close());

  async function application(settings: Record<string, unknown>) {
    const made = await call('POST', `${base}/resources`, {
      kind: 'application',
      name: `tokens-${Math.random().toString(36).slice(2)}`,
      settings: { protocol: 'oidc', grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], redirectUris: [redirect], ...settings },
    });
    expect(made.statusCode, made.body).toBe(201);
    const app = json(made) as { id: string; clientId: string; clientSecret: string };
    const rp = await client.discovery(new URL(issuer), app.clientId, undefined, client.ClientSecretBasic(app.clientSecret), { execute: [client.allowInsecureRequests] });
    const m = await acceptedMember(t, a);
    expect((await call('POST', `${base}/resources/${app.id}/bindings`, { userId: m.user.id })).statusCode).toBe(201);
    return { app, rp, m };
  }

  it('PRO-2: a "jwt" application gets JWT access tokens (RFC 9068) verifiable with the JWKS, with its own lifetimes; refreshes and client credentials too', async () => {
    const { app, rp, m } = await application({ tokenFormat: 'jwt', accessTokenTtl: 300, refreshTokenTtl: 7200 });
    const { tokens } = await signInTo(rp, redirect, m, 'openid email offline_access');
    expect(tokens.expires_in).toBe(300);
    const at = await verifiedJwt(issuer, tokens.access_token);
    expect(at.header.typ).toBe('at+jwt');
    expect(at.claims).toMatchObject({ iss: issuer, sub: m.user.id, aud: app.clientId, client_id: app.clientId });
    expect(Number(at.claims.exp) - Number(at.claims.iat)).toBe(300);
    expect(String(at.claims.scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    // The ID token still names the member, for the application to read its claims.
    expect(tokens.claims()).toMatchObject({ sub: m.user.id, email: m.email });
    const refresh = await client.tokenIntrospection(rp, tokens.refresh_token as string);
    expect(Number(refresh.exp) - Number(refresh.iat)).toBe(7200);

    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token as string);
    expect((await verifiedJwt(issuer, refreshed.access_token)).claims).toMatchObject({ sub: m.user.id, aud: app.clientId });
    expect(refreshed.expires_in).toBe(300);

    const machine = await client.clientCredentialsGrant(rp, {});
    expect(machine.expires_in).toBe(300);
    expect((await verifiedJwt(issuer, machine.access_token)).claims).toMatchObject({ aud: app.clientId, client_id: app.clientId });
  });

  it('ACC-6, DIR-1: a "jwt" application’s access tokens are for itself only (aud its client id; another resource is refused, RFC 8707 invalid_target) and live 15 minutes at most by default', async () => {
    const { app, rp, m } = await application({ tokenFormat: 'jwt' });
    const { tokens } = await signInTo(rp, redirect, m);
    expect(tokens.expires_in).toBe(JWT_ACCESS_TOKEN_TTL_MAX);
    const at = await verifiedJwt(issuer, tokens.access_token);
    expect(at.claims.aud).toBe(app.clientId);
    expect(Number(at.claims.exp) - Number(at.claims.iat)).toBe(JWT_ACCESS_TOKEN_TTL_MAX);
    const machine = await client.clientCredentialsGrant(rp, {});
    expect(machine.expires_in).toBeLessThanOrEqual(JWT_ACCESS_TOKEN_TTL_MAX);
    expect((await verifiedJwt(issuer, machine.access_token)).claims.aud).toBe(app.clientId);
    const other = await client.clientCredentialsGrant(rp, { resource: 'https://elsewhere.example/' }).then(
      () => 'accepted',
      (e: { error?: string }) => e.error,
    );
    expect(other).toBe('invalid_target');
  });

  it('ACC-6, DIR-1: a JWT lifetime above 15 minutes and any accessTokenAudience are refused with 422 naming the setting, on create and on change', async () => {
    const jwt = { protocol: 'oidc', grantTypes: ['client_credentials'], tokenFormat: 'jwt' };
    for (const [settings, field] of [
      [{ ...jwt, accessTokenTtl: JWT_ACCESS_TOKEN_TTL_MAX + 1 }, 'settings.accessTokenTtl'],
      [{ ...jwt, accessTokenTtl: 86400 }, 'settings.accessTokenTtl'],
      [{ ...jwt, accessTokenAudience: 'https://api.example/v1' }, 'settings.accessTokenAudience'],
      [{ protocol: 'oidc', grantTypes: ['client_credentials'], accessTokenAudience: 'https://api.example/v1' }, 'settings.accessTokenAudience'],
    ] as Array<[Record<string, unknown>, string]>) {
      const res = await call('POST', `${base}/resources`, { kind: 'application', name: 'bad-jwt', settings });
      expect(res.statusCode, JSON.stringify(settings)).toBe(422);
      expect(json(res), JSON.stringify(settings)).toMatchObject({ code: 'federation.invalid_oidc_settings', errors: [{ field }] });
      if (field === 'settings.accessTokenAudience') expect(json(res).detail).toContain('not supported');
    }
    // An opaque application may keep a long lifetime; made "jwt", it is refused and nothing changes.
    const made = await call('POST', `${base}/resources`, { kind: 'application', name: 'long-opaque', settings: { protocol: 'oidc', grantTypes: ['client_credentials'], accessTokenTtl: 3600 } });
    expect(made.statusCode, made.body).toBe(201);
    const id = json(made).id as string;
    const changed = await call('PATCH', `${base}/resources/${id}`, { settings: { protocol: 'oidc', grantTypes: ['client_credentials'], accessTokenTtl: 3600, tokenFormat: 'jwt' } });
    expect(changed.statusCode).toBe(422);
    expect(json(changed)).toMatchObject({ code: 'federation.invalid_oidc_settings', errors: [{ field: 'settings.accessTokenTtl' }] });
    expect(json(await t.app.http.inject({ method: 'GET', url: `${base}/resources/${id}`, headers: a.auth })).settings).not.toHaveProperty('tokenFormat');
  });

  it('PRO-2: an opaque application (the default) gets opaque access tokens with its lifetime, good at userinfo and introspection', async () => {
    const { app, rp, m } = await application({ accessTokenTtl: 120, initiateLoginUri: 'https://app.example/login' });
    const { tokens } = await signInTo(rp, redirect, m, 'openid email');
    expect(tokens.access_token.split('.')).toHaveLength(1);
    expect(tokens.expires_in).toBe(120);
    expect(await client.fetchUserInfo(rp, tokens.access_token, m.user.id)).toMatchObject({ sub: m.user.id, email: m.email });
    expect(await client.tokenIntrospection(rp, tokens.access_token)).toMatchObject({ active: true, sub: m.user.id, client_id: app.clientId });
    expect((await client.clientCredentialsGrant(rp, {})).expires_in).toBe(120);
    expect(await t.app.federation.clients.clientMetadata(app.clientId)).toMatchObject({ initiate_login_uri: 'https://app.example/login' });
  });

  it('PRO-2, SEC-3: bad token settings are refused with 422 naming the setting', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tokenFormat: 'paseto' }, 'settings.tokenFormat'],
      [{ tokenFormat: 42 }, 'settings.tokenFormat'],
      [{ accessTokenTtl: 59 }, 'settings.accessTokenTtl'],
      [{ accessTokenTtl: 86401 }, 'settings.accessTokenTtl'],
      [{ accessTokenTtl: 90.5 }, 'settings.accessTokenTtl'],
      [{ accessTokenTtl: '300' }, 'settings.accessTokenTtl'],
      [{ refreshTokenTtl: 3599 }, 'settings.refreshTokenTtl'],
      [{ refreshTokenTtl: 90 * 86400 + 1 }, 'settings.refreshTokenTtl'],
      [{ initiateLoginUri: 'http://app.example/login' }, 'settings.initiateLoginUri'],
      [{ initiateLoginUri: 'https://app.example/login#x' }, 'settings.initiateLoginUri'],
      [{ initiateLoginUri: 'not a uri' }, 'settings.initiateLoginUri'],
      [{ accessTokenAudience: 'https://api.example/' }, 'settings.accessTokenAudience'],
      [{ tokenFormat: 'jwt', accessTokenTtl: 901 }, 'settings.accessTokenTtl'],
      [{ denialPage: 'yes' }, 'settings.denialPage'],
    ];
    for (const [settings, field] of cases) {
      const res = await call('POST', `${base}/resources`, { kind: 'application', name: 'bad-tokens', settings: { protocol: 'oidc', grantTypes: ['client_credentials'], ...settings } });
      expect(res.statusCode, JSON.stringify(settings)).toBe(422);
      expect(json(res), JSON.stringify(settings)).toMatchObject({ code: 'federation.invalid_oidc_settings', errors: [{ field }] });
    }
  });
});
