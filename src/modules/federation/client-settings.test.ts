import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { parseOidcSettings } from './client-settings.ts';

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
    });
    expect(parseOidcSettings('application', { protocol: 'oidc', grantTypes: ['client_credentials'] })).toMatchObject({ public: false, redirectUris: [] });
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
