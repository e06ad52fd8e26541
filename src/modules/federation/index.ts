import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { JobHandler, Jobs } from '../jobs/index.ts';
import { type ApplicationLookup, createOidcClients, type OidcClients } from './clients.service.ts';
import { createOidcStore, type OidcModelStore } from './oidc-store.ts';
import { createSigningKeys, type SigningKeys } from './signing-keys.service.ts';
import { oidcSweepJob, scheduleOidcSweep } from './sweep.job.ts';

export { createFederationPersonalData } from './personal-data.ts';
export { OIDC_GRANT_TYPES, type OidcClientSettings, type OidcGrantType } from './client-settings.ts';
export type { ApplicationLookup, ApplicationRef, ClientCredentialsView, OidcClients } from './clients.service.ts';
export { FederationErrors } from './federation.errors.ts';
export { sweepExpired, type OidcModelStore, type OidcPayload } from './oidc-store.ts';
export { SIGNING_ALGORITHMS, type PrivateJwk, type SigningAlgorithm, type SigningKeyInfo, type SigningKeys } from './signing-keys.service.ts';
export { SWEEP_KIND } from './sweep.job.ts';
export type { FederationTables, OidcClientsTable, OidcModelsTable, OidcSigningKeysTable } from './federation.tables.ts';

export interface FederationDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  jobs: Jobs;
  audit: Audit;
  /** The directory's resources, through the composition root (never its tables). */
  applications: ApplicationLookup;
}

/** PRO-2 (and later PRO-5): the state of single sign-on for applications. No protocol library is imported here. */
export interface Federation {
  /** The OpenID Provider's storage, one store per oidc-provider model name. */
  oidcStore(model: string): OidcModelStore;
  signingKeys: SigningKeys;
  /** OIDC applications as clients: settings checks, one-time secrets, and the metadata the provider reads. */
  clients: OidcClients;
  jobHandlers: JobHandler[];
  /** Makes the first signing keys and queues the sweep of lapsed artefacts; idempotent, safe on every node. */
  prepare(): Promise<void>;
}

export function createFederation(deps: FederationDeps): Federation {
  const store = createOidcStore(deps);
  const signingKeys = createSigningKeys(deps);
  return {
    oidcStore: store,
    signingKeys,
    clients: createOidcClients(deps),
    jobHandlers: [oidcSweepJob(deps.db, deps.clock)],
    async prepare() {
      await signingKeys.ensure();
      await scheduleOidcSweep(deps.db, deps.jobs, deps.clock);
    },
  };
}
