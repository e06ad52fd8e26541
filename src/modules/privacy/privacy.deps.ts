import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import type { Accounts } from '../accounts/index.ts';
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
}

export interface PrivacyDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  accounts: Accounts;
  /** Signs unsubscribe links (PRV-7). */
  secretKey: Buffer;
  config: PrivacyConfig;
}
