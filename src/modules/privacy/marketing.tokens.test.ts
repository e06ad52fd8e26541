import { describe, expect, it } from 'vitest';
import { MARKETING_TOKEN_DAYS, openToken, readOpenToken, readUnsubscribeToken, unsubscribeToken } from './marketing.tokens.ts';

const key = Buffer.alloc(32, 1);
const issuedAt = new Date('2026-01-05T16:00:00.000Z');
const later = (ms: number) => new Date(issuedAt.getTime() + ms);
const DAY = 24 * 3600 * 1000;

describe('marketing mail tokens', () => {
  it('PRV-7: an unsubscribe token names its recipient, list and issue time, and works for a year', () => {
    const token = unsubscribeToken(key, { userId: 'usr_abc', list: 'newsletter', issuedAt });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readUnsubscribeToken(key, token, later(31 * DAY))).toEqual({ userId: 'usr_abc', list: 'newsletter', issuedAt });
    expect(MARKETING_TOKEN_DAYS).toBeGreaterThanOrEqual(30);
    expect(readUnsubscribeToken(key, token, later(MARKETING_TOKEN_DAYS * DAY))).toBeDefined();
    expect(readUnsubscribeToken(key, token, later(MARKETING_TOKEN_DAYS * DAY + 1000))).toBeUndefined();
    // Issued "in the future": a few minutes of clock skew between nodes is fine, more is not.
    expect(readUnsubscribeToken(key, token, later(-60_000))).toBeDefined();
    expect(readUnsubscribeToken(key, token, later(-DAY))).toBeUndefined();
  });

  it('PRV-7: another key, another kind of token, or any altered byte is refused', () => {
    const token = unsubscribeToken(key, { userId: 'usr_abc', list: 'newsletter', issuedAt });
    expect(readUnsubscribeToken(Buffer.alloc(32, 2), token, issuedAt)).toBeUndefined();
    const pixel = openToken(key, { userId: 'usr_abc', campaignId: 'newsletter', issuedAt });
    expect(readUnsubscribeToken(key, pixel, issuedAt)).toBeUndefined();
    expect(readOpenToken(key, token, issuedAt)).toBeUndefined();
    expect(readOpenToken(key, pixel, issuedAt)).toEqual({ userId: 'usr_abc', campaignId: 'newsletter', issuedAt });
    const bytes = Buffer.from(token, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = (altered[i] as number) ^ 0x20;
      expect(readUnsubscribeToken(key, altered.toString('base64url'), issuedAt), `byte ${i}`).toBeUndefined();
    }
    for (const junk of ['', 'x', `${token}.`, `${token}=`, 'A'.repeat(2000), Buffer.alloc(32).toString('base64url')]) {
      expect(readUnsubscribeToken(key, junk, issuedAt)).toBeUndefined();
    }
  });
});
