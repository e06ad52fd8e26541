import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';

export interface PrivacyConfig {
  /** Where Castellan is reached; links in mail (unsubscribe, policy notices) start with it. */
  publicUrl: string;
  /** The operator's site name, as the policy and the notices name it. */
  siteName: string;
  /**
   * The mail provider, when mail goes through an SMTP service run by a third
   * party: each message handed to it is a disclosure (PRV-9). Unset: no record.
   */
  mailProvider: { name: string; address: string } | null;
  /** The operator's postal or other contact address for privacy questions, as the starter policy names it. */
  privacyAddress?: string | null;
}

/** A customer as the direct-marketing lists show them (PRV-7): with their organization's contact details. */
export interface CustomerContact {
  id: string;
  name: string;
  email: string;
  status: string;
  email_verified: boolean;
  org_name: string;
  org_address: string | null;
  org_phone: string | null;
}

/**
 * What privacy needs of people, whom the accounts and directory modules own; given by the
 * composition root, so privacy reads none of their tables. Customers are accounts (never staff)
 * with at least one active membership.
 */
export interface PrivacyPeople {
  /** Customers a page at a time, in account id order after `after`; with `verifiedEmail`, only proven addresses. */
  customersAfter(ex: Executor, opts: { verifiedEmail: boolean; after: string | null; limit: number }): Promise<Array<{ id: string; email: string; name: string }>>;
  /** Customers by account id, with their first organization's name, address and phone; others are left out. */
  contacts(ex: Executor, accountIds: string[]): Promise<CustomerContact[]>;
  /** When a person joined, and whether they are staff (who are not users under the policy). */
  person(ex: Executor, accountId: string): Promise<{ id: string; createdAt: string; staff: boolean } | undefined>;
}

export interface PrivacyDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  people: PrivacyPeople;
  /** Signs unsubscribe links (PRV-7). */
  secretKey: Buffer;
  config: PrivacyConfig;
}
