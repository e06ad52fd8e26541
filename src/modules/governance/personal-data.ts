import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type DataSubject, emptyErasure, exportRows, type PersonalDataHandler } from '../rights/index.ts';
import { deleteControlsOfAccount, deleteControlsOfOrganization, findControl } from './controls.repository.ts';
import { deleteDomainsOf } from './domains.repository.ts';
import { deleteNoticesOfAccount, noticesOfAccount } from './notices.repository.ts';

/**
 * Governance's handler (DSR-1, DSR-5): the organization that administers the person's account
 * (GOV-3) and the in-app notices shown to them. Erasure removes both. DSR-6: an organization's
 * control over accounts and its domains go with it; the notices people were shown are theirs and
 * stay.
 */
export function createGovernancePersonalData(db: Kysely<Database>): PersonalDataHandler {
  const accountOf = (s: DataSubject) => s.accountId ?? null;
  return {
    module: 'governance',
    tables: ['account_controls', 'account_notices', 'domains'],
    withheld: [],
    async export(subject, ex = db) {
      const id = accountOf(subject);
      if (!id) return { account_controls: [], account_notices: [] };
      const control = await findControl(ex, id);
      return {
        account_controls: exportRows('account_controls', control ? [control] : [], []),
        account_notices: exportRows('account_notices', await noticesOfAccount(ex, id), []),
      };
    },
    async erase(subject, _reason, ex = db) {
      const id = accountOf(subject);
      return {
        account_controls: { ...emptyErasure(), deleted: id ? await deleteControlsOfAccount(ex, id) : 0 },
        account_notices: { ...emptyErasure(), deleted: id ? await deleteNoticesOfAccount(ex, id) : 0 },
      };
    },
    async eraseOrganization(orgId, ex = db) {
      const controls = await deleteControlsOfOrganization(ex, orgId);
      return { outcome: { account_controls: { ...emptyErasure(), deleted: controls }, domains: { ...emptyErasure(), deleted: await deleteDomainsOf(ex, orgId) } }, more: false };
    },
  };
}
