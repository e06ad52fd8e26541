import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type DataSubject, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import { deleteOrgApiClients } from './api-clients.repository.ts';
import { deleteOrgClients, orgClientIds } from './clients.repository.ts';
import { deleteModelsOfAccounts, deleteModelsOfClients, modelsOfAccounts } from './oidc-models.repository.ts';
import { deleteOrgApplications } from './saml.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'oidc_models', column: 'payload_enc', why: 'encrypted at rest (SEC-2); it carries token and session identifiers' }];

/** oidc-provider's `accountId` is the membership; an account id is looked for too. */
const idsOf = (subject: DataSubject): string[] => [...(subject.accountId ? [subject.accountId] : []), ...subject.membershipIds];

/**
 * The federation module's handler (DSR-1, DSR-5): the OpenID Provider's sessions, grants and
 * tokens about the person. Erasure removes them, and everything issued under their grants, so the
 * person's relying parties lose their tokens at once.
 *
 * DSR-6: an organization's OIDC clients (their sealed secrets) go with it, and every grant, code
 * and token issued to them (DIR-3: the members of an erased organization lose their access at once),
 * and its SAML applications (PRO-5), and its API clients (PRO-2: their tokens stop counting with them);
 * the artefacts about its members go with their memberships, through the person's erasure.
 */
export function createFederationPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'federation',
    tables: ['oidc_models', 'oidc_clients', 'saml_applications', 'api_clients'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return { oidc_models: exportRows('oidc_models', await modelsOfAccounts(ex, idsOf(subject)), WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      return { oidc_models: { ...emptyErasure(), deleted: await deleteModelsOfAccounts(ex, idsOf(subject)) } };
    },
    async eraseOrganization(orgId, ex = db) {
      const models = await deleteModelsOfClients(ex, await orgClientIds(ex, orgId));
      return { outcome: { oidc_models: { ...emptyErasure(), deleted: models }, oidc_clients: { ...emptyErasure(), deleted: await deleteOrgClients(ex, orgId) }, saml_applications: { ...emptyErasure(), deleted: await deleteOrgApplications(ex, orgId) }, api_clients: { ...emptyErasure(), deleted: await deleteOrgApiClients(ex, orgId) } }, more: false };
    },
  };
}
