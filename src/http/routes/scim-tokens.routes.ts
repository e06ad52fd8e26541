import { NoContent, OrgParams } from '../../contracts/common.ts';
import { CreateScimTokenBody, CreatedScimToken, ScimTokenList, ScimTokenParams } from '../../contracts/scim.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/**
 * PRO-4: an organization's SCIM tokens, for its admins. An HR system or identity provider sends
 * one as `Authorization: Bearer` to `/scim/v2`; it is accepted nowhere else.
 */
export function scimTokensRoutes(app: HttpApp, deps: HttpDeps): void {
  const tokens = deps.directory.scimTokens;
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/orgs/:orgId/scim/tokens',
    {
      config: auth,
      schema: {
        tags: ['scim'],
        summary: 'Make a SCIM token; it is answered this once (org admins only)',
        params: OrgParams,
        body: CreateScimTokenBody,
        response: { 201: CreatedScimToken, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await tokens.create(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/scim/tokens',
    {
      config: auth,
      schema: { tags: ['scim'], summary: "The organization's SCIM tokens (never the tokens themselves)", params: OrgParams, response: { 200: ScimTokenList, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => ({ items: await tokens.list(callerOf(req), req.params.orgId) }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/scim/tokens/:tokenId',
    {
      config: auth,
      schema: { tags: ['scim'], summary: 'Revoke a SCIM token: it stops working at once', params: ScimTokenParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req, reply) => {
      await tokens.revoke(contextOf(req), callerOf(req), req.params.orgId, req.params.tokenId);
      return reply.status(204).send();
    },
  );
}
