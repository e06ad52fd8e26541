import type { Kysely } from 'kysely';
import { type Caller, CLIENT_SCOPE_NAMES, type ClientScope, requireCapability } from '../../core/caller.ts';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { type FieldCipher, newId, randomToken } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import * as repo from './api-clients.repository.ts';
import { FederationErrors } from './federation.errors.ts';
import type { OidcModelStore } from './oidc-store.ts';

/** How many API clients one organization may have. */
export const API_CLIENTS_PER_ORG = 50;
const NAME_MAX = 100;
/**
 * How long a node keeps a client's metadata for the provider: every token request reads it, and
 * the lookup (a query and a decryption) is a tenth of a token's cost. A client revoked on another
 * node can get tokens from this one for at most this long, and the API refuses them (a token counts
 * only while its client's row exists); on this node a revocation forgets it at once.
 */
const METADATA_TTL_MS = 5_000;
const METADATA_CACHE_MAX = 1_000;

/**
 * The directory's organization row, locked for the rest of the caller's transaction (through the
 * composition root, as members.invite locks it); false: no such organization, or its deletion began.
 */
export type OrganizationLock = (trx: Executor, orgId: string) => Promise<boolean>;

export interface ApiClientsDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  audit: Audit;
  /** The provider's storage: the client-credentials tokens it issued are read from it, never written. */
  store: (model: string) => OidcModelStore;
  /** Wired by the composition root; absent only where the module is built without the directory (a test of the provider's storage). */
  lockOrganization?: OrganizationLock | undefined;
}

export interface ApiClientView {
  id: string;
  name: string;
  scopes: ClientScope[];
  clientId: string;
  createdAt: string;
}

/** Who a client-credentials token stands for: an organization's API client, with the scopes the token carries. */
export interface ApiClientCaller {
  kind: 'client';
  orgId: string;
  clientId: string;
  scopes: ClientScope[];
}

const context = (id: string) => `api_clients.secret_enc:${id}`;
const isScope = (s: string): s is ClientScope => (CLIENT_SCOPE_NAMES as string[]).includes(s);
const scopesOf = (text: string): ClientScope[] => text.split(' ').filter(isScope);
const view = (r: repo.ApiClientRow): ApiClientView => ({ id: r.id, name: r.name, scopes: scopesOf(r.scopes), clientId: r.id, createdAt: r.created_at });
const invalid = (field: string, message: string) => new AppError(FederationErrors.invalidApiClient, message, { details: { field } });

/** The input checked: a name, and at least one known scope (duplicates collapse, in the catalogue's order). */
function checked(input: { name: string; scopes: string[] }): { name: string; scopes: ClientScope[] } {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > NAME_MAX) throw invalid('name', `An API client's name is 1 to ${NAME_MAX} characters.`);
  if (!Array.isArray(input.scopes) || input.scopes.length === 0) throw invalid('scopes', `Choose at least one scope: ${CLIENT_SCOPE_NAMES.join(', ')}.`);
  input.scopes.forEach((s, i) => {
    if (!isScope(s)) throw invalid(`scopes[${i}]`, `"${String(s).slice(0, 50)}" is not a scope; the scopes are ${CLIENT_SCOPE_NAMES.join(', ')}.`);
  });
  return { name, scopes: CLIENT_SCOPE_NAMES.filter((s) => input.scopes.includes(s)) };
}

/**
 * PRO-2: an organization's API clients. Its admins make one with the scopes they choose; the
 * secret is answered once and kept sealed (oidc-provider compares the secret itself, so a hash
 * would not do). A script trades the id and secret for an opaque access token at the provider's
 * token endpoint (client credentials), and the API takes that token as a Caller of kind `client`.
 * Deleting the client revokes its tokens at once: a token counts only while its client exists.
 */
export function createApiClients(deps: ApiClientsDeps) {
  const { db, clock, cipher, audit } = deps;
  const tokens = () => deps.store('ClientCredentials');
  const metadataCache = new Map<string, { metadata: Record<string, unknown>; until: number }>();

  async function create(ctx: RequestContext, caller: Caller, orgId: string, input: { name: string; scopes: string[] }): Promise<ApiClientView & { clientSecret: string }> {
    requireCapability(caller, 'directory.api_clients', { orgId });
    const { name, scopes } = checked(input);
    const secret = randomToken(32);
    const id = newId('apc');
    const row: repo.ApiClientRow = { id, org_id: orgId, name, scopes: scopes.join(' '), secret_enc: cipher.encrypt(secret, context(id)), created_at: clock.now().toISOString() };
    await db.transaction().execute(async (trx) => {
      // The organization's row is locked first, so that clients made at once cannot pass the limit
      // together (PostgreSQL; SQLite has a single writer).
      if (deps.lockOrganization && !(await deps.lockOrganization(trx, orgId))) throw new AppError(CommonErrors.notFound);
      if ((await repo.countApiClients(trx, orgId)) >= API_CLIENTS_PER_ORG) throw new AppError(FederationErrors.apiClientLimitReached);
      await repo.insertApiClient(trx, row);
      await audit.record(trx, ctx, { action: 'api_client.created', orgId, target: { type: 'api_client', id }, details: { name, scopes } });
    });
    return { ...view(row), clientSecret: secret };
  }

  async function list(caller: Caller, orgId: string): Promise<ApiClientView[]> {
    requireCapability(caller, 'directory.api_clients', { orgId });
    return (await repo.listApiClients(db, orgId)).map(view);
  }

  /** Revokes the client and, with it, every token it was issued (they stop counting at once; their rows lapse and are swept). */
  async function revoke(ctx: RequestContext, caller: Caller, orgId: string, id: string): Promise<void> {
    requireCapability(caller, 'directory.api_clients', { orgId });
    await db.transaction().execute(async (trx) => {
      const gone = await repo.deleteApiClient(trx, orgId, id);
      if (!gone) throw new AppError(CommonErrors.notFound);
      metadataCache.delete(id);
      await audit.record(trx, ctx, { action: 'api_client.revoked', orgId, target: { type: 'api_client', id }, details: { name: gone.name } });
    });
  }

  /** The client as oidc-provider reads it (RFC 7591 names): client credentials only, within its scopes; undefined for an unknown id. */
  async function clientMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    if (!clientId.startsWith('apc_')) return undefined;
    const now = clock.now().getTime();
    const cached = metadataCache.get(clientId);
    if (cached && cached.until > now) return cached.metadata;
    const row = await repo.findApiClient(db, clientId);
    if (!row) {
      metadataCache.delete(clientId);
      return undefined;
    }
    if (metadataCache.size >= METADATA_CACHE_MAX) metadataCache.clear();
    const metadata = {
      client_id: row.id,
      client_secret: cipher.decrypt(row.secret_enc, context(row.id)),
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: row.scopes,
    };
    metadataCache.set(clientId, { metadata, until: now + METADATA_TTL_MS });
    return metadata;
  }

  /**
   * The caller an opaque access token stands for, or undefined: a token the provider issued by
   * client credentials, unexpired and not revoked, to an API client that still exists. Its scopes
   * are the token's, within the client's; a token asked for without `scope` has all of the client's.
   */
  async function callerOfToken(token: string): Promise<ApiClientCaller | undefined> {
    if (token.length < 20 || token.length > 200) return undefined;
    const payload = await tokens().find(token);
    if (!payload || payload.kind !== 'ClientCredentials' || typeof payload.clientId !== 'string') return undefined;
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= clock.now().getTime()) return undefined;
    const row = await repo.findApiClient(db, payload.clientId);
    if (!row) return undefined;
    const allowed = scopesOf(row.scopes);
    // RFC 6749 §3.3: a token asked for without `scope` carries the client's own (its predefined default).
    const asked = typeof payload.scope === 'string' && payload.scope !== '' ? payload.scope.split(' ') : allowed;
    return { kind: 'client', orgId: row.org_id, clientId: row.id, scopes: allowed.filter((s) => asked.includes(s)) };
  }

  /** The names of the organization's API clients among these ids (the audit log names its actors). */
  async function namesIn(orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Set(ids.filter((id) => id.startsWith('apc_')));
    if (wanted.size === 0) return new Map();
    return new Map((await repo.listApiClients(db, orgId)).filter((r) => wanted.has(r.id)).map((r) => [r.id, r.name]));
  }

  return { create, list, revoke, clientMetadata, callerOfToken, namesIn };
}

export type ApiClients = ReturnType<typeof createApiClients>;
