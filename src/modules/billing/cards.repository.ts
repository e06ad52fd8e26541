import type { Executor } from '../../db/schema.ts';
import type { CardsTable } from './billing.tables.ts';

export async function findCard(ex: Executor, orgId: string): Promise<CardsTable | undefined> {
  return ex.selectFrom('cards').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

export async function insertCard(ex: Executor, row: CardsTable): Promise<void> {
  await ex.insertInto('cards').values(row).execute();
}

export async function deleteCard(ex: Executor, orgId: string, cardId: string): Promise<void> {
  await ex.deleteFrom('cards').where('org_id', '=', orgId).where('id', '=', cardId).execute();
}

/**
 * The organization's plan, read under a row lock on PostgreSQL so that two
 * card changes for one organization are serialized (SQLite serializes writers).
 */
export async function lockOrganizationPlan(ex: Executor, orgId: string, forUpdate: boolean) {
  return ex
    .selectFrom('organizations')
    .select(['id', 'plan', 'plan_ends_at'])
    .where('id', '=', orgId)
    .$if(forUpdate, (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function setOrganizationPlan(ex: Executor, orgId: string, plan: string, at: string): Promise<void> {
  await ex.updateTable('organizations').set({ plan, plan_ends_at: null, updated_at: at }).where('id', '=', orgId).execute();
}
