import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import * as requests from './email-change-requests.repository.ts';
import { EMAIL_DETAIL } from './email-change-requests.service.ts';

const WITHHELD: WithheldColumn[] = [];

/**
 * GOV-4's handler (DSR-1, DSR-5): the person's requests to change their address, the new address
 * unsealed in the export (it is theirs, not a secret). Erasure removes them. DSR-6: an
 * organization's requests go with it.
 */
export function createEmailChangeRequestsPersonalData(db: Kysely<Database>, cipher: FieldCipher): PersonalDataHandler {
  return {
    module: 'email_change_requests',
    tables: ['email_change_requests'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      if (!subject.accountId) return { email_change_requests: [] };
      const rows = (await requests.requestsOfAccount(ex, subject.accountId)).map(({ email_enc, ...r }) => ({ ...r, new_email: cipher.decrypt(email_enc, EMAIL_DETAIL) }));
      return { email_change_requests: exportRows('email_change_requests', rows, WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      return { email_change_requests: { ...emptyErasure(), deleted: subject.accountId ? await requests.deleteRequestsOfAccount(ex, subject.accountId) : 0 } };
    },
    async eraseOrganization(orgId, ex = db) {
      return { outcome: { email_change_requests: { ...emptyErasure(), deleted: await requests.deleteRequestsOfOrg(ex, orgId) } }, more: false };
    },
  };
}
