import { AppError, CommonErrors } from '../../core/errors.ts';
import { normalizeEmail } from '../accounts/index.ts';
import type { SubjectType } from './consent.service.ts';
import { DATA_CATEGORY_NAMES, type DataCategory, type RecipientKind, isDataCategory, isRecipientKind } from './disclosures.categories.ts';
import type { DisclosureRow } from './disclosures.repository.ts';
import { PrivacyErrors } from './privacy.errors.ts';
import type { DisclosureView } from './privacy.views.ts';

/** One sharing of personal data with a third party, as other modules record it (PRV-9). */
export interface DisclosureEntry {
  kind: RecipientKind;
  recipientName: string;
  /** The recipient's postal address (DSR-7 answers name it). */
  recipientAddress: string;
  categories: readonly DataCategory[];
  purpose: string;
  /** For the recipient's own direct marketing (DSR-7); never for a legal request. */
  directMarketing?: boolean | undefined;
  /** Whose data: an account or a visitor. */
  subject?: { type: SubjectType; id: string } | null | undefined;
  /** Whose data, for a person without an account (or besides it). */
  subjectEmail?: string | null | undefined;
  orgId?: string | null | undefined;
  /** The staff member who recorded it; null when Castellan itself shared the data. */
  recordedBy?: string | null | undefined;
  /** The legal request's number, or a message's id: whatever finds the disclosure again. */
  reference?: string | null | undefined;
}

export type { DisclosureView } from './privacy.views.ts';

export function toDisclosureView(r: Omit<DisclosureRow, 'seq'>): DisclosureView {
  return {
    id: r.id,
    at: r.created_at,
    recipientKind: r.recipient_kind as RecipientKind,
    recipientName: r.recipient_name,
    recipientAddress: r.recipient_address,
    categories: parseCategories(r.categories),
    purpose: r.purpose,
    directMarketing: Number(r.direct_marketing) === 1,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectEmail: r.subject_email,
    orgId: r.org_id,
    recordedBy: r.recorded_by,
    reference: r.reference,
  };
}

export function parseCategories(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
}

const invalid = (field: string, message: string) => new AppError(PrivacyErrors.invalidDisclosure, message, { details: { field } });

/** How messages name the fields, for people. */
const LABELS: Record<string, string> = {
  recipientName: 'The recipient’s name',
  recipientAddress: 'The recipient’s address',
  purpose: 'The purpose',
  reference: 'The reference',
  subjectId: 'The subject’s id',
  orgId: 'The organization id',
};

function text(value: string | null | undefined, field: string, max: number): string {
  const v = (value ?? '').trim();
  if (v.length === 0 || v.length > max) throw invalid(field, `${LABELS[field] ?? field} must be between 1 and ${max} characters.`);
  return v;
}

function optional(value: string | null | undefined, field: string, max: number): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : text(value, field, max);
}

/**
 * A subject's address, lower-cased as accounts store it. Only its shape is
 * checked: an address the mail system already sent to must always be recordable.
 */
export function subjectEmailOf(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const email = normalizeEmail(value);
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw invalid('subjectEmail', 'The subject’s email address is not an address.');
  return email;
}

/** The categories in their documented order, each once; unknown ones are refused by name. */
export function validCategories(categories: readonly string[]): DataCategory[] {
  for (const c of categories) {
    if (!isDataCategory(c)) throw new AppError(PrivacyErrors.unknownDataCategory, `"${c}" is not one of ${DATA_CATEGORY_NAMES.join(', ')}.`, { details: { field: 'categories' } });
  }
  const wanted = new Set(categories);
  const out = DATA_CATEGORY_NAMES.filter((c) => wanted.has(c));
  if (out.length === 0) throw invalid('categories', 'Name at least one category of personal data.');
  return out;
}

/** Checks an entry and gives it the stored form of its fields (trimmed, normalized, in order). */
export function validEntry(entry: DisclosureEntry) {
  if (!isRecipientKind(entry.kind)) throw new AppError(PrivacyErrors.unknownRecipientKind, undefined, { details: { field: 'kind' } });
  const directMarketing = entry.directMarketing === true;
  if (directMarketing && entry.kind === 'legal_request') throw invalid('directMarketing', 'A disclosure on legal request is not for direct marketing.');
  if (entry.subject && entry.subject.type !== 'user' && entry.subject.type !== 'visitor') throw invalid('subjectType', 'A subject is a user or a visitor.');
  const subject = entry.subject ? { type: entry.subject.type, id: text(entry.subject.id, 'subjectId', 100) } : null;
  return {
    kind: entry.kind,
    recipientName: text(entry.recipientName, 'recipientName', 200),
    recipientAddress: text(entry.recipientAddress, 'recipientAddress', 500),
    categories: validCategories(entry.categories),
    purpose: text(entry.purpose, 'purpose', 500),
    directMarketing,
    subject,
    subjectEmail: subjectEmailOf(entry.subjectEmail),
    orgId: optional(entry.orgId, 'orgId', 100),
    recordedBy: entry.recordedBy ?? null,
    reference: optional(entry.reference, 'reference', 200),
  };
}

/** A calendar day (YYYY-MM-DD, UTC) or an instant, as an ISO instant; `endOfDay` moves a day to the next midnight. */
export function instantOf(value: string | undefined, field: string, endOfDay = false): string | undefined {
  if (value === undefined) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const d = new Date(day ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(d.getTime())) throw new AppError(CommonErrors.invalid, `${field} is not a date.`, { details: { field } });
  if (day && endOfDay) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}
