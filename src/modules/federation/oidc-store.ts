import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import { type FieldCipher, sha256 } from '../../core/crypto.ts';
import { hasRowLocks } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import * as repo from './oidc-models.repository.ts';

/**
 * PRO-2: the storage of the OpenID Provider over Kysely, one store per model, in the shape of
 * oidc-provider's adapter (upsert, find, findByUid, findByUserCode, consume, destroy,
 * revokeByGrantId) without importing it: the edge (src/protocols/oidc/) wraps it in the class the
 * library asks for. Every node of a cluster reads the same rows, so a code issued by one node is
 * redeemed at another.
 */

/** What oidc-provider stores: a JSON object whose few known fields index the row. */
export interface OidcPayload {
  [key: string]: unknown;
  grantId?: string;
  uid?: string;
  userCode?: string;
  accountId?: string;
  clientId?: string;
  /** Seconds since the epoch when a single-use artefact was used (oidc-provider reads it). */
  consumed?: number;
}

export interface OidcModelStore {
  upsert(id: string, payload: OidcPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface OidcStoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
}

const context = (model: string, digest: string) => `oidc_models.payload_enc:${model}:${digest}`;

interface PendingWrite {
  row: repo.OidcModelRow;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Group commit on SQLite. Every token the provider issues is a row written before the token is
 * answered, and on SQLite a commit costs more than the insert: each one appends every page it
 * touched (the table's and each index's) to the WAL, whereas rows committed together share their
 * index pages. So the rows asked for while the event loop handles one batch of I/O are written
 * together at the end of it (`setImmediate`), in one transaction, and each caller's promise
 * settles only once that transaction has committed: a token is still stored before it is
 * answered. Should the batch fail, each row is tried on its own, so that one bad row fails only
 * its own caller. PostgreSQL commits on a connection of the pool per request, as before.
 */
function groupCommit(db: Kysely<Database>): (row: repo.OidcModelRow) => Promise<void> {
  if (hasRowLocks(db)) return (row) => repo.upsertModel(db, row);
  let pending: PendingWrite[] = [];
  const writeAlone = (w: PendingWrite) => repo.upsertModel(db, w.row).then(w.resolve, w.reject);
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 1) return writeAlone(batch[0] as PendingWrite);
    try {
      await db.transaction().execute(async (trx) => {
        for (const w of batch) await repo.upsertModel(trx, w.row);
      });
    } catch {
      for (const w of batch) await writeAlone(w);
      return;
    }
    for (const w of batch) w.resolve();
  };
  return (row) =>
    new Promise<void>((resolve, reject) => {
      if (pending.push({ row, resolve, reject }) === 1) setImmediate(() => void flush());
    });
}

export function createOidcStore(deps: OidcStoreDeps): (model: string) => OidcModelStore {
  const { db, clock, cipher } = deps;
  const write = groupCommit(db);
  const now = () => clock.now().toISOString();
  const open = (row: repo.OidcModelRow | undefined): OidcPayload | undefined =>
    row ? (JSON.parse(cipher.decrypt(row.payload_enc, context(row.model, row.id))) as OidcPayload) : undefined;

  return (model) => ({
    async upsert(id, payload, expiresIn) {
      const digest = sha256(id);
      const expires = expiresIn && expiresIn > 0 ? new Date(clock.now().getTime() + expiresIn * 1000).toISOString() : null;
      await write({
        model,
        id: digest,
        payload_enc: cipher.encrypt(JSON.stringify(payload), context(model, digest)),
        grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
        uid: typeof payload.uid === 'string' ? sha256(payload.uid) : null,
        user_code: typeof payload.userCode === 'string' ? sha256(payload.userCode) : null,
        account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
        client_id: typeof payload.clientId === 'string' ? payload.clientId : null,
        expires_at: expires,
        consumed_at: typeof payload.consumed === 'number' ? new Date(payload.consumed * 1000).toISOString() : null,
      });
    },
    async find(id) {
      return open(await repo.findModel(db, model, sha256(id), now()));
    },
    async findByUid(uid) {
      return open(await repo.findModelBy(db, model, 'uid', sha256(uid), now()));
    },
    async findByUserCode(userCode) {
      return open(await repo.findModelBy(db, model, 'user_code', sha256(userCode), now()));
    },
    async consume(id) {
      const digest = sha256(id);
      const at = clock.now();
      const payload = open(await repo.findModel(db, model, digest, at.toISOString()));
      if (!payload) return;
      payload.consumed = Math.floor(at.getTime() / 1000);
      await repo.consumeModel(db, model, digest, cipher.encrypt(JSON.stringify(payload), context(model, digest)), at.toISOString());
    },
    async destroy(id) {
      await repo.destroyModel(db, model, sha256(id));
    },
    async revokeByGrantId(grantId) {
      await repo.destroyByGrant(db, grantId);
    },
  });
}

/** Rows removed per sweep batch: small enough to keep a transaction short on a busy PostgreSQL. */
export const SWEEP_BATCH = 500;

/** Removes every lapsed artefact, a batch at a time; answers how many went. */
export async function sweepExpired(db: Kysely<Database>, clock: Clock, batch = SWEEP_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await repo.deleteExpired(db, clock.now().toISOString(), batch);
    total += n;
    if (n < batch) return total;
  }
}
