import { type Caller, SCIM_SCOPE, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import { assertNoDeletionPending } from './org-deletion.service.ts';
import * as orgs from './organizations.repository.ts';
import * as repo from './scim-tokens.repository.ts';

/** How many SCIM tokens one organization may have (one per provisioning source is the norm). */
export const SCIM_TOKENS_PER_ORG = 20;
const NAME_MAX = 100;
/** Every token is `scim_` and 43 base64url characters (32 random bytes). */
const TOKEN_PREFIX = 'scim_';
/** `last_used_at` is written at most this often per token, so a sync's thousands of requests write it once. */
const TOUCH_EVERY_MS = 60_000;

export interface ScimTokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Who a SCIM token stands for: its organization's provisioning client, the actor of what it changes. */
export interface ScimCaller {
  kind: 'client';
  orgId: string;
  clientId: string;
  scopes: readonly string[];
}

/**
 * PRO-4: the bearer tokens an organization's HR system or identity provider provisions with. Its
 * admins make, list and revoke them (`directory.api_clients`: never a client, so no token mints
 * another); the token is answered once and only its SHA-256 kept (it is 256 random bits, so a
 * plain hash is enough). A revoked token stops working at once: every request looks it up.
 */
export function createScimTokens(deps: DirectoryDeps) {
  const { db, clock, audit } = deps;

  async function create(ctx: RequestContext, caller: Caller, orgId: string, input: { name: string }): Promise<ScimTokenView & { token: string }> {
    requireCapability(caller, 'directory.api_clients', { orgId });
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name.length === 0 || name.length > NAME_MAX) throw new AppError(DirectoryErrors.invalidScimToken, undefined, { details: { field: 'name' } });
    const token = `${TOKEN_PREFIX}${randomToken(32)}`;
    const row = {
      id: newId('sct'),
      org_id: orgId,
      name,
      token_hash: sha256(token),
      created_by: caller.kind === 'member' ? caller.accountId : null,
      created_at: clock.now().toISOString(),
      last_used_at: null,
    };
    await db.transaction().execute(async (trx) => {
      // Locked first, so that tokens made at once cannot pass the limit together.
      if (!(await orgs.lockOrganization(trx, orgId))) throw new AppError(CommonErrors.notFound);
      await assertNoDeletionPending(trx, orgId);
      if ((await repo.countScimTokens(trx, orgId)) >= SCIM_TOKENS_PER_ORG) throw new AppError(DirectoryErrors.scimTokenLimitReached);
      await repo.insertScimToken(trx, row);
      await audit.record(trx, ctx, { action: 'scim.token_created', orgId, target: { type: 'scim_token', id: row.id }, details: { name } });
    });
    return { id: row.id, name, createdAt: row.created_at, lastUsedAt: null, token };
  }

  async function list(caller: Caller, orgId: string): Promise<ScimTokenView[]> {
    requireCapability(caller, 'directory.api_clients', { orgId });
    return (await repo.listScimTokens(db, orgId)).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async function revoke(ctx: RequestContext, caller: Caller, orgId: string, id: string): Promise<void> {
    requireCapability(caller, 'directory.api_clients', { orgId });
    await db.transaction().execute(async (trx) => {
      const gone = await repo.deleteScimToken(trx, orgId, id);
      if (!gone) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'scim.token_revoked', orgId, target: { type: 'scim_token', id }, details: { name: gone.name } });
    });
  }

  /**
   * The caller a bearer token stands for at `/scim/v2`, or undefined: a token of an organization
   * that exists and is not being deleted (DSR-6: nothing reaches an organization once its deletion
   * began).
   */
  async function callerOf(token: string): Promise<ScimCaller | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
    const row = await repo.findScimTokenByHash(db, sha256(token));
    if (!row) return undefined;
    const org = await orgs.findOrganization(db, row.org_id);
    if (!org || org.deleted_at) return undefined;
    const now = clock.now();
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= TOUCH_EVERY_MS) await repo.touchScimToken(db, row.id, now.toISOString());
    return { kind: 'client', orgId: row.org_id, clientId: row.id, scopes: [SCIM_SCOPE] };
  }

  /** The names of the organization's SCIM tokens among these ids (the audit log names its actors). */
  async function namesIn(orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = ids.filter((id) => id.startsWith('sct_'));
    return new Map((await repo.scimTokenNames(db, orgId, wanted)).map((r) => [r.id, r.name]));
  }

  return { create, list, revoke, callerOf, namesIn };
}

export type ScimTokens = ReturnType<typeof createScimTokens>;
