import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type DataSubject, emptyErasure, exportRows, ORG_ERASURE_BATCH_ROWS, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import * as repo from './radius.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'radius_networks', column: 'secret_enc', why: 'a network’s shared secret, encrypted at rest (SEC-2); it names no one' }];

const ownerOf = (s: DataSubject): repo.SessionOwner => ({ membershipIds: s.membershipIds, logins: s.logins ?? [] });

/**
 * The RADIUS module's handler (DSR-1, DSR-5): the accounting sessions of the person's memberships
 * (their User-Name, device and traffic), and those of their organizations whose User-Name is one
 * the person signs in with there but named no member when recorded. Erasure removes them. DSR-6: an organization's networks
 * (their sealed secrets) and sessions go with it, a batch of sessions per call, and this node's copy
 * of the client lists is dropped.
 */
export function createRadiusPersonalData(db: Kysely<Database>, networks?: { forget(): void }): PersonalDataHandler {
  return {
    module: 'radius',
    tables: ['radius_networks', 'radius_sessions'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return { radius_sessions: exportRows('radius_sessions', await repo.sessionsOf(ex, ownerOf(subject)), WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      return { radius_sessions: { ...emptyErasure(), deleted: await repo.deleteSessionsOf(ex, ownerOf(subject)) } };
    },
    async eraseOrganization(orgId, ex = db, opts = {}) {
      const step = await repo.eraseOrgBatch(ex, orgId, opts.batchRows ?? ORG_ERASURE_BATCH_ROWS);
      // This node stops trying the organization's networks at once (others within their cache time).
      if (step.networks > 0) networks?.forget();
      return {
        outcome: { radius_sessions: { ...emptyErasure(), deleted: step.sessions }, radius_networks: { ...emptyErasure(), deleted: step.networks } },
        more: step.more,
      };
    },
  };
}
