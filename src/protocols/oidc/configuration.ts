import type { AdapterPayload, Configuration, errors as OidcErrors, Interaction as InteractionModel, interactionPolicy as InteractionPolicy, JWKS, KoaContextWithOIDC } from 'oidc-provider';
import { CLIENT_SCOPE_NAMES } from '../../core/caller.ts';
import type { PrivateJwk } from '../../modules/federation/index.ts';
import type { OidcModelStore } from '../../modules/federation/index.ts';
import { findAccountWith, OIDC_CLAIMS, OIDC_SCOPES, sessionMayUse, tokenMayStand } from './account.ts';
import { adapterFactory, readOnlyClients } from './adapter.ts';
import type { OidcDirectory } from './port.ts';
import { logoutPages } from './logout.page.ts';
import { extraClientMetadata, resourceIndicators, ttlSettings } from './tokens.ts';

export { OIDC_TTL } from './tokens.ts';

export interface OidcConfigurationInput {
  jwks: PrivateJwk[];
  /** Keys that sign the provider's cookies (derived from the instance secret). */
  cookieKeys: string[];
  store: (model: string) => OidcModelStore;
  /** The client's metadata for oidc-provider, or undefined for an unknown client id. */
  findClient: (clientId: string) => Promise<AdapterPayload | undefined>;
  /** The directory and the credential check; without it no account is ever found (a node that serves no logins). */
  directory?: OidcDirectory | undefined;
  /** The operator's site name, on the provider's own pages (sign-out). */
  siteName?: string | undefined;
}

/** Where the provider is mounted on the HTTP server; the issuer is the public URL plus this. */
export const OIDC_MOUNT = '/oidc';

/** Where the login interaction is served, under the mount. */
export const INTERACTION_PATH = `${OIDC_MOUNT}/interaction`;

/**
 * The library's prompts, with one more reason to ask for a login (DIR-3): the provider's session
 * stands for a membership that may not use this client's application (another organization's
 * member, a suspended one, one without access). The interaction then decides, and refuses with
 * `access_denied` when nobody who may use the application signs in.
 */
function policy(lib: typeof InteractionPolicy, directory: OidcDirectory | undefined) {
  const prompts = lib.base();
  const login = prompts.get('login');
  const consent = prompts.get('consent');
  if (!login || !consent) throw new Error('oidc-provider has no login or consent prompt');
  login.checks.add(
    new lib.Check('castellan_access', 'The signed-in member may not use this application', async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return lib.Check.NO_NEED_TO_PROMPT;
      const allowed = directory !== undefined && (await sessionMayUse(directory, ctx.oidc.client.clientId, accountId));
      return allowed ? lib.Check.NO_NEED_TO_PROMPT : lib.Check.REQUEST_PROMPT;
    }),
  );
  // A session that signs in again for offline_access passes through the (implicit) consent, where it is granted.
  consent.checks.add(
    new lib.Check('castellan_offline_access', 'Offline access was asked for', async (ctx) =>
      ctx.oidc.route === 'authorization' && offlineAsked(ctx) && !ctx.oidc.params?.scope?.toString().split(' ').includes('offline_access') ? lib.Check.REQUEST_PROMPT : lib.Check.NO_NEED_TO_PROMPT,
    ),
  );
  return prompts;
}

/**
 * PRO-2: whether the authorization request asked for `offline_access` where the client may have
 * refresh tokens. The library drops that scope unless `prompt=consent` was sent (OIDC Core §11);
 * Castellan's consent is implicit (an admin bound the application), so it is restored below.
 */
function offlineAsked(ctx: KoaContextWithOIDC): boolean {
  const raw = ctx.method === 'POST' ? (ctx.oidc.body as Record<string, unknown> | undefined)?.scope : ctx.query.scope;
  const responseType = String(ctx.oidc.params?.response_type ?? '');
  return typeof raw === 'string' && raw.split(' ').includes('offline_access') && responseType.split(' ').includes('code') && ctx.oidc.client?.grantTypeAllowed('refresh_token') === true;
}

/** The interaction keeps `offline_access` when it was asked for: the code, the grant and the refresh token then carry it. */
async function restoreOfflineAccess(ctx: KoaContextWithOIDC, interaction: InteractionModel): Promise<void> {
  if (ctx.oidc.route !== 'authorization' || !offlineAsked(ctx)) return;
  const scopes = String(interaction.params.scope ?? '').split(' ').filter(Boolean);
  if (scopes.includes('offline_access')) return;
  interaction.params.scope = [...scopes, 'offline_access'].join(' ');
  await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
}

/**
 * PRO-2: what Castellan asks of oidc-provider. Everything OAuth is the library's: this file only
 * chooses among its documented settings.
 */
export function oidcConfiguration(input: OidcConfigurationInput, lib: typeof InteractionPolicy, errors: typeof OidcErrors): Configuration {
  return {
    adapter: adapterFactory(input.store, readOnlyClients(input.findClient)),
    jwks: { keys: input.jwks } as unknown as JWKS,
    cookies: { keys: input.cookieKeys },
    extraClientMetadata,
    // Without the directory no account is found: the library's default would invent one per `sub`.
    findAccount: input.directory ? findAccountWith(input.directory) : async () => undefined,
    // The API clients' scopes (PRO-2) too: a client may ask only for those its `scope` metadata names.
    scopes: [...OIDC_SCOPES, ...CLIENT_SCOPE_NAMES],
    claims: Object.fromEntries(Object.entries(OIDC_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    // The ID token carries the claims of the granted scopes, not only userinfo (applications read them there).
    conformIdTokenClaims: false,
    // RFC 9700 §4.14.2: every refresh answers a new refresh token; the library revokes the grant when a used one comes back.
    rotateRefreshToken: true,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RFC 7662: a client may introspect only the tokens issued to it.
      // DIR-3: and a token about a member who lost access is no longer active.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => {
          const clientId = 'clientId' in token ? token.clientId : undefined;
          if (clientId !== undefined && clientId !== client.clientId) return false;
          return tokenMayStand(input.directory, clientId, 'accountId' in token ? token.accountId : undefined);
        },
      },
      // RFC 7009 §2.1: a client may revoke only the tokens issued to it.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => !('clientId' in token && token.clientId !== undefined && token.clientId !== client.clientId) },
      rpInitiatedLogout: { enabled: true, ...logoutPages(input.siteName ?? 'Castellan') },
      resourceIndicators: resourceIndicators(errors),
    },
    // RFC 7636 / OAuth 2.1: S256 only; required of public clients (the library's default), and of every client that uses the code flow.
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    ttl: ttlSettings(),
    // Castellan's own sign-in page, served beside the provider (interaction.routes.ts).
    interactions: {
      url: async (ctx, interaction) => {
        await restoreOfflineAccess(ctx, interaction);
        return `${INTERACTION_PATH}/${interaction.uid}`;
      },
      policy: policy(lib, input.directory),
    },
    renderError: (ctx, out) => {
      // The library's error page, without its HTML: an error code and description only.
      ctx.type = 'application/json';
      ctx.body = { error: out.error, error_description: out.error_description };
    },
  };
}
