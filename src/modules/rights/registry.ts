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
}

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

  return { register, handlers: (): readonly PersonalDataHandler[] => [...registered], exportAll, eraseAll };
}
