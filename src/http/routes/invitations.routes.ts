import { OrganizationBody, UpdateOrganizationBody } from '../../contracts/accounts.ts';
import { NoContent, OrgParams, OrganizationRef, UserAndOrganization, UserRef } from '../../contracts/common.ts';
import {
  AcceptInvitationBody,
  AcceptWithTokenBody,
  InvitationInfo,
  InvitationTokenParams,
  MembershipParams,
  PendingInvitationList,
} from '../../contracts/invitations.ts';
import { UserParams } from '../../contracts/users.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { callerOf, contextOf } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/**
 * DIR-2, GOV-3, ACC-2: invitations, re-sent and revoked by admins, and accepted by the address's
 * owner: signed in with that address, or by creating their account with their own password.
 */
export function invitationsRoutes(app: HttpApp, deps: HttpDeps): void {
  const { directory } = deps;

  app.post(
    '/api/v1/orgs/:orgId/users/:userId/invitation',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['users'],
        summary: 'Send a pending invitation again, with a new link (the old one stops working)',
        params: UserParams,
        response: { 200: UserRef, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (req) => {
      return directory.users.resendInvitation(contextOf(req), callerOf(req), req.params.orgId, req.params.userId);
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/users/:userId/invitation',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['users'],
        summary: 'Withdraw a pending invitation: the invited user is removed and the seat is free again',
        params: UserParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await directory.users.revokeInvitation(contextOf(req), callerOf(req), req.params.orgId, req.params.userId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/invitations/:token',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['users'],
        summary: "What an invitation link is for: the organization, the address, and whether that address has an account (told only to the link's holder)",
        params: InvitationTokenParams,
        response: { 200: InvitationInfo, ...errorResponses(400, 422, 429) },
      },
    },
    async (req) => directory.invitations.lookup(contextOf(req), req.params.token),
  );

  app.post(
    '/api/v1/invitations/:token/accept',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['users'],
        summary: 'Accept an invitation: signed in with the invited address (an empty body), or, for an address without an account, by choosing a password',
        params: InvitationTokenParams,
        body: AcceptInvitationBody,
        response: { 200: UserRef, ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429) },
      },
    },
    async (req) => {
      const { token: t } = req.params;
      const body = req.body;
      if (body.password !== undefined) return directory.invitations.acceptWithPassword(contextOf(req), t, { password: body.password, name: body.name });
      if (!req.caller) throw new AppError(CommonErrors.unauthenticated, 'Sign in with the invited address, or choose a password to create your account.');
      return directory.invitations.acceptSignedIn(contextOf(req), req.caller, t);
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['users'],
        summary: 'Create your account with the token from your invitation email and your own password (for an address without an account)',
        body: AcceptWithTokenBody,
        response: { 200: UserRef, ...errorResponses(400, 409, 413, 415, 422, 429) },
      },
    },
    async (req) => {
      const { token: t, ...rest } = req.body;
      return directory.invitations.acceptWithPassword(contextOf(req), t, rest);
    },
  );

  app.get(
    '/api/v1/me/invitations',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['me'],
        summary: 'The invitations waiting for your address (shown once the address is verified)',
        response: { 200: PendingInvitationList, ...errorResponses(401) },
      },
    },
    async (req) => ({ items: await directory.invitations.pendingFor(callerOf(req)) }),
  );

  app.post(
    '/api/v1/me/invitations/:membershipId/accept',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['me'],
        summary: 'Accept one of the invitations waiting for your verified address',
        params: MembershipParams,
        response: { 200: UserRef, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (req) => directory.invitations.acceptPending(contextOf(req), callerOf(req), req.params.membershipId),
  );

  app.post(
    '/api/v1/orgs',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['users'],
        summary: 'Start another organization (free plan), with yourself as its admin',
        body: OrganizationBody,
        response: { 201: UserAndOrganization, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await directory.onboarding.createOrganization(contextOf(req), callerOf(req), req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId',
    {
      config: { auth: 'required' },
      schema: { tags: ['users'], summary: 'The organization, as its members see it', params: OrgParams, response: { 200: OrganizationRef, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => directory.organizations.view(callerOf(req), req.params.orgId),
  );

  app.patch(
    '/api/v1/orgs/:orgId',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['users'],
        summary: 'Rename the organization (its LDAP slug stays) or require two-step verification of every member (ACC-5)',
        params: OrgParams,
        body: UpdateOrganizationBody,
        response: { 200: OrganizationRef, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req) => directory.organizations.update(contextOf(req), callerOf(req), req.params.orgId, req.body),
  );
}
