import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { JobHandler, Jobs } from '../jobs/index.ts';
import { type ApiClients, createApiClients, type OrganizationLock } from './api-clients.service.ts';
import { type ApplicationLookup, createOidcClients, type OidcClients } from './clients.service.ts';
import { createOidcStore, type OidcModelStore } from './oidc-store.ts';
import { createSamlIdpKey, type SamlIdpKeys } from './saml-idp-key.service.ts';
import { createSamlApplications, type SamlApplications } from './saml.service.ts';
import { type AccessCheck, createOidcRevocation, type OidcRevocation } from './revocation.service.ts';
import { createSigningKeys, type SigningKeys } from './signing-keys.service.ts';
import { oidcKeyRotationJob, oidcSweepJob, scheduleOidcKeyRotation, scheduleOidcSweep } from './sweep.job.ts';

export { createFederationPersonalData } from './personal-data.ts';
export { API_CLIENTS_PER_ORG, type ApiClientCaller, type ApiClients, type ApiClientView, type OrganizationLock } from './api-clients.service.ts';
export type { ApiClientsTable, ApiClientsTables } from './api-clients.tables.ts';
export { ACCESS_TOKEN_TTL, JWT_ACCESS_TOKEN_TTL_MAX, OIDC_CLIENT_EXTRAS, OIDC_GRANT_TYPES, REFRESH_TOKEN_TTL, TOKEN_FORMATS, type OidcClientSettings, type OidcGrantType, type TokenFormat } from './client-settings.ts';
export type { ApplicationLookup, ApplicationRef, ClientCredentialsView, OidcClients } from './clients.service.ts';
export { FederationErrors } from './federation.errors.ts';
export { SamlErrors } from './saml.errors.ts';
export { SAML_BINDINGS, type SamlAppSettings, type SamlAttributeNames, type SamlNameIdFormat } from './saml-settings.ts';
export { attributeOf, childElements, descendants, parseSamlXml, refuseDeclarations, SAML_NS, SAML_XML_MAX_CHARS, SamlXmlError, type SamlXmlProblem, type XmlElement, type XmlNode } from './saml-xml.ts';
export { SAML_PENDING_SECONDS, type SamlApplication, type SamlApplications, type SamlPending } from './saml.service.ts';
export type { SamlIdpKey, SamlIdpKeys } from './saml-idp-key.service.ts';
export type { SamlTables } from './saml.tables.ts';
export { sweepExpired, type OidcModelStore, type OidcPayload } from './oidc-store.ts';
export { KEY_RETIREMENT_SECONDS, SIGNING_ALGORITHMS, type PrivateJwk, type SigningAlgorithm, type SigningKeyInfo, type SigningKeys } from './signing-keys.service.ts';
export { KEY_ROTATION_KIND, SWEEP_KIND } from './sweep.job.ts';
export type { AccessChangeScope, AccessCheck, OidcRevocation } from './revocation.service.ts';
export type { FederationTables, OidcClientsTable, OidcModelsTable, OidcSigningKeysTable } from './federation.tables.ts';

export interface FederationDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  jobs: Jobs;
  audit: Audit;
  /** The directory's resources, through the composition root (never its tables). */
  applications: ApplicationLookup;
  /** THE access decision (DIR-3), through the composition root: grants it no longer allows are revoked. */
  access?: AccessCheck;
  /** The directory's organization row, locked in a transaction (PRO-2: the API clients' per-organization limit). */
  lockOrganization?: OrganizationLock;
  /** Days between scheduled rotations of the signing keys (CASTELLAN_OIDC_KEY_ROTATION_DAYS); 90 by default. */
  keyRotationDays?: number;
  /** PRO-5: the operator's site name (the SAML certificate's subject), and the test-only loopback metadata flag. */
  saml?: { siteName: string; metadataAllowLoopback: boolean };
}

/** PRO-2 (and later PRO-5): the state of single sign-on for applications. No protocol library is imported here. */
export interface Federation {
  /** The OpenID Provider's storage, one store per oidc-provider model name. */
  oidcStore(model: string): OidcModelStore;
  signingKeys: SigningKeys;
  /** OIDC applications as clients: settings checks, one-time secrets, and the metadata the provider reads. */
  clients: OidcClients;
  /** PRO-2: the organizations' own API clients (client credentials), and the callers their tokens stand for. */
  apiClients: ApiClients;
  /** Removes the grants and tokens of members who lost access, and of applications that are gone (the directory's hooks). */
  revocation: OidcRevocation;
  /** PRO-5: SAML applications as service providers, pending sign-ins, replay records, and the identity provider's key. */
  saml: SamlApplications & { idpKey: SamlIdpKeys };
  jobHandlers: JobHandler[];
  /** Makes the first signing keys and queues the sweep of lapsed artefacts and the key rotation; idempotent, safe on every node. */
  prepare(): Promise<void>;
}

export function createFederation(deps: FederationDeps): Federation {
  const store = createOidcStore(deps);
  const signingKeys = createSigningKeys(deps);
  return {
    oidcStore: store,
    signingKeys,
    clients: createOidcClients(deps),
    apiClients: createApiClients({ ...deps, store }),
    revocation: createOidcRevocation(deps),
    saml: {
      ...createSamlApplications({ ...deps, metadataAllowLoopback: deps.saml?.metadataAllowLoopback ?? false }),
      idpKey: createSamlIdpKey({ ...deps, siteName: deps.saml?.siteName ?? 'Castellan' }),
    },
    jobHandlers: [oidcSweepJob(deps.db, deps.clock), oidcKeyRotationJob(signingKeys, deps.keyRotationDays ?? 90)],
    async prepare() {
      await signingKeys.ensure();
      await scheduleOidcSweep(deps.db, deps.jobs, deps.clock);
      await scheduleOidcKeyRotation(deps.db, deps.jobs, deps.clock);
    },
  };
}
