/**
 * PRO-3: the listener's gate against a port in memory: limits count verified requests only, so
 * forged datagrams (any source address, a NAS's included) spend nothing of a network's budget, and
 * one organization never holds all the node's in-flight work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { AccountsErrors } from '../../modules/accounts/accounts.errors.ts';
import { InFlight, TokenBuckets } from './limits.ts';
import { Code, decode } from './packet.ts';
import type { RadiusNetwork, RadiusPort } from './port.ts';
import { type DropReason, type RadiusServer, startRadius } from './server.ts';
import { accessRequest, udpClient } from './udp-client.ts';

const A: RadiusNetwork = { orgId: 'org_a', networkId: 'res_a', secret: Buffer.from('secret-of-a') };
const B: RadiusNetwork = { orgId: 'org_b', networkId: 'res_b', secret: Buffer.from('secret-of-b') };
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** Both networks list every loopback address; `hold` keeps org A's password checks waiting until released. */
function memoryPort(hold?: Promise<void>): RadiusPort {
  return {
    candidates: async () => [A, B],
    async authenticate(_ctx, orgId, userName) {
      if (orgId === A.orgId && hold) await hold;
      if (userName.startsWith('ok')) return { membershipId: `m_${userName}` };
      throw new AppError(AccountsErrors.invalidCredentials);
    },
    mayUse: async () => true,
    memberOf: async () => null,
    recordAccounting: async () => true,
  };
}

let server: RadiusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(port: RadiusPort, opts: { clientRatePerSecond?: number; maxInFlight?: number; unverifiedRatePerSecond?: number } = {}) {
  const drops: DropReason[] = [];
  server = await startRadius({
    host: '127.0.0.1',
    port: 0,
    acctPort: 0,
    duplicateWindowSeconds: 30,
    clientRatePerSecond: opts.clientRatePerSecond ?? 1000,
    userRatePerMinute: 1000,
    maxInFlight: opts.maxInFlight ?? 100,
    ...(opts.unverifiedRatePerSecond ? { unverifiedRatePerSecond: opts.unverifiedRatePerSecond } : {}),
    directory: port,
    log: quiet,
    metrics: { dropped: (r) => drops.push(r), answered: () => {} },
  });
  return { ...server.address(), drops };
}

describe('PRO-3: the RADIUS gate', () => {
  it('PRO-3: a flood of forged datagrams from the NAS’s own address and from strangers does not stop its verified requests', async () => {
    const { port, drops } = await start(memoryPort(), { clientRatePerSecond: 2, unverifiedRatePerSecond: 5 });
    const nas = await udpClient({ bind: '127.0.0.1' });
    const strangers = await udpClient({ bind: '127.0.0.5' });
    try {
      expect(decode((await nas.exchange(accessRequest('ok1', 'pw', 'secret-of-a').bytes, port)) as Buffer).code).toBe(Code.accessAccept);
      // Forged: signed with a secret no network has, from the NAS's address and another one.
      for (let i = 0; i < 200; i++) {
        await nas.send(accessRequest(`forged${i}`, 'pw', 'not-a-secret').bytes, port);
        await strangers.send(accessRequest(`forged${i}`, 'pw', 'not-a-secret').bytes, port);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(nas.received()).toHaveLength(0);
      expect(drops.filter((d) => d === 'bad_authenticator').length).toBeGreaterThan(20);
      expect(drops).toContain('unverified_rate_limited');
      expect(drops).not.toContain('client_rate_limited');
      // The network's budget (two a second, four in a burst) is whole: the NAS is still answered.
      const r = await nas.exchange(accessRequest('ok2', 'pw', 'secret-of-a').bytes, port);
      expect(r && decode(r).code).toBe(Code.accessAccept);
    } finally {
      await nas.close();
      await strangers.close();
    }
  });

  it('PRO-3: the rate limit is per network: a busy network is dropped, another at the same address is not', async () => {
    const { port, drops } = await start(memoryPort(), { clientRatePerSecond: 1 });
    const nas = await udpClient();
    try {
      for (let i = 0; i < 6; i++) await nas.send(accessRequest(`ok${i}`, 'pw', 'secret-of-a').bytes, port);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(nas.received().length).toBeLessThan(6);
      expect(drops).toContain('client_rate_limited');
      const r = await nas.exchange(accessRequest('ok-b', 'pw', 'secret-of-b').bytes, port);
      expect(r && decode(r).code).toBe(Code.accessAccept);
    } finally {
      await nas.close();
    }
  });

  it('PRO-3: one organization holds at most half of the in-flight work; another is still answered, and slots come back', async () => {
    let release = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    const { port, drops } = await start(memoryPort(hold), { maxInFlight: 4 });
    const nas = await udpClient();
    try {
      for (let i = 0; i < 4; i++) await nas.send(accessRequest(`ok-a${i}`, 'pw', 'secret-of-a').bytes, port);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(drops.filter((d) => d === 'overloaded')).toHaveLength(2);
      const b = await nas.exchange(accessRequest('ok-b', 'pw', 'secret-of-b').bytes, port);
      expect(b && decode(b).code).toBe(Code.accessAccept);
      release();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(nas.received()).toHaveLength(2);
      const again = await nas.exchange(accessRequest('ok-a9', 'pw', 'secret-of-a').bytes, port);
      expect(again && decode(again).code).toBe(Code.accessAccept);
    } finally {
      release();
      await nas.close();
    }
  });
});

describe('PRO-3: the limits', () => {
  it('PRO-3: a full TokenBuckets evicts the least recently used keys, not every key', () => {
    const b = new TokenBuckets(0.001, 1, 10);
    expect(b.take('busy', 0)).toBe(true);
    for (let i = 0; i < 9; i++) b.take(`k${i}`, 1 + i);
    // "busy" is used again: it is the most recent, and keeps its (spent) bucket.
    expect(b.take('busy', 20)).toBe(false);
    for (let i = 0; i < 5; i++) b.take(`new${i}`, 30 + i);
    expect(b.size()).toBeLessThanOrEqual(10);
    expect(b.take('busy', 40)).toBe(false);
    // The oldest went: k0 has a new, full bucket.
    expect(b.take('k0', 41)).toBe(true);
  });

  it('PRO-3: InFlight counts at admission, caps each organization at half, and releases', () => {
    const f = new InFlight(4);
    expect([f.acquire('a'), f.acquire('a'), f.acquire('a')]).toEqual([true, true, false]);
    expect([f.acquire('b'), f.acquire('b'), f.acquire('c')]).toEqual([true, true, false]);
    f.release('a');
    expect(f.count()).toBe(3);
    expect(f.acquire('c')).toBe(true);
  });
});
