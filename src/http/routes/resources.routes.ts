import { ResourceAccessList } from '../../contracts/access.ts';
import { NoContent, OrgParams } from '../../contracts/common.ts';
import {
  BindBody,
  Binding,
  BindingList,
  BindingParams,
  ClientSecret,
  CreatedResource,
  CreateResourceBody,
  CreateServiceAccountBody,
  CreatedServiceAccount,
  ListResourcesQuery,
  Resource,
  ResourcePage,
  ResourceParams,
  ServiceAccountList,
  ServiceAccountParams,
  UpdateResourceBody,
} from '../../contracts/resources.ts';
import { serviceAccountDn } from '../../core/dn.ts';
import type { ServiceAccountView } from '../../modules/directory/index.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422);

/** DIR-2, DIR-3: resources and the bindings that grant access to them. */
export function resourcesRoutes(app: HttpApp, deps: HttpDeps): void {
  const resources = deps.directory.resources;
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/orgs/:orgId/resources',
    {
      config: auth,
      schema: {
        tags: ['resources'],
        summary: 'Create a resource: a system, an application or a network',
        params: OrgParams,
        body: CreateResourceBody,
        response: { 201: CreatedResource, ...writeErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await resources.create(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/resources',
    {
      config: auth,
      schema: { tags: ['resources'], summary: 'List resources', params: OrgParams, querystring: ListResourcesQuery, response: { 200: ResourcePage, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => resources.list(callerOf(req), req.params.orgId, req.query),
  );

  app.get(
    '/api/v1/orgs/:orgId/resources/:resourceId',
    { config: auth, schema: { tags: ['resources'], summary: 'One resource', params: ResourceParams, response: { 200: Resource, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => resources.get(callerOf(req), req.params.orgId, req.params.resourceId),
  );

  app.patch(
    '/api/v1/orgs/:orgId/resources/:resourceId',
    {
      config: auth,
      schema: {
        tags: ['resources'],
        summary: 'Rename a resource or replace its settings',
        params: ResourceParams,
        body: UpdateResourceBody,
        response: { 200: Resource, ...writeErrors },
      },
    },
    async (req) => resources.update(contextOf(req), callerOf(req), req.params.orgId, req.params.resourceId, req.body),
  );

  app.delete(
    '/api/v1/orgs/:orgId/resources/:resourceId',
    { config: auth, schema: { tags: ['resources'], summary: 'Delete a resource and its bindings', params: ResourceParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      await resources.remove(contextOf(req), callerOf(req), req.params.orgId, req.params.resourceId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/resources/:resourceId/client-secret',
    {
      config: auth,
      schema: {
        tags: ['resources'],
        summary: 'Rotate the client secret of a confidential OIDC application: the new secret is answered this once, and the previous one stops working',
        params: ResourceParams,
        response: { 200: ClientSecret, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => deps.federation.clients.rotateSecret(contextOf(req), callerOf(req), req.params.orgId, req.params.resourceId),
  );

  app.get(
    '/api/v1/orgs/:orgId/resources/:resourceId/bindings',
    {
      config: auth,
      schema: { tags: ['access'], summary: 'Who is bound to the resource', params: ResourceParams, response: { 200: BindingList, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req) => ({ items: await resources.bindings(callerOf(req), req.params.orgId, req.params.resourceId) }),
  );

  app.post(
    '/api/v1/orgs/:orgId/resources/:resourceId/bindings',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Grant access: bind a user or a group to the resource (org admins only; never staff)',
        params: ResourceParams,
        body: BindBody,
        response: { 201: Binding, ...writeErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await resources.bind(contextOf(req), callerOf(req), req.params.orgId, req.params.resourceId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/resources/:resourceId/access',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Who can use what: every user the resource is bound to, directly or through groups',
        params: ResourceParams,
        response: { 200: ResourceAccessList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => deps.directory.access.forResource(callerOf(req), req.params.orgId, req.params.resourceId),
  );

  app.delete(
    '/api/v1/orgs/:orgId/resources/:resourceId/bindings/:bindingId',
    { config: auth, schema: { tags: ['access'], summary: 'Revoke a binding', params: BindingParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } } },
    async (req, reply) => {
      const { orgId, resourceId, bindingId } = req.params;
      await resources.unbind(contextOf(req), callerOf(req), orgId, resourceId, bindingId);
      return reply.status(204).send();
    },
  );

  // PRO-1: service accounts of an LDAP application, with the DN they bind as.
  const withDn = (v: ServiceAccountView) => ({ id: v.id, name: v.name, resourceId: v.resourceId, dn: serviceAccountDn(v.name, v.orgSlug, deps.config.ldap.suffix), createdAt: v.createdAt });
  const services = deps.directory.serviceAccounts;

  app.post(
    '/api/v1/orgs/:orgId/resources/:resourceId/service-accounts',
    {
      config: auth,
      schema: {
        tags: ['access'],
        summary: 'Make an LDAP service account under an LDAP application; its secret is answered this once (org admins only)',
        params: ResourceParams,
        body: CreateServiceAccountBody,
        response: { 201: CreatedServiceAccount, ...writeErrors },
      },
    },
    async (req, reply) => {
      const created = await services.create(contextOf(req), callerOf(req), req.params.orgId, req.params.resourceId, req.body);
      return reply.status(201).send({ ...withDn(created), secret: created.secret });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/resources/:resourceId/service-accounts',
    {
      config: auth,
      schema: { tags: ['access'], summary: "The LDAP application's service accounts (never their secrets)", params: ResourceParams, response: { 200: ServiceAccountList, ...errorResponses(400, 401, 403, 404, 422) } },
    },
    async (req) => ({ items: (await services.list(callerOf(req), req.params.orgId, req.params.resourceId)).map(withDn) }),
  );

  app.delete(
    '/api/v1/orgs/:orgId/resources/:resourceId/service-accounts/:serviceAccountId',
    {
      config: auth,
      schema: { tags: ['access'], summary: 'Delete a service account: it is revoked at once, open connections included', params: ServiceAccountParams, response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) } },
    },
    async (req, reply) => {
      const { orgId, resourceId, serviceAccountId } = req.params;
      await services.remove(contextOf(req), callerOf(req), orgId, resourceId, serviceAccountId);
      return reply.status(204).send();
    },
  );
}
