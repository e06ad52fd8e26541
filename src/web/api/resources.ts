// Resources, and the bindings that grant access to them (DIR-2, DIR-3).
import type { ResourceAccess } from '../../contracts/access.ts';
import type { Page } from '../../contracts/common.ts';
import type { Binding, ClientSecret, CreatedResource, CreateResourceBody, ListResourcesQuery, Resource, UpdateResourceBody } from '../../contracts/resources.ts';
import { authed, enc, org, request } from './client.ts';

export type { Binding, ClientSecret, CreatedResource, Resource, ResourceKind } from '../../contracts/resources.ts';

export const resourcesApi = {
  listResources: (orgId: string, query: Partial<ListResourcesQuery> = {}) =>
    request<Page<Resource>>('GET', `${org(orgId)}/resources`, { query: { ...query }, ...authed }),
  getResource: (orgId: string, resourceId: string) => request<Resource>('GET', `${org(orgId)}/resources/${enc(resourceId)}`, authed),
  /** PRO-2: an OIDC application's answer also carries its client id and, this once, its secret. */
  createResource: (orgId: string, input: CreateResourceBody) => request<CreatedResource>('POST', `${org(orgId)}/resources`, { body: input, ...authed }),
  updateResource: (orgId: string, resourceId: string, input: UpdateResourceBody) =>
    request<Resource>('PATCH', `${org(orgId)}/resources/${enc(resourceId)}`, { body: input, ...authed }),
  rotateClientSecret: (orgId: string, resourceId: string) => request<ClientSecret>('POST', `${org(orgId)}/resources/${enc(resourceId)}/client-secret`, authed),
  deleteResource: (orgId: string, resourceId: string) => request<void>('DELETE', `${org(orgId)}/resources/${enc(resourceId)}`, authed),
  bindings: (orgId: string, resourceId: string) => request<{ items: Binding[] }>('GET', `${org(orgId)}/resources/${enc(resourceId)}/bindings`, authed),
  grantAccess: (orgId: string, resourceId: string, to: { userId: string } | { groupId: string }) =>
    request<Binding>('POST', `${org(orgId)}/resources/${enc(resourceId)}/bindings`, { body: to, ...authed }),
  revokeAccess: (orgId: string, resourceId: string, bindingId: string) =>
    request<void>('DELETE', `${org(orgId)}/resources/${enc(resourceId)}/bindings/${enc(bindingId)}`, authed),
  resourceAccess: (orgId: string, resourceId: string) =>
    request<{ items: ResourceAccess[] }>('GET', `${org(orgId)}/resources/${enc(resourceId)}/access`, authed),
};
