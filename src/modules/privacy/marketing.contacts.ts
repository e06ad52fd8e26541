import type { RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { type CustomerContact, findCustomerContacts, listActiveCustomerIds, requireCapability } from '../accounts/index.ts';
import type { Consent } from './consent.service.ts';
import type { MarketingActor } from './marketing.campaigns.ts';
import type { PrivacyDeps } from './privacy.deps.ts';
import { PrivacyErrors } from './privacy.errors.ts';
import { PURPOSES } from './purposes.ts';

/** The purposes a contact list may be exported for: both opt-in only (PRV-3). */
export const CONTACT_PURPOSES = ['direct_mail', 'telemarketing'] as const;
export type ContactPurpose = (typeof CONTACT_PURPOSES)[number];
export type ContactFormat = 'csv';

const BATCH = 500;
const HEADER = ['id', 'name', 'email', 'organization_name', 'organization_address', 'phone'];

const isContactPurpose = (p: string): p is ContactPurpose => (CONTACT_PURPOSES as readonly string[]).includes(p);

/** RFC 4180 quoting: fields with a comma, quote, line break or edge space are quoted, quotes doubled. */
const csvField = (v: string) => (/[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function toCsv(contacts: CustomerContact[]): string {
  const lines = [HEADER.join(',')];
  for (const c of contacts) lines.push([c.id, c.name, c.email, c.org_name, c.org_address ?? '', c.org_phone ?? ''].map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * PRV-7: direct-mail and telemarketing lists hold only people with a recorded
 * opt-in (their latest choice for the purpose is a grant); someone who never
 * chose, or who granted and later refused, is not on them.
 */
export function createContacts(deps: PrivacyDeps, consent: Consent) {
  const { db, audit } = deps;

  async function exportContacts(
    ctx: RequestContext,
    actor: MarketingActor,
    purpose: string,
    format: ContactFormat = 'csv',
  ): Promise<{ text: string; count: number }> {
    if (actor !== 'operator') requireCapability(actor.user, 'privacy.campaigns');
    // Both purposes are opt-in, so only a recorded grant lets anyone onto the list.
    if (!isContactPurpose(purpose) || PURPOSES[purpose].rule !== 'opt_in') {
      throw new AppError(PrivacyErrors.invalidContactPurpose, undefined, { details: { field: 'purpose' } });
    }
    const candidates = await listActiveCustomerIds(db, { verifiedEmail: false });
    const allowed = await consent.usersAllowing(purpose, candidates);
    const contacts: CustomerContact[] = [];
    for (let i = 0; i < allowed.length; i += BATCH) contacts.push(...(await findCustomerContacts(db, allowed.slice(i, i + BATCH))));
    await audit.record(db, ctx, {
      action: 'privacy.contacts_exported',
      target: null,
      details: { purpose, format, contacts: contacts.length },
    });
    return { text: toCsv(contacts), count: contacts.length };
  }

  return { exportContacts };
}

export type Contacts = ReturnType<typeof createContacts>;
