import { type Caller, type OrgRole, isMemberOf, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { requiredText } from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { Executor } from '../../db/schema.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as members from './memberships.repository.ts';
import type { MembershipsTable } from './directory.tables.ts';
import { type OrganizationView, toOrganizationView } from './members.views.ts';

/** PRO-4: 0 to 3650 days, or null (removed by an admin only). */
function scimDays(days: number | null): number | null {
  if (days === null) return null;
  if (!Number.isInteger(days) || days < 0 || days > 3650) throw new AppError(CommonErrors.invalid, 'scimRemoveAfterDays is a whole number of days from 0 to 3650, or null.', { details: { field: 'scimRemoveAfterDays' } });
  return days;
}
import * as orgs from './organizations.repository.ts';
import { findGroup, findResource } from './directory.repository.ts';

/** What other modules may read of organizations and their members, through the directory's own queries. */
export interface MemberFacts {
  id: string;
  orgId: string;
  accountId: string | null;
  email: string;
  name: string;
  role: OrgRole;
  status: string;
  username: string | null;
  createdAt: string;
}

const facts = (m: MembershipsTable): MemberFacts => ({
  id: m.id,
  orgId: m.org_id,
  accountId: m.account_id,
  email: m.email,
  name: m.name,
  role: m.role as OrgRole,
  status: m.status,
  username: m.username,
  createdAt: m.created_at,
});

export function createOrganizations(deps: DirectoryDeps) {
  const { db } = deps;

  async function find(ex: Executor, orgId: string): Promise<OrganizationView | undefined> {
    const o = await orgs.findOrganization(ex, orgId);
    return o ? toOrganizationView(o) : undefined;
  }

  async function findMany(ex: Executor, orgIds: readonly string[]): Promise<OrganizationView[]> {
    return (await orgs.findOrganizations(ex, [...new Set(orgIds)])).map(toOrganizationView);
  }

  /** One member of one organization; undefined when it is not that organization's (DIR-1). */
  async function member(ex: Executor, orgId: string, membershipId: string): Promise<MemberFacts | undefined> {
    const m = await members.findMembership(ex, orgId, membershipId);
    return m ? facts(m) : undefined;
  }

  /** The organization's member with this address (as the organization knows it), if any. */
  async function memberByEmail(ex: Executor, orgId: string, email: string): Promise<MemberFacts | undefined> {
    const m = await members.findByEmail(ex, orgId, email.trim().toLowerCase());
    return m ? facts(m) : undefined;
  }

  /** An account's membership in an organization, if any. */
  async function membershipOf(ex: Executor, accountId: string, orgId: string): Promise<MemberFacts | undefined> {
    const r = await members.roleOf(ex, accountId, orgId);
    return r ? member(ex, orgId, r.id) : undefined;
  }

  /** Every membership of an account, with its organization. */
  async function membershipsOfAccount(ex: Executor, accountId: string): Promise<MemberFacts[]> {
    return (await members.membershipsOfAccount(ex, accountId)).map(facts);
  }

  /**
   * SEC-1: the names of objects an audit log names by id, resolved inside one organization only
   * (DIR-1): a member (`usr_`), an account through its membership (`acc_`), a group, a resource, or
   * the organization itself. An id that is not this organization's gets no name.
   */
  async function namesIn(ex: Executor, orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of new Set(ids)) {
      let name: string | undefined;
      if (id === orgId) name = (await orgs.findOrganization(ex, orgId))?.name;
      else if (id.startsWith('usr_')) name = (await members.findMembership(ex, orgId, id))?.name;
      else if (id.startsWith('acc_')) name = (await membershipOf(ex, id, orgId))?.name;
      else if (id.startsWith('grp_')) name = (await findGroup(ex, orgId, id))?.name;
      else if (id.startsWith('res_')) name = (await findResource(ex, orgId, id))?.name;
      if (name) out.set(id, name);
    }
    return out;
  }

  /** The organization as its members see it; anyone else gets 404 (DIR-1). */
  async function view(caller: Caller, orgId: string): Promise<OrganizationView> {
    if (!isMemberOf(caller, orgId)) requireCapability(caller, 'directory.read', { orgId });
    const o = await find(db, orgId);
    if (!o) throw new AppError(CommonErrors.notFound);
    return o;
  }

  /**
   * Its admins rename the organization (the LDAP slug stays, so hosts' DNs keep working) or require
   * two-step verification of every member (ACC-5): from then on, members without it are told to turn
   * it on, admins without it lose the console's capabilities until they do, and LDAP binds and
   * RADIUS requests take the code after the password. Its settings govern the organization
   * (`directory.govern`): a person admin's, never an API client's.
   */
  async function update(ctx: RequestContext, caller: Caller, orgId: string, input: { name?: string | undefined; requireMfa?: boolean | undefined; scimRemoveAfterDays?: number | null | undefined }): Promise<OrganizationView> {
    requireCapability(caller, 'directory.manage', { orgId });
    requireCapability(caller, 'directory.govern', { orgId });
    const patch = {
      ...(input.name !== undefined ? { name: requiredText(input.name, 'name', 200) } : {}),
      ...(input.requireMfa !== undefined ? { require_mfa: input.requireMfa ? 1 : 0 } : {}),
      ...(input.scimRemoveAfterDays !== undefined ? { scim_remove_after_days: scimDays(input.scimRemoveAfterDays) } : {}),
    };
    if (input.requireMfa === true && caller.kind === 'member') {
      const [me] = await deps.accounts.facts(db, [caller.accountId]);
      if (!me?.mfaEnabled) throw new AppError(DirectoryErrors.ownMfaFirst, undefined, { details: { field: 'requireMfa' } });
    }
    await db.transaction().execute(async (trx) => {
      // DSR-6: a rename in flight when the deletion began changes nothing.
      if (!(await orgs.updateOrganization(trx, orgId, { ...patch, updated_at: deps.clock.now().toISOString() }))) throw new AppError(CommonErrors.notFound);
      await deps.audit.record(trx, ctx, { action: 'directory.organization_updated', orgId, target: { type: 'organization', id: orgId }, details: { fields: Object.keys(patch), ...(input.requireMfa !== undefined ? { requireMfa: input.requireMfa } : {}), ...(input.scimRemoveAfterDays !== undefined ? { scimRemoveAfterDays: input.scimRemoveAfterDays } : {}) } });
    });
    return view(caller, orgId);
  }

  return { view, update, find: (orgId: string) => find(db, orgId), findIn: find, findMany, member, memberByEmail, membershipOf, membershipsOfAccount, namesIn };
}

export type Organizations = ReturnType<typeof createOrganizations>;
