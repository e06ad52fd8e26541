// Groups and their members (DIR-2).
import type { Page, User } from '../../contracts/common.ts';
import type { CreateGroupBody, Group, ListGroupsQuery, UpdateGroupBody } from '../../contracts/groups.ts';
import { authed, enc, org, request } from './client.ts';

export type { Group } from '../../contracts/groups.ts';

export const groupsApi = {
  listGroups: (orgId: string, query: Partial<ListGroupsQuery> = {}) => request<Page<Group>>('GET', `${org(orgId)}/groups`, { query: { ...query }, ...authed }),
  getGroup: (orgId: string, groupId: string) => request<Group>('GET', `${org(orgId)}/groups/${enc(groupId)}`, authed),
  createGroup: (orgId: string, input: CreateGroupBody) => request<Group>('POST', `${org(orgId)}/groups`, { body: input, ...authed }),
  updateGroup: (orgId: string, groupId: string, patch: UpdateGroupBody) =>
    request<Group>('PATCH', `${org(orgId)}/groups/${enc(groupId)}`, { body: patch, ...authed }),
  deleteGroup: (orgId: string, groupId: string) => request<void>('DELETE', `${org(orgId)}/groups/${enc(groupId)}`, authed),
  groupMembers: (orgId: string, groupId: string) => request<{ items: User[] }>('GET', `${org(orgId)}/groups/${enc(groupId)}/members`, authed),
  addMember: (orgId: string, groupId: string, userId: string) =>
    request<void>('POST', `${org(orgId)}/groups/${enc(groupId)}/members`, { body: { userId }, ...authed }),
  removeMember: (orgId: string, groupId: string, userId: string) =>
    request<void>('DELETE', `${org(orgId)}/groups/${enc(groupId)}/members/${enc(userId)}`, authed),
};
