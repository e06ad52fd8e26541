import { NoContent, OrgParams } from '../../contracts/common.ts';
import { OrgDeletion, RequestOrgDeletionBody } from '../../contracts/org-deletion.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/** DSR-6: an organization's admins request its deletion, see it, and cancel it during the waiting period. */
export function orgDeletionRoutes(app: HttpApp, deps: HttpDeps): void {
  const { orgDeletion } = deps;

  app.post(
    '/api/v1/orgs/:orgId/deletion',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['organizations'],
        summary:
          "Ask for the organization's deletion (its admins): re-authenticated (the password here, or a re-auth just before), confirmed with its name typed exactly. Every member is mailed; after 7 days protocol access stops and every module erases it, unless an admin cancels first",
        params: OrgParams,
        body: RequestOrgDeletionBody,
        response: { 202: OrgDeletion, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => reply.status(202).send(await orgDeletion.request(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/deletion',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['organizations'],
        summary: "The organization's scheduled deletion, if any (`state: 'none'` when none is); its admins only",
        params: OrgParams,
        response: { 200: OrgDeletion, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => orgDeletion.get(callerOf(req), req.params.orgId),
  );

  app.delete(
    '/api/v1/orgs/:orgId/deletion',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['organizations'],
        summary: "Cancel the organization's scheduled deletion during the waiting period (its admins); every member is told",
        params: OrgParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await orgDeletion.cancel(contextOf(req), callerOf(req), req.params.orgId);
      return reply.status(204).send();
    },
  );
}
