import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import type { Throttle } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';
import type { Jobs } from '../jobs/index.ts';
import type { BusinessCalendar } from './deadlines.ts';
import type { FulfilmentPorts } from './fulfilment.deps.ts';
import type { DataPointFacts } from './verification.rules.ts';
import type { Caller } from '../../core/caller.ts';

export interface RightsConfig {
  /** Links in mail point here. */
  publicUrl: string;
  /** The operator's site name, as the mail names it (and as a Shine the Light request must name it, DSR-7). */
  siteName: string;
  /** The privacy mailbox (the email address in CASTELLAN_PRIVACY_ADDRESS), named in instructions when set. */
  privacyAddress: string | null;
}

/** DSR-7: the preceding year's direct-marketing recipients of a person, from the disclosure ledger (PRV-9). */
export interface DirectMarketingAnswer {
  year: number;
  recipients: Array<{ name: string; address: string; categories: string[] }>;
  categories: string[];
}

export interface RightsLedger {
  directMarketingRecipients(who: { userId: string | null; email: string }, year: number): Promise<DirectMarketingAnswer>;
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

/**
 * DSR-2: what verification needs of other modules, given by the composition root so that rights
 * reads none of their tables: the one re-authentication (ACC-5, through verifyCredentials and its
 * throttle), and what is held about a person to match data points against.
 */
export interface RightsVerificationPorts {
  /** Passes when the caller's account re-authenticated (the proof, or `POST /me/reauth` within the step-up window); answers that account. */
  reauthenticate(ctx: RequestContext, caller: Caller, proof: { password?: string | undefined; code?: string | undefined }): Promise<string>;
  /** Names, organizations, usernames and inviters held about the account or the address (DSR-2 data points). */
  dataPoints(ex: Executor, subject: { accountId: string | null; email: string }): Promise<DataPointFacts>;
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
  ledger: RightsLedger;
  /** DSR-2: re-authentication and the data points to match, from the modules that hold them. */
  verification: RightsVerificationPorts;
  /** DSR-1, DSR-5: the registry, the ledger's recipients and the organizations, for fulfilment. */
  fulfilment: FulfilmentPorts;
  config: RightsConfig;
}
