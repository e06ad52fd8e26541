import type { Card, CardBrand } from '../../contracts/billing.ts';
import type { CardsTable } from './billing.tables.ts';

/** What anyone is ever shown of a card (PRV-10): never the token. The HTTP contract defines it. */
export type CardView = Card;

export const toCardView = (row: CardsTable): CardView => ({
  brand: row.brand as CardBrand,
  last4: row.last4,
  holderName: row.holder_name,
  expMonth: row.exp_month,
  expYear: row.exp_year,
  addedAt: row.created_at,
});
