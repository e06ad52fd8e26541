// Consent, its history and page views (PRV-1..PRV-5): the visitor's or the signed-in user's.
import type { Page } from '../../contracts/common.ts';
import type { ConsentEvent, ConsentRequestSource, ConsentState, PageViewBody, PurposeName } from '../../contracts/consent.ts';
import { request } from './client.ts';

export type { ConsentEvent, ConsentState, PurposeName, PurposeState } from '../../contracts/consent.ts';
/** Where the web app records a choice from: the banner or the preferences page. */
export type ConsentSource = Exclude<ConsentRequestSource, 'api'>;

export const consentApi = {
  consent: () => request<ConsentState>('GET', '/api/v1/consent'),
  setConsent: (choices: Array<{ purpose: PurposeName; granted: boolean }>, source: ConsentSource) =>
    request<ConsentState>('POST', '/api/v1/consent', { body: { choices, source } }),
  consentHistory: (cursor?: string) => request<Page<ConsentEvent>>('GET', '/api/v1/consent/history', { query: { cursor, limit: 20 } }),
  pageView: (view: PageViewBody) => request<void>('POST', '/api/v1/analytics/events', { body: view }),
};
