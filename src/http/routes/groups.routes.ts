import { NoContent, OrgParams } from '../../contracts/common.ts';
import {
  AddMemberBody,
  CreateGroupBody,
  Group,
  GroupMemberParams,
  GroupMembers,
  GroupPage,
  GroupParams,
  ListGroupsQuery,
  UpdateGroupBody,
  UserGroups,
} from '../../contracts/groups.ts';
import { UserParams } from '../../contracts/users.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422);

/** DIR-2: groups and their members. */
export function groupsRoutes(app: HttpApp, deps: HttpDeps): void {
  const groups = deps.directory.groups;
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/orgs/:orgId/groups',
    {
      config: auth,
      schema: {
        tags: ['groups'],
        summary: 'Create a group (it gets a POSIX gidNumber)',
        params: OrgParams,
        body: CreateGroupBody,
        response: { 201: Group, ...writeErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await groups.create(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/groups',
    { config: auth, schema: { tags: ['groups'], summary: 'List groups', params: OrgParams, querystring: ListGroupsQuery, response: { 200: GroupPage, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => groups.list(callerOf(req), req.params.orgId, req.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/users/:userId/groups',
    {
      config: auth,
      schema: { tags: ['groups', 'users'], summary: 'The groups a user belongs to, by name', params: UserParams, response: { 200: UserGroups, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => ({ items: await groups.ofUser(callerOf(req), req.params.orgId, req.params.userId) }),
  );

  app.get(
    '/api/v1/orgs/:orgId/groups/:groupId',
    { config: auth, schema: { tags: ['groups'], summary: 'One group', params: GroupParams, response: { 200: Group, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => groups.get(callerOf(req), req.params.orgId, req.params.groupId),
  );

  app.patch(
    '/api/v1/orgs/:orgId/groups/:groupId',
    {
      config: auth,
      schema: {
        tags: ['groups'],
        summary: 'Rename a group or change its description',
        params: GroupParams,
        body: UpdateGroupBody,
        response: { 200: Group, ...writeErrors },
      },
    },
    async (req) => groups.update(contextOf(req), callerOf(req), req.params.orgId, req.params.groupId, req.body),
  );

  app.delete(
    '/api/v1/orgs/:orgId/groups/:groupId',
    { config: auth, schema: { tags: ['groups'], summary: 'Delete a group (its bindings go with it)', params: GroupParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      await groups.remove(contextOf(req), callerOf(req), req.params.orgId, req.params.groupId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/groups/:groupId/members',
    {
      config: auth,
      schema: { tags: ['groups'], summary: "The group's members", params: GroupParams, response: { 200: GroupMembers, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => ({ items: await groups.members(callerOf(req), req.params.orgId, req.params.groupId) }),
  );

  app.post(
    '/api/v1/orgs/:orgId/groups/:groupId/members',
    {
      config: auth,
      schema: {
        tags: ['groups'],
        summary: 'Add a user of the organization to the group',
        params: GroupParams,
        body: AddMemberBody,
        response: { 204: NoContent, ...writeErrors },
      },
    },
    async (req, reply) => {
      await groups.addMember(contextOf(req), callerOf(req), req.params.orgId, req.params.groupId, req.body.userId);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/groups/:groupId/members/:userId',
    { config: auth, schema: { tags: ['groups'], summary: 'Remove a member', params: GroupMemberParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      const { orgId, groupId, userId } = req.params;
      await groups.removeMember(contextOf(req), callerOf(req), orgId, groupId, userId);
      return reply.status(204).send();
    },
  );
}
