// DSR-1, DSR-5: fulfilment of data-subject requests: the account's "My data" page (a request made
// signed in, verified by re-authenticating, then the download link) and the staff desk's fulfil,
// correction review and certificate.
import type { Static } from 'typebox';
import type { ArchiveLink, ArchiveLinkBody, CorrectionDecisionBody, PrivacyRequest, StaffPrivacyRequest as StaffPrivacyRequestSchema, SubmitRequestBody, VerifyBody } from '../../contracts/rights.ts';
import { authed, type Download, download, enc, request } from './client.ts';

export type MyRequestInput = Static<typeof SubmitRequestBody>;
export type ReauthInput = Static<typeof VerifyBody>;
export type ArchiveLinkView = Static<typeof ArchiveLink>;
export type ArchiveLinkInput = Static<typeof ArchiveLinkBody>;
export type CorrectionDecision = Static<typeof CorrectionDecisionBody>;
export type StaffRequestView = Static<typeof StaffPrivacyRequestSchema>;
export type { PrivacyRequest };

const requests = '/api/v1/privacy/requests';
const desk = '/api/v1/staff/privacy/requests';

export const myDataApi = {
  /** DSR-1: a request about the signed-in account (answered at its address). */
  ask: (input: MyRequestInput) => request<PrivacyRequest>('POST', requests, { body: input, ...authed }),
  /** DSR-2: the account holder re-authenticates; a verified request is fulfilled at once (a deletion erases the account). */
  reauthenticate: (id: string, input: ReauthInput) => request<PrivacyRequest>('POST', `${requests}/${enc(id)}/verify`, { body: input, ...authed }),
  /** DSR-1: a single-use, 24-hour download link for the account's own verified access request; DSR-2: it re-authenticates too. */
  archiveLink: (id: string, proof: ArchiveLinkInput) => request<ArchiveLinkView>('POST', `${requests}/${enc(id)}/archive-link`, { body: proof, ...authed }),
};

export const fulfilmentApi = {
  /** Privacy staff run (or retry) the fulfilment of a verified request. */
  fulfil: (id: string) => request<StaffRequestView>('POST', `${desk}/${enc(id)}/fulfil`, authed),
  /** Privacy staff apply or deny a verified correction. */
  decideCorrection: (id: string, input: CorrectionDecision) => request<StaffRequestView>('POST', `${desk}/${enc(id)}/correction`, { body: input, ...authed }),
  /** The deletion certificate as text, for privacy staff. */
  certificateText: (id: string): Promise<Download> => download(`${requests}/${enc(id)}/certificate`, { format: 'text' }, 'text/plain', `deletion-certificate-${id}.txt`),
};
