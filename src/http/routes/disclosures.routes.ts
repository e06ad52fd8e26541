import { Disclosure, DisclosurePage, DisclosureParams, DisclosureQuery, LegalRequestBody } from '../../contracts/disclosures.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/** PRV-9: the disclosure ledger, for staff with the privacy or owner role. */
export function disclosuresRoutes(app: HttpApp, deps: HttpDeps): void {
  const { disclosures } = deps.privacy;
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/staff/privacy/disclosures',
    {
      config: auth,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'The disclosure ledger, newest first, filtered (staff with the privacy or owner role)',
        querystring: DisclosureQuery,
        response: { 200: DisclosurePage, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async (req) => disclosures.list(callerOf(req), req.query),
  );

  app.post(
    '/api/v1/staff/privacy/disclosures',
    {
      config: auth,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'Record a disclosure made on legal request (a subpoena, a court order): recipient, categories, purpose, subject and reference; audited',
        body: LegalRequestBody,
        response: { 201: Disclosure, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await disclosures.recordLegalRequest(contextOf(req), callerOf(req), req.body)),
  );

  app.get(
    '/api/v1/staff/privacy/disclosures/:disclosureId',
    {
      config: auth,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'One disclosure',
        params: DisclosureParams,
        response: { 200: Disclosure, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => disclosures.get(callerOf(req), req.params.disclosureId),
  );
}
