import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import type { PlanHooks } from '../accounts/index.ts';
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
  /** Told of every change of plan, in its transaction. */
  planHooks?: PlanHooks;
}
