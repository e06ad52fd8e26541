// Resources, and the bindings that grant access to them (DIR-2, DIR-3).
import type { ResourceAccess } from '../../contracts/access.ts';
import type { Page } from '../../contracts/common.ts';
import type { Binding, CreateResourceBody, ListResourcesQuery, Resource } from '../../contracts/resources.ts';
import { authed, enc, org, request } from './client.ts';

export type { Binding, Resource, ResourceKind } from '../../contracts/resources.ts';

export const resourcesApi = {
  listResources: (orgId: string, query: Partial<ListResourcesQuery> = {}) =>
    request<Page<Resource>>('GET', `${org(orgId)}/resources`, { query: { ...query }, ...authed }),
  getResource: (orgId: string, resourceId: string) => request<Resource>('GET', `${org(orgId)}/resources/${enc(resourceId)}`, authed),
  createResource: (orgId: string, input: CreateResourceBody) => request<Resource>('POST', `${org(orgId)}/resources`, { body: input, ...authed }),
  deleteResource: (orgId: string, resourceId: string) => request<void>('DELETE', `${org(orgId)}/resources/${enc(resourceId)}`, authed),
  bindings: (orgId: string, resourceId: string) => request<{ items: Binding[] }>('GET', `${org(orgId)}/resources/${enc(resourceId)}/bindings`, authed),
  grantAccess: (orgId: string, resourceId: string, to: { userId: string } | { groupId: string }) =>
    request<Binding>('POST', `${org(orgId)}/resources/${enc(resourceId)}/bindings`, { body: to, ...authed }),
  revokeAccess: (orgId: string, resourceId: string, bindingId: string) =>
    request<void>('DELETE', `${org(orgId)}/resources/${enc(resourceId)}/bindings/${enc(bindingId)}`, authed),
  resourceAccess: (orgId: string, resourceId: string) =>
    request<{ items: ResourceAccess[] }>('GET', `${org(orgId)}/resources/${enc(resourceId)}/access`, authed),
};
