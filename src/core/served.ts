/**
 * SUP-7: what this instance serves, as the listeners say it. Each listener (the HTTP API and web
 * console, inbound support mail, and each protocol edge as it comes: LDAP, RADIUS, ...) registers
 * what it speaks when it starts and takes it back when it stops, so the supported list never names
 * a protocol nobody answers. The registry is per process: each node of a cluster answers for the
 * listeners it runs itself.
 */
export interface ServedProtocol {
  /** Stable id: `http`, `smtp`, later `ldap`, `radius`, ... */
  id: string;
  name: string;
  /** The protocol's version or standard, when one is meaningful (`v3`, `2.0`, `RFC 5321`). */
  version: string | null;
  /** What works, in a sentence. */
  notes: string;
}

export interface ServedRegistry {
  /** Adds (or replaces) a listener's entry; answers the function that takes it back. */
  register(entry: ServedProtocol): () => void;
  /** What is served now, in the order the listeners started. */
  list(): ServedProtocol[];
}

export function createServedRegistry(): ServedRegistry {
  // One registration per id; a token tells a stale take-back (an old start of the same listener) from the live one.
  const entries = new Map<string, { entry: ServedProtocol; token: symbol }>();
  return {
    register(entry) {
      const token = Symbol(entry.id);
      entries.set(entry.id, { entry: { ...entry }, token });
      return () => {
        if (entries.get(entry.id)?.token === token) entries.delete(entry.id);
      };
    },
    list: () => [...entries.values()].map(({ entry }) => ({ ...entry })),
  };
}
