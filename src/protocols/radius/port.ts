/**
 * What the RADIUS edge asks of the core, and nothing more: the composition root (src/app.ts) fills
 * it in from the radius, directory and accounts modules, so that no RADIUS type reaches a module
 * and the edge never queries a table itself.
 */
import type { RequestContext } from '../../core/context.ts';
import type { AccountingRecord } from '../../modules/radius/index.ts';

/** A network that may have sent a packet, with the secret that proves it did. */
export interface RadiusNetwork {
  orgId: string;
  networkId: string;
  secret: Buffer;
}

export interface RadiusPort {
  /** The networks whose `settings.clients` list the address (most specific first, capped; cached briefly per node). */
  candidates(address: string): Promise<RadiusNetwork[]>;
  /**
   * THE credential check (verifyCredentials, channel `radius`, with its throttle): the User-Name is
   * a username of the organization or a member's email; throws the accounts module's AppError on
   * refusal. Answers the membership.
   */
  authenticate(ctx: RequestContext, orgId: string, userName: string, password: string): Promise<{ membershipId: string }>;
  /** THE access decision (DIR-3), asked on every request: suspension and unbinding take effect at once. */
  mayUse(orgId: string, membershipId: string, networkId: string): Promise<boolean>;
  /** The membership a User-Name names in the organization, for accounting; null when none. */
  memberOf(orgId: string, userName: string): Promise<string | null>;
  /** RFC 2866: keeps an accounting record; answers false for what is acknowledged but not kept. */
  recordAccounting(record: AccountingRecord): Promise<boolean>;
}
