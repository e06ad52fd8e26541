import { OrgParams } from '../../contracts/common.ts';
import { ResourceParams } from '../../contracts/resources.ts';
import { ListRadiusSessionsQuery, RadiusSessionPage, SharedSecret } from '../../contracts/radius.ts';
import { callerOf, contextOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/** PRO-3: RADIUS networks' shared secrets and accounting sessions, for the organization's admins. */
export function radiusRoutes(app: HttpApp, deps: HttpDeps): void {
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/orgs/:orgId/resources/:resourceId/shared-secret',
    {
      config: auth,
      schema: {
        tags: ['radius'],
        summary: "Rotate a network's RADIUS shared secret: the new secret is answered this once, and the previous one stops working",
        params: ResourceParams,
        response: { 200: SharedSecret, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (req) => deps.radius.networks.rotateSecret(contextOf(req), callerOf(req), req.params.orgId, req.params.resourceId),
  );

  app.get(
    '/api/v1/orgs/:orgId/radius/sessions',
    {
      config: auth,
      schema: {
        tags: ['radius'],
        summary: "The organization's RADIUS accounting sessions, newest first; filter by network or user (org admins only)",
        params: OrgParams,
        querystring: ListRadiusSessionsQuery,
        response: { 200: RadiusSessionPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => deps.radius.sessions.list(callerOf(req), req.params.orgId, req.query),
  );
}
