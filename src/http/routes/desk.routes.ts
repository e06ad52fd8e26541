import { NoContent, OrgParams, UserRef } from '../../contracts/common.ts';
import {
  CloseTicketBody,
  DeskReplyBody,
  MacroList,
  Queue,
  QueueQuery,
  RequestVerificationBody,
  Specialist,
  SpecialistBody,
  StaffMemberList,
  StaffMembersQuery,
  StaffAttachmentParams,
  StaffTicket,
  StaffTicketParams,
  SupportTargets,
  SupportTargetsList,
  SupportVerification,
  TargetsBody,
  TargetsParams,
  UpdateTicketBody,
  VerificationParams,
} from '../../contracts/desk.ts';
import { AttachmentFile } from '../../contracts/support.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { sendAttachment } from './support.attachments.ts';

/**
 * The staff desk (SUP-2..SUP-6). Staff read tickets, never the accounts
 * behind them: an account is shown or deleted only on a grant the ticket's
 * admin confirmed (support verifications), and no route here reads or sets a
 * password or binds anyone to a resource.
 */
export function deskRoutes(app: HttpApp, deps: HttpDeps): void {
  const { desk, settings, verifications } = deps.support;
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/staff/support/queue',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-5: tickets not closed, production-impacting first, then in order of submission',
        querystring: QueueQuery,
        response: { 200: Queue, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => desk.queue(callerOf(req), req.query.limit),
  );

  app.get(
    '/api/v1/staff/support/tickets/:ticketId',
    {
      config: auth,
      schema: { tags: ['support desk'], summary: 'A ticket (the view is audited)', params: StaffTicketParams, response: { 200: StaffTicket, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => desk.get(contextOf(req), callerOf(req), req.params.ticketId),
  );

  app.get(
    '/api/v1/staff/support/tickets/:ticketId/attachments/:attachmentId',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "Download a ticket's attachment (audited)",
        params: StaffAttachmentParams,
        response: { 200: AttachmentFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => sendAttachment(reply, await desk.attachment(contextOf(req), callerOf(req), req.params.ticketId, req.params.attachmentId)),
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/messages',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'Answer the customer (mailed, threaded); by default the ticket then waits on the customer',
        params: StaffTicketParams,
        body: DeskReplyBody,
        response: { 200: StaffTicket, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => desk.reply(contextOf(req), callerOf(req), req.params.ticketId, req.body),
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/close',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-3: close as resolved or out of scope; the customer is told the reason',
        params: StaffTicketParams,
        body: CloseTicketBody,
        response: { 200: StaffTicket, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => desk.close(contextOf(req), callerOf(req), req.params.ticketId, req.body),
  );

  app.patch(
    '/api/v1/staff/support/tickets/:ticketId',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'Set the priority (due times are recomputed) or mark a limited-support ticket as a critical defect (SUP-2)',
        params: StaffTicketParams,
        body: UpdateTicketBody,
        response: { 200: StaffTicket, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => desk.update(contextOf(req), callerOf(req), req.params.ticketId, req.body),
  );

  app.get(
    '/api/v1/staff/support/macros',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'Prepared answers: out of scope (each with its closing reason) and end of life',
        response: { 200: MacroList, ...errorResponses(401, 403) },
      },
    },
    async (req) => desk.macros(callerOf(req)),
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/verifications',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "SUP-6: ask the ticket's admin to confirm one disclosure or deletion of an account, named by its id or its email (emailed link + password)",
        params: StaffTicketParams,
        body: RequestVerificationBody,
        response: { 201: SupportVerification, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req, reply) => reply.status(201).send(await verifications.request(contextOf(req), callerOf(req), req.params.ticketId, req.body)),
  );

  app.get(
    '/api/v1/staff/support/tickets/:ticketId/verifications/:verificationId/account',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-6: the account a confirmed `disclose_account` verification names (once)',
        params: VerificationParams,
        response: { 200: UserRef, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => verifications.discloseAccount(contextOf(req), callerOf(req), req.params.ticketId, req.params.verificationId),
  );

  app.post(
    '/api/v1/staff/support/tickets/:ticketId/verifications/:verificationId/delete-account',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-6: delete the account a confirmed `delete_account` verification names',
        params: VerificationParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await verifications.deleteAccount(contextOf(req), callerOf(req), req.params.ticketId, req.params.verificationId);
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
        response: { 200: SupportTargetsList, ...errorResponses(401, 403) },
      },
    },
    async (req) => settings.listTargets(callerOf(req)),
  );

  app.put(
    '/api/v1/staff/support/targets/:plan/:priority',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "Change a plan and priority's targets (owner staff); open tickets' due times are recomputed and audited",
        params: TargetsParams,
        body: TargetsBody,
        response: { 200: SupportTargets, ...errorResponses(400, 401, 403, 404, 415) },
      },
    },
    async (req) => settings.setTargets(contextOf(req), callerOf(req), req.params.plan, req.params.priority, req.body),
  );

  app.put(
    '/api/v1/staff/support/orgs/:orgId/specialist',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "SUP-2: assign a jumpstart organization's dedicated specialist (owner staff)",
        params: OrgParams,
        body: SpecialistBody,
        response: { 200: Specialist, ...errorResponses(400, 401, 403, 404, 415) },
      },
    },
    async (req) => settings.setSpecialist(contextOf(req), callerOf(req), req.params.orgId, req.body.staffId),
  );

  app.delete(
    '/api/v1/staff/support/orgs/:orgId/specialist',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: "Remove an organization's dedicated specialist (owner staff)",
        params: OrgParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await settings.removeSpecialist(contextOf(req), callerOf(req), req.params.orgId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/staff/members',
    {
      config: auth,
      schema: {
        tags: ['support desk'],
        summary: 'SUP-2: find active staff by name, address or id, with their role (support or owner staff), to pick a specialist',
        querystring: StaffMembersQuery,
        response: { 200: StaffMemberList, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => deps.accounts.searchStaff(callerOf(req), req.query),
  );

}
