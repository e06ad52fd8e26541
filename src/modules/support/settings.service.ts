import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import { PLANS } from '../directory/index.ts';
import { dueChange, replanTicket } from './desk.service.ts';
import type { SupportDeps } from './support.deps.ts';
import { SupportErrors } from './support.errors.ts';
import type { SupportSlaTargetsTable, SupportTicketsTable } from './support.tables.ts';
import type { SupportTargets, TargetsBody } from '../../contracts/desk.ts';
import { PRIORITIES, type Priority } from './support.views.ts';
import type { DeskCore } from './tickets.core.ts';
import * as repo from './tickets.repository.ts';

export type TargetsView = SupportTargets;

const toTargetsView = (r: SupportSlaTargetsTable): TargetsView => ({
  plan: r.plan,
  priority: r.priority as Priority,
  firstResponseHours: r.first_response_hours,
  nextResponseHours: r.next_response_hours,
  resolutionHours: r.resolution_hours,
  updatedAt: r.updated_at,
});

const MAX_TARGET_HOURS = 2000;

/** SUP-4 targets and SUP-2 specialists, and the recomputation of open tickets when either a target or a plan changes. */
export function createSupportSettings(deps: SupportDeps, core: DeskCore) {
  const { db, clock, audit } = deps;

  async function recompute(trx: Executor, ctx: RequestContext, t: SupportTicketsTable, patch: Partial<SupportTicketsTable>, cause: string): Promise<void> {
    const next = await core.saveTicket(trx, t, patch);
    const change = dueChange(t, next);
    if (JSON.stringify(change.duesBefore) === JSON.stringify(change.duesAfter) && next.eligibility === t.eligibility) return;
    await audit.record(trx, ctx, {
      action: 'support.sla_recomputed',
      orgId: t.org_id,
      target: { type: 'support_ticket', id: t.id },
      details: { cause, ...change, eligibility: next.eligibility },
    });
  }

  async function listTargets(caller: Caller): Promise<{ items: TargetsView[] }> {
    requireCapability(caller, 'support.desk');
    return { items: (await repo.listTargets(db)).map(toTargetsView) };
  }

  async function setTargets(
    ctx: RequestContext,
    caller: Caller,
    plan: string,
    priority: string,
    input: TargetsBody,
  ): Promise<TargetsView> {
    requireCapability(caller, 'support.manage');
    if (!(PLANS as readonly string[]).includes(plan) || !(PRIORITIES as readonly string[]).includes(priority)) throw new AppError(CommonErrors.notFound);
    const hours = [input.firstResponseHours, input.nextResponseHours, input.resolutionHours];
    if (hours.some((h) => typeof h !== 'number' || !Number.isFinite(h) || h <= 0 || h > MAX_TARGET_HOURS) || input.firstResponseHours > input.resolutionHours) {
      throw new AppError(SupportErrors.invalidTargets);
    }
    const row: SupportSlaTargetsTable = {
      plan,
      priority,
      first_response_hours: input.firstResponseHours,
      next_response_hours: input.nextResponseHours,
      resolution_hours: input.resolutionHours,
      updated_at: clock.now().toISOString(),
      updated_by: accountIdOf(caller),
    };
    await db.transaction().execute(async (trx) => {
      const before = await repo.findTargets(trx, plan, priority);
      await repo.upsertTargets(trx, row);
      await audit.record(trx, ctx, {
        action: 'support.targets_changed',
        target: { type: 'support_targets', id: `${plan}/${priority}` },
        details: { plan, priority, from: before ? toTargetsView(before) : null, to: toTargetsView(row) },
      });
      for (const t of await repo.listOpenTicketsFor(trx, plan, priority)) await recompute(trx, ctx, t, {}, 'targets_changed');
    });
    return toTargetsView(row);
  }

  /** Called in the transaction that changes an organization's plan (billing staff, or a card added). */
  async function planChanged(trx: Executor, ctx: RequestContext, orgId: string): Promise<void> {
    const org = await deps.people.organization(trx, orgId);
    if (!org) return;
    const now = clock.now();
    for (const t of await repo.listOpenOrgTickets(trx, orgId)) {
      if (t.plan === org.plan && t.eligibility === 'full') continue;
      await recompute(trx, ctx, t, replanTicket(t, org, now), 'plan_changed');
    }
  }

  /** SUP-2: the staff member a jumpstart organization's tickets go to. */
  async function setSpecialist(ctx: RequestContext, caller: Caller, orgId: string, staffId: string): Promise<{ orgId: string; staffId: string; name: string }> {
    requireCapability(caller, 'support.manage');
    return db.transaction().execute(async (trx) => {
      if (!(await deps.people.organization(trx, orgId))) throw new AppError(CommonErrors.notFound);
      const staff = (await deps.people.isSpecialistCandidate(trx, staffId)) ? await deps.people.person(trx, staffId) : undefined;
      if (!staff) {
        throw new AppError(SupportErrors.notStaff, undefined, { details: { field: 'staffId' } });
      }
      await repo.setSpecialist(trx, { org_id: orgId, staff_id: staffId, assigned_at: clock.now().toISOString(), assigned_by: accountIdOf(caller) });
      await audit.record(trx, ctx, { action: 'support.specialist_assigned', orgId, target: { type: 'organization', id: orgId }, details: { staffId } });
      return { orgId, staffId, name: staff.name };
    });
  }

  async function removeSpecialist(ctx: RequestContext, caller: Caller, orgId: string): Promise<void> {
    requireCapability(caller, 'support.manage');
    await db.transaction().execute(async (trx) => {
      if (!(await repo.deleteSpecialist(trx, orgId))) throw new AppError(CommonErrors.notFound);
      await audit.record(trx, ctx, { action: 'support.specialist_removed', orgId, target: { type: 'organization', id: orgId } });
    });
  }

  return { listTargets, setTargets, planChanged, setSpecialist, removeSpecialist };
}
