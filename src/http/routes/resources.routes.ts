import type { FastifyInstance } from 'fastify';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, ref, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { idParam, pageOf, pageQuery, viaSchema } from './users.routes.ts';

const kind = { type: 'string', enum: ['system', 'application', 'network'] } as const;
const settings = { type: 'object', additionalProperties: true, maxProperties: 100 } as const;
const resource = {
  type: 'object',
  properties: { id: { type: 'string' }, kind, name: { type: 'string' }, settings, createdAt: { type: 'string' } },
  required: ['id', 'kind', 'name', 'settings', 'createdAt'],
} as const;
const binding = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    resourceId: { type: 'string' },
    userId: { type: ['string', 'null'] },
    groupId: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  required: ['id', 'resourceId', 'userId', 'groupId', 'createdAt'],
} as const;

const orgParams = strictObject({ orgId: idParam }, ['orgId']);
const resourceParams = strictObject({ orgId: idParam, resourceId: idParam }, ['orgId', 'resourceId']);
const bindingParams = strictObject({ orgId: idParam, resourceId: idParam, bindingId: idParam }, ['orgId', 'resourceId', 'bindingId']);
const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422);

/** DIR-2, DIR-3: resources and the bindings that grant access to them. */
export function resourcesRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const resources = deps.directory.resources;
  const auth = { auth: 'required' as const };
  type P = { orgId: string; resourceId: string; bindingId: string };

  app.post(
    '/api/v1/orgs/:orgId/resources',
    {
      config: auth,
      schema: {
        tags: ['resources'],
        summary: 'Create a resource: a system, an application or a network',
        params: orgParams,
        body: strictObject({ kind, name: { type: 'string', minLength: 1, maxLength: 100 }, settings }, ['kind', 'name']),
        response: { 201: resource, ...writeErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await resources.create(contextOf(req), principalOf(req), (req.params as P).orgId, req.body as never)),
  );

  app.get(
    '/api/v1/orgs/:orgId/resources',
    {
      config: auth,
      schema: { tags: ['resources'], summary: 'List resources', params: orgParams, querystring: strictObject({ kind, ...pageQuery }), response: { 200: pageOf(resource), ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => resources.list(principalOf(req), (req.params as P).orgId, req.query as { kind?: string; cursor?: string; limit: number }),
  );

  app.get(
    '/api/v1/orgs/:orgId/resources/:resourceId',
    { config: auth, schema: { tags: ['resources'], summary: 'One resource', params: resourceParams, response: { 200: resource, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => resources.get(principalOf(req), (req.params as P).orgId, (req.params as P).resourceId),
  );

  app.patch(
    '/api/v1/orgs/:orgId/resources/:resourceId',
    {
      config: auth,
      schema: {
        tags: ['resources'],
        summary: "Rename a resource or replace its settings",
        params: resourceParams,
        body: strictObject({ name: { type: 'string', minLength: 1, maxLength: 100 }, settings }),
        response: { 200: resource, ...writeErrors },
      },
    },
    async (req) => {
      const { orgId, resourceId } = req.params as P;
      return resources.update(contextOf(req), principalOf(req), orgId, resourceId, req.body as never);
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/resources/:resourceId',
    { config: auth, schema: { tags: ['resources'], summary: 'Delete a resource and its bindings', params: resourceParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      const { orgId, resourceId } = req.params as P;
      await resources.remove(contextOf(req), principalOf(req), orgId, resourceId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/resources/:resourceId/bindings',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Who is bound to the resource',
        params: resourceParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: binding } }, required: ['items'] }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { orgId, resourceId } = req.params as P;
      return { items: await resources.bindings(principalOf(req), orgId, resourceId) };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/resources/:resourceId/bindings',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Grant access: bind a user or a group to the resource (org admins only; never staff)',
        params: resourceParams,
        body: { type: 'object', properties: { userId: idParam, groupId: idParam }, additionalProperties: false, minProperties: 1, maxProperties: 1 },
        response: { 201: binding, ...writeErrors },
      },
    },
    async (req, reply) => {
      const { orgId, resourceId } = req.params as P;
      return reply.status(201).send(await resources.bind(contextOf(req), principalOf(req), orgId, resourceId, req.body as { userId?: string; groupId?: string }));
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/resources/:resourceId/access',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Who can use what: every user the resource is bound to, directly or through groups',
        params: resourceParams,
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { user: ref('User'), allowed: { type: 'boolean' }, via: viaSchema },
                  required: ['user', 'allowed', 'via'],
                },
              },
            },
            required: ['items'],
          },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (req) => {
      const { orgId, resourceId } = req.params as P;
      return deps.directory.access.forResource(principalOf(req), orgId, resourceId);
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/resources/:resourceId/bindings/:bindingId',
    { config: auth, schema: { tags: ['access'], summary: 'Revoke a binding', params: bindingParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      const { orgId, resourceId, bindingId } = req.params as P;
      await resources.unbind(contextOf(req), principalOf(req), orgId, resourceId, bindingId);
      return reply.status(204).send();
    },
  );
}
