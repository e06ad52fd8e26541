import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { BillingErrors } from './billing.errors.ts';
import { type CardBrand, type CardInput, type PaymentProvider, type TokenizedCard, brandOf, expired, luhnValid } from './payment-provider.ts';

/**
 * The documented test cards (docs/api.md, "Cards"). Only these are accepted: the
 * test provider charges nobody, so a real card number is declined rather
 * than kept.
 */
export const TEST_CARDS: Readonly<Record<string, { brand: CardBrand; outcome: 'succeeds' | 'declined' }>> = {
  '4242424242424242': { brand: 'visa', outcome: 'succeeds' },
  '5555555555554444': { brand: 'mastercard', outcome: 'succeeds' },
  '378282246310005': { brand: 'amex', outcome: 'succeeds' },
  '6011111111111117': { brand: 'discover', outcome: 'succeeds' },
  '4000000000000002': { brand: 'visa', outcome: 'declined' },
};

const field = (name: string) => ({ details: { field: name } });

/** Checks what any provider checks; never puts the number or CVC in an error. */
export function checkCard(card: CardInput, now: Date): CardBrand {
  if (!luhnValid(card.number)) throw new AppError(BillingErrors.invalidCardNumber, undefined, field('number'));
  const brand = brandOf(card.number);
  if (!brand) throw new AppError(BillingErrors.unsupportedCardBrand, undefined, field('number'));
  const cvcDigits = brand === 'amex' ? 4 : 3;
  if (!new RegExp(`^[0-9]{${cvcDigits}}$`).test(card.cvc)) {
    throw new AppError(BillingErrors.invalidCvc, `The security code (CVC) of this card has ${cvcDigits} digits.`, field('cvc'));
  }
  if (expired(card.expMonth, card.expYear, now)) throw new AppError(BillingErrors.cardExpired, undefined, field('expYear'));
  return brand;
}

/**
 * PRV-10: the built-in provider for development and tests. What it knows of a
 * card lives in this process's memory, keyed by a random token, and never in
 * Castellan's database; it does not even keep the number, only what a token
 * stands for.
 */
export function createTestProvider(clock: Clock): PaymentProvider & { readonly attached: number } {
  const cards = new Map<string, TokenizedCard>();
  return {
    name: 'test',
    get attached() {
      return cards.size;
    },
    async tokenize(card) {
      const brand = checkCard(card, clock.now());
      const known = TEST_CARDS[card.number];
      if (!known) throw new AppError(BillingErrors.cardDeclined, 'The test payment provider accepts only its documented test card numbers.');
      if (known.outcome === 'declined') throw new AppError(BillingErrors.cardDeclined);
      const tokenized: TokenizedCard = {
        token: `tok_test_${randomBytes(18).toString('base64url')}`,
        brand,
        last4: card.number.slice(-4),
        expMonth: card.expMonth,
        expYear: card.expYear,
      };
      cards.set(tokenized.token, tokenized);
      return tokenized;
    },
    async detach(token) {
      cards.delete(token);
    },
  };
}
