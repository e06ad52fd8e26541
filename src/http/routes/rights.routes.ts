import {
  CloseBody,
  EnterRequestBody,
  ExtendBody,
  PrivacyRequest,
  QueueQuery,
  RequestParams,
  RequestTokenQuery,
  StaffPrivacyRequest,
  StaffPrivacyRequestPage,
  SubmitRequestBody,
} from '../../contracts/rights.ts';
import { Type } from 'typebox';
import { AUTHORIZATION_MAX_BYTES } from '../../modules/rights/index.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/** The intake's body limit: the largest authorization in base64, and room for the rest. */
const AUTHORIZATION_BODY_LIMIT = Math.ceil((AUTHORIZATION_MAX_BYTES * 4) / 3) + 64 * 1024;

/** DSR-1, DSR-4, DSR-5: data-subject requests: the privacy center's intake, the requester's view, the staff desk. */
export function rightsRoutes(app: HttpApp, deps: HttpDeps): void {
  const requests = deps.privacyRequests;
  const staff = { auth: 'required' as const };

  app.post(
    '/api/v1/privacy/requests',
    {
      config: { auth: 'optional' },
      // DSR-3: an agent's signed authorization comes in the body, as base64.
      bodyLimit: AUTHORIZATION_BODY_LIMIT,
      schema: {
        tags: ['privacy'],
        summary:
          'Make a privacy request (no account needed; signed in, about the account). Acknowledged by mail at once, with a link to follow it; an opt-out of sale/sharing takes effect at once. The answer is the same whether or not the address has an account',
        body: SubmitRequestBody,
        response: { 201: PrivacyRequest, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => reply.status(201).send(await requests.submit(contextOf(req), req.caller, req.body)),
  );

  app.get(
    '/api/v1/privacy/requests/:requestId',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['privacy'],
        summary: "One request: to its requester with the link's `token`, to privacy staff; 404 to anyone else",
        params: RequestParams,
        querystring: RequestTokenQuery,
        response: { 200: Type.Union([StaffPrivacyRequest, PrivacyRequest]), ...errorResponses(400, 403, 404) },
      },
    },
    async (req) => requests.get(req.caller, req.params.requestId, req.query.token),
  );

  app.get(
    '/api/v1/staff/privacy/requests',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'The request queue by due date, overdue ones flagged (staff with the privacy or owner role)',
        querystring: QueueQuery,
        response: { 200: StaffPrivacyRequestPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => requests.queue(callerOf(req), req.query),
  );

  app.post(
    '/api/v1/staff/privacy/requests',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: "Enter a request on the subject's behalf, naming the channel it came by; acknowledged by mail like any other",
        body: EnterRequestBody,
        response: { 201: StaffPrivacyRequest, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await requests.enter(contextOf(req), callerOf(req), req.body)),
  );

  app.post(
    '/api/v1/staff/privacy/requests/:requestId/extend',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'The one extension (CCPA 45 days, GDPR two months), before the first period ends; the requester is sent the notice and reasons',
        params: RequestParams,
        body: ExtendBody,
        response: { 200: StaffPrivacyRequest, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => requests.extend(contextOf(req), callerOf(req), req.params.requestId, req.body),
  );

  app.post(
    '/api/v1/staff/privacy/requests/:requestId/close',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'Answer a request: complied, partly complied or denied (with the reason); logged (DSR-5) and sent to the requester',
        params: RequestParams,
        body: CloseBody,
        response: { 200: StaffPrivacyRequest, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => requests.close(contextOf(req), callerOf(req), req.params.requestId, req.body),
  );
}
