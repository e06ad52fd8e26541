/** PRV-9: the disclosure ledger, for staff with the privacy or owner role. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Page, Query, StrictObject, StringEnum } from './common.ts';

export const RECIPIENT_KINDS = ['service_provider', 'partner', 'integration', 'legal_request'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** The categories of personal data, after the categories California's privacy law names. */
export const DATA_CATEGORY_NAMES = [
  'identifiers',
  'contact',
  'account',
  'commercial',
  'internet_activity',
  'geolocation',
  'professional',
  'inferences',
  'message_content',
] as const;
export type DataCategory = (typeof DATA_CATEGORY_NAMES)[number];

const nullable = Nullable(Type.String());

/** One entry of the disclosure ledger (PRV-9). */
export const Disclosure = Type.Object({
  id: Type.String(),
  at: Type.String({ description: 'When it was recorded' }),
  recipientKind: StringEnum(RECIPIENT_KINDS),
  recipientName: Type.String(),
  recipientAddress: Type.String({ description: 'Postal address' }),
  categories: Type.Array(Type.String()),
  purpose: Type.String(),
  directMarketing: Type.Boolean({ description: "For the recipient's own direct marketing (DSR-7)" }),
  subjectType: Nullable(Type.String(), { description: '`user` or `visitor`, when the subject is one' }),
  subjectId: nullable,
  subjectEmail: nullable,
  orgId: nullable,
  recordedBy: Nullable(Type.String(), { description: 'The staff member who recorded it; null when Castellan itself shared the data' }),
  reference: nullable,
});
export type Disclosure = Static<typeof Disclosure>;
export const DisclosurePage = Page(Disclosure);

const dayOrInstant = (description: string) =>
  Type.Unsafe<string>({ type: 'string', anyOf: [{ format: 'date' }, { format: 'date-time' }], description });

export const DisclosureQuery = Query({
  recipient: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Part of the recipient's name" })),
  kind: Type.Optional(StringEnum(RECIPIENT_KINDS)),
  subjectId: Type.Optional(Id),
  subjectEmail: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
  directMarketing: Type.Optional(Type.Boolean()),
  from: Type.Optional(dayOrInstant('A day (YYYY-MM-DD, UTC) or an instant; inclusive')),
  until: Type.Optional(dayOrInstant('A day (the whole day is included) or an instant (exclusive)')),
  purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Part of the purpose' })),
  orgId: Type.Optional(Id),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
});
export type DisclosureQuery = Static<typeof DisclosureQuery>;

/** A disclosure made on legal request (a subpoena, a court order), as privacy staff record it. */
export const LegalRequestBody = StrictObject({
  recipientName: Type.String({ minLength: 1, maxLength: 200 }),
  recipientAddress: Type.String({ minLength: 1, maxLength: 500, description: 'Postal address' }),
  categories: Type.Array(StringEnum(DATA_CATEGORY_NAMES), { minItems: 1, maxItems: DATA_CATEGORY_NAMES.length, uniqueItems: true }),
  purpose: Type.String({ minLength: 1, maxLength: 500 }),
  reference: Type.String({ minLength: 1, maxLength: 200, description: "The request's own number, e.g. a subpoena's" }),
  subjectUserId: Type.Optional(Id),
  subjectEmail: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  orgId: Type.Optional(Id),
});
export type LegalRequestBody = Static<typeof LegalRequestBody>;

export const DisclosureParams = StrictObject({ disclosureId: Id });
export type DisclosureParams = Static<typeof DisclosureParams>;
