/** PRV-10, DIR-4: an organization's card on file, managed by its admins. */
import { type Static, Type } from 'typebox';
import { StrictObject, StringEnum } from './common.ts';

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];
export const HOLDER_NAME_MAX = 200;

/**
 * PRV-10: the schema checks only the shape. Ajv's messages name the rule broken ("must match
 * pattern"), never the value, so a refused number or CVC is not echoed in the problem details;
 * Luhn, brand, CVC length and expiry are checked by the payment provider, whose errors name only
 * the field. Sent once to the server, which hands it to the payment provider; never kept.
 */
export const CardBody = StrictObject({
  number: Type.String({ pattern: '^[0-9]{12,19}$', description: 'Digits only; sent to the payment provider, never stored' }),
  cvc: Type.String({ pattern: '^[0-9]{3,4}$', description: 'Sent to the payment provider, never stored' }),
  expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
  expYear: Type.Integer({ minimum: 2000, maximum: 2100 }),
  holderName: Type.String({ minLength: 1, maxLength: HOLDER_NAME_MAX }),
});
export type CardBody = Static<typeof CardBody>;

/** What anyone is ever shown of a card (PRV-10): brand, last 4 digits, holder and expiry; never the token. */
export const Card = Type.Object({
  brand: StringEnum(CARD_BRANDS),
  last4: Type.String(),
  holderName: Type.String(),
  expMonth: Type.Integer(),
  expYear: Type.Integer(),
  addedAt: Type.String(),
});
export type Card = Static<typeof Card>;

/** The organization's billing as the console home shows it: the card on file, or null (never a 404 to ask). */
export const BillingSummary = Type.Object({ card: Type.Union([Card, Type.Null()]) });
export type BillingSummary = Static<typeof BillingSummary>;
