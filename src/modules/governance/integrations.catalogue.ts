import { INTEGRATION_TYPES, type IntegrationType } from '../../contracts/integrations.ts';
import { DATA_CATEGORIES, type DataCategory } from '../privacy/index.ts';

/**
 * GOV-5: the catalogue of integrations an organization's admins may install. Each entry names the
 * categories of personal data an integration of its kind receives, in the disclosure ledger's
 * vocabulary (PRV-9), and the purpose the ledger records for it.
 */
export interface CatalogueItem {
  type: IntegrationType;
  title: string;
  description: string;
  categories: readonly DataCategory[];
  purpose: string;
  settings: Record<string, string>;
}

export const CATALOGUE: Record<IntegrationType, CatalogueItem> = {
  webhook: {
    type: 'webhook',
    title: 'Outgoing webhook',
    description:
      'Sends a signed HTTPS request to your endpoint when the directory changes (users created, updated, suspended, reactivated or removed; groups and their members). Each request carries ids and the names of changed fields, never their values.',
    // Membership and group ids identify people; the events say what changed in their accounts (status, groups).
    categories: ['identifiers', 'account'],
    purpose: 'directory change notifications (webhook)',
    settings: {
      url: 'the https URL that receives the events (a public address)',
      events: 'the events to send (all of them when left out)',
    },
  },
  'oauth-app': {
    type: 'oauth-app',
    title: 'OAuth / OpenID Connect application',
    description:
      'Lets members sign in to a third-party application with their Castellan account (OpenID Connect). The application receives the signed-in member’s name, email address, username and groups. Uninstalling deletes the client and revokes every token issued to it.',
    categories: ['identifiers', 'contact', 'account'],
    purpose: 'single sign-on to a third-party application (OpenID Connect)',
    settings: {
      redirectUris: 'the application’s redirect URIs (https)',
      grantTypes: 'authorization_code, refresh_token, client_credentials (authorization_code and refresh_token when left out)',
      public: 'true for an application that cannot keep a secret (it uses PKCE)',
    },
  },
};

export const isIntegrationType = (type: string): type is IntegrationType => (INTEGRATION_TYPES as readonly string[]).includes(type);

/** The catalogue as the API shows it. */
export const catalogueView = () =>
  INTEGRATION_TYPES.map((t) => {
    const item = CATALOGUE[t];
    return { ...item, categories: [...item.categories], categoryLabels: item.categories.map((c) => DATA_CATEGORIES[c]) };
  });
