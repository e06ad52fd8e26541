import type { FastifyInstance } from 'fastify';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, ref, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';

export const idParam = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  cursor: { type: 'string', minLength: 1, maxLength: 100 },
} as const;
export const viaSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { type: { type: 'string', enum: ['user', 'group'] }, bindingId: { type: 'string' }, groupId: { type: 'string' }, groupName: { type: 'string' } },
    required: ['type', 'bindingId'],
  },
} as const;

export const pageOf = (item: object) =>
  ({
    type: 'object',
    properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
    required: ['items', 'nextCursor'],
  }) as const;

const username = { type: 'string', minLength: 1, maxLength: 32 } as const;
/** Imports carry whole files: a larger body limit for that one route. */
const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;
const orgParams = strictObject({ orgId: idParam }, ['orgId']);
const userParams = strictObject({ orgId: idParam, userId: idParam }, ['orgId', 'userId']);
const userBody = { 200: ref('User'), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) };

/** DIR-2, DIR-4, ACC-6: an organization's users, their invitations, suspension, and the organization's plan. */
export function directoryRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { directory, accounts } = deps;
  const auth = { auth: 'required' as const };
  type P = { orgId: string; userId: string };

  app.post(
    '/api/v1/orgs/:orgId/users',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: 'Create a user; they get an emailed invitation to set their own password (free plan: at most 10 active users)',
        params: orgParams,
        body: strictObject({ email: { type: 'string', format: 'email', maxLength: 254 }, name: { type: 'string', minLength: 1, maxLength: 200 }, username }, [
          'email',
          'name',
        ]),
        response: { 201: ref('User'), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const { orgId } = req.params as P;
      return reply.status(201).send(await directory.users.create(contextOf(req), principalOf(req), orgId, req.body as never));
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/users',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: "List and search the organization's users (a plain user sees only themselves)",
        params: orgParams,
        querystring: strictObject({ q: { type: 'string', maxLength: 200 }, ...pageQuery }),
        response: { 200: pageOf(ref('User')), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { orgId } = req.params as P;
      return directory.users.list(principalOf(req), orgId, req.query as { q?: string; cursor?: string; limit: number });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/users/:userId',
    { config: auth, schema: { tags: ['users'], summary: 'One user', params: userParams, response: { 200: ref('User'), ...errorResponses(400, 401, 403, 404) } } },
    async (req) => {
      const { orgId, userId } = req.params as P;
      return directory.users.get(principalOf(req), orgId, userId);
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/users/:userId',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: "Change a user's name, username, login shell or role",
        params: userParams,
        body: strictObject({
          name: { type: 'string', minLength: 1, maxLength: 200 },
          username,
          loginShell: { type: 'string', minLength: 1, maxLength: 100, pattern: '^/' },
          orgRole: { type: 'string', enum: ['admin', 'member'] },
        }),
        response: userBody,
      },
    },
    async (req) => {
      const { orgId, userId } = req.params as P;
      return directory.users.update(contextOf(req), principalOf(req), orgId, userId, req.body as never);
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/users/:userId',
    { config: auth, schema: { tags: ['users'], summary: 'Delete a user', params: userParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      const { orgId, userId } = req.params as P;
      await directory.users.remove(contextOf(req), principalOf(req), orgId, userId);
      return reply.status(204).send();
    },
  );

  for (const action of ['suspend', 'reactivate'] as const) {
    app.post(
      `/api/v1/orgs/:orgId/users/:userId/${action}`,
      {
        config: auth,
        schema: {
          tags: ['users'],
          summary: action === 'suspend' ? 'Suspend a user: every session ends at once, and they may use nothing' : 'Reactivate a suspended user (within the plan limit)',
          params: userParams,
          response: userBody,
        },
      },
      async (req) => {
        const { orgId, userId } = req.params as P;
        return directory.users[action](contextOf(req), principalOf(req), orgId, userId);
      },
    );
  }

  app.post(
    '/api/v1/orgs/:orgId/users/import',
    {
      config: auth,
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['users'],
        summary: 'Import users and their group memberships from CSV or LDIF text: all or nothing; every bad row is reported by line',
        params: orgParams,
        body: strictObject(
          {
            format: { type: 'string', enum: ['csv', 'ldif'] },
            data: { type: 'string', minLength: 1, maxLength: IMPORT_BODY_LIMIT },
            invite: { type: 'boolean', description: 'email each new user an invitation' },
          },
          ['format', 'data'],
        ),
        response: {
          200: { type: 'object', properties: { created: { type: 'integer' }, groupsCreated: { type: 'integer' } }, required: ['created', 'groupsCreated'] },
          ...errorResponses(400, 401, 403, 404, 413, 415, 422),
        },
      },
    },
    async (req) => {
      const { orgId } = req.params as P;
      const { format, data, invite } = req.body as { format: 'csv' | 'ldif'; data: string; invite?: boolean };
      return directory.transfer.importUsers(contextOf(req), principalOf(req), orgId, { format, text: data, invite });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/users/export',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: 'Export users with their group memberships as CSV or LDIF',
        params: orgParams,
        querystring: strictObject({ format: { type: 'string', enum: ['csv', 'ldif'] } }, ['format']),
        produces: ['text/csv', 'text/x-ldif'],
        response: { 200: { type: 'string' }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const { orgId } = req.params as P;
      const { format } = req.query as { format: 'csv' | 'ldif' };
      const { text } = await directory.transfer.exportUsers(principalOf(req), orgId, format);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/x-ldif; charset=utf-8')
        .header('content-disposition', `attachment; filename="users.${format}"`)
        .send(text);
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['users'],
        summary: 'Set your first password with the token from your invitation email',
        body: strictObject({ token: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 1024 } }, ['token', 'password']),
        response: { 200: ref('User'), ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req) => {
      const { token, password } = req.body as { token: string; password: string };
      return accounts.acceptInvitation(contextOf(req), token, password);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/access',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'May this user use this resource? With the bindings that grant it (DIR-3)',
        params: orgParams,
        querystring: strictObject({ userId: idParam, resourceId: idParam }, ['userId', 'resourceId']),
        response: {
          200: {
            type: 'object',
            properties: {
              allowed: { type: 'boolean' },
              reason: { type: 'string' },
              via: viaSchema,
            },
            required: ['allowed', 'via'],
          },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (req) => {
      const { orgId } = req.params as P;
      const { userId, resourceId } = req.query as { userId: string; resourceId: string };
      return directory.access.explain(principalOf(req), orgId, userId, resourceId);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/users/:userId/access',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Who can use what: every resource the user is bound to, directly or through groups',
        params: userParams,
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { resource: { type: 'object', additionalProperties: true }, allowed: { type: 'boolean' }, via: viaSchema },
                  required: ['resource', 'allowed', 'via'],
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
      const { orgId, userId } = req.params as P;
      return directory.access.forUser(principalOf(req), orgId, userId);
    },
  );

  app.patch(
    '/api/v1/staff/orgs/:orgId/plan',
    {
      config: auth,
      schema: {
        tags: ['staff', 'billing'],
        summary: "Set an organization's plan (staff with the billing or owner role)",
        params: orgParams,
        body: strictObject({ plan: { type: 'string', enum: ['free', 'paid', 'jumpstart'] }, endsAt: { type: 'string', format: 'date-time' } }, ['plan']),
        response: { 200: ref('Organization'), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => {
      const { orgId } = req.params as P;
      return directory.plans.setPlan(contextOf(req), principalOf(req), orgId, req.body as { plan: string; endsAt?: string });
    },
  );
}
