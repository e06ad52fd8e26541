// The organization's API clients (PRO-2): scripts that call the API with client-credentials tokens.
import type { ApiClient, CreateApiClientBody, CreatedApiClient } from '../../contracts/api-clients.ts';
import { authed, enc, org, request } from './client.ts';

export type { ApiClient, ApiClientScope, CreatedApiClient } from '../../contracts/api-clients.ts';
export { API_CLIENT_SCOPES } from '../../contracts/api-clients.ts';

export const apiClientsApi = {
  apiClients: (orgId: string) => request<{ items: ApiClient[] }>('GET', `${org(orgId)}/api-clients`, authed),
  createApiClient: (orgId: string, input: CreateApiClientBody) => request<CreatedApiClient>('POST', `${org(orgId)}/api-clients`, { body: input, ...authed }),
  revokeApiClient: (orgId: string, clientId: string) => request<void>('DELETE', `${org(orgId)}/api-clients/${enc(clientId)}`, authed),
};
