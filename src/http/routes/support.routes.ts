import type { FastifyInstance } from 'fastify';
import { ENVIRONMENTS, SUBJECT_MAX, SYSTEM_VERSION_MAX, TICKET_STATUSES } from '../../modules/support/index.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { attachmentResponse, attachmentsInput, bodyLimitFor, decodeAttachments, sendAttachment, ticket, ticketSummary } from './support.schemas.ts';
import { idParam } from './users.routes.ts';

const orgParams = strictObject({ orgId: idParam }, ['orgId']);
const ticketParams = strictObject({ orgId: idParam, ticketId: idParam }, ['orgId', 'ticketId']);
const attachmentParams = strictObject({ orgId: idParam, ticketId: idParam, attachmentId: idParam }, ['orgId', 'ticketId', 'attachmentId']);
const messageBody = { type: 'string', minLength: 1, maxLength: 50_000 } as const;

type Attachments = Array<{ filename: string; contentType: string; contentBase64: string }>;

const verificationRequest = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: ['disclose_account', 'delete_account'] },
    ticketId: { type: 'string' },
    ticketSubject: { type: 'string' },
    accountName: { type: 'string' },
    accountEmail: { type: 'string' },
    staffName: { type: 'string' },
    expiresAt: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'confirmed', 'used', 'expired'] },
  },
  required: ['action', 'ticketId', 'ticketSubject', 'accountName', 'accountEmail', 'staffName', 'expiresAt', 'status'],
} as const;
const tokenField = { type: 'string', minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' } as const;

/** SUP-1, SUP-2, SUP-4: an organization's admins open tickets, see eligibility and due times, and converse. */
export function supportRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { tickets, verifications } = deps.support;
  const auth = { auth: 'required' as const };
  const bodyLimit = bodyLimitFor(deps.config.support.maxAttachmentBytes);
  type T = { orgId: string; ticketId: string };

  app.post(
    '/api/v1/orgs/:orgId/support/tickets',
    {
      config: auth,
      bodyLimit,
      schema: {
        tags: ['support'],
        summary: "Open a support ticket (the organization's active admins only; end-user support is theirs)",
        params: orgParams,
        body: strictObject(
          {
            subject: { type: 'string', minLength: 1, maxLength: SUBJECT_MAX },
            body: messageBody,
            environment: { type: 'string', enum: ENVIRONMENTS },
            productionImpact: { type: 'boolean' },
            systemVersion: { type: ['string', 'null'], maxLength: SYSTEM_VERSION_MAX, description: 'e.g. "Ubuntu 22.04"; an end-of-life version is flagged' },
            attachments: attachmentsInput,
          },
          ['subject', 'body', 'environment', 'productionImpact'],
        ),
        response: { 201: ticket, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const b = req.body as { subject: string; body: string; environment: string; productionImpact: boolean; systemVersion?: string | null; attachments?: Attachments };
      const view = await tickets.openByWeb(contextOf(req), principalOf(req), (req.params as { orgId: string }).orgId, {
        ...b,
        attachments: decodeAttachments(b.attachments),
      });
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/support/tickets',
    {
      config: auth,
      schema: {
        tags: ['support'],
        summary: "The organization's tickets, newest first",
        params: orgParams,
        querystring: strictObject({
          status: { type: 'string', enum: TICKET_STATUSES },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' },
        }),
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: ticketSummary }, nextCursor: { type: ['string', 'null'] } }, required: ['items', 'nextCursor'] },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (req) => tickets.list(principalOf(req), (req.params as { orgId: string }).orgId, req.query as { status?: string; limit: number; cursor?: string }),
  );

  app.get(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId',
    {
      config: auth,
      schema: { tags: ['support'], summary: 'A ticket with its conversation, eligibility and due times', params: ticketParams, response: { 200: ticket, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => {
      const p = req.params as T;
      return tickets.get(principalOf(req), p.orgId, p.ticketId);
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId/messages',
    {
      config: auth,
      bodyLimit,
      schema: {
        tags: ['support'],
        summary: 'Reply on a ticket; a closed ticket is reopened',
        params: ticketParams,
        body: strictObject({ body: messageBody, attachments: attachmentsInput }, ['body']),
        response: { 200: ticket, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => {
      const p = req.params as T;
      const b = req.body as { body: string; attachments?: Attachments };
      return tickets.reply(contextOf(req), principalOf(req), p.orgId, p.ticketId, { body: b.body, attachments: decodeAttachments(b.attachments) });
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId/resolve',
    {
      config: auth,
      schema: { tags: ['support'], summary: 'Close the ticket as resolved', params: ticketParams, response: { 200: ticket, ...errorResponses(400, 401, 403, 404, 409) } },
    },
    async (req) => {
      const p = req.params as T;
      return tickets.resolve(contextOf(req), principalOf(req), p.orgId, p.ticketId);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId/attachments/:attachmentId',
    {
      config: auth,
      schema: {
        tags: ['support'],
        summary: 'Download an attachment',
        params: attachmentParams,
        response: { 200: attachmentResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = req.params as T & { attachmentId: string };
      return sendAttachment(reply, await tickets.attachment(principalOf(req), p.orgId, p.ticketId, p.attachmentId));
    },
  );

  app.post(
    '/api/v1/support/verifications/inspect',
    {
      config: auth,
      schema: {
        tags: ['support'],
        summary: "SUP-6: what staff asked the ticket's admin to confirm (the emailed link's token)",
        body: strictObject({ token: tokenField }, ['token']),
        response: { 200: verificationRequest, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => verifications.inspect(principalOf(req), (req.body as { token: string }).token),
  );

  app.post(
    '/api/v1/support/verifications/confirm',
    {
      config: auth,
      schema: {
        tags: ['support'],
        summary: 'SUP-6: the admin confirms a staff request, signed in and with their password again',
        body: strictObject({ token: tokenField, password: { type: 'string', minLength: 1, maxLength: 1024 } }, ['token', 'password']),
        response: { 200: verificationRequest, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = req.body as { token: string; password: string };
      return verifications.confirm(contextOf(req), principalOf(req), b.token, b.password);
    },
  );
}
