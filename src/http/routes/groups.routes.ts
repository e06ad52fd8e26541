import type { FastifyInstance } from 'fastify';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, ref, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { idParam, pageOf, pageQuery } from './users.routes.ts';

const group = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    gidNumber: { type: 'integer' },
    createdAt: { type: 'string' },
  },
  required: ['id', 'name', 'description', 'gidNumber', 'createdAt'],
} as const;

const orgParams = strictObject({ orgId: idParam }, ['orgId']);
const groupParams = strictObject({ orgId: idParam, groupId: idParam }, ['orgId', 'groupId']);
const memberParams = strictObject({ orgId: idParam, groupId: idParam, userId: idParam }, ['orgId', 'groupId', 'userId']);
const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422);

/** DIR-2: groups and their members. */
export function groupsRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const groups = deps.directory.groups;
  const auth = { auth: 'required' as const };
  type P = { orgId: string; groupId: string; userId: string };

  app.post(
    '/api/v1/orgs/:orgId/groups',
    {
      config: auth,
      schema: {
        tags: ['groups'],
        summary: 'Create a group (it gets a POSIX gidNumber)',
        params: orgParams,
        body: strictObject({ name: { type: 'string', minLength: 1, maxLength: 100 }, description: { type: 'string', maxLength: 500 } }, ['name']),
        response: { 201: group, ...writeErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await groups.create(contextOf(req), principalOf(req), (req.params as P).orgId, req.body as never)),
  );

  app.get(
    '/api/v1/orgs/:orgId/groups',
    { config: auth, schema: { tags: ['groups'], summary: 'List groups', params: orgParams, querystring: strictObject(pageQuery), response: { 200: pageOf(group), ...errorResponses(400, 401, 403, 404) } } },
    async (req) => groups.list(principalOf(req), (req.params as P).orgId, req.query as { cursor?: string; limit: number }),
  );

  app.get(
    '/api/v1/orgs/:orgId/groups/:groupId',
    { config: auth, schema: { tags: ['groups'], summary: 'One group', params: groupParams, response: { 200: group, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => groups.get(principalOf(req), (req.params as P).orgId, (req.params as P).groupId),
  );

  app.patch(
    '/api/v1/orgs/:orgId/groups/:groupId',
    {
      config: auth,
      schema: {
        tags: ['groups'],
        summary: "Rename a group or change its description",
        params: groupParams,
        body: strictObject({ name: { type: 'string', minLength: 1, maxLength: 100 }, description: { type: ['string', 'null'], maxLength: 500 } }),
        response: { 200: group, ...writeErrors },
      },
    },
    async (req) => {
      const { orgId, groupId } = req.params as P;
      return groups.update(contextOf(req), principalOf(req), orgId, groupId, req.body as never);
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/groups/:groupId',
    { config: auth, schema: { tags: ['groups'], summary: 'Delete a group (its bindings go with it)', params: groupParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      const { orgId, groupId } = req.params as P;
      await groups.remove(contextOf(req), principalOf(req), orgId, groupId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/groups/:groupId/members',
    {
      config: auth,
      schema: {
        tags: ['groups'],
        summary: "The group's members",
        params: groupParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: ref('User') } }, required: ['items'] }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { orgId, groupId } = req.params as P;
      return { items: await groups.members(principalOf(req), orgId, groupId) };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/groups/:groupId/members',
    {
      config: auth,
      schema: {
        tags: ['groups'],
        summary: 'Add a user of the organization to the group',
        params: groupParams,
        body: strictObject({ userId: idParam }, ['userId']),
        response: { 204: { type: 'null' }, ...writeErrors },
      },
    },
    async (req, reply) => {
      const { orgId, groupId } = req.params as P;
      await groups.addMember(contextOf(req), principalOf(req), orgId, groupId, (req.body as { userId: string }).userId);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/groups/:groupId/members/:userId',
    { config: auth, schema: { tags: ['groups'], summary: 'Remove a member', params: memberParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      const { orgId, groupId, userId } = req.params as P;
      await groups.removeMember(contextOf(req), principalOf(req), orgId, groupId, userId);
      return reply.status(204).send();
    },
  );
}
