import type { Executor } from '../../db/schema.ts';

/**
 * GOV-2, GOV-3: what organization governance asks of an organization's memberships, answered
 * inside that organization only (DIR-1).
 */

/** Of these accounts, the ones with a membership (any status) in the organization. */
export async function accountsWithMembershipIn(ex: Executor, orgId: string, accountIds: readonly string[]): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await ex.selectFrom('memberships').select('account_id').where('org_id', '=', orgId).where('account_id', 'in', [...accountIds]).execute();
  return new Set(rows.map((r) => r.account_id as string));
}

/** The organization's active admins with an account: whom to tell of a change to the organization itself. */
export async function activeAdminsOf(ex: Executor, orgId: string): Promise<Array<{ accountId: string; email: string; name: string }>> {
  const rows = await ex
    .selectFrom('memberships')
    .select(['account_id', 'email', 'name'])
    .where('org_id', '=', orgId)
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .where('account_id', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ accountId: r.account_id as string, email: r.email, name: r.name }));
}
