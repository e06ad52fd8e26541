import type { RequestContext } from '../../core/context.ts';
import type { DataSubject, ErasureOutcome, ErasureReason, PersonalDataExport } from './registry.ts';

/** DSR-1: an access archive's link works once, for 24 hours (docs/privacy-requests.md). */
export const ARCHIVE_LINK_MS = 24 * 3600 * 1000;
/** DSR-5: a deletion certificate's link works for a year, as often as it is used. */
export const CERTIFICATE_LINK_MS = 365 * 86_400 * 1000;
/**
 * DSR-5: answering a deletion leaves two traces of the address it answers: the request itself and
 * the mail with the certificate. They are cleared this long after the erasure, once the mail had
 * every chance to be delivered.
 */
export const SWEEP_DELAY_MS = 7 * 86_400 * 1000;

/** PRV-9: one third party the ledger says received the subject's data, and what it received. */
export interface LedgerRecipient {
  name: string;
  /** The postal address the ledger names (with an email address in it, the notice is mailed there). */
  address: string;
  /** `service_provider`, `partner`, `integration` or `legal_request`. */
  kind: string;
  categories: string[];
  purposes: string[];
  directMarketing: boolean;
  firstAt: string;
  lastAt: string;
}

/** The "Notice to End Users": an organization that administers one of the person's memberships, and its admins. */
export interface AdministeringOrganization {
  orgId: string;
  name: string;
  /** Its active admins other than the person. */
  admins: Array<{ email: string; name: string }>;
}

/**
 * DSR-1, DSR-5: what fulfilment needs of the registry and of other modules, given by the
 * composition root (src/ports.ts) so that rights reads none of their tables.
 */
export interface FulfilmentPorts {
  subjectOf(who: { accountId: string | null; email: string | null }): Promise<DataSubject>;
  exportAll(subject: DataSubject): Promise<PersonalDataExport>;
  eraseAll(subject: DataSubject, reason: ErasureReason): Promise<Record<string, ErasureOutcome>>;
  /** Every handler's module and tables, in registry order. */
  tables(): Array<{ module: string; tables: readonly string[] }>;
  /** PRV-9: the third parties the disclosure ledger says received the subject's data. */
  recipientsOf(subject: DataSubject): Promise<LedgerRecipient[]>;
  /** The organizations that administer a membership of the subject, with their admins. */
  organizationsOf(subject: DataSubject): Promise<AdministeringOrganization[]>;
  /** An organization's active admins, but the one with `exceptEmail` (the person). */
  adminsOf(orgId: string, exceptEmail: string | null): Promise<AdministeringOrganization['admins']>;
  /** DSR-1 (correct): renames the account through the accounts module (audited there, as `ctx`'s actor). */
  renameAccount(ctx: RequestContext, accountId: string, name: string): Promise<void>;
  /**
   * DSR-5: removes what answering a deletion left of the erased account and its address (mail
   * handed over while the erasure ran, the answer's mail, their ledger entries); the address is left
   * alone when an account holds it again by then.
   */
  eraseAnswerTraces(who: { accountId: string | null; email: string }): Promise<void>;
}
