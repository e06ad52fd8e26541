import {
  AcknowledgeBody,
  CurrentPolicy,
  POLICY_BODY_LIMIT,
  Policy,
  PolicyAcknowledgement,
  PolicyAcknowledgementList,
  PolicyDiff,
  PolicyDiffQuery,
  PolicyList,
  PolicyNoticeResponse,
  PolicyVersionParams,
  PublishPolicyBody,
  PublishedPolicy,
} from '../../contracts/policies.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/** PRV-8: the versioned privacy policy, its archive and diffs (public); publishing (privacy staff); notices and acknowledgements (users). */
export function policiesRoutes(app: HttpApp, deps: HttpDeps): void {
  const { policies } = deps.privacy;
  const publicRoute = { auth: 'none' as const };
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/privacy/policy',
    {
      config: publicRoute,
      schema: {
        tags: ['privacy'],
        summary: 'The privacy policy in force, the next version if one is published, and any material change to announce',
        response: { 200: CurrentPolicy, ...errorResponses(404) },
      },
    },
    async () => policies.current(),
  );

  app.get(
    '/api/v1/privacy/policies',
    {
      config: publicRoute,
      schema: {
        tags: ['privacy'],
        summary: 'The archive: every version ever published, newest first, with its dates',
        response: { 200: PolicyList },
      },
    },
    async () => ({ items: await policies.list() }),
  );

  app.get(
    '/api/v1/privacy/policies/diff',
    {
      config: publicRoute,
      schema: {
        tags: ['privacy'],
        summary: 'What changed between two versions (either order), line by line',
        querystring: PolicyDiffQuery,
        response: { 200: PolicyDiff, ...errorResponses(400, 404) },
      },
    },
    async (req) => policies.diff(req.query.from, req.query.to),
  );

  app.get(
    '/api/v1/privacy/policies/:version',
    {
      config: publicRoute,
      schema: {
        tags: ['privacy'],
        summary: 'One version of the privacy policy, with its text',
        params: PolicyVersionParams,
        response: { 200: Policy, ...errorResponses(400, 404) },
      },
    },
    async (req) => policies.get(req.params.version),
  );

  app.post(
    '/api/v1/staff/privacy/policies',
    {
      config: auth,
      bodyLimit: POLICY_BODY_LIMIT,
      schema: {
        tags: ['privacy'],
        summary: 'Publish the next version (staff with the privacy or owner role); a material one is emailed to every user',
        body: PublishPolicyBody,
        response: {
          201: PublishedPolicy,
          ...errorResponses(400, 401, 403, 409, 413, 415, 422),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await policies.publish(contextOf(req), callerOf(req), req.body)),
  );

  app.get(
    '/api/v1/privacy/notice',
    {
      config: auth,
      schema: {
        tags: ['privacy'],
        summary: 'The material change the signed-in user has not acknowledged, if any (its first showing is recorded)',
        response: { 200: PolicyNoticeResponse, ...errorResponses(401) },
      },
    },
    async (req) => ({ notice: await policies.notice(callerOf(req)) }),
  );

  app.post(
    '/api/v1/privacy/notice/acknowledge',
    {
      config: auth,
      schema: {
        tags: ['privacy'],
        summary: 'Acknowledge a material change (recorded with its version)',
        body: AcknowledgeBody,
        response: { 200: PolicyAcknowledgement, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => policies.acknowledge(callerOf(req), req.body.version),
  );

  app.get(
    '/api/v1/privacy/acknowledgements',
    {
      config: auth,
      schema: {
        tags: ['privacy'],
        summary: "The signed-in user's recorded acceptances of policy versions: acknowledged, or continued use after the notice",
        response: { 200: PolicyAcknowledgementList, ...errorResponses(401) },
      },
    },
    async (req) => ({ items: await policies.acknowledgements(callerOf(req)) }),
  );
}
