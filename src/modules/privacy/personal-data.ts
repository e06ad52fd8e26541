import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, keptErasure, type PersonalDataHandler } from '../rights/index.ts';
import * as repo from './personal-data.repository.ts';

const TABLES = ['consent_events', 'analytics_events', 'visitor_links', 'policy_acknowledgements', 'policy_notices', 'disclosures', 'mail_opens'] as const;

/**
 * The privacy module's handler (DSR-1, DSR-5): consent, the visitor ids linked to the account and
 * their analytics, policy acknowledgements and notices, marketing-mail opens, and the disclosures
 * ledger's entries about the person. Erasure removes the activity (analytics, visitor links, opens,
 * acknowledgements, notices); de-identifies the ledger's entries (PRV-9 keeps what was shared, with
 * whom and when, no longer whose); and keeps the consent events unchanged under `consent_proof`:
 * the database refuses to change or delete them (PRV-4), and they prove every choice, opt-outs
 * included. Nothing here is a secret, so nothing is withheld from an export.
 *
 * DSR-6: of an organization, the ledger holds the disclosures made for it (an integration, the
 * payment provider): they are kept without the organization, and without their subject where it
 * was one of its invitees without an account; a member's account is their own, and so is the
 * ledger's entry about it. Consent, analytics and
 * policy records belong to the members' own accounts, which stay.
 */
export function createPrivacyPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'privacy',
    tables: TABLES,
    withheld: [],
    async export(subject, ex = db) {
      const s = { accountId: subject.accountId, email: subject.email, visitorIds: await repo.visitorIdsOf(ex, subject.accountId) };
      const rows = await repo.privacyRows(ex, s);
      return Object.fromEntries(TABLES.map((t) => [t, exportRows(t, rows[t], [])]));
    },
    async erase(subject, _reason, ex = db) {
      const s = { accountId: subject.accountId, email: subject.email, visitorIds: await repo.visitorIdsOf(ex, subject.accountId) };
      const consent = await repo.countConsentEvents(ex, s);
      const deidentified = await repo.deidentifyDisclosures(ex, s);
      const deleted = await repo.deleteActivity(ex, s);
      return {
        consent_events: keptErasure(consent, 'consent_proof', 'unchanged'),
        analytics_events: { ...emptyErasure(), deleted: deleted.analytics_events },
        visitor_links: { ...emptyErasure(), deleted: deleted.visitor_links },
        policy_acknowledgements: { ...emptyErasure(), deleted: deleted.policy_acknowledgements },
        policy_notices: { ...emptyErasure(), deleted: deleted.policy_notices },
        disclosures: { ...emptyErasure(), deidentified },
        mail_opens: { ...emptyErasure(), deleted: deleted.mail_opens },
      };
    },
    async eraseOrganization(orgId, ex = db, opts = {}) {
      return { outcome: { disclosures: { ...emptyErasure(), deidentified: await repo.deidentifyDisclosuresOfOrg(ex, orgId, opts.invitees ?? []) } }, more: false };
    },
  };
}
