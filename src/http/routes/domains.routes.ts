import { NoContent, OrgParams } from '../../contracts/common.ts';
import {
  ClaimBody,
  ClaimResult,
  CreateDomainBody,
  Domain,
  DomainAccountPage,
  DomainListQuery,
  DomainPage,
  DomainParams,
  NoticeListQuery,
  NoticePage,
  NoticeParams,
  Notice,
} from '../../contracts/governance.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/**
 * GOV-2, GOV-3: an organization's domains (for its admins), the accounts on a verified one and
 * the claim of control over them; and the signed-in person's in-app notices.
 */
export function domainsRoutes(app: HttpApp, deps: HttpDeps): void {
  const { domains, controls, notices } = deps.governance;
  const auth = { auth: 'required' as const };
  const tags = ['domains'];

  app.post(
    '/api/v1/orgs/:orgId/domains',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Add a domain (org admins only); the answer holds the TXT record to publish (GOV-2)',
        params: OrgParams,
        body: CreateDomainBody,
        response: { 201: Domain, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await domains.add(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/domains',
    {
      config: auth,
      schema: { tags, summary: "The organization's domains, verified or pending", params: OrgParams, querystring: DomainListQuery, response: { 200: DomainPage, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => domains.list(callerOf(req), req.params.orgId, req.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/domains/:domainId',
    { config: auth, schema: { tags, summary: 'One domain, its status and its last check', params: DomainParams, response: { 200: Domain, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => domains.get(callerOf(req), req.params.orgId, req.params.domainId),
  );

  app.delete(
    '/api/v1/orgs/:orgId/domains/:domainId',
    {
      config: auth,
      schema: { tags, summary: 'Remove a domain; a verified one releases the accounts controlled through it (GOV-2)', params: DomainParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req, reply) => {
      await domains.remove(contextOf(req), callerOf(req), req.params.orgId, req.params.domainId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/domains/:domainId/verify',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Look the TXT record up now: the domain is verified when it is found (see `status` and `lastCheckError`)',
        params: DomainParams,
        response: { 200: Domain, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => domains.verify(contextOf(req), callerOf(req), req.params.orgId, req.params.domainId),
  );

  app.get(
    '/api/v1/orgs/:orgId/domains/:domainId/accounts',
    {
      config: auth,
      schema: {
        tags,
        summary: 'GOV-3: the accounts at a verified domain that the organization does not control yet, and whether each is already a member',
        params: DomainParams,
        querystring: DomainListQuery,
        response: { 200: DomainAccountPage, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => controls.preview(callerOf(req), req.params.orgId, req.params.domainId, req.query),
  );

  app.post(
    '/api/v1/orgs/:orgId/domains/:domainId/claim',
    {
      config: auth,
      schema: {
        tags,
        summary: 'GOV-3: take control of the accounts named (all of the preview when none is); each person is told by mail and in the app',
        params: DomainParams,
        body: ClaimBody,
        response: { 200: ClaimResult, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (req) => controls.claim(contextOf(req), callerOf(req), req.params.orgId, req.params.domainId, req.body ?? {}),
  );

  app.get(
    '/api/v1/me/notices',
    { config: auth, schema: { tags: ['me'], summary: 'The signed-in person’s in-app notices, newest first', querystring: NoticeListQuery, response: { 200: NoticePage, ...errorResponses(400, 401) } } },
    async (req) => notices.list(callerOf(req), req.query),
  );

  app.post(
    '/api/v1/me/notices/:noticeId/read',
    { config: auth, schema: { tags: ['me'], summary: 'Mark one of the person’s notices read', params: NoticeParams, response: { 200: Notice, ...errorResponses(400, 401, 404) } } },
    async (req) => notices.markRead(callerOf(req), req.params.noticeId),
  );
}
