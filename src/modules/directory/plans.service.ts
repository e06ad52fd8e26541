import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type OrganizationView, type OrganizationsTable, type Principal, requireCapability, toOrganizationView } from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';

export const PLANS = ['free', 'paid', 'jumpstart'] as const;
export type Plan = (typeof PLANS)[number];
export const FREE_USER_LIMIT = 10;

/** DIR-4: the user limit in force now: free, and a jumpstart trial once it has ended, allow 10 active users. */
export function userLimit(org: Pick<OrganizationsTable, 'plan' | 'plan_ends_at'>, now: Date): number | null {
  if (org.plan === 'paid') return null;
  if (org.plan === 'jumpstart' && org.plan_ends_at && now.toISOString() < org.plan_ends_at) return null;
  return FREE_USER_LIMIT;
}

/** Refuses one more active user when the plan's limit is reached; existing users are kept. */
export async function assertCanAddActiveUser(ex: Executor, org: OrganizationsTable, now: Date): Promise<void> {
  const limit = userLimit(org, now);
  if (limit === null) return;
  if ((await repo.countActiveUsers(ex, org.id)) >= limit) {
    throw new AppError(DirectoryErrors.userLimitReached, undefined, { details: { limit, plan: org.plan } });
  }
}

/** Staff with the billing (or owner) role set an organization's plan. */
export function createPlans(deps: DirectoryDeps) {
  const { db, clock, audit } = deps;
  async function setPlan(ctx: RequestContext, principal: Principal, orgId: string, input: { plan: string; endsAt?: string | undefined }): Promise<OrganizationView> {
    requireCapability(principal.user, 'billing.set_plan');
    if (!(PLANS as readonly string[]).includes(input.plan)) {
      throw new AppError(DirectoryErrors.invalidPlan, `The plan must be one of ${PLANS.join(', ')}.`, { details: { field: 'plan' } });
    }
    let endsAt: string | null = null;
    if (input.plan === 'jumpstart') {
      const t = input.endsAt ? new Date(input.endsAt) : undefined;
      if (!t || Number.isNaN(t.getTime()) || t <= clock.now()) {
        throw new AppError(DirectoryErrors.invalidPlan, 'A jumpstart trial needs an end date in the future.', { details: { field: 'endsAt' } });
      }
      endsAt = t.toISOString();
    }
    const org = await db.transaction().execute(async (trx) => {
      const existing = await repo.lockOrganization(trx, orgId, deps.dialect === 'postgres');
      if (!existing) throw new AppError(CommonErrors.notFound);
      await trx
        .updateTable('organizations')
        .set({ plan: input.plan, plan_ends_at: endsAt, updated_at: clock.now().toISOString() })
        .where('id', '=', orgId)
        .execute();
      await audit.record(trx, ctx, {
        action: 'billing.plan_changed',
        orgId,
        target: { type: 'organization', id: orgId },
        details: { from: existing.plan, to: input.plan, endsAt },
      });
      for (const hook of deps.planHooks?.changed ?? []) await hook(trx, ctx, orgId);
      return repo.lockOrganization(trx, orgId, false);
    });
    if (!org) throw new AppError(CommonErrors.notFound);
    return toOrganizationView(org);
  }
  return { setPlan };
}
