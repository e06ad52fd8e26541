import type { Client, Configuration, errors as OidcErrors } from 'oidc-provider';
import { JWT_ACCESS_TOKEN_TTL_MAX, OIDC_CLIENT_EXTRAS } from '../../modules/federation/index.ts';
import { OIDC_SCOPES } from './account.ts';

/**
 * PRO-2: per-application token settings (docs/api.md, "OpenID Connect applications"). The
 * directory's settings reach oidc-provider as client metadata (`extraClientMetadata`), and the
 * library's own hooks read them: lifetimes through `ttl`, JWT access tokens (RFC 9068) through
 * resource indicators (RFC 8707), which is how oidc-provider 9 issues them.
 */

/** Lifetimes in seconds. Short for bearer artefacts, long for what a refresh rides on. */
export const OIDC_TTL = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  ClientCredentials: 10 * 60,
  IdToken: 60 * 60,
  Interaction: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Session: 14 * 24 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
} as const;

type Extras = { castellan_token_format?: string; castellan_access_token_ttl?: number; castellan_refresh_token_ttl?: number };
const extras = (client: Client | undefined): Extras => (client ?? {}) as unknown as Extras;

const isJwt = (client: Client | undefined) => extras(client).castellan_token_format === 'jwt';

/**
 * The resource indicator of a JWT application's access tokens: one that stands for the application
 * itself. Their audience is always its client id (unique), never a URI an admin names (DIR-1: no
 * organization has Castellan sign a token for another's API).
 */
export const resourceOf = (client: Client) => `urn:castellan:application:${client.clientId}`;

/**
 * An access token's lifetime: the application's own, else the provider's default; a JWT one at most
 * JWT_ACCESS_TOKEN_TTL_MAX whatever the metadata says (ACC-6: it cannot be revoked before it expires).
 */
export function accessTokenTtl(client: Client | undefined, fallback: number): number {
  const ttl = extras(client).castellan_access_token_ttl ?? fallback;
  return isJwt(client) ? Math.min(ttl, JWT_ACCESS_TOKEN_TTL_MAX) : ttl;
}

/** oidc-provider's `ttl`: the provider's lifetimes, with the application's own where it set one. */
export function ttlSettings(): NonNullable<Configuration['ttl']> {
  const access = (fallback: number) => (_ctx: unknown, _token: unknown, client?: Client) => accessTokenTtl(client, fallback);
  return {
    ...OIDC_TTL,
    AccessToken: access(OIDC_TTL.AccessToken),
    ClientCredentials: access(OIDC_TTL.ClientCredentials),
    // Each refresh answers a new refresh token with the full lifetime; the grant bounds them all.
    RefreshToken: (_ctx: unknown, _token: unknown, client?: Client) => extras(client).castellan_refresh_token_ttl ?? OIDC_TTL.RefreshToken,
    // A grant outlives the refresh tokens issued under it (it is made with its client: interaction.routes.ts).
    Grant: (_ctx: unknown, _grant: unknown, client?: Client) => Math.max(OIDC_TTL.Grant, extras(client).castellan_refresh_token_ttl ?? 0),
  } as NonNullable<Configuration['ttl']>;
}

/**
 * RFC 8707 as oidc-provider 9 uses it for JWT access tokens: an application whose `tokenFormat` is
 * "jwt" has one resource, chosen by default at the authorization and token requests and kept on
 * the grant (`useGrantedResource`); its access tokens are JWTs signed with the provider's keys.
 * Any other resource asked for is refused (`invalid_target`). An opaque application names none:
 * its access tokens stay usable at the userinfo endpoint.
 */
export function resourceIndicators(errors: typeof OidcErrors): NonNullable<NonNullable<Configuration['features']>['resourceIndicators']> {
  return {
    enabled: true,
    defaultResource: async (_ctx, client, oneOf) => oneOf ?? (client && isJwt(client) ? resourceOf(client) : undefined),
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_ctx, resource, client) => {
      if (!isJwt(client) || resource !== resourceOf(client)) throw new errors.InvalidTarget();
      return {
        scope: OIDC_SCOPES.join(' '),
        audience: client.clientId,
        // Its lifetime is set by the `ttl` functions (ttlSettings), capped for JWTs.
        accessTokenFormat: 'jwt',
      };
    },
  };
}

export const extraClientMetadata = { properties: [...OIDC_CLIENT_EXTRAS] };
