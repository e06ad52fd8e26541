import type { SetPlanBody } from '../../contracts/users.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import type { OrganizationsTable } from './directory.tables.ts';
import { countSeats } from './memberships.repository.ts';
import { type OrganizationView, toOrganizationView } from './members.views.ts';
import * as orgs from './organizations.repository.ts';

export const PLANS = ['free', 'paid', 'jumpstart'] as const;
export type Plan = (typeof PLANS)[number];
export const FREE_USER_LIMIT = 10;

/** DIR-4: the user limit in force now: free, and a jumpstart trial once it has ended, allow 10 users. */
export function userLimit(org: Pick<OrganizationsTable, 'plan' | 'plan_ends_at'>, now: Date): number | null {
  if (org.plan === 'paid') return null;
  if (org.plan === 'jumpstart' && org.plan_ends_at && now.toISOString() < org.plan_ends_at) return null;
  return FREE_USER_LIMIT;
}

/** Refuses one more member (active or invited) when the plan's limit is reached; existing members are kept. */
export async function assertSeatFree(ex: Executor, org: OrganizationsTable, now: Date, adding = 1): Promise<void> {
  const limit = userLimit(org, now);
  if (limit === null) return;
  if ((await countSeats(ex, org.id)) + adding > limit) {
    throw new AppError(DirectoryErrors.userLimitReached, undefined, { details: { limit, plan: org.plan } });
  }
}

/** An organization's plan as billing sees it, locked for the rest of its transaction. */
export interface PlanState {
  plan: string;
  planEndsAt: string | null;
  /** Held to the free limits now (the free plan, or a jumpstart trial that has ended). */
  limited: boolean;
}

/** Staff with the billing (or owner) role set an organization's plan; billing moves one to paid when a card is added. */
export function createPlans(deps: DirectoryDeps) {
  const { db, clock, audit } = deps;

  /** Changes the plan inside the caller's transaction: audited, and every plan hook told (SUP-2). */
  async function changePlan(trx: Executor, ctx: RequestContext, existing: OrganizationsTable, plan: string, endsAt: string | null, reason?: string): Promise<void> {
    await orgs.setPlan(trx, existing.id, plan, endsAt, clock.now().toISOString());
    await audit.record(trx, ctx, {
      action: 'billing.plan_changed',
      orgId: existing.id,
      target: { type: 'organization', id: existing.id },
      details: { from: existing.plan, to: plan, endsAt, ...(reason ? { reason } : {}) },
    });
    for (const hook of deps.planHooks?.changed ?? []) await hook(trx, ctx, existing.id);
  }

  async function setPlan(ctx: RequestContext, caller: Caller, orgId: string, input: SetPlanBody): Promise<OrganizationView> {
    requireCapability(caller, 'billing.set_plan');
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
      const existing = await orgs.lockOrganization(trx, orgId);
      if (!existing) throw new AppError(CommonErrors.notFound);
      await changePlan(trx, ctx, existing, input.plan, endsAt);
      return orgs.findOrganization(trx, orgId);
    });
    if (!org) throw new AppError(CommonErrors.notFound);
    return toOrganizationView(org);
  }

  /** The plan, locked for the caller's transaction (billing serializes card changes on it); undefined: no such organization. */
  async function lockPlan(trx: Executor, orgId: string): Promise<PlanState | undefined> {
    const org = await orgs.lockOrganization(trx, orgId);
    return org ? { plan: org.plan, planEndsAt: org.plan_ends_at, limited: userLimit(org, clock.now()) !== null } : undefined;
  }

  /** PRV-10: a card was added to an organization held to the free limits: it moves to paid, in the card's transaction. */
  async function upgradeToPaid(trx: Executor, ctx: RequestContext, orgId: string, reason: string): Promise<void> {
    const existing = await orgs.lockOrganization(trx, orgId);
    if (!existing) throw new AppError(CommonErrors.notFound);
    await changePlan(trx, ctx, existing, 'paid', null, reason);
  }

  return { setPlan, lockPlan, upgradeToPaid };
}

export type Plans = ReturnType<typeof createPlans>;
