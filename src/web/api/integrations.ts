// GOV-1, GOV-5: the integrations catalogue, an organization's integrations, and webhook deliveries.
import type { Catalogue, DeliveryList, InstallIntegrationBody, InstalledIntegration, Integration, IntegrationList } from '../../contracts/integrations.ts';
import { authed, enc, org, request } from './client.ts';

export type { CatalogueEntry, Delivery, InstalledIntegration, Integration, IntegrationType } from '../../contracts/integrations.ts';

export const integrationsApi = {
  catalogue: () => request<Catalogue>('GET', '/api/v1/integrations/catalogue', authed),
  integrations: (orgId: string) => request<IntegrationList>('GET', `${org(orgId)}/integrations?limit=200`, authed),
  install: (orgId: string, input: InstallIntegrationBody) => request<InstalledIntegration>('POST', `${org(orgId)}/integrations`, { body: input, ...authed }),
  uninstall: (orgId: string, id: string) => request<Integration>('DELETE', `${org(orgId)}/integrations/${enc(id)}`, authed),
  deliveries: (orgId: string, id: string) => request<DeliveryList>('GET', `${org(orgId)}/integrations/${enc(id)}/deliveries?limit=50`, authed),
};
