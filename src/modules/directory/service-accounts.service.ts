import type { RequestContext } from '../../core/context.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import { newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import { DirectoryErrors } from './directory.errors.ts';
import * as repo from './directory.repository.ts';
import type { ServiceAccountsTable } from './directory.tables.ts';
import * as orgs from './organizations.repository.ts';
import { isLdapApplication } from './ldap.service.ts';

/** A service account's name: the `uid` of its DN, as POSIX names go (1 to 32 of a-z, 0-9, `.`, `_`, `-`, starting with a letter or `_`). */
const NAME = /^[a-z_][a-z0-9._-]{0,31}$/;

export interface ServiceAccountView {
  id: string;
  name: string;
  resourceId: string;
  /** The organization's slug, for the edge to write the DN with. */
  orgSlug: string;
  createdAt: string;
}

const view = (r: ServiceAccountsTable, orgSlug: string): ServiceAccountView => ({ id: r.id, name: r.name, resourceId: r.resource_id, orgSlug, createdAt: r.created_at });

/**
 * PRO-1: service accounts, with which systems (nslcd, SSSD) and applications bind to LDAP and
 * search their organization. Admins make them under an LDAP application; the generated secret is
 * answered once and only its SHA-256 is kept (it is a 256-bit random value, not a password, so a
 * fast hash is enough and nothing can be guessed). Deleting one, or its application, revokes it at
 * once: a bound connection loses it on its next operation.
 */
export function createServiceAccounts(deps: DirectoryDeps) {
  const { db, clock, audit } = deps;

  async function ldapApplication(orgId: string, resourceId: string) {
    const r = await repo.findResource(db, orgId, resourceId);
    if (!r) throw new AppError(CommonErrors.notFound);
    if (!isLdapApplication(r)) throw new AppError(DirectoryErrors.notLdapApplication);
    return r;
  }

  async function slugOf(orgId: string): Promise<string> {
    return (await orgs.findOrganization(db, orgId))?.slug ?? '';
  }

  async function create(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string, input: { name: string }): Promise<ServiceAccountView & { secret: string }> {
    requireCapability(caller, 'directory.manage', { orgId });
    await ldapApplication(orgId, resourceId);
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!NAME.test(name)) {
      throw new AppError(CommonErrors.invalid, 'A service account name is 1 to 32 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or "_".', { details: { field: 'name' } });
    }
    const secret = `csa_${randomToken(32)}`;
    const row: ServiceAccountsTable = { id: newId('svc'), org_id: orgId, resource_id: resourceId, name, secret_hash: sha256(secret), created_by: accountIdOf(caller), created_at: clock.now().toISOString() };
    await db
      .transaction()
      .execute(async (trx) => {
        await repo.insertServiceAccount(trx, row);
        await audit.record(trx, ctx, { action: 'directory.service_account_created', orgId, target: { type: 'service_account', id: row.id }, details: { name, resourceId } });
      })
      .catch((e: unknown) => {
        if (isAppError(e) && e.is(CommonErrors.conflict)) throw new AppError(DirectoryErrors.serviceAccountNameTaken, undefined, { details: { field: 'name' } });
        throw e;
      });
    return { ...view(row, await slugOf(orgId)), secret };
  }

  async function list(caller: Caller, orgId: string, resourceId: string): Promise<ServiceAccountView[]> {
    requireCapability(caller, 'directory.read', { orgId });
    await ldapApplication(orgId, resourceId);
    const slug = await slugOf(orgId);
    return (await repo.listServiceAccounts(db, orgId, resourceId)).map((r) => view(r, slug));
  }

  async function remove(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string, serviceAccountId: string): Promise<void> {
    requireCapability(caller, 'directory.manage', { orgId });
    await db.transaction().execute(async (trx) => {
      const gone = await repo.deleteServiceAccount(trx, orgId, resourceId, serviceAccountId);
      if (!gone) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'directory.service_account_deleted', orgId, target: { type: 'service_account', id: serviceAccountId }, details: { name: gone.name, resourceId } });
    });
  }

  /** Whether the service account still exists under an LDAP application (checked before each operation of its connection). */
  async function stillValid(orgId: string, id: string): Promise<boolean> {
    const row = await repo.findServiceAccount(db, orgId, id);
    if (!row) return false;
    const r = await repo.findResource(db, orgId, row.resource_id);
    return r !== undefined && isLdapApplication(r);
  }

  return { create, list, remove, stillValid };
}
