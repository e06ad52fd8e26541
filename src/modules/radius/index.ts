import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import { createRadiusNetworks, type NetworkLookup, type RadiusNetworks } from './networks.service.ts';
import { createRadiusSessions, type RadiusSessions } from './sessions.service.ts';

export { createRadiusPersonalData } from './personal-data.ts';
export { clientMatcher, MAX_CLIENTS, parseClients, plainAddress } from './clients.ts';
export { type Candidate, type NetworkLookup, type NetworkRef, newSharedSecret, type RadiusNetworks } from './networks.service.ts';
export { ACCT_STATUS, type AccountingRecord, type RadiusSessions } from './sessions.service.ts';
export { RadiusErrors } from './radius.errors.ts';
export type { RadiusNetworksTable, RadiusSessionsTable, RadiusTables } from './radius.tables.ts';

export interface RadiusDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  audit: Audit;
  /** The directory's resources, through the composition root (never its tables). */
  networks: NetworkLookup;
  /** How long a node keeps its copy of the networks' client lists. */
  cacheSeconds?: number;
}

/** PRO-3: the RADIUS server's state: networks' shared secrets and client lists, and accounting. */
export function createRadius(deps: RadiusDeps): { networks: RadiusNetworks; sessions: RadiusSessions } {
  return {
    networks: createRadiusNetworks(deps),
    sessions: createRadiusSessions(deps),
  };
}

export type Radius = ReturnType<typeof createRadius>;
