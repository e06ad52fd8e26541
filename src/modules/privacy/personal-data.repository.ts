import { sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';

/** DSR-1, DSR-5: the privacy module's rows about one person, for the personal-data registry. */

export interface PrivacySubject {
  accountId: string | null;
  email: string | null;
  /** The visitor ids linked to the account (PRV-6). */
  visitorIds: string[];
}

export async function visitorIdsOf(ex: Executor, accountId: string | null): Promise<string[]> {
  if (!accountId) return [];
  const rows = await ex.selectFrom('visitor_links').select('visitor_id').where('user_id', '=', accountId).execute();
  return rows.map((r) => r.visitor_id);
}

/** The account's consent events, those of the visitor ids linked to it, and those made by its address. */
function consentOf(ex: Executor, s: PrivacySubject) {
  return ex.selectFrom('consent_events').where((eb) =>
    eb.or([
      eb.and([eb('subject_type', '=', 'user'), eb('subject_id', '=', s.accountId ?? '')]),
      ...(s.visitorIds.length > 0 ? [eb.and([eb('subject_type', '=', 'visitor'), eb('subject_id', 'in', s.visitorIds)])] : []),
      // An opt-out made by address alone, without an account (DSR-2).
      ...(s.email ? [eb.and([eb('subject_type', '=', 'email'), eb('subject_id', '=', s.email)])] : []),
    ]),
  );
}

export async function countConsentEvents(ex: Executor, s: PrivacySubject): Promise<number> {
  const row = await consentOf(ex, s).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function privacyRows(ex: Executor, s: PrivacySubject) {
  const user = s.accountId ?? '';
  const consent = await consentOf(ex, s).selectAll().orderBy('seq').execute();
  const analytics = await ex
    .selectFrom('analytics_events')
    .selectAll()
    .where((eb) => eb.or([eb('user_id', '=', user), ...(s.visitorIds.length > 0 ? [eb('visitor_id', 'in', s.visitorIds)] : [])]))
    .orderBy('created_at')
    .execute();
  const disclosures = await ex
    .selectFrom('disclosures')
    .selectAll()
    .where((eb) => eb.or([eb.and([eb('subject_type', '=', 'user'), eb('subject_id', '=', user)]), ...(s.email ? [eb('subject_email', '=', s.email)] : [])]))
    .orderBy('seq')
    .execute();
  return {
    consent_events: consent,
    analytics_events: analytics,
    visitor_links: await ex.selectFrom('visitor_links').selectAll().where('user_id', '=', user).execute(),
    policy_acknowledgements: await ex.selectFrom('policy_acknowledgements').selectAll().where('user_id', '=', user).execute(),
    policy_notices: await ex.selectFrom('policy_notices').selectAll().where('user_id', '=', user).execute(),
    disclosures,
    mail_opens: await ex.selectFrom('mail_opens').selectAll().where('user_id', '=', user).execute(),
  };
}

/** Removes what the account's activity left; consent events are append-only (PRV-4) and are not touched. */
export async function deleteActivity(ex: Executor, s: PrivacySubject) {
  const user = s.accountId ?? '';
  const analytics = await ex
    .deleteFrom('analytics_events')
    .where((eb) => eb.or([eb('user_id', '=', user), ...(s.visitorIds.length > 0 ? [eb('visitor_id', 'in', s.visitorIds)] : [])]))
    .executeTakeFirst();
  const links = await ex.deleteFrom('visitor_links').where('user_id', '=', user).executeTakeFirst();
  const acks = await ex.deleteFrom('policy_acknowledgements').where('user_id', '=', user).executeTakeFirst();
  const notices = await ex.deleteFrom('policy_notices').where('user_id', '=', user).executeTakeFirst();
  const opens = await ex.deleteFrom('mail_opens').where('user_id', '=', user).executeTakeFirst();
  return {
    analytics_events: Number(analytics.numDeletedRows),
    visitor_links: Number(links.numDeletedRows),
    policy_acknowledgements: Number(acks.numDeletedRows),
    policy_notices: Number(notices.numDeletedRows),
    mail_opens: Number(opens.numDeletedRows),
  };
}

/** PRV-9: the ledger keeps each disclosure (recipient, categories, purpose, time) without its subject. */
export async function deidentifyDisclosures(ex: Executor, s: PrivacySubject): Promise<number> {
  const user = s.accountId ?? '';
  const r = await ex
    .updateTable('disclosures')
    .set({ subject_type: null, subject_id: null, subject_email: null })
    .where((eb) => eb.or([eb.and([eb('subject_type', '=', 'user'), eb('subject_id', '=', user)]), ...(s.email ? [eb('subject_email', '=', s.email)] : [])]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * DSR-6, PRV-9: the ledger keeps each disclosure made for the organization without the
 * organization; its subject is cleared only where it was one of the organization's own invitees
 * without an account (by address): a member's account stays, and so does the ledger's entry about it.
 */
export async function deidentifyDisclosuresOfOrg(ex: Executor, orgId: string, invitees: readonly string[]): Promise<number> {
  for (let i = 0; i < invitees.length; i += IN_CHUNK) {
    const chunk = invitees.slice(i, i + IN_CHUNK).map((a) => a.toLowerCase());
    await ex
      .updateTable('disclosures')
      .set({ subject_type: null, subject_id: null, subject_email: null })
      .where('org_id', '=', orgId)
      .where(sql<string>`lower(subject_email)`, 'in', chunk)
      .execute();
  }
  const r = await ex.updateTable('disclosures').set({ org_id: null }).where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** IN lists of at most this many addresses: SQLite takes at most 32,766 bound values in a statement. */
const IN_CHUNK = 5000;
