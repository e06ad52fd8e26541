import { OrgParams } from '../../contracts/common.ts';
import {
  Catalogue,
  CatalogueQuery,
  DeliveryList,
  InstallIntegrationBody,
  InstalledIntegration,
  Integration,
  IntegrationList,
  IntegrationListQuery,
  IntegrationParams,
  RotatedSecret,
} from '../../contracts/integrations.ts';
import { callerOf, contextOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/**
 * GOV-1, GOV-5: the integrations catalogue, and an organization's integrations for its admins:
 * install (the disclosure is recorded, PRV-9), read, uninstall (credentials revoked, deliveries
 * stopped), and a webhook's delivery log.
 */
export function integrationsRoutes(app: HttpApp, deps: HttpDeps): void {
  const integrations = deps.integrations;
  const auth = { auth: 'required' as const };
  const tags = ['integrations'];

  app.get(
    '/api/v1/integrations/catalogue',
    { config: auth, schema: { tags, summary: 'The integrations an organization may install, with the personal data each receives', querystring: CatalogueQuery, response: { 200: Catalogue, ...errorResponses(400, 401) } } },
    async () => integrations.catalogue(),
  );

  app.get(
    '/api/v1/orgs/:orgId/integrations',
    {
      config: auth,
      schema: { tags, summary: "The organization's integrations, installed and uninstalled, newest first (org admins only)", params: OrgParams, querystring: IntegrationListQuery, response: { 200: IntegrationList, ...errorResponses(400, 401, 403, 404, 422) } },
    },
    async (req) => integrations.list(callerOf(req), req.params.orgId, req.query),
  );

  app.post(
    '/api/v1/orgs/:orgId/integrations',
    {
      config: auth,
      schema: {
        tags,
        summary: "Install an integration from the catalogue; a webhook's signing secret (or an application's client secret) is answered this once (org admins only)",
        params: OrgParams,
        body: InstallIntegrationBody,
        response: { 201: InstalledIntegration, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await integrations.install(contextOf(req), callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/integrations/:integrationId',
    { config: auth, schema: { tags, summary: 'One integration (never its secret)', params: IntegrationParams, response: { 200: Integration, ...errorResponses(400, 401, 403, 404) } } },
    async (req) => integrations.get(callerOf(req), req.params.orgId, req.params.integrationId),
  );

  app.delete(
    '/api/v1/orgs/:orgId/integrations/:integrationId',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Uninstall an integration: its credentials stop working and its pending deliveries are cancelled at once',
        params: IntegrationParams,
        response: { 200: Integration, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => integrations.uninstall(contextOf(req), callerOf(req), req.params.orgId, req.params.integrationId),
  );

  app.get(
    '/api/v1/orgs/:orgId/integrations/:integrationId/deliveries',
    {
      config: auth,
      schema: { tags, summary: "A webhook's deliveries, newest first", params: IntegrationParams, querystring: IntegrationListQuery, response: { 200: DeliveryList, ...errorResponses(400, 401, 403, 404, 422) } },
    },
    async (req) => integrations.deliveries(callerOf(req), req.params.orgId, req.params.integrationId, req.query),
  );

  app.post(
    '/api/v1/orgs/:orgId/integrations/:integrationId/rotate-secret',
    {
      config: auth,
      schema: { tags, summary: "A new signing secret for a webhook, answered this once; the old one signs nothing more", params: IntegrationParams, response: { 200: RotatedSecret, ...errorResponses(400, 401, 403, 404, 409, 422) } },
    },
    async (req) => integrations.rotateSecret(contextOf(req), callerOf(req), req.params.orgId, req.params.integrationId),
  );
}
