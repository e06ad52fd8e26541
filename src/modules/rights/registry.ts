import type { Kysely } from 'kysely';
import type { Database, Executor } from '../../db/schema.ts';

/**
 * The personal-data registry (DESIGN.md, "Personal-data registry"; DSR-1, DSR-5). Every module that
 * stores personal data registers one handler, in the composition root, naming the tables it covers;
 * access and deletion requests walk the registry, and test/personal-data.test.ts fails when a table
 * with a column marked `@personal` has no handler. The registry itself reads no table.
 */

/** Whom a request is about: the account and/or an address, and the directory memberships that are theirs. */
export interface DataSubject {
  /** The account, when the person has one. */
  accountId: string | null;
  /** The address, lower-cased; for a person without an account (an invitation, a legal request) it is all there is. */
  email: string | null;
  /** The memberships of the account, and invitations to the address (one per organization). */
  membershipIds: readonly string[];
  /** The names the person is known by (the account's, and each organization's), to find them in free text. */
  names: readonly string[];
  /**
   * The names the person signs in with in each of their organizations (the member's address and
   * username, and the account's address), for rows a protocol kept under the name it was given
   * (PRO-3: a RADIUS User-Name) and never tied to a membership.
   */
  logins?: ReadonlyArray<{ orgId: string; names: readonly string[] }>;
}

/** Why data is erased: a verified deletion request (DSR-5) or a confirmed report of a child's account (DSR-8). */
export interface ErasureReason {
  basis: 'deletion_request' | 'child_account';
  /** The request or report it fulfils, when there is one. */
  reference: string | null;
}

/**
 * The exceptions under which a record is kept after a deletion request. DSR-5 names the first two;
 * the last two are records the database itself keeps unchangeable (SEC-1, PRV-4), whose rows can
 * be neither removed nor rewritten without breaking the proof they are.
 */
export const RETENTION_EXCEPTIONS = {
  sales_transaction: 'DSR-5: sales transactions may be kept for record keeping',
  support_inquiry: 'DSR-5: support inquiries may be kept for record keeping',
  security_audit: 'SEC-1: the audit log is append-only and hash-chained; rewriting an entry breaks its verification',
  consent_proof: 'PRV-4: consent events are append-only; they are the proof of each choice, opt-outs included',
  deletion_record: 'DSR-6: the record that an organization was deleted (its id, dates and what was erased), which names no one and nothing of it',
} as const;
export type RetentionException = keyof typeof RETENTION_EXCEPTIONS;

/** What erasure did to one table's rows about the subject. */
export interface TableErasure {
  /** Rows removed. */
  deleted: number;
  /** Rows kept with every trace of the subject cleared or replaced (a ledger entry without its subject). */
  deidentified: number;
  /** Rows kept for record keeping under `exception`; `keptAs` says whether they could be de-identified. */
  kept: number;
  exception: RetentionException | null;
  keptAs: 'deidentified' | 'unchanged' | null;
}

/** Per table. */
export type ErasureOutcome = Record<string, TableErasure>;

/** A column left out of every export: secrets (ACC-2, SEC-2, PRV-10) and encrypted blobs. */
export interface WithheldColumn {
  table: string;
  column: string;
  why: string;
}

export interface PersonalDataHandler {
  /** The module that owns the tables. */
  module: string;
  /** Every table the handler reads or changes; each is one of the module's own. */
  tables: readonly string[];
  /** Columns of those tables that exports leave out, and why. */
  withheld: readonly WithheldColumn[];
  /** The subject's rows, per table, without the withheld columns; binary content as base64 text. */
  export(subject: DataSubject, ex?: Executor): Promise<Record<string, Array<Record<string, unknown>>>>;
  /** Removes or de-identifies the subject's rows (or keeps them under an exception), in `ex` when given. */
  erase(subject: DataSubject, reason: ErasureReason, ex?: Executor): Promise<ErasureOutcome>;
  /**
   * DSR-6: removes or de-identifies the rows the organization holds in this module (or keeps them
   * under an exception), in `ex` when given. A module whose organization rows can be many does at
   * most about `opts.batchRows` of them per call and answers `more: true` while rows are left: the
   * registry calls it again, each time in a transaction of its own. Without this method, the
   * module holds nothing of an organization.
   */
  eraseOrganization?(orgId: string, ex?: Executor, opts?: OrganizationErasureOptions): Promise<OrganizationErasureStep>;
}

/** DSR-6: what a handler is told when it erases an organization. */
export interface OrganizationErasureOptions {
  /** Rows to erase per call, at most about (ORG_ERASURE_BATCH_ROWS). */
  batchRows?: number;
  /**
   * What identifies the organization and its members, read before any module erased anything: its
   * name and LDAP slug, its members' names, usernames and addresses. A record kept de-identified (a
   * support inquiry) has them replaced wherever its free text quotes them.
   */
  names?: readonly string[];
  /**
   * The addresses (lower-cased) of the organization's members without an account (invitees), read
   * before any module erased anything: they are nobody else's, so what is held to them goes (mail)
   * or loses its subject (the disclosures ledger).
   */
  invitees?: readonly string[];
}

/** What the registry's `eraseOrganization` is told beyond what it passes on to the handlers. */
export interface OrganizationErasureRun extends OrganizationErasureOptions {
  /**
   * Called in each step's transaction with what the step did, so the caller can keep a running
   * account that commits with the step: a run broken off and resumed still counts every row once.
   */
  afterStep?(ex: Executor, module: string, step: OrganizationErasureStep): Promise<void>;
  /** Modules a run broken off already finished: a resumed run does not count their kept rows twice. */
  skipModules?: readonly string[];
}

/** One call of a handler's `eraseOrganization`: what it did, and whether rows are left for another call. */
export interface OrganizationErasureStep {
  outcome: ErasureOutcome;
  more: boolean;
}

/** DSR-6: what erasing an organization did, per module and table, and in how many transactions. */
export interface OrganizationErasure {
  modules: Record<string, ErasureOutcome>;
  transactions: number;
}

/**
 * Rows a handler erases per transaction. Measured with 100,000 members (bench/rights.ts,
 * docs/rights.md): one transaction holds SQLite's single writer for seconds, so every other write
 * of the instance (sign-ins, LDAP binds' bookkeeping) would wait on it; batches of this size keep
 * each transaction well under a second for a few percent more total time.
 */
export const ORG_ERASURE_BATCH_ROWS = 5000;

/** Module → table → rows: a portable access export (DSR-1), and what was left out of it. */
export interface PersonalDataExport {
  modules: Record<string, Record<string, Array<Record<string, unknown>>>>;
  withheld: Array<WithheldColumn & { module: string }>;
}

export type PersonalDataRegistry = ReturnType<typeof createPersonalDataRegistry>;

export const emptyErasure = (): TableErasure => ({ deleted: 0, deidentified: 0, kept: 0, exception: null, keptAs: null });

export const keptErasure = (kept: number, exception: RetentionException, keptAs: 'deidentified' | 'unchanged'): TableErasure => ({
  deleted: 0,
  deidentified: 0,
  kept,
  exception,
  keptAs: kept > 0 ? keptAs : null,
});

/** Adds one step's counts to a running outcome, table by table (the exception is the table's, whichever step named it). */
export function addErasure(into: ErasureOutcome, step: ErasureOutcome): ErasureOutcome {
  for (const [table, e] of Object.entries(step)) {
    const t = (into[table] ??= emptyErasure());
    t.deleted += e.deleted;
    t.deidentified += e.deidentified;
    t.kept += e.kept;
    t.exception ??= e.exception;
    t.keptAs ??= e.keptAs;
  }
  return into;
}

/** The text that replaces a name or an address in a record kept under an exception: the record names it (DSR-5). */
export const erasedMark = (exception: RetentionException): string => `[erased; kept under ${exception}]`;

/** Rows as an export shows them: without the table's withheld columns, binary content as base64 text. */
export function exportRows(table: string, rows: readonly object[], withheld: readonly WithheldColumn[]): Array<Record<string, unknown>> {
  const left = new Set(withheld.filter((w) => w.table === table).map((w) => w.column));
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !left.has(k)).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('base64') : v])));
}

/**
 * Handlers are erased in the order they are registered: the composition root registers the modules
 * whose rows point at an account or a membership before the directory and accounts, so that the
 * rows are handled by their own module before a foreign key would cascade them away.
 */
export function createPersonalDataRegistry(deps: { db: Kysely<Database> }) {
  const registered: PersonalDataHandler[] = [];

  function register(handler: PersonalDataHandler): void {
    if (registered.some((h) => h.module === handler.module)) throw new Error(`a personal-data handler for ${handler.module} is already registered`);
    const taken = registered.flatMap((h) => h.tables).filter((t) => handler.tables.includes(t));
    if (taken.length > 0) throw new Error(`tables ${taken.join(', ')} already have a personal-data handler`);
    registered.push(handler);
  }

  /** DSR-1: one object per module and table, read in one transaction so that the export is consistent. */
  async function exportAll(subject: DataSubject): Promise<PersonalDataExport> {
    return deps.db.transaction().execute(async (trx) => {
      const modules: PersonalDataExport['modules'] = {};
      for (const h of registered) modules[h.module] = await h.export(subject, trx);
      return { modules, withheld: registered.flatMap((h) => h.withheld.map((w) => ({ module: h.module, ...w }))) };
    });
  }

  /** DSR-5: every module at once, in one transaction (both databases have them): all of it happens, or none. */
  async function eraseAll(subject: DataSubject, reason: ErasureReason): Promise<Record<string, ErasureOutcome>> {
    return deps.db.transaction().execute(async (trx) => {
      const outcome: Record<string, ErasureOutcome> = {};
      for (const h of registered) outcome[h.module] = await h.erase(subject, reason, trx);
      return outcome;
    });
  }

  /**
   * DSR-6: every module erases the organization, in registration order (the modules whose rows
   * point at members before the directory). A handler's small work is one transaction; a handler
   * with more rows than `batchRows` is called again, a transaction per batch, until it is done.
   * Access to the organization has stopped before this runs (the caller marks it deleted), so the
   * batches in between are seen by no one; a run broken off is resumed by running it again.
   */
  async function eraseOrganization(orgId: string, opts: OrganizationErasureRun = {}): Promise<OrganizationErasure> {
    const step = { batchRows: opts.batchRows ?? ORG_ERASURE_BATCH_ROWS, names: opts.names ?? [], invitees: opts.invitees ?? [] };
    const modules: Record<string, ErasureOutcome> = {};
    let transactions = 0;
    for (const h of registered) {
      const erase = h.eraseOrganization?.bind(h);
      if (!erase || opts.skipModules?.includes(h.module)) continue;
      const outcome: ErasureOutcome = {};
      for (let more = true; more; ) {
        const done = await deps.db.transaction().execute(async (trx) => {
          const d = await erase(orgId, trx, step);
          await opts.afterStep?.(trx, h.module, d);
          return d;
        });
        transactions += 1;
        addErasure(outcome, done.outcome);
        more = done.more;
      }
      modules[h.module] = outcome;
    }
    return { modules, transactions };
  }

  return { register, handlers: (): readonly PersonalDataHandler[] => [...registered], exportAll, eraseAll, eraseOrganization };
}
