/**
 * What the privacy API answers, as types only. The one definition is the HTTP contract
 * (src/contracts): the server builds these, and the web app reads the same types.
 */
export type { ConsentEvent as ConsentEventView, PurposeState } from '../../contracts/consent.ts';
export type { Disclosure as DisclosureView } from '../../contracts/disclosures.ts';
