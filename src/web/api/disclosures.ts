// The disclosure ledger (PRV-9): staff with the privacy or owner role.
import type { Page } from '../../contracts/common.ts';
import type { Disclosure, DisclosureQuery, LegalRequestBody } from '../../contracts/disclosures.ts';
import { authed, enc, request } from './client.ts';

export type { Disclosure } from '../../contracts/disclosures.ts';
/**
 * A disclosure made on legal request, as privacy staff record it. The form's categories are the
 * strings its checkboxes hold; the server refuses any outside the list.
 */
export type LegalRequestInput = Omit<LegalRequestBody, 'categories'> & { categories: string[] };
/**
 * The ledger's filters; `from` and `until` are ISO instants or YYYY-MM-DD days (from inclusive,
 * until exclusive). `kind` is the filter's select value; the server refuses one outside the list.
 */
export type DisclosureFilters = Omit<Partial<DisclosureQuery>, 'kind'> & { kind?: string };

export const disclosuresApi = {
  listDisclosures: (filters: DisclosureFilters) =>
    request<Page<Disclosure>>('GET', '/api/v1/staff/privacy/disclosures', {
      query: { ...filters, directMarketing: filters.directMarketing === undefined ? undefined : String(filters.directMarketing) },
      ...authed,
    }),
  getDisclosure: (id: string) => request<Disclosure>('GET', `/api/v1/staff/privacy/disclosures/${enc(id)}`, authed),
  recordLegalRequest: (input: LegalRequestInput) => request<Disclosure>('POST', '/api/v1/staff/privacy/disclosures', { body: input, ...authed }),
};
