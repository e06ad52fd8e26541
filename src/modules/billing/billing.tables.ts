/** Tables owned by the billing module. Times are ISO-8601 UTC strings. */

/**
 * PRV-10: a card on file. Only the provider's token and what may be shown are
 * stored; the number and CVC never reach this table. One card per organization.
 */
export interface CardsTable {
  id: string;
  org_id: string;
  /** The provider that issued the token (`test`). */
  provider: string;
  token: string;
  brand: string;
  last4: string;
  /** @personal */
  holder_name: string;
  exp_month: number;
  exp_year: number;
  created_at: string;
  /** @personal */
  created_by: string | null;
}

export interface BillingTables {
  cards: CardsTable;
}
