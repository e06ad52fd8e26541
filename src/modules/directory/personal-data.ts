import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, Executor } from '../../db/schema.ts';
import { emptyErasure, type ErasureOutcome, exportRows, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import * as repo from './personal-data.repository.ts';

const WITHHELD: WithheldColumn[] = [
  { table: 'memberships', column: 'invite_token_hash', why: 'a hash of the invitation link: a credential' },
  { table: 'memberships', column: 'imported_password_hash_enc', why: 'a password hash kept from a former directory, encrypted: never exported or shown (ACC-2, DIR-5)' },
  { table: 'service_accounts', column: 'secret_hash', why: 'a hash of the service account secret: a credential' },
  { table: 'scim_tokens', column: 'token_hash', why: 'a hash of the SCIM token: a credential' },
];

/**
 * The directory's handler (DSR-1, DSR-5). A membership is the organization's record of the person:
 * where an organization makes the service available to someone, it administers their account and
 * can terminate their access (the "Notice to End Users" of the privacy policy, GOV-1). So erasure
 * never removes a member from under their organization: it de-identifies the entry (no account,
 * placeholder address, name and username, no home directory, suspended), keeping its POSIX ids,
 * groups and bindings so that the organization's systems see a suspended, anonymous entry, and the
 * organization decides whether to remove it. An invitation never accepted is not yet anyone's
 * entry and is removed. The account's references as the inviter of others or the maker of a
 * service account are cleared; those rows are other people's and stay.
 */
export function createDirectoryPersonalData(db: Kysely<Database>, clock: Clock) {
  const handler: PersonalDataHandler = {
    module: 'directory',
    tables: ['memberships', 'service_accounts', 'org_deletions', 'organizations', 'groups', 'group_members', 'resources', 'bindings', 'posix_counters', 'scim_tokens'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      const memberships = await repo.membershipsOf(ex, subject.accountId, subject.email);
      const made = subject.accountId ? await repo.serviceAccountsMadeBy(ex, subject.accountId) : [];
      const deletions = subject.accountId ? await repo.orgDeletionsOf(ex, subject.accountId) : [];
      const tokens = subject.accountId ? await repo.scimTokensMadeBy(ex, subject.accountId) : [];
      return {
        memberships: exportRows('memberships', memberships, WITHHELD),
        service_accounts: exportRows('service_accounts', made, WITHHELD),
        org_deletions: exportRows('org_deletions', deletions, WITHHELD),
        scim_tokens: exportRows('scim_tokens', tokens, WITHHELD),
      };
    },
    async erase(subject, _reason, ex = db) {
      const memberships = emptyErasure();
      const serviceAccounts = emptyErasure();
      const scimTokens = emptyErasure();
      const now = clock.now().toISOString();
      for (const m of await repo.membershipsOf(ex, subject.accountId, subject.email)) {
        if (m.account_id === null && m.status === 'invited') {
          memberships.deleted += await repo.deleteMembership(ex, m.org_id, m.id);
          continue;
        }
        const placeholder = { email: `erased.${m.id}@invalid`.toLowerCase(), name: 'Erased member', username: m.uid_number === null ? null : `erased-${m.uid_number}` };
        memberships.deidentified += await repo.deidentifyMembership(ex, m.org_id, m.id, placeholder, now);
      }
      const orgDeletions = emptyErasure();
      if (subject.accountId) {
        const cleared = await repo.clearAccountReferences(ex, subject.accountId);
        memberships.deidentified += cleared.memberships;
        serviceAccounts.deidentified += cleared.service_accounts;
        scimTokens.deidentified += cleared.scim_tokens;
        orgDeletions.deidentified += await repo.clearOrgDeletionReferences(ex, subject.accountId);
      }
      return { memberships, service_accounts: serviceAccounts, org_deletions: orgDeletions, scim_tokens: scimTokens };
    },
    /**
     * DSR-6: the organization's members (their imported password hashes with them), group
     * memberships and grants go a batch at a time; once no member is left, its groups, resources,
     * remaining grants, service accounts and POSIX counter. The accounts stay: they are the people's
     * own. The organization's row and its deletion record are the deletion job's to finish.
     */
    async eraseOrganization(orgId, ex = db, opts = {}) {
      const batchRows = opts.batchRows ?? Number.MAX_SAFE_INTEGER;
      const batch = await repo.deleteMembersBatch(ex, orgId, batchRows);
      const outcome: ErasureOutcome = {};
      for (const [table, deleted] of Object.entries(batch)) outcome[table] = { ...emptyErasure(), deleted };
      if (batch.memberships >= batchRows) return { outcome, more: true };
      for (const [table, deleted] of Object.entries(await repo.deleteOrganizationRest(ex, orgId))) outcome[table] = { ...emptyErasure(), deleted: (outcome[table]?.deleted ?? 0) + deleted };
      return { outcome, more: false };
    },
  };

  /** The ids of the memberships a subject holds (DataSubject.membershipIds), the names they go by there, and those they sign in with (DataSubject.logins). */
  async function membershipsOf(accountId: string | null, email: string | null, ex: Executor = db): Promise<{ ids: string[]; names: string[]; logins: Array<{ orgId: string; names: string[] }> }> {
    const rows = await repo.membershipsOf(ex, accountId, email);
    const logins = rows.map((m) => ({ orgId: m.org_id, names: [m.email, m.username].filter((n): n is string => typeof n === 'string' && n.length > 0) }));
    return { ids: rows.map((m) => m.id), names: rows.map((m) => m.name), logins };
  }

  return { handler, membershipsOf };
}
