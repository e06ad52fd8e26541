import { constantTimeEqual, hmac } from '../../core/crypto.ts';

/**
 * PRV-7: the signed tokens in marketing mail. A token is
 * `base64url(claims || HMAC-SHA256(secret, kind + "." + base64url(claims)))`,
 * the claims being a JSON array and the MAC its last 32 bytes: it names whom it
 * is for and when it was issued, needs no database row, and cannot be altered
 * or made for someone else without the instance's secret key. The kind is part
 * of what is signed, so a tracking-pixel token never works as an unsubscribe
 * link, nor the other way round.
 */
export type TokenKind = 'unsubscribe' | 'open';

/**
 * How long the links in a marketing message work. PRV-7 asks for at least 30
 * days; a year also serves anyone who unsubscribes from an old message found
 * in their archive.
 */
export const MARKETING_TOKEN_DAYS = 365;
const LIFETIME_MS = MARKETING_TOKEN_DAYS * 24 * 3600 * 1000;
/** Nodes' clocks may differ a little: a token issued slightly "in the future" is still good. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_TOKEN_LENGTH = 1000;

const CONTEXT: Record<TokenKind, string> = {
  unsubscribe: 'castellan:marketing-unsubscribe:v1',
  open: 'castellan:marketing-open:v1',
};

export interface UnsubscribeClaims {
  userId: string;
  list: string;
  issuedAt: Date;
}

export interface OpenClaims {
  userId: string;
  campaignId: string;
  issuedAt: Date;
}

const MAC_BYTES = 32;
const macOf = (key: Buffer, kind: TokenKind, payload: Buffer) => hmac(key, `${CONTEXT[kind]}.${payload.toString('base64url')}`);

function sign(key: Buffer, kind: TokenKind, claims: [string, string, number]): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8');
  return Buffer.concat([payload, Buffer.from(macOf(key, kind, payload), 'base64url')]).toString('base64url');
}

/** The claims of a genuine, unexpired token of this kind; undefined for anything else. */
function verify(key: Buffer, kind: TokenKind, token: string, now: Date): [string, string, Date] | undefined {
  // Buffer.from skips characters outside the alphabet: check them first.
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= MAC_BYTES) return undefined;
  const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
  const mac = bytes.subarray(bytes.length - MAC_BYTES).toString('base64url');
  if (!constantTimeEqual(mac, macOf(key, kind, payload))) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(claims) || claims.length !== 3) return undefined;
  const [subject, scope, issued] = claims as unknown[];
  if (typeof subject !== 'string' || typeof scope !== 'string' || typeof issued !== 'number' || !Number.isSafeInteger(issued)) return undefined;
  const issuedAt = new Date(issued * 1000);
  const age = now.getTime() - issuedAt.getTime();
  if (age > LIFETIME_MS || age < -CLOCK_SKEW_MS) return undefined;
  return [subject, scope, issuedAt];
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function unsubscribeToken(key: Buffer, c: { userId: string; list: string; issuedAt: Date }): string {
  return sign(key, 'unsubscribe', [c.userId, c.list, seconds(c.issuedAt)]);
}

export function readUnsubscribeToken(key: Buffer, token: string, now: Date): UnsubscribeClaims | undefined {
  const v = verify(key, 'unsubscribe', token, now);
  return v && { userId: v[0], list: v[1], issuedAt: v[2] };
}

export function openToken(key: Buffer, c: { userId: string; campaignId: string; issuedAt: Date }): string {
  return sign(key, 'open', [c.userId, c.campaignId, seconds(c.issuedAt)]);
}

export function readOpenToken(key: Buffer, token: string, now: Date): OpenClaims | undefined {
  const v = verify(key, 'open', token, now);
  return v && { userId: v[0], campaignId: v[1], issuedAt: v[2] };
}
