import { NoContent, OrgParams } from '../../contracts/common.ts';
import { DenyEmailChangeBody, EmailChangeRequest, EmailChangeRequestPage, EmailChangeRequestParams, ListEmailChangeRequestsQuery } from '../../contracts/email-change-requests.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/**
 * GOV-4: the email changes of accounts an organization administers, which its admins approve or
 * deny; the person withdraws their own while it waits. The request itself is made by `POST /me/email`.
 */
export function emailChangeRequestsRoutes(app: HttpApp, deps: HttpDeps): void {
  const { emailChangeRequests } = deps;
  const auth = { auth: 'required' as const };
  const tags = ['governance'];

  app.get(
    '/api/v1/orgs/:orgId/email-change-requests',
    {
      config: auth,
      schema: {
        tags,
        summary: "The organization's email-change requests, newest first, optionally in one state; its admins only",
        params: OrgParams,
        querystring: ListEmailChangeRequestsQuery,
        response: { 200: EmailChangeRequestPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => emailChangeRequests.list(callerOf(req), req.params.orgId, req.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/email-change-requests/:requestId',
    {
      config: auth,
      schema: {
        tags,
        summary: 'One email-change request: who asks, for which address, and what became of it; its admins only',
        params: EmailChangeRequestParams,
        response: { 200: EmailChangeRequest, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => emailChangeRequests.get(callerOf(req), req.params.orgId, req.params.requestId),
  );

  app.post(
    '/api/v1/orgs/:orgId/email-change-requests/:requestId/approve',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Approve a pending request: the usual confirmation link goes to the new address, and the address changes when it is opened; the person is told',
        params: EmailChangeRequestParams,
        response: { 200: EmailChangeRequest, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => emailChangeRequests.approve(contextOf(req), callerOf(req), req.params.orgId, req.params.requestId),
  );

  app.post(
    '/api/v1/orgs/:orgId/email-change-requests/:requestId/deny',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Deny a pending request, with a reason told to the person; the account keeps its address',
        params: EmailChangeRequestParams,
        body: DenyEmailChangeBody,
        response: { 200: EmailChangeRequest, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (req) => emailChangeRequests.deny(contextOf(req), callerOf(req), req.params.orgId, req.params.requestId, req.body.reason),
  );

  app.delete(
    '/api/v1/me/email-change-request',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Withdraw your own email change while it waits for approval (404 when none waits)',
        response: { 204: NoContent, ...errorResponses(401, 404) },
      },
    },
    async (req, reply) => {
      await emailChangeRequests.cancelOwn(contextOf(req), callerOf(req));
      return reply.status(204).send();
    },
  );
}
