import type { StaffOrg, StaffOrgsQuery } from '../../contracts/users.ts';
import { type Caller, can, requireCapability } from '../../core/caller.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { DirectoryDeps, Page } from './directory.deps.ts';
import { countSeatsOf } from './memberships.repository.ts';
import * as orgs from './organizations.repository.ts';
import { userLimit } from './plans.service.ts';

/** Pages are offsets into the list by name: deep enough for any person, bounded for the database. */
const MAX_OFFSET = 10_000;

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,5}$/.test(cursor) || Number(cursor) > MAX_OFFSET) {
    throw new AppError(CommonErrors.invalid, 'The cursor is not valid.', { details: { field: 'cursor' } });
  }
  return Number(cursor);
}

/**
 * Staff find an organization by name, to act on it (billing sets its plan, an owner picks a
 * jumpstart specialist, privacy staff filter the ledger). Every organization is searched, so only
 * staff roles whose work names organizations may (`directory.find_orgs`); what each answer shows is
 * scoped by capability: the plan and seats only to those who set plans (DIR-4).
 */
export function createOrgSearch(deps: DirectoryDeps) {
  const { db, clock } = deps;

  async function search(caller: Caller, query: StaffOrgsQuery): Promise<Page<StaffOrg>> {
    requireCapability(caller, 'directory.find_orgs');
    const offset = offsetOf(query.cursor);
    const limit = Math.max(1, Math.min(query.limit ?? 50, 200));
    const rows = await orgs.searchOrganizations(db, { q: query.q ?? '', offset, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const billing = can(caller, 'billing.set_plan');
    const seats = billing ? await countSeatsOf(db, page.map((o) => o.id)) : new Map<string, number>();
    const now = clock.now();
    return {
      items: page.map((o) => ({
        id: o.id,
        name: o.name,
        createdAt: o.created_at,
        ...(billing ? { plan: o.plan, planEndsAt: o.plan_ends_at, seats: seats.get(o.id) ?? 0, userLimit: userLimit(o, now) } : {}),
      })),
      nextCursor: rows.length > limit && offset + limit <= MAX_OFFSET ? String(offset + limit) : null,
    };
  }

  return { search };
}

export type OrgSearch = ReturnType<typeof createOrgSearch>;
