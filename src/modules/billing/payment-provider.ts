import type { CardBody } from '../../contracts/billing.ts';

/**
 * PRV-10: the card number and CVC go to a payment provider, which keeps them
 * outside Castellan's database and answers a token. Castellan keeps only the
 * token and what may be shown: brand, last 4 digits, holder name and expiry.
 */
export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** What the card form sends, passed once to the provider and never kept. */
export type CardInput = CardBody;

export interface TokenizedCard {
  token: string;
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface PaymentProvider {
  /** Stored with each card, so a card is always detached at the provider that issued its token. */
  readonly name: string;
  /** Answers the token, or throws an AppError (BillingErrors) when the card is invalid or declined. */
  tokenize(card: CardInput): Promise<TokenizedCard>;
  /** Forgets the card behind `token`; detaching an unknown token is not an error. */
  detach(token: string): Promise<void>;
}

/** The Luhn check digit (ISO/IEC 7812-1, annex B). */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The brand from the issuer identification number prefixes and lengths; undefined when unknown. */
export function brandOf(digits: string): CardBrand | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits.startsWith('4') && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) && n >= 16 && n <= 19) return 'discover';
  return undefined;
}

/** A card is good through the last day of its expiry month. */
export function expired(expMonth: number, expYear: number, now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return expYear < year || (expYear === year && expMonth < month);
}
