import { BillingSummary, Card, CardBody } from '../../contracts/billing.ts';
import { NoContent, OrgParams } from '../../contracts/common.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/** PRV-10, DIR-4: an organization's card on file, managed by its admins; adding one moves a free organization to paid. */
export function billingRoutes(app: HttpApp, deps: HttpDeps): void {
  const { cards } = deps.billing;
  const auth = { auth: 'required' as const };

  app.put(
    '/api/v1/orgs/:orgId/billing/card',
    {
      config: auth,
      schema: {
        tags: ['billing'],
        summary: "Add or replace the organization's card (org admins); a free organization moves to paid",
        params: OrgParams,
        body: CardBody,
        response: { 200: Card, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => cards.add(contextOf(req), callerOf(req), req.params.orgId, req.body),
  );

  app.get(
    '/api/v1/orgs/:orgId/billing',
    {
      config: auth,
      schema: {
        tags: ['billing'],
        summary: "The organization's billing: `{card}`, the card on file or null (org admins)",
        params: OrgParams,
        response: { 200: BillingSummary, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => ({ card: await cards.find(callerOf(req), req.params.orgId) }),
  );

  app.get(
    '/api/v1/orgs/:orgId/billing/card',
    {
      config: auth,
      schema: {
        tags: ['billing'],
        summary: "The organization's card: brand, last 4 digits, holder name and expiry (org admins)",
        params: OrgParams,
        response: { 200: Card, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => cards.get(callerOf(req), req.params.orgId),
  );

  app.delete(
    '/api/v1/orgs/:orgId/billing/card',
    {
      config: auth,
      schema: {
        tags: ['billing'],
        summary: "Remove the organization's card (org admins); the plan is not changed",
        params: OrgParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await cards.remove(contextOf(req), callerOf(req), req.params.orgId);
      return reply.status(204).send();
    },
  );
}
