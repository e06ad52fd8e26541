import { type Static, Type } from 'typebox';
import { Binary } from '../../contracts/common.ts';
import { ArchiveLink, ArchiveLinkBody, CertificateQuery, CorrectionDecisionBody, DownloadTokenQuery, RequestParams, StaffPrivacyRequest } from '../../contracts/rights.ts';
import type { Caller } from '../../core/caller.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/**
 * DSR-1, DSR-5: fulfilment of verified data-subject requests: the requester's downloads (the access
 * archive, the deletion certificate) and the staff desk's fulfil and correction review.
 */
export function rightsFulfilmentRoutes(app: HttpApp, deps: HttpDeps): void {
  const requests = deps.privacyRequests;
  const staff = { auth: 'required' as const };
  // Only privacy staff get this far (the use case checked the capability): the view is theirs.
  const staffView = async (id: string, caller: Caller) => (await requests.get(caller, id, undefined)) as Static<typeof StaffPrivacyRequest>;

  app.get(
    '/api/v1/privacy/requests/:requestId/archive',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['privacy'],
        summary:
          'DSR-1: the access archive (ZIP: data.json, a CSV per table, a README), built now from the registry. The mailed link works once, for 24 hours; a used or expired link answers 404 saying so',
        params: RequestParams,
        querystring: DownloadTokenQuery,
        response: { 200: { description: 'A ZIP archive', content: { 'application/zip': { schema: Binary } } }, ...errorResponses(400, 404, 409) },
      },
    },
    async (req, reply) => {
      const archive = await requests.downloadArchive(contextOf(req), req.params.requestId, req.query.token);
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${archive.filename}"`)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .send(archive.content);
    },
  );

  app.post(
    '/api/v1/privacy/requests/:requestId/archive-link',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['privacy'],
        summary:
          "DSR-1: a fresh single-use download link for the signed-in requester's own verified access request, within 24 hours of its verification (the account's \"My data\" page). DSR-2: the call re-authenticates: `password` (and `code`), or POST /me/reauth just before",
        params: RequestParams,
        body: ArchiveLinkBody,
        response: { 201: ArchiveLink, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => reply.status(201).send(await requests.archiveLink(contextOf(req), callerOf(req), req.params.requestId, req.body)),
  );

  app.get(
    '/api/v1/privacy/requests/:requestId/certificate',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['privacy'],
        summary: "DSR-5: the deletion certificate (no personal data; SHA-256 digest), to the requester's link `token` or to privacy staff; `format=text` for people",
        params: RequestParams,
        querystring: CertificateQuery,
        response: { 200: { description: 'The certificate', content: { 'application/json': { schema: Type.Unknown() }, 'text/plain': { schema: Type.String() } } }, ...errorResponses(400, 403, 404) },
      },
    },
    async (req, reply) => {
      const { certificate, text } = await requests.certificate(req.caller, req.params.requestId, req.query.token);
      reply.header('cache-control', 'no-store');
      if (req.query.format === 'text') return reply.type('text/plain; charset=utf-8').send(text);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(certificate));
    },
  );

  app.post(
    '/api/v1/staff/privacy/requests/:requestId/fulfil',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'DSR-1, DSR-5: run (or retry) the fulfilment of a verified request: access mails a fresh link, know answers, delete erases, correct waits for review; 409 before verification',
        params: RequestParams,
        response: { 200: StaffPrivacyRequest, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      await requests.fulfil(contextOf(req), callerOf(req), req.params.requestId);
      return staffView(req.params.requestId, callerOf(req));
    },
  );

  app.post(
    '/api/v1/staff/privacy/requests/:requestId/correction',
    {
      config: staff,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'DSR-1: review a verified correction request: apply it through the owning module (audited), or deny it with the reason; the request is answered and logged',
        params: RequestParams,
        body: CorrectionDecisionBody,
        response: { 200: StaffPrivacyRequest, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => {
      await requests.decideCorrection(contextOf(req), callerOf(req), req.params.requestId, req.body);
      return staffView(req.params.requestId, callerOf(req));
    },
  );
}
