import { defineError } from '../../core/errors.ts';

/**
 * PRV-10: none of these messages, nor their details, ever carries the card
 * number or the CVC; a field is named, its value never echoed.
 */
export const BillingErrors = {
  invalidCardNumber: defineError('billing.invalid_card_number', 'invalid', 'The card number is not valid.'),
  unsupportedCardBrand: defineError('billing.unsupported_card_brand', 'invalid', 'Cards of this brand are not accepted.'),
  invalidCvc: defineError('billing.invalid_cvc', 'invalid', 'The security code (CVC) is not valid for this card.'),
  cardExpired: defineError('billing.card_expired', 'invalid', 'The card has expired.'),
  invalidHolderName: defineError('billing.invalid_holder_name', 'invalid', "The cardholder's name is required (at most 200 characters)."),
  cardDeclined: defineError('billing.card_declined', 'invalid', 'The card was declined by the payment provider.'),
  noCard: defineError('billing.no_card', 'not_found', 'The organization has no card on file.'),
  noPaymentProvider: defineError('billing.no_payment_provider', 'conflict', 'Card payments are not set up on this instance.'),
} as const;
