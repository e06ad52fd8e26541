import type { Kysely } from 'kysely';
import type { Database, Executor } from '../../db/schema.ts';
import { orgClientIds } from './clients.repository.ts';
import { deleteModelsOfAccounts, deleteModelsOfClients, deleteModelsOfMemberClient, grantHolders } from './oidc-models.repository.ts';

/** THE access decision (DIR-3), through the composition root: may this member use this application now? */
export interface AccessCheck {
  mayUse(orgId: string, membershipId: string, resourceId: string): Promise<boolean>;
}

/** Which grants a change of access may have touched: some members, one application, or (neither) the whole organization. */
export interface AccessChangeScope {
  membershipIds?: string[] | undefined;
  resourceId?: string | undefined;
}

export interface RevocationDeps {
  db: Kysely<Database>;
  access?: AccessCheck | undefined;
}

/**
 * PRO-2, DIR-3: suspension or loss of access revokes the member's grants and refresh tokens at
 * once. The directory tells of its changes through hooks the composition root wires (an
 * organization's erasure goes through personal-data.ts); this module removes the provider's
 * artefacts (grants, and the codes and tokens issued under them) from its own table. The edge
 * refuses them at use time too (findAccount and introspection ask the access decision again), so
 * an artefact this misses is still worth nothing.
 */
export function createOidcRevocation(deps: RevocationDeps) {
  const { db } = deps;

  /**
   * In the transaction that suspends or removes members: everything the provider holds about them
   * (sessions included), for every application. Nothing of it comes back on reactivation.
   */
  async function membersRevoked(trx: Executor, _orgId: string, membershipIds: string[]): Promise<number> {
    return deleteModelsOfAccounts(trx, membershipIds);
  }

  /** In the transaction that deletes an application, or makes it no OIDC client: every artefact issued to it. */
  async function applicationGone(trx: Executor, _orgId: string, resourceId: string): Promise<number> {
    return deleteModelsOfClients(trx, [resourceId]);
  }

  /**
   * Right after a change of bindings or groups is saved: the grants the access decision no longer
   * allows are removed, with their codes and tokens. Run after the commit, since the decision reads
   * the saved state.
   */
  async function accessChanged(orgId: string, scope: AccessChangeScope = {}): Promise<number> {
    const access = deps.access;
    if (!access) return 0;
    const clients = await orgClientIds(db, orgId);
    const clientIds = scope.resourceId ? clients.filter((c) => c === scope.resourceId) : clients;
    let removed = 0;
    for (const h of await grantHolders(db, { clientIds, accountIds: scope.membershipIds })) {
      if (!h.account_id || !h.client_id) continue;
      if (await access.mayUse(orgId, h.account_id, h.client_id)) continue;
      removed += await db.transaction().execute((trx) => deleteModelsOfMemberClient(trx, h.account_id as string, h.client_id as string));
    }
    return removed;
  }

  return { membersRevoked, applicationGone, accessChanged };
}

export type OidcRevocation = ReturnType<typeof createOidcRevocation>;
