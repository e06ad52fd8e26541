// The organization's SCIM tokens (PRO-4): what an identity provider sends to /scim/v2 to provision users and groups.
import type { CreateScimTokenBody, CreatedScimToken, ScimToken } from '../../contracts/scim.ts';
import { authed, enc, org, request } from './client.ts';

export type { CreatedScimToken, ScimToken } from '../../contracts/scim.ts';

export const scimApi = {
  scimTokens: (orgId: string) => request<{ items: ScimToken[] }>('GET', `${org(orgId)}/scim/tokens`, authed),
  createScimToken: (orgId: string, input: CreateScimTokenBody) => request<CreatedScimToken>('POST', `${org(orgId)}/scim/tokens`, { body: input, ...authed }),
  revokeScimToken: (orgId: string, tokenId: string) => request<void>('DELETE', `${org(orgId)}/scim/tokens/${enc(tokenId)}`, authed),
};
