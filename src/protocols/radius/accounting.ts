/**
 * PRO-3: an Accounting-Request (RFC 2866), once its network is known (its Request Authenticator
 * verified under the network's secret, §3). It is answered with an Accounting-Response only once
 * recorded (§2: a server that cannot record answers nothing, and the NAS sends it again).
 */
import { Attr, type Packet, first, integer, text } from './packet.ts';
import type { RadiusNetwork, RadiusPort } from './port.ts';

const GIGA = 2 ** 32;

/**
 * RFC 2869 §5.1, §5.2: octets beyond 2^32 come as Gigawords. Gigawords up to 2^32 - 1 would make
 * about 2^64, past what a JavaScript number holds exactly (2^53) and past a PostgreSQL bigint
 * (2^63): the count is clamped to Number.MAX_SAFE_INTEGER (8 PiB, more than any real session).
 */
export const octets = (p: Packet, low: number, high: number) => Math.min(Number.MAX_SAFE_INTEGER, (integer(p, high) ?? 0) * GIGA + (integer(p, low) ?? 0));

/** NAS-IP-Address or NAS-IPv6-Address, else where the packet came from. */
function nasAddress(p: Packet, source: string): string {
  const v4 = first(p, Attr.nasIpAddress);
  if (v4 && v4.length === 4) return [...v4].join('.');
  const v6 = first(p, Attr.nasIpv6Address);
  if (v6 && v6.length === 16) return (v6.toString('hex').match(/.{4}/g) as string[]).map((g) => g.replace(/^0+(?=.)/, '')).join(':');
  return source;
}

/** RFC 2866 §5.10: the causes are small numbers; one past a signed 32-bit integer (the column on PostgreSQL) is kept as none. */
function terminateCause(p: Packet): number | null {
  const v = integer(p, Attr.acctTerminateCause);
  return v === undefined || v > 0x7fffffff ? null : v;
}

/** Text as the database takes it on both dialects (PostgreSQL refuses NUL), at most n characters. */
const clip = (s: string | undefined, n: number) => (s === undefined ? undefined : s.replace(/\0/g, '').slice(0, n));

export async function handleAccounting(packet: Packet, network: RadiusNetwork, source: string, port: RadiusPort): Promise<boolean> {
  const statusType = integer(packet, Attr.acctStatusType);
  // RFC 2866 §5.1: Acct-Status-Type is required; a request without it is not answered.
  if (statusType === undefined) return false;
  const acctSessionId = clip(text(packet, Attr.acctSessionId), 253) ?? '';
  const userName = clip(text(packet, Attr.userName)?.trim(), 253) ?? '';
  const membershipId = userName ? await port.memberOf(network.orgId, userName) : null;
  await port.recordAccounting({
    orgId: network.orgId,
    networkId: network.networkId,
    statusType,
    acctSessionId,
    userName,
    membershipId,
    nasAddress: nasAddress(packet, source),
    callingStationId: clip(text(packet, Attr.callingStationId), 253) ?? null,
    inputOctets: octets(packet, Attr.acctInputOctets, Attr.acctInputGigawords),
    outputOctets: octets(packet, Attr.acctOutputOctets, Attr.acctOutputGigawords),
    sessionSeconds: integer(packet, Attr.acctSessionTime) ?? 0,
    terminateCause: terminateCause(packet),
  });
  return true;
}
