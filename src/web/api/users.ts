// An organization's users (DIR-2), bulk import and export (DIR-5), and who can use what (DIR-3).
import type { UserAccess } from '../../contracts/access.ts';
import type { User } from '../../contracts/common.ts';
import type { Group } from '../../contracts/groups.ts';
import type { ImportResult, ImportUsersBody, InviteUserBody, ListUsersQuery, TransferFormat, UpdateUserBody, UserPage } from '../../contracts/users.ts';
import { authed, download, enc, org, request } from './client.ts';

export type { ResourceAccess, UserAccess, Via } from '../../contracts/access.ts';
export type { ImportResult, TransferFormat, UserSort } from '../../contracts/users.ts';
export type { InviteUserBody as NewUserInput, UpdateUserBody as UserPatch } from '../../contracts/users.ts';

export const usersApi = {
  /** DIR-2: sorted by name unless asked otherwise, with the total that match. */
  listUsers: (orgId: string, query: Partial<ListUsersQuery> = {}) => request<UserPage>('GET', `${org(orgId)}/users`, { query: { ...query }, ...authed }),
  /** The groups a user belongs to. */
  userGroups: (orgId: string, userId: string) => request<{ items: Group[] }>('GET', `${org(orgId)}/users/${enc(userId)}/groups`, authed),
  getUser: (orgId: string, userId: string) => request<User>('GET', `${org(orgId)}/users/${enc(userId)}`, authed),
  createUser: (orgId: string, input: InviteUserBody) => request<User>('POST', `${org(orgId)}/users`, { body: input, ...authed }),
  updateUser: (orgId: string, userId: string, patch: UpdateUserBody) =>
    request<User>('PATCH', `${org(orgId)}/users/${enc(userId)}`, { body: patch, ...authed }),
  deleteUser: (orgId: string, userId: string) => request<void>('DELETE', `${org(orgId)}/users/${enc(userId)}`, authed),
  suspendUser: (orgId: string, userId: string) => request<User>('POST', `${org(orgId)}/users/${enc(userId)}/suspend`, authed),
  reactivateUser: (orgId: string, userId: string) => request<User>('POST', `${org(orgId)}/users/${enc(userId)}/reactivate`, authed),
  /** DIR-5: all or nothing; a refused file is a 422 `directory.import_invalid` with `problems` by line. */
  importUsers: (orgId: string, input: ImportUsersBody) => request<ImportResult>('POST', `${org(orgId)}/users/import`, { body: input, ...authed }),
  exportUsers: (orgId: string, format: TransferFormat) =>
    download(`${org(orgId)}/users/export`, { format }, format === 'csv' ? 'text/csv' : 'text/x-ldif', `users.${format}`),
  userAccess: (orgId: string, userId: string) => request<{ items: UserAccess[] }>('GET', `${org(orgId)}/users/${enc(userId)}/access`, authed),
};
