import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database, DialectName } from '../../db/schema.ts';
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
