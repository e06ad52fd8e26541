import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { brandOf, expired, luhnValid } from './payment-provider.ts';
import { TEST_CARDS, createTestProvider } from './test-provider.ts';

const input = (number: string, cvc = '123') => ({ number, cvc, expMonth: 12, expYear: 2030, holderName: 'Ada Lovelace' });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e.code;
  }
}

describe('payment provider', () => {
  it('PRV-10: the Luhn check and brand detection', () => {
    for (const n of Object.keys(TEST_CARDS)) expect(luhnValid(n), n).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('42424242a4242424')).toBe(false);
    expect(brandOf('4242424242424242')).toBe('visa');
    expect(brandOf('4222222222222')).toBe('visa');
    expect(brandOf('5555555555554444')).toBe('mastercard');
    expect(brandOf('2223003122003222')).toBe('mastercard');
    expect(brandOf('378282246310005')).toBe('amex');
    expect(brandOf('371449635398431')).toBe('amex');
    expect(brandOf('6011111111111117')).toBe('discover');
    expect(brandOf('6445644564456445')).toBe('discover');
    expect(brandOf('9999999999999995')).toBeUndefined();
    expect(brandOf('37828224631000')).toBeUndefined();
  });

  it('PRV-10: a card is good through the end of its expiry month', () => {
    const now = new Date('2026-03-31T23:59:59Z');
    expect(expired(3, 2026, now)).toBe(false);
    expect(expired(2, 2026, now)).toBe(true);
    expect(expired(12, 2025, now)).toBe(true);
    expect(expired(1, 2027, now)).toBe(false);
  });

  it('PRV-10: the test provider accepts its documented cards, declines the others, and forgets detached tokens', async () => {
    const provider = createTestProvider(new ManualClock('2026-01-05T16:00:00Z'));
    const visa = await provider.tokenize(input('4242424242424242'));
    expect(visa).toMatchObject({ brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 });
    expect(JSON.stringify(visa)).not.toContain('4242424242424242');
    expect(await codeOf(provider.tokenize(input('378282246310005', '1234')))).toBe('ok');
    expect(provider.attached).toBe(2);
    await provider.detach(visa.token);
    await provider.detach('tok_test_unknown');
    expect(provider.attached).toBe(1);

    expect(await codeOf(provider.tokenize(input('4000000000000002')))).toBe('billing.card_declined');
    expect(await codeOf(provider.tokenize(input('4111111111111111')))).toBe('billing.card_declined');
    expect(await codeOf(provider.tokenize(input('4242424242424241')))).toBe('billing.invalid_card_number');
    expect(await codeOf(provider.tokenize(input('378282246310005', '123')))).toBe('billing.invalid_cvc');
    expect(await codeOf(provider.tokenize(input('4242424242424242', '1234')))).toBe('billing.invalid_cvc');
    expect(await codeOf(provider.tokenize({ ...input('4242424242424242'), expMonth: 12, expYear: 2025 }))).toBe('billing.card_expired');
    expect(provider.attached).toBe(1);
  });
});
