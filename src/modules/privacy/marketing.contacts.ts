import type { RequestContext } from '../../core/context.ts';
import { csvCell } from '../../core/csv.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import type { Consent } from './consent.service.ts';
import type { CustomerContact, PrivacyDeps } from './privacy.deps.ts';
import { PrivacyErrors } from './privacy.errors.ts';
import { PURPOSES } from './purposes.ts';

/** The purposes a contact list may be exported for: both opt-in only (PRV-3). */
export const CONTACT_PURPOSES = ['direct_mail', 'telemarketing'] as const;
export type ContactPurpose = (typeof CONTACT_PURPOSES)[number];
export type ContactFormat = 'csv';

const BATCH = 500;
const HEADER = ['id', 'name', 'email', 'organization_name', 'organization_address', 'phone'];

const isContactPurpose = (p: string): p is ContactPurpose => (CONTACT_PURPOSES as readonly string[]).includes(p);


function toCsv(contacts: CustomerContact[]): string {
  const lines = [HEADER.join(',')];
  for (const c of contacts) lines.push([c.id, c.name, c.email, c.org_name, c.org_address ?? '', c.org_phone ?? ''].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

/** Every customer's account id, in id order, read a page at a time. */
export async function customerIds(deps: PrivacyDeps, ex: Executor, verifiedEmail: boolean): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await deps.people.customersAfter(ex, { verifiedEmail, after, limit: 1000 });
    ids.push(...page.map((p) => p.id));
    if (page.length < 1000) return ids;
    after = page.at(-1)?.id ?? null;
  }
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
    caller: Caller,
    purpose: string,
    format: ContactFormat = 'csv',
  ): Promise<{ text: string; count: number }> {
    requireCapability(caller, 'privacy.campaigns');
    // Both purposes are opt-in, so only a recorded grant lets anyone onto the list.
    if (!isContactPurpose(purpose) || PURPOSES[purpose].rule !== 'opt_in') {
      throw new AppError(PrivacyErrors.invalidContactPurpose, undefined, { details: { field: 'purpose' } });
    }
    const candidates = await customerIds(deps, db, false);
    const allowed = await consent.usersAllowing(purpose, candidates);
    const contacts: CustomerContact[] = [];
    for (let i = 0; i < allowed.length; i += BATCH) contacts.push(...(await deps.people.contacts(db, allowed.slice(i, i + BATCH))));
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
