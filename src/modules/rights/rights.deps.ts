import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import type { Throttle } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';
import type { Jobs } from '../jobs/index.ts';
import type { BusinessCalendar } from './deadlines.ts';

export interface RightsConfig {
  /** Links in mail point here. */
  publicUrl: string;
  /** The operator's site name, as the mail names it. */
  siteName: string;
}

/** A person the rights module writes to: privacy staff told of overdue requests. */
export interface RightsStaff {
  id: string;
  email: string;
  name: string;
}

/**
 * What rights needs of people and of the privacy module's consent, which other modules own; given
 * by the composition root, so rights reads none of their tables.
 */
export interface RightsPeople {
  /** The account an address belongs to (never told to the requester: DIR-1 rule 4). */
  accountIdByEmail(ex: Executor, email: string): Promise<string | undefined>;
  /** The address of an account (a signed-in requester's). */
  emailOf(ex: Executor, accountId: string): Promise<string | undefined>;
  /** Active staff who work the request queue (the `privacy.requests` capability). */
  privacyStaff(ex: Executor): Promise<RightsStaff[]>;
}

/** DSR-1, DSR-2: an opt-out of sale/sharing, recorded through the privacy module's consent events (PRV-4). */
export interface OptOutRecorder {
  /**
   * Opts the account (or, without one, the address alone) out of sale and sharing, in the caller's
   * transaction; the consent events name the source: a request (the default) or a confirmed report
   * of a child's account (DSR-8).
   */
  optOut(ex: Executor, ctx: RequestContext, subject: { accountId: string } | { email: string }, source?: 'request' | 'child_report'): Promise<void>;
}

export interface RightsDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  jobs: Jobs;
  throttle: Throttle;
  calendar: BusinessCalendar;
  people: RightsPeople;
  optOuts: OptOutRecorder;
  config: RightsConfig;
}
