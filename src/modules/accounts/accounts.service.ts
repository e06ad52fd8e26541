import { AppError, CommonErrors } from '../../core/errors.ts';
import type { AuditFilter } from '../audit/index.ts';
import type { AccountsDeps } from './accounts.deps.ts';
import type { RequestContext } from '../../core/context.ts';
import { type OrganizationView, type UserView, requiredText, toOrganizationView, toUserView } from './accounts.views.ts';
import { createHousekeeping } from './housekeeping.service.ts';
import { createInvitations } from './invitations.service.ts';
import { createMfa } from './mfa.service.ts';
import { requireCapability } from './permissions.ts';
import { createPasswords } from './passwords.service.ts';
import type { Principal } from './sessions.service.ts';
import { createSessions } from './sessions.service.ts';
import { createSignup } from './signup.service.ts';
import { createStaff } from './staff.service.ts';
import * as users from './users.repository.ts';

export function createAccounts(deps: AccountsDeps) {
  const mfa = createMfa(deps);
  const sessions = createSessions(deps, mfa);

  /** The signed-in principal and, for an organization's member, their organization. */
  async function me(principal: Principal): Promise<{ user: UserView; organization: OrganizationView | null }> {
    const user = await users.findUserById(deps.db, principal.user.id);
    if (!user) throw new AppError(CommonErrors.unauthenticated);
    const org = user.org_id ? await users.findOrganization(deps.db, user.org_id) : undefined;
    return { user: toUserView(user), organization: org ? toOrganizationView(org) : null };
  }

  /** Changes the signed-in person's own profile (their name); the change is audited. */
  async function updateProfile(ctx: RequestContext, principal: Principal, input: { name: string }): Promise<UserView> {
    const name = requiredText(input.name, 'name');
    return deps.db.transaction().execute(async (trx) => {
      await users.updateUser(trx, principal.user.id, { name, updated_at: deps.clock.now().toISOString() });
      await deps.audit.record(trx, ctx, {
        action: 'account.profile_updated',
        orgId: principal.user.orgId,
        target: { type: 'user', id: principal.user.id },
        details: { fields: ['name'] },
      });
      const row = await users.findUserById(trx, principal.user.id);
      if (!row) throw new AppError(CommonErrors.unauthenticated);
      return toUserView(row);
    });
  }

  /**
   * SEC-1: an organization's admins read their organization's entries; staff
   * whose role allows it read everyone's (`orgId` null) or one organization's.
   */
  async function auditLog(principal: Principal, orgId: string | null, filter: Omit<AuditFilter, 'orgId'>) {
    if (orgId === null || principal.user.kind === 'staff') {
      requireCapability(principal.user, 'audit.read_all');
      return deps.audit.list({ ...filter, orgId }, orgId === null);
    }
    requireCapability(principal.user, 'audit.read_org', orgId);
    return deps.audit.list({ ...filter, orgId }, false);
  }

  return {
    ...createSignup(deps),
    ...createInvitations(deps),
    auditLog,
    updateProfile,
    housekeeping: createHousekeeping(deps),
    ...createPasswords(deps, mfa),
    ...createStaff(deps),
    sessions,
    mfa,
    me,
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
