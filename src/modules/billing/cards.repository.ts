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
