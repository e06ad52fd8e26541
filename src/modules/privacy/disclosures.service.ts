import type { DisclosureQuery as DisclosureFilter, LegalRequestBody } from '../../contracts/disclosures.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import { normalizeEmail } from '../accounts/index.ts';
import type { OutboxMessage } from '../mail/index.ts';
import { DATA_CATEGORY_NAMES, type DataCategory, isRecipientKind } from './disclosures.categories.ts';
import * as repo from './disclosures.repository.ts';
import {
  type DisclosureEntry,
  type DisclosureView,
  instantOf,
  parseCategories,
  toDisclosureView,
  validCategories,
  validEntry,
} from './disclosures.views.ts';
import type { PrivacyDeps } from './privacy.deps.ts';
import { PrivacyErrors } from './privacy.errors.ts';

/** What a message handed to the mail provider carries about its recipient. */
const MAIL_CATEGORIES: DataCategory[] = ['identifiers', 'contact', 'message_content'];
const PAGE_MAX = 200;

/** The ledger's filters; `from` and `until` are days (YYYY-MM-DD, UTC; a whole day) or instants (from inclusive, until exclusive). */
export type DisclosureQuery = DisclosureFilter;

/** A disclosure on legal request, as privacy staff record it; `reference` is the request's own number (a subpoena's, a court order's). */
export type LegalRequestInput = LegalRequestBody;

/** DSR-7: one third party that received a person's data for its own direct marketing in a year. */
export interface DirectMarketingRecipient {
  name: string;
  address: string;
  categories: string[];
  disclosures: number;
  firstAt: string;
  lastAt: string;
}

export interface DirectMarketingReport {
  year: number;
  recipients: DirectMarketingRecipient[];
  /** Every category any of them received. */
  categories: string[];
}

/**
 * PRV-9: the disclosure ledger. Every module that shares personal data with a
 * third party calls `record`, inside the transaction that shares it when there
 * is one; privacy staff read the ledger and record disclosures on legal request.
 */
export function createDisclosures(deps: PrivacyDeps) {
  const { db, clock, audit, config } = deps;

  /** Appends one entry, in `ex` (the caller's transaction, if any); answers it as stored. */
  async function record(ex: Executor, entry: DisclosureEntry): Promise<DisclosureView> {
    const e = validEntry(entry);
    const row: Omit<repo.DisclosureRow, 'seq'> = {
      id: newId('dsc'),
      created_at: clock.now().toISOString(),
      recipient_kind: e.kind,
      recipient_name: e.recipientName,
      recipient_address: e.recipientAddress,
      categories: JSON.stringify(e.categories),
      purpose: e.purpose,
      direct_marketing: e.directMarketing ? 1 : 0,
      subject_type: e.subject?.type ?? null,
      subject_id: e.subject?.id ?? null,
      subject_email: e.subjectEmail,
      org_id: e.orgId,
      recorded_by: e.recordedBy,
      reference: e.reference,
    };
    await repo.insertDisclosure(ex, row);
    return toDisclosureView(row);
  }

  /**
   * A message the SMTP transport took: when the SMTP service is run by a third
   * party (the configured mail provider), it received the recipient's address
   * and the message. With no provider configured the server is the operator's
   * own, and nothing was disclosed.
   */
  async function recordMailDelivery(message: OutboxMessage): Promise<void> {
    const provider = config.mailProvider;
    if (!provider) return;
    await record(db, {
      kind: 'service_provider',
      recipientName: provider.name,
      recipientAddress: provider.address,
      categories: MAIL_CATEGORIES,
      purpose: 'email delivery',
      directMarketing: false,
      subject: message.userId ? { type: 'user', id: message.userId } : null,
      subjectEmail: message.userId ? null : message.to,
      reference: message.id,
    });
  }

  /** Privacy staff record what they disclosed on a legal request (a subpoena, a court order); audited. */
  async function recordLegalRequest(ctx: RequestContext, caller: Caller, input: LegalRequestInput): Promise<DisclosureView> {
    requireCapability(caller, 'privacy.ledger');
    const subjectUserId = input.subjectUserId?.trim() || undefined;
    if (!subjectUserId && !input.subjectEmail?.trim()) {
      throw new AppError(PrivacyErrors.invalidDisclosure, 'Name whose data was disclosed: an account id or an email address.', { details: { field: 'subject' } });
    }
    if (!input.reference?.trim()) throw new AppError(PrivacyErrors.invalidDisclosure, 'Give the legal request’s reference.', { details: { field: 'reference' } });
    return db.transaction().execute(async (trx) => {
      const view = await record(trx, {
        kind: 'legal_request',
        recipientName: input.recipientName,
        recipientAddress: input.recipientAddress,
        categories: validCategories(input.categories),
        purpose: input.purpose,
        directMarketing: false,
        subject: subjectUserId ? { type: 'user', id: subjectUserId } : null,
        subjectEmail: input.subjectEmail,
        orgId: input.orgId,
        recordedBy: accountIdOf(caller),
        reference: input.reference,
      });
      await audit.record(trx, ctx, {
        action: 'privacy.disclosure_recorded',
        orgId: view.orgId,
        target: { type: 'disclosure', id: view.id },
        details: { kind: view.recipientKind, recipient: view.recipientName, categories: view.categories, reference: view.reference },
      });
      return view;
    });
  }

  /** The ledger, newest first, filtered; paged by `cursor` (the `nextCursor` of the page before). */
  async function list(caller: Caller, q: DisclosureQuery): Promise<{ items: DisclosureView[]; nextCursor: string | null }> {
    requireCapability(caller, 'privacy.ledger');
    const limit = Math.min(Math.max(q.limit ?? 50, 1), PAGE_MAX);
    if (q.kind !== undefined && !isRecipientKind(q.kind)) throw new AppError(PrivacyErrors.unknownRecipientKind, undefined, { details: { field: 'kind' } });
    if (q.cursor !== undefined && !/^\d{1,15}$/.test(q.cursor)) throw new AppError(CommonErrors.invalid, 'The cursor is not valid.', { details: { field: 'cursor' } });
    const rows = await repo.listDisclosures(db, {
      recipient: q.recipient?.trim() || undefined,
      purpose: q.purpose?.trim() || undefined,
      kind: q.kind,
      subjectId: q.subjectId,
      // Addresses are stored lower-cased; any text may be looked for, and a non-address finds nothing.
      subjectEmail: q.subjectEmail?.trim() ? normalizeEmail(q.subjectEmail) : undefined,
      directMarketing: q.directMarketing,
      from: instantOf(q.from, 'from'),
      until: instantOf(q.until, 'until', true),
      orgId: q.orgId,
      beforeSeq: q.cursor === undefined ? undefined : Number(q.cursor),
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(toDisclosureView), nextCursor: rows.length > limit && last ? String(last.seq) : null };
  }

  async function get(caller: Caller, id: string): Promise<DisclosureView> {
    requireCapability(caller, 'privacy.ledger');
    const row = await repo.findDisclosure(db, id);
    if (!row) throw new AppError(CommonErrors.notFound);
    return toDisclosureView(row);
  }

  /**
   * DSR-7 (Shine the Light): the third parties that received this person's data
   * (by account, by address, or both) for their own direct marketing in calendar
   * year `year` (UTC), each with its name, address and the categories received.
   * It checks no permission: the request flow that calls it decides who may ask.
   */
  async function directMarketingRecipients(who: { userId?: string | null | undefined; email?: string | null | undefined }, year: number): Promise<DirectMarketingReport> {
    const userId = who.userId?.trim() || null;
    const email = who.email?.trim() ? normalizeEmail(who.email) : null;
    if (!userId && !email) throw new AppError(CommonErrors.invalid, 'Name the person: an account id or an email address.', { details: { field: 'subject' } });
    if (!Number.isInteger(year) || year < 1970 || year > 9999) throw new AppError(CommonErrors.invalid, 'The year is not valid.', { details: { field: 'year' } });
    const from = new Date(Date.UTC(year, 0, 1)).toISOString();
    const until = new Date(Date.UTC(year + 1, 0, 1)).toISOString();
    const rows = await repo.directMarketingDisclosures(db, { userId, email }, from, until);
    const byRecipient = new Map<string, DirectMarketingRecipient & { seen: Set<string> }>();
    for (const r of rows) {
      const key = JSON.stringify([r.recipient_name, r.recipient_address]);
      const entry = byRecipient.get(key) ?? { name: r.recipient_name, address: r.recipient_address, categories: [], disclosures: 0, firstAt: r.created_at, lastAt: r.created_at, seen: new Set() };
      for (const c of parseCategories(r.categories)) entry.seen.add(c);
      entry.disclosures += 1;
      if (r.created_at < entry.firstAt) entry.firstAt = r.created_at;
      if (r.created_at > entry.lastAt) entry.lastAt = r.created_at;
      byRecipient.set(key, entry);
    }
    const inOrder = (seen: Set<string>) => DATA_CATEGORY_NAMES.filter((c) => seen.has(c));
    const recipients = [...byRecipient.values()]
      .map(({ seen, ...r }) => ({ ...r, categories: inOrder(seen) }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.address.localeCompare(b.address));
    const all = new Set(recipients.flatMap((r) => r.categories));
    return { year, recipients, categories: inOrder(all) };
  }

  return { record, recordMailDelivery, recordLegalRequest, list, get, directMarketingRecipients };
}

export type Disclosures = ReturnType<typeof createDisclosures>;
