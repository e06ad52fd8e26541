import type { FastifyInstance } from 'fastify';
import { PLANS } from '../../modules/directory/index.ts';
import { CLOSE_REASON_NAMES, PRIORITIES, VERIFICATION_ACTIONS } from '../../modules/support/index.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, ref, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { attachmentResponse, queueItem, sendAttachment, staffTicket, verification } from './support.schemas.ts';
import { idParam } from './users.routes.ts';

const ticketParams = strictObject({ ticketId: idParam }, ['ticketId']);
const verificationParams = strictObject({ ticketId: idParam, verificationId: idParam }, ['ticketId', 'verificationId']);
const hours = { type: 'number', exclusiveMinimum: 0, maximum: 2000 } as const;
const targets = {
  type: 'object',
  properties: {
    plan: { type: 'string' },
    priority: { type: 'string' },
    firstResponseHours: { type: 'number' },
    nextResponseHours: { type: 'number' },
    resolutionHours: { type: 'number' },
    updatedAt: { type: 'string' },
  },
  required: ['plan', 'priority', 'firstResponseHours', 'nextResponseHours', 'resolutionHours', 'updatedAt'],
} as const;

/**
 * The staff desk (SUP-2..SUP-6). Staff read tickets, never the accounts
 * behind them: an account is shown or deleted only on a grant the ticket's
 * admin confirmed (support verifications), and no route here reads or sets a
 * password or binds anyone to a resource.
 */
export function deskRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { desk, settings, verifications } = deps.support;
  const auth = { auth: 'required' as const };
  type T = { ticketId: string };
  type V = T & { verificationId: string };

  app.get(
    '/api/v1/staff/support/queue',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-5: tickets not closed, production-impacting first, then in order of submission',
        querystring: strictObject({ limit: { type: 'integer', minimum: 1, maximum: 500, default: 200 } }),
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: queueItem } }, required: ['items'] }, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => desk.queue(principalOf(req), (req.query as { limit: number }).limit),
  );

  app.get(
    '/api/v1/staff/support/tickets/:ticketId',
    {
      config: auth,
      schema: { tags: ['support desk'], summary: 'A ticket (the view is audited)', params: ticketParams, response: { 200: staffTicket, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => desk.get(contextOf(req), principalOf(req), (req.params as T).ticketId),
  );

  app.get(
    '/api/v1/staff/support/tickets/:ticketId/attachments/:attachmentId',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "Download a ticket's attachment (audited)",
        params: strictObject({ ticketId: idParam, attachmentId: idParam }, ['ticketId', 'attachmentId']),
        response: { 200: attachmentResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = req.params as T & { attachmentId: string };
      return sendAttachment(reply, await desk.attachment(contextOf(req), principalOf(req), p.ticketId, p.attachmentId));
    },
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/messages',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'Answer the customer (mailed, threaded); by default the ticket then waits on the customer',
        params: ticketParams,
        body: strictObject({ body: { type: 'string', minLength: 1, maxLength: 50_000 }, waitOnCustomer: { type: 'boolean', default: true } }, ['body']),
        response: { 200: staffTicket, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => desk.reply(contextOf(req), principalOf(req), (req.params as T).ticketId, req.body as { body: string; waitOnCustomer?: boolean }),
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/close',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-3: close as resolved or out of scope; the customer is told the reason',
        params: ticketParams,
        body: strictObject({ reason: { type: 'string', enum: CLOSE_REASON_NAMES }, note: { type: 'string', maxLength: 2000 } }, ['reason']),
        response: { 200: staffTicket, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => desk.close(contextOf(req), principalOf(req), (req.params as T).ticketId, req.body as { reason: string; note?: string }),
  );

  app.patch(
    '/api/v1/staff/support/tickets/:ticketId',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'Set the priority (due times are recomputed) or mark a limited-support ticket as a critical defect (SUP-2)',
        params: ticketParams,
        body: { ...strictObject({ priority: { type: 'string', enum: PRIORITIES }, criticalDefect: { type: 'boolean' } }), minProperties: 1 },
        response: { 200: staffTicket, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => desk.update(contextOf(req), principalOf(req), (req.params as T).ticketId, req.body as { priority?: string; criticalDefect?: boolean }),
  );

  app.get(
    '/api/v1/staff/support/macros',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'Prepared answers: out of scope (each with its closing reason) and end of life',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'string' }, title: { type: 'string' }, body: { type: 'string' }, closeReason: { type: ['string', 'null'] } },
                  required: ['id', 'title', 'body', 'closeReason'],
                },
              },
            },
            required: ['items'],
          },
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => desk.macros(principalOf(req)),
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/verifications',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "SUP-6: ask the ticket's admin to confirm one disclosure or deletion of an account, named by its id or its email (emailed link + password)",
        params: ticketParams,
        body: strictObject(
          { action: { type: 'string', enum: VERIFICATION_ACTIONS }, userId: idParam, email: { type: 'string', minLength: 3, maxLength: 254 } },
          ['action'],
        ),
        response: { 201: verification, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await verifications.request(contextOf(req), principalOf(req), (req.params as T).ticketId, req.body as { action: string; userId?: string; email?: string })),
  );

  app.get(
    '/api/v1/staff/support/tickets/:ticketId/verifications/:verificationId/account',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-6: the account a confirmed `disclose_account` verification names (once)',
        params: verificationParams,
        response: { 200: ref('User'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = req.params as V;
      return verifications.discloseAccount(contextOf(req), principalOf(req), p.ticketId, p.verificationId);
    },
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/verifications/:verificationId/delete-account',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-6: delete the account a confirmed `delete_account` verification names',
        params: verificationParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = req.params as V;
      await verifications.deleteAccount(contextOf(req), principalOf(req), p.ticketId, p.verificationId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/staff/support/targets',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-4: service-level targets per plan and priority, in business hours',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: targets } }, required: ['items'] }, ...errorResponses(401, 403) },
      },
    },
    async (req) => settings.listTargets(principalOf(req)),
  );

  app.put(
    '/api/v1/staff/support/targets/:plan/:priority',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "Change a plan and priority's targets (owner staff); open tickets' due times are recomputed and audited",
        params: strictObject({ plan: { type: 'string', enum: PLANS }, priority: { type: 'string', enum: PRIORITIES } }, ['plan', 'priority']),
        body: strictObject({ firstResponseHours: hours, nextResponseHours: hours, resolutionHours: hours }, ['firstResponseHours', 'nextResponseHours', 'resolutionHours']),
        response: { 200: targets, ...errorResponses(400, 401, 403, 404, 415) },
      },
    },
    async (req) => {
      const p = req.params as { plan: string; priority: string };
      return settings.setTargets(contextOf(req), principalOf(req), p.plan, p.priority, req.body as { firstResponseHours: number; nextResponseHours: number; resolutionHours: number });
    },
  );

  app.put(
    '/api/v1/staff/support/orgs/:orgId/specialist',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "SUP-2: assign a jumpstart organization's dedicated specialist (owner staff)",
        params: strictObject({ orgId: idParam }, ['orgId']),
        body: strictObject({ staffId: idParam }, ['staffId']),
        response: {
          200: { type: 'object', properties: { orgId: { type: 'string' }, staffId: { type: 'string' }, name: { type: 'string' } }, required: ['orgId', 'staffId', 'name'] },
          ...errorResponses(400, 401, 403, 404, 415),
        },
      },
    },
    async (req) => settings.setSpecialist(contextOf(req), principalOf(req), (req.params as { orgId: string }).orgId, (req.body as { staffId: string }).staffId),
  );

  app.delete(
    '/api/v1/staff/support/orgs/:orgId/specialist',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "Remove an organization's dedicated specialist (owner staff)",
        params: strictObject({ orgId: idParam }, ['orgId']),
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await settings.removeSpecialist(contextOf(req), principalOf(req), (req.params as { orgId: string }).orgId);
      return reply.status(204).send();
    },
  );
}
