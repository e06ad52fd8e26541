import type { BillingDeps } from './billing.deps.ts';
import { createCards } from './cards.service.ts';

export function createBilling(deps: BillingDeps) {
  return {
    cards: createCards(deps),
    /** A payment provider takes cards here; without one, plans change only through billing staff (DIR-4). */
    takesCards: deps.provider !== null,
  };
}

export type Billing = ReturnType<typeof createBilling>;
export type { BillingDeps } from './billing.deps.ts';
export type { BillingTables, CardsTable } from './billing.tables.ts';
export { BillingErrors } from './billing.errors.ts';
export { HOLDER_NAME_MAX } from './cards.service.ts';
export type { CardView } from './billing.views.ts';
export { CARD_BRANDS, type CardBrand, type CardInput, type PaymentProvider, type TokenizedCard, brandOf, luhnValid } from './payment-provider.ts';
export { TEST_CARDS, createTestProvider } from './test-provider.ts';
export { createBillingPersonalData } from './personal-data.ts';
