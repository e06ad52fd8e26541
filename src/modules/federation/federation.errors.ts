import { defineError } from '../../core/errors.ts';

/** PRO-2: OpenID Connect applications. */
export const FederationErrors = {
  invalidOidcSettings: defineError('federation.invalid_oidc_settings', 'invalid', 'The OpenID Connect settings of the application are not valid.'),
  invalidRedirectUri: defineError('federation.invalid_redirect_uri', 'invalid', 'A redirect URI must be an absolute https URL without a fragment (http only on a loopback address).'),
  notOidcApplication: defineError('federation.not_oidc_application', 'invalid', 'Client secrets belong to an application resource whose settings.protocol is "oidc".'),
  publicClient: defineError('federation.public_client', 'invalid', 'A public client has no secret: it proves itself with PKCE.'),
  invalidApiClient: defineError('federation.invalid_api_client', 'invalid', 'The API client is not valid.'),
  apiClientLimitReached: defineError('federation.api_client_limit_reached', 'limit_reached', 'The organization has as many API clients as it may have: revoke one first.'),
};
