import { AppError } from '../../core/errors.ts';
import { FederationErrors } from './federation.errors.ts';

/** PRO-2: the grant types an application may use (RFC 6749 §4.1, §4.4, §6). */
export const OIDC_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type OidcGrantType = (typeof OIDC_GRANT_TYPES)[number];

const MAX_URIS = 20;
const MAX_URI_LENGTH = 2000;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** PRO-2: how access tokens are issued: opaque (the default: introspected, revocable) or JWT (RFC 9068, verified with the JWKS). */
export const TOKEN_FORMATS = ['opaque', 'jwt'] as const;
export type TokenFormat = (typeof TOKEN_FORMATS)[number];

/** Bounds of the per-application lifetimes, in seconds. */
export const ACCESS_TOKEN_TTL = { min: 60, max: 24 * 60 * 60 } as const;
/**
 * ACC-6: a JWT access token cannot be revoked before it expires (the API that receives it checks
 * only its signature), so suspension or loss of access reaches it only then: its lifetime is at
 * most 15 minutes, the default included. Opaque tokens are refused at once and keep ACCESS_TOKEN_TTL.
 */
export const JWT_ACCESS_TOKEN_TTL_MAX = 15 * 60;
export const REFRESH_TOKEN_TTL = { min: 60 * 60, max: 90 * 24 * 60 * 60 } as const;

/**
 * The client metadata Castellan adds to the registered names (oidc-provider's `extraClientMetadata`):
 * the per-application token settings, read by the provider's lifetime and format functions, and
 * whether refusals get Castellan's denial page (read by the sign-in interaction).
 */
export const OIDC_CLIENT_EXTRAS = ['castellan_token_format', 'castellan_access_token_ttl', 'castellan_refresh_token_ttl', 'castellan_denial_page'] as const;

/** An application's `settings` when `protocol` is "oidc", checked. */
export interface OidcClientSettings {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: OidcGrantType[];
  public: boolean;
  tokenFormat: TokenFormat;
  /** Access-token lifetime in seconds (JWT: at most JWT_ACCESS_TOKEN_TTL_MAX); undefined: the provider's default. */
  accessTokenTtl?: number;
  /** Refresh-token lifetime in seconds; undefined: the provider's default. */
  refreshTokenTtl?: number;
  /** OIDC Registration §2 `initiate_login_uri`: where the user portal sends a member to start a sign-in at the application. */
  initiateLoginUri?: string;
  /** Refusals are shown on a Castellan page that links back, instead of a redirect with `error=access_denied`. */
  denialPage: boolean;
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

function seconds(value: unknown, field: string, bounds: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw invalid(field, `settings.${field} must be a whole number of seconds from ${bounds.min} to ${bounds.max}.`);
  }
  return value;
}

/** An absolute https URI without a fragment or credentials. */
function httpsUri(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  const message = `settings.${field} must be an https URI of at most ${MAX_URI_LENGTH} characters, without a fragment.`;
  if (typeof value !== 'string' || value.length > MAX_URI_LENGTH || value.includes('#')) throw invalid(field, message);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, message);
  }
  // OpenID Connect Registration §2: initiate_login_uri uses https (the provider library refuses a client otherwise).
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') throw invalid(field, message);
  return value;
}

function tokenSettings(settings: Record<string, unknown>) {
  const format = settings.tokenFormat ?? 'opaque';
  if (typeof format !== 'string' || !(TOKEN_FORMATS as readonly string[]).includes(format)) throw invalid('tokenFormat', `settings.tokenFormat must be one of: ${TOKEN_FORMATS.join(', ')}.`);
  // DIR-1: a JWT access token's audience is always the application's own client id (unique), so no
  // organization can have Castellan sign a token for another's API.
  if (settings.accessTokenAudience !== undefined) throw invalid('accessTokenAudience', 'settings.accessTokenAudience is not supported: a JWT access token’s audience is always the application’s client id.');
  if (settings.denialPage !== undefined && typeof settings.denialPage !== 'boolean') throw invalid('denialPage', 'settings.denialPage must be true or false.');
  const accessTokenTtl = seconds(settings.accessTokenTtl, 'accessTokenTtl', ACCESS_TOKEN_TTL);
  if (format === 'jwt' && accessTokenTtl !== undefined && accessTokenTtl > JWT_ACCESS_TOKEN_TTL_MAX) {
    throw invalid('accessTokenTtl', `With tokenFormat "jwt", settings.accessTokenTtl is at most ${JWT_ACCESS_TOKEN_TTL_MAX} seconds: a JWT access token cannot be revoked before it expires.`);
  }
  const refreshTokenTtl = seconds(settings.refreshTokenTtl, 'refreshTokenTtl', REFRESH_TOKEN_TTL);
  const initiateLoginUri = httpsUri(settings.initiateLoginUri, 'initiateLoginUri');
  return {
    tokenFormat: format as TokenFormat,
    ...(accessTokenTtl !== undefined ? { accessTokenTtl } : {}),
    ...(refreshTokenTtl !== undefined ? { refreshTokenTtl } : {}),
    ...(initiateLoginUri !== undefined ? { initiateLoginUri } : {}),
    denialPage: settings.denialPage === true,
  };
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
    ...tokenSettings(settings),
  };
  if (grants.includes('authorization_code') && parsed.redirectUris.length === 0) throw invalid('redirectUris', 'The authorization_code grant needs at least one redirect URI.');
  if (grants.includes('refresh_token') && !grants.includes('authorization_code')) throw invalid('grantTypes', 'refresh_token is only issued with authorization_code.');
  // RFC 6749 §4.4: only a confidential client can authenticate for client credentials.
  if (isPublic && grants.includes('client_credentials')) throw invalid('grantTypes', 'A public client cannot use client_credentials: it has no secret.');
  return parsed;
}
