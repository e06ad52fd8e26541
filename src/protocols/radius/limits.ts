/**
 * Per-node limits of the RADIUS edge, beyond the credential throttle (ACC-7), which is the
 * cluster's and counts failures per user in the database. A source address proves nothing (UDP is
 * spoofed at will), so every limit that could shut a NAS out counts verified requests only:
 * - per network, once its secret verified the request: a token bucket; a request over it is
 *   silently dropped (counted), so the NAS retries or fails over, as RFC 2865 §2.4 lets it;
 * - the work spent on requests from addresses that sent nothing verified lately: one small
 *   node-wide bucket, apart, so a flood of forgeries costs little and never spends a network's;
 * - per user of a network: a token bucket; a request over it gets an Access-Reject with
 *   "Too many attempts; try again later." without its password being checked;
 * - requests being worked on: at most `maxInFlight` on the node, and at most a share of it
 *   (half, at least one) for one organization, so one tenant never holds all of it.
 */
export class TokenBuckets {
  /** In order of last use: the least recently used come first, and go first when the map is full. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, now = Date.now()): boolean {
    let b = this.buckets.get(key);
    if (b) this.buckets.delete(key);
    else {
      if (this.buckets.size >= this.maxKeys) this.prune();
      b = { tokens: this.burst, at: now };
    }
    this.buckets.set(key, b);
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  size(): number {
    return this.buckets.size;
  }

  /** The least recently used tenth goes: the keys in use keep their buckets (and their debts). */
  private prune(): void {
    let n = Math.max(1, Math.ceil(this.maxKeys / 10));
    for (const k of this.buckets.keys()) {
      if (n-- <= 0) break;
      this.buckets.delete(k);
    }
  }
}

/** Addresses that sent a verified request lately, least recently seen first (bounded). */
export class RecentSet {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  has(key: string, now = Date.now()): boolean {
    const at = this.seen.get(key);
    return at !== undefined && now - at <= this.ttlMs;
  }

  add(key: string, now = Date.now()): void {
    this.seen.delete(key);
    if (this.seen.size >= this.maxKeys) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(key, now);
  }
}

/**
 * The requests a node works on at once: `max` in all, and at most `perOrg` of one organization.
 * `acquire` is synchronous and counts at admission; every path out of the work releases.
 */
export class InFlight {
  private total = 0;
  private readonly byOrg = new Map<string, number>();
  readonly perOrg: number;

  constructor(private readonly max: number) {
    this.perOrg = Math.max(1, Math.floor(max / 2));
  }

  acquire(orgId: string): boolean {
    const mine = this.byOrg.get(orgId) ?? 0;
    if (this.total >= this.max || mine >= this.perOrg) return false;
    this.total++;
    this.byOrg.set(orgId, mine + 1);
    return true;
  }

  release(orgId: string): void {
    const mine = this.byOrg.get(orgId) ?? 0;
    if (mine <= 1) this.byOrg.delete(orgId);
    else this.byOrg.set(orgId, mine - 1);
    this.total = Math.max(0, this.total - 1);
  }

  count(): number {
    return this.total;
  }
}
