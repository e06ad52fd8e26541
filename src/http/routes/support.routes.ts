import { OrgParams } from '../../contracts/common.ts';
import {
  AttachmentFile,
  ConfirmVerificationBody,
  InspectVerificationBody,
  ListTicketsQuery,
  OpenTicketBody,
  ReplyBody,
  Ticket,
  TicketAttachmentParams,
  TicketPage,
  TicketParams,
  VerificationRequest,
} from '../../contracts/support.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { bodyLimitFor, decodeAttachments, sendAttachment } from './support.attachments.ts';

/** SUP-1, SUP-2, SUP-4: an organization's admins open tickets, see eligibility and due times, and converse. */
export function supportRoutes(app: HttpApp, deps: HttpDeps): void {
  const { tickets, verifications } = deps.support;
  const auth = { auth: 'required' as const };
  const bodyLimit = bodyLimitFor(deps.config.support.maxAttachmentBytes);

  app.post(
    '/api/v1/orgs/:orgId/support/tickets',
    {
      config: auth,
      bodyLimit,
      schema: {
        tags: ['support'],
        summary: "Open a support ticket (the organization's active admins only; end-user support is theirs)",
        params: OrgParams,
        body: OpenTicketBody,
        response: { 201: Ticket, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const view = await tickets.openByWeb(contextOf(req), callerOf(req), req.params.orgId, {
        ...req.body,
        attachments: decodeAttachments(req.body.attachments),
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
        params: OrgParams,
        querystring: ListTicketsQuery,
        response: { 200: TicketPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => tickets.list(callerOf(req), req.params.orgId, req.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId',
    {
      config: auth,
      schema: { tags: ['support'], summary: 'A ticket with its conversation, eligibility and due times', params: TicketParams, response: { 200: Ticket, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => tickets.get(callerOf(req), req.params.orgId, req.params.ticketId),
  );

  app.post(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId/messages',
    {
      config: auth,
      bodyLimit,
      schema: {
        tags: ['support'],
        summary: 'Reply on a ticket; a closed ticket is reopened',
        params: TicketParams,
        body: ReplyBody,
        response: { 200: Ticket, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => {
      const { orgId, ticketId } = req.params;
      return tickets.reply(contextOf(req), callerOf(req), orgId, ticketId, { body: req.body.body, attachments: decodeAttachments(req.body.attachments) });
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId/resolve',
    {
      config: auth,
      schema: { tags: ['support'], summary: 'Close the ticket as resolved', params: TicketParams, response: { 200: Ticket, ...errorResponses(400, 401, 403, 404, 409) } },
    },
    async (req) => tickets.resolve(contextOf(req), callerOf(req), req.params.orgId, req.params.ticketId),
  );

  app.get(
    '/api/v1/orgs/:orgId/support/tickets/:ticketId/attachments/:attachmentId',
    {
      config: auth,
      schema: {
        tags: ['support'],
        summary: 'Download an attachment',
        params: TicketAttachmentParams,
        response: { 200: AttachmentFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const { orgId, ticketId, attachmentId } = req.params;
      return sendAttachment(reply, await tickets.attachment(callerOf(req), orgId, ticketId, attachmentId));
    },
  );

  app.post(
    '/api/v1/support/verifications/inspect',
    {
      config: auth,
      schema: {
        tags: ['support'],
        summary: "SUP-6: what staff asked the ticket's admin to confirm (the emailed link's token)",
        body: InspectVerificationBody,
        response: { 200: VerificationRequest, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => verifications.inspect(callerOf(req), req.body.token),
  );

  app.post(
    '/api/v1/support/verifications/confirm',
    {
      config: auth,
      schema: {
        tags: ['support'],
        summary: 'SUP-6: the admin confirms a staff request, signed in and with their password again',
        body: ConfirmVerificationBody,
        response: { 200: VerificationRequest, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => verifications.confirm(contextOf(req), callerOf(req), req.body.token, { password: req.body.password, code: req.body.code }),
  );
}
