import { ApiClientList, ApiClientParams, CreateApiClientBody, CreatedApiClient } from '../../contracts/api-clients.ts';
import { NoContent, OrgParams } from '../../contracts/common.ts';
import { callerOf, contextOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/**
 * PRO-2: an organization's API clients, for its admins. A script trades the client id and secret
 * for an access token at `POST /oidc/token` (client credentials) and calls the API with it.
 */
export function apiClientsRoutes(app: HttpApp, deps: HttpDeps): void {
  const clients = deps.federation.apiClients;
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/orgs/:orgId/api-clients',
    {
      config: auth,
      schema: {
        tags: ['api-clients'],
        summary: 'Make an API client with the scopes chosen; its secret is answered this once (org admins only)',
        params: OrgParams,
        body: CreateApiClientBody,
        response: { 201: CreatedApiClient, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await clients.create(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/api-clients',
    {
      config: auth,
      schema: { tags: ['api-clients'], summary: "The organization's API clients (never their secrets)", params: OrgParams, response: { 200: ApiClientList, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => ({ items: await clients.list(callerOf(req), req.params.orgId) }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/api-clients/:clientId',
    {
      config: auth,
      schema: {
        tags: ['api-clients'],
        summary: 'Revoke an API client: it and every token it was issued stop working at once',
        params: ApiClientParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await clients.revoke(contextOf(req), callerOf(req), req.params.orgId, req.params.clientId);
      return reply.status(204).send();
    },
  );
}
