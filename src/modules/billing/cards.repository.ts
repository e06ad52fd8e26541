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

/** DSR-1: the cards an account put on file. */
export async function cardsAddedBy(ex: Executor, accountId: string): Promise<CardsTable[]> {
  return ex.selectFrom('cards').selectAll().where('created_by', '=', accountId).orderBy('created_at').execute();
}

/** DSR-5: the card stays the organization's sales record, without the name of its holder or who added it. */
export async function deidentifyCardsAddedBy(ex: Executor, accountId: string, holderName: string): Promise<number> {
  const r = await ex.updateTable('cards').set({ holder_name: holderName, created_by: null }).where('created_by', '=', accountId).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
