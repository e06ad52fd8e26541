import type { FastifyInstance } from 'fastify';
import { DATA_CATEGORY_NAMES, type DisclosureQuery, type LegalRequestInput, RECIPIENT_KINDS } from '../../modules/privacy/index.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { idParam, pageOf } from './users.routes.ts';

const nullable = { type: ['string', 'null'] } as const;

const disclosure = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    at: { type: 'string', description: 'When it was recorded' },
    recipientKind: { type: 'string', enum: RECIPIENT_KINDS },
    recipientName: { type: 'string' },
    recipientAddress: { type: 'string', description: 'Postal address' },
    categories: { type: 'array', items: { type: 'string' } },
    purpose: { type: 'string' },
    directMarketing: { type: 'boolean', description: "For the recipient's own direct marketing (DSR-7)" },
    subjectType: { ...nullable, description: '`user` or `visitor`, when the subject is one' },
    subjectId: nullable,
    subjectEmail: nullable,
    orgId: nullable,
    recordedBy: { ...nullable, description: 'The staff member who recorded it; null when Castellan itself shared the data' },
    reference: nullable,
  },
  required: [
    'id',
    'at',
    'recipientKind',
    'recipientName',
    'recipientAddress',
    'categories',
    'purpose',
    'directMarketing',
    'subjectType',
    'subjectId',
    'subjectEmail',
    'orgId',
    'recordedBy',
    'reference',
  ],
} as const;

const dayOrInstant = (description: string) => ({ type: 'string', anyOf: [{ format: 'date' }, { format: 'date-time' }], description }) as const;

const filterQuery = {
  recipient: { type: 'string', minLength: 1, maxLength: 200, description: "Part of the recipient's name" },
  kind: { type: 'string', enum: RECIPIENT_KINDS },
  subjectId: idParam,
  subjectEmail: { type: 'string', minLength: 1, maxLength: 254 },
  directMarketing: { type: 'boolean' },
  from: dayOrInstant('A day (YYYY-MM-DD, UTC) or an instant; inclusive'),
  until: dayOrInstant('A day (the whole day is included) or an instant (exclusive)'),
  purpose: { type: 'string', minLength: 1, maxLength: 200, description: 'Part of the purpose' },
  orgId: idParam,
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  cursor: { type: 'string', pattern: '^[0-9]{1,15}$' },
} as const;

const legalRequestBody = strictObject(
  {
    recipientName: { type: 'string', minLength: 1, maxLength: 200 },
    recipientAddress: { type: 'string', minLength: 1, maxLength: 500, description: 'Postal address' },
    categories: { type: 'array', minItems: 1, maxItems: DATA_CATEGORY_NAMES.length, uniqueItems: true, items: { type: 'string', enum: DATA_CATEGORY_NAMES } },
    purpose: { type: 'string', minLength: 1, maxLength: 500 },
    reference: { type: 'string', minLength: 1, maxLength: 200, description: "The request's own number, e.g. a subpoena's" },
    subjectUserId: idParam,
    subjectEmail: { type: 'string', format: 'email', maxLength: 254 },
    orgId: idParam,
  },
  ['recipientName', 'recipientAddress', 'categories', 'purpose', 'reference'],
);

/** PRV-9: the disclosure ledger, for staff with the privacy or owner role. */
export function disclosuresRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { disclosures } = deps.privacy;
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/staff/privacy/disclosures',
    {
      config: auth,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'The disclosure ledger, newest first, filtered (staff with the privacy or owner role)',
        querystring: strictObject(filterQuery),
        response: { 200: pageOf(disclosure), ...errorResponses(400, 401, 403, 422) },
      },
    },
    async (req) => disclosures.list(principalOf(req), req.query as DisclosureQuery),
  );

  app.post(
    '/api/v1/staff/privacy/disclosures',
    {
      config: auth,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'Record a disclosure made on legal request (a subpoena, a court order): recipient, categories, purpose, subject and reference; audited',
        body: legalRequestBody,
        response: { 201: disclosure, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await disclosures.recordLegalRequest(contextOf(req), principalOf(req), req.body as LegalRequestInput)),
  );

  app.get(
    '/api/v1/staff/privacy/disclosures/:disclosureId',
    {
      config: auth,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'One disclosure',
        params: strictObject({ disclosureId: idParam }, ['disclosureId']),
        response: { 200: disclosure, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => disclosures.get(principalOf(req), (req.params as { disclosureId: string }).disclosureId),
  );
}
