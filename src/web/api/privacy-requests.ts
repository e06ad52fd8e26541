// The privacy center's data-subject requests (DSR-1..DSR-3): making one (also as an authorized
// agent), following it by its link, verifying it; and the staff's verification decision.
import type { Static } from 'typebox';
import type { PrivacyRequest, StaffPrivacyRequest as StaffPrivacyRequestSchema, SubjectConfirmationBody, SubmitRequestBody, VerificationDecisionBody, VerifyBody } from '../../contracts/rights.ts';
import { authed, type Download, download, enc, request } from './client.ts';

export type { PrivacyRequest } from '../../contracts/rights.ts';
export type StaffPrivacyRequest = Static<typeof StaffPrivacyRequestSchema>;
export type SubmitRequestInput = Static<typeof SubmitRequestBody>;
export type VerifyInput = Static<typeof VerifyBody>;
export type SubjectConfirmationInput = Static<typeof SubjectConfirmationBody>;
export type VerificationDecision = Static<typeof VerificationDecisionBody>;
export type VerificationChecklist = NonNullable<StaffPrivacyRequest['verificationChecklist']>;

const requests = '/api/v1/privacy/requests';

export const privacyRequestsApi = {
  /** DSR-1, DSR-3: the public intake; signed in, about the account (unless made as an agent). */
  submit: (input: SubmitRequestInput) => request<PrivacyRequest>('POST', requests, { body: input }),
  /** The request as its requester (or the agent) sees it, by the link's token. */
  get: (id: string, token: string) => request<PrivacyRequest>('GET', `${requests}/${enc(id)}`, { query: { token } }),
  /** DSR-2: re-authentication, or the link with data points. */
  verify: (id: string, input: VerifyInput) => request<PrivacyRequest>('POST', `${requests}/${enc(id)}/verify`, { body: input }),
  /** DSR-3: the subject confirms an agent's request. */
  confirmSubject: (id: string, input: SubjectConfirmationInput) => request<PrivacyRequest>('POST', `${requests}/${enc(id)}/subject-confirmation`, { body: input }),
  /** DSR-2: privacy staff record a verification done outside the web. */
  decide: (id: string, input: VerificationDecision) => request<StaffPrivacyRequest>('POST', `/api/v1/staff/privacy/requests/${enc(id)}/verification`, { body: input, ...authed }),
  /** DSR-3: the agent's signed authorization, for privacy staff. */
  authorization: (id: string, fileName: string): Promise<Download> => download(`/api/v1/staff/privacy/requests/${enc(id)}/authorization`, {}, 'application/pdf, image/png, image/jpeg', fileName),
};
