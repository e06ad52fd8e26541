// The privacy policy (PRV-8): public versions and diffs; publishing (privacy and owner staff); the user's notice.
import type {
  CurrentPolicy,
  Policy,
  PolicyAcknowledgement,
  PolicyDiff,
  PolicyNotice,
  PolicySummary,
  PublishPolicyBody,
  PublishedPolicy,
} from '../../contracts/policies.ts';
import { authed, enc, request } from './client.ts';

export type { CurrentPolicy, Policy, PolicyAcknowledgement, PolicyDiff, PolicyNotice, PolicySummary } from '../../contracts/policies.ts';
/** `effectiveAt`: ISO 8601 with a zone; omitted, at once. */
export type PublishPolicyInput = PublishPolicyBody;

export const policiesApi = {
  currentPolicy: () => request<CurrentPolicy>('GET', '/api/v1/privacy/policy'),
  listPolicies: () => request<{ items: PolicySummary[] }>('GET', '/api/v1/privacy/policies'),
  getPolicy: (version: number) => request<Policy>('GET', `/api/v1/privacy/policies/${enc(String(version))}`),
  policyDiff: (from: number, to: number) => request<PolicyDiff>('GET', '/api/v1/privacy/policies/diff', { query: { from, to } }),
  publishPolicy: (input: PublishPolicyBody) => request<PublishedPolicy>('POST', '/api/v1/staff/privacy/policies', { body: input, ...authed }),
  policyNotice: () => request<{ notice: PolicyNotice | null }>('GET', '/api/v1/privacy/notice', authed),
  acknowledgePolicy: (version: number) => request<PolicyAcknowledgement>('POST', '/api/v1/privacy/notice/acknowledge', { body: { version }, ...authed }),
};
