import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import type { Accounts, PlanHooks, Throttle } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';

export interface DirectoryConfig {
  /** Where Castellan is reached: invitation links start with it. */
  publicUrl: string;
  /** The operator's site name, as invitation mail names it. */
  siteName: string;
  /** Invitations an organization may send in an hour, and that one address may receive in a day. */
  invitationsPerOrgHour: number;
  invitationsPerAddressDay: number;
}

export interface DirectoryDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  accounts: Accounts;
  throttle: Throttle;
  config: DirectoryConfig;
  /** Keys the HMACs that name an address in rate-limit counters without keeping it in clear. */
  secretKey: Buffer;
  /** SEC-2: encrypts the password hashes an import keeps (DIR-5). */
  cipher: FieldCipher;
  /** Told of every change of plan, in its transaction. */
  planHooks?: PlanHooks;
  /** Protocol edges' say over resources (PRO-2: OIDC applications). */
  resourceHooks?: ResourceHooks;
}

/** What a resource is, as the hooks see it. */
export interface ResourceRef {
  id: string;
  orgId: string;
  kind: string;
  settings: Record<string, unknown>;
}

/**
 * Other modules' part in a resource's life, wired by the composition root: they check the settings
 * of the resources they serve (throwing an AppError), and, in the transaction that saves one, set
 * up what they keep for it. What `created` answers is told to the creator once (an OIDC client's
 * secret) and never stored by the directory.
 */
export interface ResourceHooks {
  check: Array<(kind: string, settings: Record<string, unknown>) => void>;
  created: Array<(trx: Executor, ctx: RequestContext, resource: ResourceRef) => Promise<Record<string, unknown>>>;
  updated: Array<(trx: Executor, ctx: RequestContext, resource: ResourceRef) => Promise<void>>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Takes one row more than asked, to know whether there is a next page; the cursor is the last id. */
export function pageOf<R extends { id: string }, T>(rows: R[], limit: number, view: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: rows.length > limit && last ? last.id : null };
}
