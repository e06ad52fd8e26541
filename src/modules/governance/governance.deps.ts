import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { Jobs } from '../jobs/index.ts';
import type { Mail } from '../mail/index.ts';
import type { TxtLookup } from './dns-check.ts';

/**
 * What governance asks of accounts and memberships. Those tables are the accounts' and the
 * directory's; the composition root answers through their public functions (DESIGN, "each module
 * owns its tables").
 */
export interface GovernancePeople {
  /** People's accounts (never staff) whose address is at one of these domains, in id order; only `ids` when given. */
  accountsAtDomains(ex: Executor, domains: readonly string[], opts: { after?: string | undefined; limit: number; ids?: readonly string[] | undefined }): Promise<Array<{ id: string; email: string; name: string }>>;
  /** Of these accounts, those with a membership (any status) in the organization. */
  membersAmong(ex: Executor, orgId: string, accountIds: readonly string[]): Promise<Set<string>>;
  /** The organization's active admins, to tell of a change to the organization itself. */
  activeAdmins(ex: Executor, orgId: string): Promise<Array<{ accountId: string; email: string; name: string }>>;
  /** The organization's name, or undefined when it does not exist. */
  organizationName(ex: Executor, orgId: string): Promise<string | undefined>;
}

export interface GovernanceDeps {
  db: Kysely<Database>;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  jobs: Jobs;
  /** GOV-2: TXT lookups through CASTELLAN_DNS_SERVERS (the system's resolvers when unset). */
  lookupTxt: TxtLookup;
  people: GovernancePeople;
  config: { siteName: string; publicUrl: string };
  /** Where failures that fail no request are reported (a domain's re-check in the job); the composition root's logger. */
  log?: { warn(o: object, m: string): void };
}
