import type { FastifyInstance } from 'fastify';
import { CARD_BRANDS, type CardInput, HOLDER_NAME_MAX } from '../../modules/billing/index.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { idParam } from './users.routes.ts';

const orgParams = strictObject({ orgId: idParam }, ['orgId']);

/**
 * PRV-10: the schema checks only the shape. Ajv's messages name the rule
 * broken ("must match pattern"), never the value, so a refused number or CVC
 * is not echoed in the problem details; Luhn, brand, CVC length and expiry
 * are checked by the payment provider, whose errors name only the field.
 */
const cardBody = strictObject(
  {
    number: { type: 'string', pattern: '^[0-9]{12,19}$', description: 'Digits only; sent to the payment provider, never stored' },
    cvc: { type: 'string', pattern: '^[0-9]{3,4}$', description: 'Sent to the payment provider, never stored' },
    expMonth: { type: 'integer', minimum: 1, maximum: 12 },
    expYear: { type: 'integer', minimum: 2000, maximum: 2100 },
    holderName: { type: 'string', minLength: 1, maxLength: HOLDER_NAME_MAX },
  },
  ['number', 'cvc', 'expMonth', 'expYear', 'holderName'],
);

const card = {
  type: 'object',
  properties: {
    brand: { type: 'string', enum: [...CARD_BRANDS] },
    last4: { type: 'string' },
    holderName: { type: 'string' },
    expMonth: { type: 'integer' },
    expYear: { type: 'integer' },
    addedAt: { type: 'string' },
  },
  required: ['brand', 'last4', 'holderName', 'expMonth', 'expYear', 'addedAt'],
} as const;

/** PRV-10, DIR-4: an organization's card on file, managed by its admins; adding one moves a free organization to paid. */
export function billingRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { cards } = deps.billing;
  const auth = { auth: 'required' as const };
  type P = { orgId: string };

  app.put(
    '/api/v1/orgs/:orgId/billing/card',
    {
      config: auth,
      schema: {
        tags: ['billing'],
        summary: "Add or replace the organization's card (org admins); a free organization moves to paid",
        params: orgParams,
        body: cardBody,
        response: { 200: card, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => cards.add(contextOf(req), principalOf(req), (req.params as P).orgId, req.body as CardInput),
  );

  app.get(
    '/api/v1/orgs/:orgId/billing/card',
    {
      config: auth,
      schema: {
        tags: ['billing'],
        summary: "The organization's card: brand, last 4 digits, holder name and expiry (org admins)",
        params: orgParams,
        response: { 200: card, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => cards.get(principalOf(req), (req.params as P).orgId),
  );

  app.delete(
    '/api/v1/orgs/:orgId/billing/card',
    {
      config: auth,
      schema: {
        tags: ['billing'],
        summary: "Remove the organization's card (org admins); the plan is not changed",
        params: orgParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await cards.remove(contextOf(req), principalOf(req), (req.params as P).orgId);
      return reply.status(204).send();
    },
  );
}
