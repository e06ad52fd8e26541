import { Type } from 'typebox';
import { Binary } from '../../contracts/common.ts';
import { PrivacyRequest, RequestParams, StaffPrivacyRequest, SubjectConfirmationBody, VerificationDecisionBody, VerifyBody } from '../../contracts/rights.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';
import { sendAttachment } from './support.attachments.ts';

/** DSR-2, DSR-3: verifying data-subject requests: the requester's and the agent's steps, and the staff's decision. */
export function rightsVerificationRoutes(app: HttpApp, deps: HttpDeps): void {
  const requests = deps.privacyRequests;
  const staff = { auth: 'required' as const };

  app.post(
    '/api/v1/privacy/requests/:requestId/verify',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['privacy'],
        summary:
          "Verify a request before it is fulfilled: the signed-in account holder re-authenticates (`password`, `code`, or POST /me/reauth just before); anyone else comes by the link's `token` with `dataPoints` (and the `declaration`, and California `residence`, where needed). 404 to anyone with neither",
        params: RequestParams,
        body: VerifyBody,
        response: { 200: PrivacyRequest, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (req) => requests.verify(contextOf(req), req.caller, req.params.requestId, req.body),
  );

  app.post(
    '/api/v1/privacy/requests/:requestId/subject-confirmation',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['privacy'],
        summary: "DSR-3: the subject confirms directly a request their authorized agent made, by their own link's `token` (an account holder signed in, with the password)",
        params: RequestParams,
        body: SubjectConfirmationBody,
        response: { 200: PrivacyRequest, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (req) => requests.confirmSubject(contextOf(req), req.caller, req.params.requestId, req.body),
  );

  app.post(
    '/api/v1/staff/privacy/requests/:requestId/verification',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'Record a verification done outside the web (phone, in person, an agent\u2019s documents checked): verified, or failed (an unverifiable deletion then becomes an opt-out)',
        params: RequestParams,
        body: VerificationDecisionBody,
        response: { 200: StaffPrivacyRequest, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => requests.decideVerification(contextOf(req), callerOf(req), req.params.requestId, req.body),
  );

  app.get(
    '/api/v1/staff/privacy/requests/:requestId/authorization',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: "DSR-3: the authorization an agent uploaded, as uploaded (a PDF, PNG or JPEG); the download is in the request's history",
        params: RequestParams,
        response: { 200: Type.Unsafe<Uint8Array>({ ...Binary, description: 'The file' }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => sendAttachment(reply, await requests.authorization(contextOf(req), callerOf(req), req.params.requestId)),
  );
}
