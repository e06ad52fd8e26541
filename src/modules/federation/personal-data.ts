import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type DataSubject, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import { deleteOrgClients } from './clients.repository.ts';
import { deleteModelsOfAccounts, modelsOfAccounts } from './oidc-models.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'oidc_models', column: 'payload_enc', why: 'encrypted at rest (SEC-2); it carries token and session identifiers' }];

/** oidc-provider's `accountId` is the membership; an account id is looked for too. */
const idsOf = (subject: DataSubject): string[] => [...(subject.accountId ? [subject.accountId] : []), ...subject.membershipIds];

/**
 * The federation module's handler (DSR-1, DSR-5): the OpenID Provider's sessions, grants and
 * tokens about the person. Erasure removes them, and everything issued under their grants, so the
 * person's relying parties lose their tokens at once.
 *
 * DSR-6: an organization's OIDC clients (their sealed secrets) go with it; the artefacts about its
 * members go with their memberships, through the person's erasure.
 */
export function createFederationPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'federation',
    tables: ['oidc_models', 'oidc_clients'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return { oidc_models: exportRows('oidc_models', await modelsOfAccounts(ex, idsOf(subject)), WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      return { oidc_models: { ...emptyErasure(), deleted: await deleteModelsOfAccounts(ex, idsOf(subject)) } };
    },
    async eraseOrganization(orgId, ex = db) {
      return { outcome: { oidc_clients: { ...emptyErasure(), deleted: await deleteOrgClients(ex, orgId) } }, more: false };
    },
  };
}
