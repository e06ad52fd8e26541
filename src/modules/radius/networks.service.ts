import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Caller, requireCapability } from '../../core/caller.ts';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import { clientMatcher, parseClients } from './clients.ts';
import { RadiusErrors } from './radius.errors.ts';
import * as repo from './radius.repository.ts';

/** A resource as the directory answers it through the port (never its tables). */
export interface NetworkRef {
  id: string;
  orgId: string;
  kind: string;
  settings: Record<string, unknown>;
}

export interface NetworkLookup {
  find(orgId: string, resourceId: string): Promise<NetworkRef | undefined>;
}

export interface RadiusNetworksDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  audit: Audit;
  networks: NetworkLookup;
  /** How long a node trusts its copy of the networks' client lists (a rotation on this node is seen at once). */
  cacheSeconds?: number;
  /** DIR-1: at most this many networks of one organization are tried for one source address (its most specific). */
  maxCandidatesPerOrg?: number;
  /** A safety cap on all the networks tried for one address, shared fairly among the organizations that list it. */
  maxCandidates?: number;
}

/** A network that may have sent a packet: its secret verifies it or not. */
export interface Candidate {
  orgId: string;
  networkId: string;
  secret: Buffer;
}

type Entry = { orgId: string; networkId: string; secretEnc: string; match: (address: string) => number };
/** A node's copy of every network's client list, and the answers it gave per address. */
type Snapshot = { at: number; entries: Entry[]; byAddress: Map<string, Candidate[]> };

const context = (resourceId: string) => `radius_networks.secret_enc:${resourceId}`;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** 32 letters and digits (about 186 bits): typed into NAS consoles, and safe on any command line. */
export function newSharedSecret(): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/**
 * PRO-3: network resources are RADIUS networks. Each has a shared secret, made here, answered once
 * (when the network is made, and when it is rotated) and kept sealed; its `settings.clients` are
 * copied here so that the listener finds a packet's networks by its source address.
 */
export function createRadiusNetworks(deps: RadiusNetworksDeps) {
  const { db, clock, cipher, audit, networks } = deps;
  const ttlMs = (deps.cacheSeconds ?? 10) * 1000;
  const perOrg = deps.maxCandidatesPerOrg ?? 8;
  const maxCandidates = deps.maxCandidates ?? 1024;
  const seal = (resourceId: string, secret: string) => cipher.encrypt(secret, context(resourceId));

  /** The directory's hook: refuses bad client lists before anything is saved. */
  function check(kind: string, settings: Record<string, unknown>): void {
    if (kind === 'network') parseClients(settings);
  }

  /** The directory's hook, in the transaction that creates the resource: the network's one-time shared secret. */
  async function created(trx: Executor, _ctx: RequestContext, resource: NetworkRef): Promise<{ sharedSecret: string } | Record<string, never>> {
    if (resource.kind !== 'network') return {};
    const secret = newSharedSecret();
    const clients = JSON.stringify(parseClients(resource.settings));
    await repo.insertNetwork(trx, { resource_id: resource.id, org_id: resource.orgId, secret_enc: seal(resource.id, secret), clients, created_at: clock.now().toISOString(), secret_rotated_at: null });
    invalidate();
    return { sharedSecret: secret };
  }

  /** The directory's hook, when a network's settings are replaced: its client list follows. */
  async function updated(trx: Executor, _ctx: RequestContext, resource: NetworkRef): Promise<void> {
    if (resource.kind !== 'network') return;
    const clients = JSON.stringify(parseClients(resource.settings));
    if (await repo.findNetwork(trx, resource.orgId, resource.id)) await repo.setClients(trx, resource.orgId, resource.id, clients);
    // A network made before RADIUS was served gets a secret, which its admin learns by rotating it.
    else await repo.insertNetwork(trx, { resource_id: resource.id, org_id: resource.orgId, secret_enc: seal(resource.id, newSharedSecret()), clients, created_at: clock.now().toISOString(), secret_rotated_at: null });
    invalidate();
  }

  /** The directory's hook, in the transaction that deletes the resource. */
  async function deleted(trx: Executor, orgId: string, resourceId: string): Promise<void> {
    await repo.deleteNetwork(trx, orgId, resourceId);
    invalidate();
  }

  /** A new shared secret, answered this once; the previous one stops working (on other nodes within the cache time). */
  async function rotateSecret(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string): Promise<{ sharedSecret: string }> {
    requireCapability(caller, 'directory.manage', { orgId });
    const network = await networks.find(orgId, resourceId);
    if (!network) throw new AppError(CommonErrors.notFound);
    if (network.kind !== 'network') throw new AppError(RadiusErrors.notNetwork);
    const secret = newSharedSecret();
    const now = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      if (await repo.findNetwork(trx, orgId, resourceId)) await repo.setSecret(trx, orgId, resourceId, seal(resourceId, secret), now);
      else await repo.insertNetwork(trx, { resource_id: resourceId, org_id: orgId, secret_enc: seal(resourceId, secret), clients: JSON.stringify(parseClients(network.settings)), created_at: now, secret_rotated_at: now });
      await audit.record(trx, ctx, { action: 'radius.shared_secret_rotated', orgId, target: { type: 'resource', id: resourceId } });
    });
    invalidate();
    return { sharedSecret: secret };
  }

  let snapshot: Snapshot | null = null;
  let loading: Promise<Snapshot> | null = null;
  let changedAt = 0;

  /**
   * A change made on this node is seen at once. The hooks run inside the transaction that saves
   * the resource, so a copy read meanwhile may predate the commit: copies read within a moment of
   * a change are kept for a moment only.
   */
  function invalidate(): void {
    snapshot = null;
    changedAt = Date.now();
  }

  async function load(): Promise<Snapshot> {
    const started = Date.now();
    const rows = await repo.allNetworks(db);
    const entries = rows.map((r) => ({ orgId: r.org_id, networkId: r.resource_id, secretEnc: r.secret_enc, match: clientMatcher(JSON.parse(r.clients) as string[]) }));
    const recent = started - changedAt < 2000;
    return { at: recent ? started - ttlMs + 500 : started, entries, byAddress: new Map() };
  }

  /**
   * PRO-3, DIR-1: the networks whose clients list the address, at most `perOrg` of each
   * organization (its most specific ranges first), of every organization that lists it: the
   * listener keeps the one whose secret verifies the packet (an HMAC-MD5 each, microseconds). One
   * organization listing an address many times never crowds another out. Answered from a per-node
   * copy of the client lists at most `cacheSeconds` old (state stays in the database).
   */
  async function candidates(address: string): Promise<Candidate[]> {
    if (!snapshot || Date.now() - snapshot.at > ttlMs) {
      loading ??= load().finally(() => {
        loading = null;
      });
      snapshot = await loading;
    }
    const s: Snapshot = snapshot;
    const known = s.byAddress.get(address);
    if (known) return known;
    const found = fairShare(s.entries, address, perOrg, maxCandidates).map((e) => ({ orgId: e.orgId, networkId: e.networkId, secret: Buffer.from(cipher.decrypt(e.secretEnc, context(e.networkId)), 'utf8') }));
    if (s.byAddress.size > 10_000) s.byAddress.clear();
    s.byAddress.set(address, found);
    return found;
  }

  return { check, created, updated, deleted, rotateSecret, candidates, forget: invalidate };
}

export type RadiusNetworks = ReturnType<typeof createRadiusNetworks>;

/**
 * DIR-1: the entries matching the address, grouped by organization, each organization's most
 * specific first and at most `perOrg` of them; then taken in rounds (every organization's best,
 * then every one's second...) up to `cap`, so that a cap, if ever reached, is shared fairly.
 */
export function fairShare<E extends { orgId: string; match: (address: string) => number }>(entries: readonly E[], address: string, perOrg: number, cap: number): E[] {
  const byOrg = new Map<string, Array<{ e: E; prefix: number }>>();
  for (const e of entries) {
    const prefix = e.match(address);
    if (prefix < 0) continue;
    const list = byOrg.get(e.orgId) ?? [];
    list.push({ e, prefix });
    byOrg.set(e.orgId, list);
  }
  const lists = [...byOrg.values()].map((l) => l.sort((a, b) => b.prefix - a.prefix).slice(0, perOrg));
  // Organizations whose best range is the most specific go first within each round.
  lists.sort((a, b) => (b[0]?.prefix ?? 0) - (a[0]?.prefix ?? 0));
  const out: E[] = [];
  for (let round = 0; round < perOrg && out.length < cap; round++) {
    for (const l of lists) {
      const m = l[round];
      if (m && out.length < cap) out.push(m.e);
    }
  }
  return out;
}
