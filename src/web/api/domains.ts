// GOV-2, GOV-3: the organization's domains, the accounts on a verified one and the claim; the person's in-app notices.
import type { ClaimBody, ClaimResult, Domain, DomainAccountPage, DomainPage, Notice, NoticePage } from '../../contracts/governance.ts';
import { authed, enc, org, request } from './client.ts';

export type { ClaimResult, Domain, DomainAccount, Notice } from '../../contracts/governance.ts';

const page = (cursor?: string | null, limit = 200) => `?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`;

export const domainsApi = {
  domains: (orgId: string, cursor?: string | null) => request<DomainPage>('GET', `${org(orgId)}/domains${page(cursor)}`, authed),
  addDomain: (orgId: string, name: string) => request<Domain>('POST', `${org(orgId)}/domains`, { body: { name }, ...authed }),
  verifyDomain: (orgId: string, domainId: string) => request<Domain>('POST', `${org(orgId)}/domains/${enc(domainId)}/verify`, authed),
  removeDomain: (orgId: string, domainId: string) => request<void>('DELETE', `${org(orgId)}/domains/${enc(domainId)}`, authed),
  domainAccounts: (orgId: string, domainId: string, cursor?: string | null) => request<DomainAccountPage>('GET', `${org(orgId)}/domains/${enc(domainId)}/accounts${page(cursor)}`, authed),
  claim: (orgId: string, domainId: string, body: ClaimBody) => request<ClaimResult>('POST', `${org(orgId)}/domains/${enc(domainId)}/claim`, { body, ...authed }),
  notices: (cursor?: string | null) => request<NoticePage>('GET', `/api/v1/me/notices${page(cursor, 50)}`, authed),
  markNoticeRead: (noticeId: string) => request<Notice>('POST', `/api/v1/me/notices/${enc(noticeId)}/read`, authed),
};
