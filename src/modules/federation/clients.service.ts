import type { Kysely } from 'kysely';
import { type Caller, requireCapability } from '../../core/caller.ts';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { type FieldCipher, randomToken } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import { isOidcSettings, type OidcClientSettings, parseOidcSettings } from './client-settings.ts';
import * as repo from './clients.repository.ts';
import { deleteModelsOfClients } from './oidc-models.repository.ts';
import { FederationErrors } from './federation.errors.ts';

/** A resource as the directory answers it through the port (never its tables). */
export interface ApplicationRef {
  id: string;
  orgId: string;
  kind: string;
  settings: Record<string, unknown>;
  name?: string;
}

/** The directory's answer to "what is this resource of this organization" (DIR-1: always with the organization). */
export interface ApplicationLookup {
  find(orgId: string, resourceId: string): Promise<ApplicationRef | undefined>;
}

export interface OidcClientsDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  audit: Audit;
  applications: ApplicationLookup;
}

/** Told once: when the application is made, and when its secret is rotated. */
export type ClientCredentialsView = {
  clientId: string;
  clientSecret?: string;
};

/** PRO-2: the scopes an application may ask for: the OpenID Connect ones the provider serves. */
const APPLICATION_SCOPES = 'openid email profile groups offline_access';

const context = (resourceId: string) => `oidc_clients.secret_enc:${resourceId}`;

/**
 * PRO-2: application resources whose `settings.protocol` is "oidc" are the provider's clients.
 * The client id is the resource id; the secret is made here, shown once, and kept sealed (SEC-2):
 * oidc-provider compares the plaintext, so a hash would not do.
 */
export function createOidcClients(deps: OidcClientsDeps) {
  const { db, clock, cipher, audit, applications } = deps;
  const seal = (resourceId: string, secret: string) => cipher.encrypt(secret, context(resourceId));

  /** The directory's hook: refuses bad OIDC settings before anything is saved. */
  function check(kind: string, settings: Record<string, unknown>): void {
    if (isOidcSettings(settings)) parseOidcSettings(kind, settings);
  }

  /** The directory's hook, in the transaction that creates the resource: the client and its one-time secret. */
  async function created(trx: Executor, _ctx: RequestContext, app: ApplicationRef): Promise<ClientCredentialsView | Record<string, never>> {
    if (!isOidcSettings(app.settings)) return {};
    const parsed = parseOidcSettings(app.kind, app.settings);
    const secret = parsed.public ? undefined : randomToken(32);
    await repo.insertClient(trx, { resource_id: app.id, org_id: app.orgId, secret_enc: secret ? seal(app.id, secret) : null, created_at: clock.now().toISOString(), secret_rotated_at: null });
    return secret ? { clientId: app.id, clientSecret: secret } : { clientId: app.id };
  }

  /**
   * The directory's hook, when settings are replaced: a resource that stops being an OIDC
   * application stops being a client; one that becomes confidential gets a secret, which the admin
   * learns by rotating it; one that becomes public loses its secret.
   */
  async function updated(trx: Executor, _ctx: RequestContext, app: ApplicationRef): Promise<void> {
    const row = await repo.findOrgClient(trx, app.orgId, app.id);
    if (!isOidcSettings(app.settings)) {
      if (row) await repo.deleteOrgClient(trx, app.orgId, app.id);
      // DIR-3: what it issued goes with it.
      if (row) await deleteModelsOfClients(trx, [app.id]);
      return;
    }
    const parsed = parseOidcSettings(app.kind, app.settings);
    const now = clock.now().toISOString();
    const secretEnc = parsed.public ? null : (row?.secret_enc ?? seal(app.id, randomToken(32)));
    if (!row) await repo.insertClient(trx, { resource_id: app.id, org_id: app.orgId, secret_enc: secretEnc, created_at: now, secret_rotated_at: null });
    else if (row.secret_enc !== secretEnc) await repo.setSecret(trx, app.orgId, app.id, secretEnc, now);
  }

  /** A new secret for a confidential OIDC application, answered this once; the old one stops working at once. */
  async function rotateSecret(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string): Promise<Required<ClientCredentialsView>> {
    requireCapability(caller, 'directory.manage', { orgId });
    const app = await applications.find(orgId, resourceId);
    if (!app) throw new AppError(CommonErrors.notFound);
    if (!isOidcSettings(app.settings)) throw new AppError(FederationErrors.notOidcApplication);
    if (parseOidcSettings(app.kind, app.settings).public) throw new AppError(FederationErrors.publicClient);
    const secret = randomToken(32);
    const now = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      if (await repo.findOrgClient(trx, orgId, resourceId)) await repo.setSecret(trx, orgId, resourceId, seal(resourceId, secret), now);
      else await repo.insertClient(trx, { resource_id: resourceId, org_id: orgId, secret_enc: seal(resourceId, secret), created_at: now, secret_rotated_at: now });
      await audit.record(trx, ctx, { action: 'federation.client_secret_rotated', orgId, target: { type: 'resource', id: resourceId } });
    });
    return { clientId: resourceId, clientSecret: secret };
  }

  /**
   * The client as oidc-provider reads it (RFC 7591 metadata names), or undefined: an unknown id, a
   * resource that is gone or no longer an OIDC application, or settings no longer valid.
   */
  async function clientMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const row = await repo.findClient(db, clientId);
    if (!row) return undefined;
    const app = await applications.find(row.org_id, row.resource_id);
    if (!app || !isOidcSettings(app.settings)) return undefined;
    let parsed: OidcClientSettings;
    try {
      parsed = parseOidcSettings(app.kind, app.settings);
    } catch {
      return undefined;
    }
    if (!parsed.public && !row.secret_enc) return undefined;
    return {
      client_id: row.resource_id,
      ...(app.name ? { client_name: app.name } : {}),
      ...(parsed.public ? { token_endpoint_auth_method: 'none' } : { client_secret: cipher.decrypt(row.secret_enc as string, context(row.resource_id)), token_endpoint_auth_method: 'client_secret_basic' }),
      // An application asks for who the member is, never for the Castellan API's scopes (those are API clients').
      scope: APPLICATION_SCOPES,
      redirect_uris: parsed.redirectUris,
      post_logout_redirect_uris: parsed.postLogoutRedirectUris,
      grant_types: parsed.grantTypes,
      response_types: parsed.grantTypes.includes('authorization_code') ? ['code'] : [],
      ...(parsed.initiateLoginUri ? { initiate_login_uri: parsed.initiateLoginUri } : {}),
      castellan_token_format: parsed.tokenFormat,
      ...(parsed.accessTokenTtl !== undefined ? { castellan_access_token_ttl: parsed.accessTokenTtl } : {}),
      ...(parsed.refreshTokenTtl !== undefined ? { castellan_refresh_token_ttl: parsed.refreshTokenTtl } : {}),
      castellan_denial_page: parsed.denialPage,
    };
  }

  /** Which organization's application a client is (the client id is the resource id), or undefined. */
  async function ownerOf(clientId: string): Promise<{ orgId: string; resourceId: string } | undefined> {
    const row = await repo.findClient(db, clientId);
    return row ? { orgId: row.org_id, resourceId: row.resource_id } : undefined;
  }

  return { check, created, updated, rotateSecret, clientMetadata, ownerOf };
}

export type OidcClients = ReturnType<typeof createOidcClients>;
