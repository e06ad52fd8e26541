import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { exportRows, keptErasure, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import { countEntriesAbout, entriesAbout } from './audit.repository.ts';
import { countEntriesOfOrg } from './personal-data.repository.ts';

const WITHHELD: WithheldColumn[] = [
  { table: 'audit_log', column: 'prev_hash', why: "the chain's link: says nothing about the person" },
  { table: 'audit_log', column: 'hash', why: "the chain's keyed hash (SEC-1): says nothing about the person" },
];

/**
 * The audit module's handler (DSR-1, DSR-5): the entries the person made, and those about their
 * account or memberships. Erasure keeps them unchanged under `security_audit`: the database refuses
 * to update or delete an entry (SEC-1, append-only), and each entry's keyed hash covers every column
 * and the entry before it, so a rewritten entry would make `castellan audit verify` fail from there
 * on. The entries hold ids, the request's IP address and what an auditor needs; never a secret.
 * An organization's deletion (DSR-6) keeps its log the same way.
 */
export function createAuditPersonalData(db: Kysely<Database>): PersonalDataHandler {
  const idsOf = (s: { accountId: string | null; membershipIds: readonly string[] }) => [...(s.accountId ? [s.accountId] : []), ...s.membershipIds];
  return {
    module: 'audit',
    tables: ['audit_log'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      const rows = await entriesAbout(ex, idsOf(subject));
      return { audit_log: exportRows('audit_log', rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown })), WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      return { audit_log: keptErasure(await countEntriesAbout(ex, idsOf(subject)), 'security_audit', 'unchanged') };
    },
    async eraseOrganization(orgId, ex = db) {
      return { outcome: { audit_log: keptErasure(await countEntriesOfOrg(ex, orgId), 'security_audit', 'unchanged') }, more: false };
    },
  };
}
