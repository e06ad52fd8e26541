/**
 * PRO-3: the RADIUS listeners (RFC 2865 authentication, RFC 2866 accounting) over UDP. Each
 * datagram goes through the same gate: decoded (a malformed one is silently discarded, §3), a
 * retransmission answered from the duplicate cache, its source address matched to the networks
 * that list it, and the network found whose secret verifies it (BlastRADIUS, CVE-2024-3596: an
 * Access-Request without a valid Message-Authenticator is silently discarded). Only then are the
 * limits applied, per network and per organization (limits.ts): a forged datagram spends nothing
 * of anyone's. Every discard is counted by reason. Nothing is kept between requests but the
 * duplicate cache and the rate limits: state is in the database, so every node of a cluster answers.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { RequestContext } from '../../core/context.ts';
import { plainAddress } from '../../modules/radius/index.ts';
import { handleAccessRequest } from './access-request.ts';
import { handleAccounting } from './accounting.ts';
import { DuplicateCache } from './duplicates.ts';
import { InFlight, RecentSet, TokenBuckets } from './limits.ts';
import { Attr, Code, MalformedPacket, type Packet, all, decode, encodeReply, fitReply, hasMessageAuthenticator, verifyAccountingRequest, verifyMessageAuthenticator } from './packet.ts';
import type { RadiusNetwork, RadiusPort } from './port.ts';

export interface RadiusLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
  debug(o: object, msg: string): void;
}

/** Why a datagram got no answer (the metric's `reason` label). */
export type DropReason = 'malformed' | 'unexpected_code' | 'unknown_client' | 'no_message_authenticator' | 'bad_authenticator' | 'duplicate_in_flight' | 'unverified_rate_limited' | 'client_rate_limited' | 'overloaded' | 'not_recorded' | 'error';

export interface RadiusMetrics {
  dropped(reason: DropReason): void;
  /** accept, reject, accounting, or duplicate (a cached reply sent again). */
  answered(kind: 'accept' | 'reject' | 'accounting' | 'duplicate'): void;
}

export interface RadiusOptions {
  host: string;
  port: number;
  acctPort: number;
  /** A retransmission within this many seconds gets the cached reply. */
  duplicateWindowSeconds: number;
  /** Verified requests per second of one network (twice that in a burst); beyond, dropped. */
  clientRatePerSecond: number;
  /**
   * Datagrams per second (twice that in a burst) the node checks from addresses that sent nothing
   * verified lately, all together; beyond, dropped unchecked. Default 100.
   */
  unverifiedRatePerSecond?: number;
  /** Access-Requests per minute for one user of a network (a third of that in a burst); beyond, rejected. */
  userRatePerMinute: number;
  /** Requests being worked on at once by this node, half of them at most for one organization; beyond, dropped (the NAS retries or fails over). */
  maxInFlight: number;
  directory: RadiusPort;
  log: RadiusLog;
  metrics?: RadiusMetrics;
}

export interface RadiusServer {
  address(): { host: string; port: number; acctPort: number };
  close(): Promise<void>;
}

const NO_METRICS: RadiusMetrics = { dropped: () => {}, answered: () => {} };

export async function startRadius(opts: RadiusOptions): Promise<RadiusServer> {
  const type = opts.host.includes(':') ? 'udp6' : 'udp4';
  const auth = dgram.createSocket({ type });
  const acct = dgram.createSocket({ type });
  const metrics = opts.metrics ?? NO_METRICS;
  const duplicates = new DuplicateCache(opts.duplicateWindowSeconds * 1000);
  const networkLimits = new TokenBuckets(opts.clientRatePerSecond, opts.clientRatePerSecond * 2);
  const unverifiedRate = opts.unverifiedRatePerSecond ?? 100;
  const unverified = new TokenBuckets(unverifiedRate, unverifiedRate * 2, 1);
  // An address that sent a verified request within the last minute is checked without the unverified budget.
  const verifiedSources = new RecentSet(60_000);
  const userLimits = new TokenBuckets(opts.userRatePerMinute / 60, Math.max(1, Math.ceil(opts.userRatePerMinute / 3)));
  const inFlight = new InFlight(opts.maxInFlight);

  /**
   * The gate every datagram passes; answers the packet and its network, counted in flight (the
   * caller releases it), or drops it (counted) and answers undefined.
   */
  async function admit(msg: Buffer, rinfo: dgram.RemoteInfo, expected: number, key: (p: Packet) => string, socket: dgram.Socket): Promise<{ packet: Packet; network: RadiusNetwork; key: string } | undefined> {
    let packet: Packet;
    try {
      packet = decode(msg);
    } catch (e) {
      if (!(e instanceof MalformedPacket)) throw e;
      return void metrics.dropped('malformed');
    }
    if (packet.code !== expected) return void metrics.dropped('unexpected_code');
    // BlastRADIUS: checked before anything else is looked at, or any work is done.
    if (expected === Code.accessRequest && !hasMessageAuthenticator(packet)) return void metrics.dropped('no_message_authenticator');
    const k = key(packet);
    const seen = duplicates.begin(k, packet);
    if (seen.kind === 'in_flight') return void metrics.dropped('duplicate_in_flight');
    if (seen.kind === 'answered') {
      socket.send(seen.reply, rinfo.port, rinfo.address);
      return void metrics.answered('duplicate');
    }
    const drop = (reason: DropReason) => {
      duplicates.forget(k);
      metrics.dropped(reason);
      return undefined;
    };
    const source = plainAddress(rinfo.address);
    // Checking costs a lookup and an HMAC per candidate: strangers share one small budget for it.
    if (!verifiedSources.has(source) && !unverified.take('*')) return drop('unverified_rate_limited');
    let candidates: RadiusNetwork[];
    try {
      candidates = await opts.directory.candidates(source);
    } catch (e) {
      // The database is away: the NAS's retransmission is taken afresh, not held as in flight.
      duplicates.forget(k);
      throw e;
    }
    if (candidates.length === 0) return drop('unknown_client');
    const verifies = expected === Code.accessRequest ? verifyMessageAuthenticator : verifyAccountingRequest;
    const network = candidates.find((c) => verifies(packet, c.secret));
    if (!network) return drop('bad_authenticator');
    verifiedSources.add(source);
    if (!networkLimits.take(network.networkId)) return drop('client_rate_limited');
    if (!inFlight.acquire(network.orgId)) return drop('overloaded');
    return { packet, network, key: k };
  }

  const contextOf = (rinfo: dgram.RemoteInfo): RequestContext => ({ actor: { type: 'anonymous', id: null }, ip: plainAddress(rinfo.address), requestId: null, userAgent: 'radius' });

  async function onAuth(msg: Buffer, rinfo: dgram.RemoteInfo): Promise<void> {
    const admitted = await admit(msg, rinfo, Code.accessRequest, (p) => DuplicateCache.keyOf(rinfo.address, rinfo.port, p), auth);
    if (!admitted) return;
    const { packet, network, key } = admitted;
    try {
      const out = await handleAccessRequest({ packet, network, ctx: contextOf(rinfo) }, { port: opts.directory, userLimits });
      const reply = encodeReply(packet, out.code, fitReply(out.attributes), network.secret);
      duplicates.answered(key, reply);
      auth.send(reply, rinfo.port, rinfo.address);
      metrics.answered(out.code === Code.accessAccept ? 'accept' : 'reject');
      opts.log.debug({ remote: rinfo.address, networkId: network.networkId, outcome: out.reason }, 'RADIUS Access-Request answered');
    } catch (e) {
      duplicates.forget(key);
      metrics.dropped('error');
      opts.log.error({ remote: rinfo.address, err: e instanceof Error ? e.message : String(e) }, 'RADIUS Access-Request failed');
    } finally {
      inFlight.release(network.orgId);
    }
  }

  async function onAcct(msg: Buffer, rinfo: dgram.RemoteInfo): Promise<void> {
    const admitted = await admit(msg, rinfo, Code.accountingRequest, (p) => DuplicateCache.keyOf(rinfo.address, rinfo.port, p), acct);
    if (!admitted) return;
    const { packet, network, key } = admitted;
    try {
      if (!(await handleAccounting(packet, network, plainAddress(rinfo.address), opts.directory))) {
        duplicates.forget(key);
        return metrics.dropped('not_recorded');
      }
      // RFC 2866 §4.2: an Accounting-Response carries no Message-Authenticator of its own need; the
      // Response Authenticator proves it. RFC 2866 §5.13 (RFC 2865 §5.33): Proxy-State comes back, in order.
      const proxyStates = all(packet, Attr.proxyState).map((value) => ({ type: Attr.proxyState, value }));
      const reply = encodeReply(packet, Code.accountingResponse, fitReply(proxyStates, { messageAuthenticator: false }), network.secret, { messageAuthenticator: false });
      duplicates.answered(key, reply);
      acct.send(reply, rinfo.port, rinfo.address);
      metrics.answered('accounting');
    } catch (e) {
      duplicates.forget(key);
      metrics.dropped('error');
      opts.log.error({ remote: rinfo.address, err: e instanceof Error ? e.message : String(e) }, 'RADIUS Accounting-Request failed');
    } finally {
      inFlight.release(network.orgId);
    }
  }

  const guard = (f: (m: Buffer, r: dgram.RemoteInfo) => Promise<void>) => (m: Buffer, r: dgram.RemoteInfo) => {
    f(m, r).catch((e: unknown) => {
      metrics.dropped('error');
      opts.log.error({ remote: r.address, err: e instanceof Error ? e.message : String(e) }, 'RADIUS datagram failed');
    });
  };
  auth.on('message', guard(onAuth));
  acct.on('message', guard(onAcct));
  // A send that fails (an ICMP unreachable come back) is that client's problem alone.
  for (const s of [auth, acct]) s.on('error', (e) => opts.log.warn({ err: e.message }, 'RADIUS socket error'));

  await bind(auth, opts.host, opts.port, 'CASTELLAN_RADIUS_PORT');
  try {
    await bind(acct, opts.host, opts.acctPort, 'CASTELLAN_RADIUS_ACCT_PORT');
  } catch (e) {
    auth.close();
    throw e;
  }
  return {
    address: () => ({ host: opts.host, port: (auth.address() as AddressInfo).port, acctPort: (acct.address() as AddressInfo).port }),
    close: async () => {
      await Promise.all([auth, acct].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function bind(socket: dgram.Socket, host: string, port: number, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      e.message = `RADIUS (${setting}): ${e.message}`;
      reject(e);
    };
    socket.once('error', fail);
    socket.bind(port, host, () => {
      socket.off('error', fail);
      resolve();
    });
  });
}
