import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import type { Executor } from '../../db/schema.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Audit } from '../audit/index.ts';
import type { PaymentProvider } from './payment-provider.ts';

export interface BillingDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  /**
   * Tokenizes cards (PRV-10). Null when the operator has configured none: then
   * no card can be added (and nobody can move to paid with a test card).
   */
  provider: PaymentProvider | null;
  /** The directory's plans: billing reads and upgrades an organization's plan only through them. */
  plans: BillingPlans;
}

/** What billing needs of an organization's plan (the directory owns organizations). */
export interface BillingPlans {
  /** The plan, locked for the caller's transaction; undefined when there is no such organization. */
  lockPlan(trx: Executor, orgId: string): Promise<{ plan: string; limited: boolean } | undefined>;
  /** Moves the organization to paid, audited, with every plan hook told, in the caller's transaction. */
  upgradeToPaid(trx: Executor, ctx: RequestContext, orgId: string, reason: string): Promise<void>;
}
