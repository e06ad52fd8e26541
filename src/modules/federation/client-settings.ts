import { AppError } from '../../core/errors.ts';
import { FederationErrors } from './federation.errors.ts';

/** PRO-2: the grant types an application may use (RFC 6749 §4.1, §4.4, §6). */
export const OIDC_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type OidcGrantType = (typeof OIDC_GRANT_TYPES)[number];

const MAX_URIS = 20;
const MAX_URI_LENGTH = 2000;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** An application's `settings` when `protocol` is "oidc", checked. */
export interface OidcClientSettings {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: OidcGrantType[];
  public: boolean;
}

export const isOidcSettings = (settings: Record<string, unknown>) => settings.protocol === 'oidc';

const invalid = (field: string, message: string) => new AppError(FederationErrors.invalidOidcSettings, message, { details: { field: `settings.${field}` } });

/**
 * RFC 6749 §3.1.2 and RFC 8252 §7.3, §8.3: an absolute URI without a fragment; https, or http only
 * on a loopback address (native apps listening on a local port).
 */
function redirectUris(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_URIS) throw invalid(field, `settings.${field} must be a list of at most ${MAX_URIS} URIs.`);
  return value.map((v, i) => {
    const where = { details: { field: `settings.${field}[${i}]` } };
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_URI_LENGTH) throw new AppError(FederationErrors.invalidRedirectUri, `settings.${field}[${i}] must be a URI of at most ${MAX_URI_LENGTH} characters.`, where);
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new AppError(FederationErrors.invalidRedirectUri, `settings.${field}[${i}] is not an absolute URI.`, where);
    }
    if (url.hash !== '' || v.includes('#')) throw new AppError(FederationErrors.invalidRedirectUri, `settings.${field}[${i}] must not have a fragment (RFC 6749 §3.1.2).`, where);
    if (url.username !== '' || url.password !== '') throw new AppError(FederationErrors.invalidRedirectUri, `settings.${field}[${i}] must not carry credentials.`, where);
    const ok = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    if (!ok) throw new AppError(FederationErrors.invalidRedirectUri, `settings.${field}[${i}] must use https (http only on a loopback address such as 127.0.0.1).`, where);
    return v;
  });
}

function grantTypes(value: unknown): OidcGrantType[] {
  const known = OIDC_GRANT_TYPES as readonly string[];
  if (!Array.isArray(value) || value.length === 0 || value.some((g) => typeof g !== 'string' || !known.includes(g))) {
    throw invalid('grantTypes', `settings.grantTypes must be a non-empty list of: ${OIDC_GRANT_TYPES.join(', ')}.`);
  }
  if (new Set(value).size !== value.length) throw invalid('grantTypes', 'settings.grantTypes must not repeat a grant type.');
  return value as OidcGrantType[];
}

/** Checks an OIDC application's settings; throws an AppError (422) naming the field at fault. */
export function parseOidcSettings(kind: string, settings: Record<string, unknown>): OidcClientSettings {
  if (kind !== 'application') throw invalid('protocol', 'Only an application resource can use the "oidc" protocol.');
  const grants = grantTypes(settings.grantTypes);
  if (settings.public !== undefined && typeof settings.public !== 'boolean') throw invalid('public', 'settings.public must be true or false.');
  const isPublic = settings.public === true;
  const parsed: OidcClientSettings = {
    redirectUris: redirectUris(settings.redirectUris, 'redirectUris'),
    postLogoutRedirectUris: redirectUris(settings.postLogoutRedirectUris, 'postLogoutRedirectUris'),
    grantTypes: grants,
    public: isPublic,
  };
  if (grants.includes('authorization_code') && parsed.redirectUris.length === 0) throw invalid('redirectUris', 'The authorization_code grant needs at least one redirect URI.');
  if (grants.includes('refresh_token') && !grants.includes('authorization_code')) throw invalid('grantTypes', 'refresh_token is only issued with authorization_code.');
  // RFC 6749 §4.4: only a confidential client can authenticate for client credentials.
  if (isPublic && grants.includes('client_credentials')) throw invalid('grantTypes', 'A public client cannot use client_credentials: it has no secret.');
  return parsed;
}
