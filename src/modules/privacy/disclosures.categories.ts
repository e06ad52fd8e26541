/**
 * PRV-9: the fixed vocabulary of the disclosure ledger. Every disclosure names
 * the kind of recipient and the categories of personal data it received, from
 * these lists only, so the ledger can be filtered and a DSR-7 answer can list
 * categories without interpreting free text. (Plain data, no imports: the web
 * app shows the same lists.)
 */

export const RECIPIENT_KINDS = ['service_provider', 'partner', 'integration', 'legal_request'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export const RECIPIENT_KIND_LABELS: Record<RecipientKind, string> = {
  service_provider: 'Service provider',
  partner: 'Partner',
  integration: 'Integration',
  legal_request: 'Legal request',
};

/** The categories of personal data, after the categories California's privacy law names. */
export const DATA_CATEGORIES = {
  identifiers: 'Identifiers: name, email address, account id, username, IP address',
  contact: 'Contact details: email address, postal address, telephone number',
  account: 'Account records: organization, role, sign-in and security settings',
  commercial: 'Commercial information: plan, orders, billing records',
  internet_activity: 'Internet activity: pages viewed, searches, interactions with the service',
  geolocation: 'Geolocation data',
  professional: 'Professional information: employer, job title',
  inferences: 'Inferences drawn from other data: preferences, characteristics',
  message_content: 'The content of messages: email sent to or by the person',
} as const;

export type DataCategory = keyof typeof DATA_CATEGORIES;
export const DATA_CATEGORY_NAMES = Object.keys(DATA_CATEGORIES) as DataCategory[];

export const isRecipientKind = (kind: string): kind is RecipientKind => (RECIPIENT_KINDS as readonly string[]).includes(kind);
export const isDataCategory = (category: string): category is DataCategory => Object.hasOwn(DATA_CATEGORIES, category);
