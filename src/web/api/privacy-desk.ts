// Privacy requests for privacy staff (DSR-1, DSR-4, DSR-5, DSR-7) and reports of a child's account
// (DSR-8); and the public forms that make a Shine the Light request or report a child's account.
import type { Static } from 'typebox';
import type { ChildReportReceipt, StaffChildReport as StaffChildReportSchema } from '../../contracts/child-reports.ts';
import type { PrivacyRequest, StaffPrivacyRequest as StaffPrivacyRequestSchema } from '../../contracts/rights.ts';
import { authed, enc, request } from './client.ts';

export type { ChildReportReceipt } from '../../contracts/child-reports.ts';
export type { PrivacyRequest } from '../../contracts/rights.ts';
export type StaffPrivacyRequest = Static<typeof StaffPrivacyRequestSchema>;
export type StaffChildReport = Static<typeof StaffChildReportSchema>;

export type RequestKind = StaffPrivacyRequest['kind'];
export type Regime = StaffPrivacyRequest['regime'];
export type Channel = StaffPrivacyRequest['channel'];
export type RequestState = StaffPrivacyRequest['state'];
export type Outcome = 'complied' | 'partly_complied' | 'denied';

/** DSR-7: what a "Your California Privacy Rights" request carries. */
export interface ShineTheLightForm {
  email: string;
  statement: string;
  siteName: string;
  name: string;
  street: string;
  city: string;
  state: string;
  zip: string;
}

export interface EnterRequestInput {
  kind: RequestKind;
  regime: Regime;
  channel: Channel;
  email: string;
  details?: string | undefined;
}

const staff = '/api/v1/staff/privacy';

export const privacyDeskApi = {
  privacyQueue: (q: { state?: RequestState | undefined; cursor?: string | undefined } = {}) =>
    request<{ items: StaffPrivacyRequest[]; nextCursor: string | null }>('GET', `${staff}/requests`, { query: { limit: 100, ...q }, ...authed }),
  privacyRequest: (id: string) => request<StaffPrivacyRequest>('GET', `/api/v1/privacy/requests/${enc(id)}`, authed),
  enterPrivacyRequest: (input: EnterRequestInput) => request<StaffPrivacyRequest>('POST', `${staff}/requests`, { body: input, ...authed }),
  extendPrivacyRequest: (id: string, reason: string) => request<StaffPrivacyRequest>('POST', `${staff}/requests/${enc(id)}/extend`, { body: { reason }, ...authed }),
  closePrivacyRequest: (id: string, outcome: Outcome, reason?: string) =>
    request<StaffPrivacyRequest>('POST', `${staff}/requests/${enc(id)}/close`, { body: { outcome, ...(reason ? { reason } : {}) }, ...authed }),

  childReports: (cursor?: string) => request<{ items: StaffChildReport[]; nextCursor: string | null }>('GET', `${staff}/child-reports`, { query: { limit: 100, ...(cursor ? { cursor } : {}) }, ...authed }),
  confirmChildReport: (id: string) => request<StaffChildReport>('POST', `${staff}/child-reports/${enc(id)}/confirm`, authed),
  dismissChildReport: (id: string, reason: string) => request<StaffChildReport>('POST', `${staff}/child-reports/${enc(id)}/dismiss`, { body: { reason }, ...authed }),

  /** DSR-7: the public form (no account needed). */
  shineTheLight: (form: ShineTheLightForm) => request<PrivacyRequest>('POST', '/api/v1/privacy/requests', { body: { kind: 'shine_the_light', regime: 'ccpa', ...form } }),
  /** DSR-8: the public report form; the answer is the same whatever the address. */
  reportChildAccount: (accountEmail: string, details: string) => request<ChildReportReceipt>('POST', '/api/v1/privacy/child-reports', { body: { accountEmail, details } }),
};
