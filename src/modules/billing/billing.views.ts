import type { CardsTable } from './billing.tables.ts';

/** What anyone is ever shown of a card (PRV-10): never the token. */
export interface CardView {
  brand: string;
  last4: string;
  holderName: string;
  expMonth: number;
  expYear: number;
  addedAt: string;
}

export const toCardView = (row: CardsTable): CardView => ({
  brand: row.brand,
  last4: row.last4,
  holderName: row.holder_name,
  expMonth: row.exp_month,
  expYear: row.exp_year,
  addedAt: row.created_at,
});
