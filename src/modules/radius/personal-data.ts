import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, ORG_ERASURE_BATCH_ROWS, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import * as repo from './radius.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'radius_networks', column: 'secret_enc', why: 'a network’s shared secret, encrypted at rest (SEC-2); it names no one' }];

/**
 * The RADIUS module's handler (DSR-1, DSR-5): the accounting sessions of the person's memberships
 * (their User-Name, device and traffic). Erasure removes them. DSR-6: an organization's networks
 * (their sealed secrets) and sessions go with it, a batch of sessions per call.
 */
export function createRadiusPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'radius',
    tables: ['radius_networks', 'radius_sessions'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return { radius_sessions: exportRows('radius_sessions', await repo.sessionsOfMembers(ex, subject.membershipIds), WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      return { radius_sessions: { ...emptyErasure(), deleted: await repo.deleteSessionsOfMembers(ex, subject.membershipIds) } };
    },
    async eraseOrganization(orgId, ex = db, opts = {}) {
      const step = await repo.eraseOrgBatch(ex, orgId, opts.batchRows ?? ORG_ERASURE_BATCH_ROWS);
      return {
        outcome: { radius_sessions: { ...emptyErasure(), deleted: step.sessions }, radius_networks: { ...emptyErasure(), deleted: step.networks } },
        more: step.more,
      };
    },
  };
}
