import { AccessDecision, AccessQuery, UserAccessList } from '../../contracts/access.ts';
import { NoContent, OrgParams, OrganizationRef, Page, UserRef } from '../../contracts/common.ts';
import {
  ExportFile,
  ExportUsersQuery,
  IMPORT_BODY_LIMIT,
  ImportResult,
  ImportUsersBody,
  InviteUserBody,
  ListUsersQuery,
  SetPlanBody,
  StaffOrg,
  StaffOrgsQuery,
  UpdateUserBody,
  UserPage,
  UserParams,
} from '../../contracts/users.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422);

/** DIR-2, DIR-4, ACC-6: an organization's users, their invitations, suspension, and the organization's plan. */
export function directoryRoutes(app: HttpApp, deps: HttpDeps): void {
  const { directory } = deps;
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/orgs/:orgId/users',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: 'Invite a user: the answer is the same invited user whether or not the address has an account; its owner accepts by email (free plan: at most 10 users, invited ones included)',
        params: OrgParams,
        body: InviteUserBody,
        response: { 201: UserRef, ...writeErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await directory.users.create(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/users',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: "List, search, filter by status and sort the organization's users, with the total that match (a plain user sees only themselves)",
        params: OrgParams,
        querystring: ListUsersQuery,
        response: { 200: UserPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => directory.users.list(callerOf(req), req.params.orgId, req.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/users/:userId',
    { config: auth, schema: { tags: ['users'], summary: 'One user', params: UserParams, response: { 200: UserRef, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => directory.users.get(callerOf(req), req.params.orgId, req.params.userId),
  );

  app.patch(
    '/api/v1/orgs/:orgId/users/:userId',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: "Change a user's name, username, login shell or role",
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: UserRef, ...writeErrors },
      },
    },
    async (req) => directory.users.update(contextOf(req), callerOf(req), req.params.orgId, req.params.userId, req.body),
  );

  app.delete(
    '/api/v1/orgs/:orgId/users/:userId',
    { config: auth, schema: { tags: ['users'], summary: 'Delete a user', params: UserParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      await directory.users.remove(contextOf(req), callerOf(req), req.params.orgId, req.params.userId);
      return reply.status(204).send();
    },
  );

  for (const action of ['suspend', 'reactivate'] as const) {
    app.post(
      `/api/v1/orgs/:orgId/users/:userId/${action}`,
      {
        config: auth,
        schema: {
          tags: ['users'],
          summary: action === 'suspend' ? 'Suspend a user: every session ends at once, and they may use nothing' : 'Reactivate a suspended user (within the plan limit)',
          params: UserParams,
          response: { 200: UserRef, ...writeErrors },
        },
      },
      async (req) => directory.users[action](contextOf(req), callerOf(req), req.params.orgId, req.params.userId),
    );
  }

  app.post(
    '/api/v1/orgs/:orgId/users/import',
    {
      config: auth,
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['users'],
        summary: 'Import users and their group memberships from CSV or LDIF text (OpenLDAP, Active Directory, JumpCloud exports): all or nothing; every bad row is reported by line',
        params: OrgParams,
        body: ImportUsersBody,
        response: { 200: ImportResult, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => {
      const { format, data, invite, keepPasswordHashes } = req.body;
      return directory.transfer.importUsers(contextOf(req), callerOf(req), req.params.orgId, { format, text: data, invite, keepPasswordHashes });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/users/export',
    {
      config: auth,
      schema: {
        tags: ['users'],
        summary: 'Export users with their group memberships as CSV or LDIF',
        params: OrgParams,
        querystring: ExportUsersQuery,
        produces: ['text/csv', 'text/x-ldif'],
        response: { 200: ExportFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const { format } = req.query;
      const { text } = await directory.transfer.exportUsers(callerOf(req), req.params.orgId, format);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/x-ldif; charset=utf-8')
        .header('content-disposition', `attachment; filename="users.${format}"`)
        .send(text);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/access',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'May this user use this resource? With the bindings that grant it (DIR-3)',
        params: OrgParams,
        querystring: AccessQuery,
        response: { 200: AccessDecision, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => directory.access.explain(callerOf(req), req.params.orgId, req.query.userId, req.query.resourceId),
  );

  app.get(
    '/api/v1/orgs/:orgId/users/:userId/access',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Who can use what: every resource the user is bound to, directly or through groups',
        params: UserParams,
        response: { 200: UserAccessList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => directory.access.forUser(callerOf(req), req.params.orgId, req.params.userId),
  );

  app.patch(
    '/api/v1/staff/orgs/:orgId/plan',
    {
      config: auth,
      schema: {
        tags: ['staff', 'billing'],
        summary: "Set an organization's plan (staff with the billing or owner role)",
        params: OrgParams,
        body: SetPlanBody,
        response: { 200: OrganizationRef, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => directory.plans.setPlan(contextOf(req), callerOf(req), req.params.orgId, req.body),
  );

  app.get(
    '/api/v1/staff/orgs',
    {
      config: auth,
      schema: {
        tags: ['staff'],
        summary: 'Find organizations by name or id (staff); the plan and seats only for staff who set plans',
        querystring: StaffOrgsQuery,
        response: { 200: Page(StaffOrg), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => directory.orgSearch.search(callerOf(req), req.query),
  );
}
