import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { JWT_ACCESS_TOKEN_TTL_MAX, parseOidcSettings } from './client-settings.ts';

const refusal = (kind: string, settings: Record<string, unknown>) => {
  try {
    parseOidcSettings(kind, settings);
  } catch (e) {
    if (isAppError(e)) return { code: e.code, field: e.details?.field };
    throw e;
  }
  throw new Error('accepted');
};

describe('OIDC application settings', () => {
  it('PRO-2: https redirect URIs, and http only on loopback (RFC 8252 §7.3), are accepted', () => {
    const ok = parseOidcSettings('application', {
      protocol: 'oidc',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://app.example/cb?x=1', 'http://127.0.0.1:9000/cb', 'http://[::1]/cb', 'http://localhost:3000/'],
      postLogoutRedirectUris: ['https://app.example/bye'],
      public: true,
    });
    expect(ok).toEqual({
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://app.example/cb?x=1', 'http://127.0.0.1:9000/cb', 'http://[::1]/cb', 'http://localhost:3000/'],
      postLogoutRedirectUris: ['https://app.example/bye'],
      public: true,
      tokenFormat: 'opaque',
      denialPage: false,
    });
    expect(parseOidcSettings('application', { protocol: 'oidc', grantTypes: ['client_credentials'] })).toMatchObject({ public: false, redirectUris: [] });
  });

  it('PRO-2: token settings are kept as given, within their bounds', () => {
    const settings = { protocol: 'oidc', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['https://app.example/cb'] };
    expect(
      parseOidcSettings('application', { ...settings, tokenFormat: 'jwt', accessTokenTtl: 60, refreshTokenTtl: 90 * 86400, initiateLoginUri: 'https://app.example/login', denialPage: true }),
    ).toMatchObject({ tokenFormat: 'jwt', accessTokenTtl: 60, refreshTokenTtl: 90 * 86400, initiateLoginUri: 'https://app.example/login', denialPage: true });
    expect(parseOidcSettings('application', { ...settings, accessTokenTtl: 86400, refreshTokenTtl: 3600 })).toMatchObject({ tokenFormat: 'opaque', accessTokenTtl: 86400, refreshTokenTtl: 3600 });
    expect(refusal('application', { ...settings, refreshTokenTtl: 3599 })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.refreshTokenTtl' });
    expect(refusal('application', { ...settings, initiateLoginUri: 'https://u:p@app.example/' })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.initiateLoginUri' });
  });

  it('ACC-6: a JWT access token lives at most JWT_ACCESS_TOKEN_TTL_MAX (15 minutes); an opaque one up to a day', () => {
    const settings = { protocol: 'oidc', grantTypes: ['client_credentials'] };
    expect(JWT_ACCESS_TOKEN_TTL_MAX).toBe(900);
    expect(parseOidcSettings('application', { ...settings, tokenFormat: 'jwt', accessTokenTtl: JWT_ACCESS_TOKEN_TTL_MAX })).toMatchObject({ accessTokenTtl: JWT_ACCESS_TOKEN_TTL_MAX });
    expect(refusal('application', { ...settings, tokenFormat: 'jwt', accessTokenTtl: JWT_ACCESS_TOKEN_TTL_MAX + 1 })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.accessTokenTtl' });
    expect(parseOidcSettings('application', { ...settings, accessTokenTtl: 86400 })).toMatchObject({ tokenFormat: 'opaque', accessTokenTtl: 86400 });
  });

  it('DIR-1: accessTokenAudience is not supported: a JWT access token’s audience is always the client id', () => {
    const settings = { protocol: 'oidc', grantTypes: ['client_credentials'] };
    for (const extra of [{ tokenFormat: 'jwt', accessTokenAudience: 'https://api.example/' }, { accessTokenAudience: 'https://api.example/' }, { tokenFormat: 'jwt', accessTokenAudience: null }]) {
      expect(refusal('application', { ...settings, ...extra })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.accessTokenAudience' });
    }
    expect(parseOidcSettings('application', { ...settings, tokenFormat: 'jwt' })).not.toHaveProperty('accessTokenAudience');
  });

  it('PRO-2, SEC-3: each bad setting is refused with the field at fault', () => {
    const grants = { protocol: 'oidc', grantTypes: ['authorization_code'] };
    expect(refusal('application', { ...grants, redirectUris: ['http://127.0.0.2.example/cb'] })).toEqual({ code: 'federation.invalid_redirect_uri', field: 'settings.redirectUris[0]' });
    expect(refusal('application', { ...grants, redirectUris: ['https://user:pw@app.example/cb'] })).toEqual({ code: 'federation.invalid_redirect_uri', field: 'settings.redirectUris[0]' });
    expect(refusal('application', { ...grants, redirectUris: ['https://app.example/cb#'] })).toEqual({ code: 'federation.invalid_redirect_uri', field: 'settings.redirectUris[0]' });
    expect(refusal('application', { ...grants, redirectUris: [`https://app.example/${'a'.repeat(2000)}`] })).toEqual({ code: 'federation.invalid_redirect_uri', field: 'settings.redirectUris[0]' });
    expect(refusal('application', { ...grants, redirectUris: Array.from({ length: 21 }, (_, i) => `https://app.example/${i}`) })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.redirectUris' });
    expect(refusal('application', { ...grants, redirectUris: [42] })).toEqual({ code: 'federation.invalid_redirect_uri', field: 'settings.redirectUris[0]' });
    expect(refusal('application', { protocol: 'oidc', grantTypes: ['client_credentials', 'client_credentials'] })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.grantTypes' });
    expect(refusal('application', { protocol: 'oidc', grantTypes: 'client_credentials' })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.grantTypes' });
    expect(refusal('network', { protocol: 'oidc', grantTypes: ['client_credentials'] })).toEqual({ code: 'federation.invalid_oidc_settings', field: 'settings.protocol' });
  });
});
