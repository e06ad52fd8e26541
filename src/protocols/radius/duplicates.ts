/**
 * RFC 5080 §2.2.2: a request is a retransmission when its source address and port, Identifier and
 * Request Authenticator are those of one seen within the window. It gets the reply already sent,
 * without the password being checked again; one arriving while the first is still being checked is
 * dropped (the client retransmits again and then gets the cached reply). Per node: a retransmission
 * goes to the node that got the first, since a NAS sends it to the same server.
 */
import { createHash } from 'node:crypto';
import type { Packet } from './packet.ts';

type Entry = { digest: string; at: number; reply: Buffer | null };

export type Seen = { kind: 'new' } | { kind: 'in_flight' } | { kind: 'answered'; reply: Buffer };

export class DuplicateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 200_000,
  ) {}

  static keyOf(address: string, port: number, p: Packet): string {
    return `${address}|${port}|${p.identifier}|${p.authenticator.toString('hex')}`;
  }

  /** Whether the request was seen; a new one is marked in flight at once (synchronously), so a copy that comes next waits its turn. */
  begin(key: string, p: Packet, now = Date.now()): Seen {
    const digest = createHash('md5').update(p.raw).digest('hex');
    const e = this.entries.get(key);
    if (e && now - e.at <= this.windowMs) {
      if (e.reply === null) return { kind: 'in_flight' };
      // The same key with other content is a new request (RFC 5080 §2.2.2), not a retransmission.
      if (e.digest === digest) return { kind: 'answered', reply: e.reply };
    }
    this.entries.delete(key);
    this.sweep(now);
    this.entries.set(key, { digest, at: now, reply: null });
    return { kind: 'new' };
  }

  /** The reply to send to retransmissions from now on. */
  answered(key: string, reply: Buffer): void {
    const e = this.entries.get(key);
    if (e) e.reply = reply;
  }

  /** A request dropped unanswered is forgotten: a retransmission of it is taken afresh. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  size(): number {
    return this.entries.size;
  }

  /** Entries are kept in arrival order: the oldest go first, past the window or past the cap. */
  private sweep(now: number): void {
    for (const [k, e] of this.entries) {
      if (now - e.at <= this.windowMs && this.entries.size < this.maxEntries) break;
      this.entries.delete(k);
    }
  }
}
