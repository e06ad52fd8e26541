import type { FastifyInstance } from 'fastify';
import { POLICY_MARKDOWN_MAX, POLICY_SUMMARY_MAX, POLICY_TITLE_MAX, type PublishInput } from '../../modules/privacy/index.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';

const versionNumber = { type: 'integer', minimum: 1, maximum: 1_000_000 } as const;
const nullableText = { type: ['string', 'null'] } as const;
/** A whole policy in markdown is larger than most bodies: this one route takes up to 1 MiB. */
const POLICY_BODY_LIMIT = 1024 * 1024;

const summaryProperties = {
  version: { type: 'integer' },
  title: { type: 'string' },
  summary: nullableText,
  material: { type: 'boolean' },
  effectiveAt: { type: 'string' },
  publishedAt: { type: 'string' },
  supersededAt: { type: ['string', 'null'], description: 'When the next version takes (or took) effect' },
  status: { type: 'string', enum: ['upcoming', 'in_force', 'superseded'] },
} as const;
const summaryRequired = ['version', 'title', 'summary', 'material', 'effectiveAt', 'publishedAt', 'supersededAt', 'status'];

const policySummary = { type: 'object', properties: summaryProperties, required: summaryRequired } as const;
const policy = {
  type: 'object',
  properties: { ...summaryProperties, markdown: { type: 'string' } },
  required: [...summaryRequired, 'markdown'],
} as const;

const announcementProperties = {
  version: { type: 'integer' },
  title: { type: 'string' },
  summary: nullableText,
  effectiveAt: { type: 'string' },
  takenEffect: { type: 'boolean' },
  previousVersion: { type: ['integer', 'null'] },
} as const;
const announcementRequired = ['version', 'title', 'summary', 'effectiveAt', 'takenEffect', 'previousVersion'];
const announcement = { type: ['object', 'null'], properties: announcementProperties, required: announcementRequired } as const;

const currentPolicy = {
  type: 'object',
  properties: {
    ...policy.properties,
    upcoming: { ...policySummary, type: ['object', 'null'], description: 'The next version, published but not yet in effect' },
    announcement: { ...announcement, description: 'A material change the sign-in page announces: upcoming, or in effect for less than 30 days' },
  },
  required: [...policy.required, 'upcoming', 'announcement'],
} as const;

const notice = {
  type: ['object', 'null'],
  properties: {
    ...announcementProperties,
    firstShownAt: { type: 'string' },
    emailedAt: nullableText,
    continuedUseRecordedAt: nullableText,
  },
  required: [...announcementRequired, 'firstShownAt', 'emailedAt', 'continuedUseRecordedAt'],
} as const;

const acknowledgement = {
  type: 'object',
  properties: { version: { type: 'integer' }, kind: { type: 'string', enum: ['acknowledged', 'continued_use'] }, at: { type: 'string' } },
  required: ['version', 'kind', 'at'],
} as const;

const diffLine = {
  type: 'object',
  properties: {
    op: { type: 'string', enum: ['equal', 'insert', 'delete'] },
    text: { type: 'string' },
    fromLine: { type: ['integer', 'null'] },
    toLine: { type: ['integer', 'null'] },
  },
  required: ['op', 'text', 'fromLine', 'toLine'],
} as const;

const policyDiff = {
  type: 'object',
  properties: { from: policySummary, to: policySummary, inserted: { type: 'integer' }, deleted: { type: 'integer' }, lines: { type: 'array', items: diffLine } },
  required: ['from', 'to', 'inserted', 'deleted', 'lines'],
} as const;

const items = (item: object) => ({ type: 'object', properties: { items: { type: 'array', items: item } }, required: ['items'] }) as const;

/** PRV-8: the versioned privacy policy, its archive and diffs (public); publishing (privacy staff); notices and acknowledgements (users). */
export function policiesRoutes(app: FastifyInstance, deps: HttpDeps): void {
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
        response: { 200: currentPolicy, ...errorResponses(404) },
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
        response: { 200: items(policySummary) },
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
        querystring: strictObject({ from: versionNumber, to: versionNumber }, ['from', 'to']),
        response: { 200: policyDiff, ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const { from, to } = req.query as { from: number; to: number };
      return policies.diff(from, to);
    },
  );

  app.get(
    '/api/v1/privacy/policies/:version',
    {
      config: publicRoute,
      schema: {
        tags: ['privacy'],
        summary: 'One version of the privacy policy, with its text',
        params: strictObject({ version: versionNumber }, ['version']),
        response: { 200: policy, ...errorResponses(400, 404) },
      },
    },
    async (req) => policies.get((req.params as { version: number }).version),
  );

  app.post(
    '/api/v1/staff/privacy/policies',
    {
      config: auth,
      bodyLimit: POLICY_BODY_LIMIT,
      schema: {
        tags: ['privacy'],
        summary: 'Publish the next version (staff with the privacy or owner role); a material one is emailed to every user',
        body: strictObject(
          {
            title: { type: 'string', minLength: 1, maxLength: POLICY_TITLE_MAX },
            markdown: { type: 'string', minLength: 1, maxLength: POLICY_MARKDOWN_MAX },
            effectiveAt: { type: 'string', format: 'date-time', maxLength: 40, description: 'Omitted: at publication. At most 5 minutes in the past, and not before the previous version' },
            material: { type: 'boolean' },
            summary: { type: 'string', maxLength: POLICY_SUMMARY_MAX, description: 'Required for a material change' },
          },
          ['title', 'markdown', 'material'],
        ),
        response: {
          201: { type: 'object', properties: { ...policy.properties, emailed: { type: 'integer' } }, required: [...policy.required, 'emailed'] },
          ...errorResponses(400, 401, 403, 409, 413, 415, 422),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await policies.publish(contextOf(req), principalOf(req), req.body as PublishInput)),
  );

  app.get(
    '/api/v1/privacy/notice',
    {
      config: auth,
      schema: {
        tags: ['privacy'],
        summary: 'The material change the signed-in user has not acknowledged, if any (its first showing is recorded)',
        response: { 200: { type: 'object', properties: { notice }, required: ['notice'] }, ...errorResponses(401) },
      },
    },
    async (req) => ({ notice: await policies.notice(principalOf(req)) }),
  );

  app.post(
    '/api/v1/privacy/notice/acknowledge',
    {
      config: auth,
      schema: {
        tags: ['privacy'],
        summary: 'Acknowledge a material change (recorded with its version)',
        body: strictObject({ version: versionNumber }, ['version']),
        response: { 200: acknowledgement, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => policies.acknowledge(principalOf(req), (req.body as { version: number }).version),
  );

  app.get(
    '/api/v1/privacy/acknowledgements',
    {
      config: auth,
      schema: {
        tags: ['privacy'],
        summary: "The signed-in user's recorded acceptances of policy versions: acknowledged, or continued use after the notice",
        response: { 200: items(acknowledgement), ...errorResponses(401) },
      },
    },
    async (req) => ({ items: await policies.acknowledgements(principalOf(req)) }),
  );
}
