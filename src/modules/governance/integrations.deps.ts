import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { Jobs, JobLog } from '../jobs/index.ts';
import type { DataCategory } from '../privacy/index.ts';
import type { Lookup } from './webhooks.address.ts';

/** PRV-9: the disclosure ledger, as the privacy module keeps it (wired in src/core.ts). */
export interface IntegrationLedger {
  record(
    ex: Executor,
    entry: { recipientName: string; recipientAddress: string; categories: readonly DataCategory[]; purpose: string; orgId: string; recordedBy: string | null; reference: string },
  ): Promise<{ id: string }>;
}

/** PRO-2: the OpenID Connect application behind an `oauth-app` integration (the directory's resources, wired in src/core.ts). */
export interface IntegrationApplications {
  /** Makes the application resource (and its client); answers its id and the secret, this once. */
  create(ctx: RequestContext, caller: Caller, orgId: string, name: string, settings: Record<string, unknown>): Promise<{ resourceId: string; clientSecret?: string | undefined }>;
  /** Deletes it, revoking everything issued to it; an application already gone is not an error. */
  remove(ctx: RequestContext, caller: Caller, orgId: string, resourceId: string): Promise<void>;
}

export interface IntegrationsDeps {
  db: Kysely<Database>;
  clock: Clock;
  cipher: FieldCipher;
  audit: Audit;
  jobs: Jobs;
  ledger: IntegrationLedger;
  applications: IntegrationApplications;
  /**
   * Locks the organization's row in the transaction (FOR UPDATE on PostgreSQL), so two installs
   * cannot both pass the limit; answers false when the organization is gone (wired in src/core.ts).
   */
  lockOrganization?: (trx: Executor, orgId: string) => Promise<boolean>;
  /** CASTELLAN_WEBHOOK_ALLOW_PRIVATE: internal addresses (and http) allowed as webhook targets. */
  allowPrivate: boolean;
  log?: JobLog;
  /** Name resolution (the system's by default). */
  resolve?: Lookup;
  /** The time one delivery attempt may take (10 s). */
  timeoutMs?: number;
}

export const secretContext = (integrationId: string) => `webhook_endpoints.secret_enc:${integrationId}`;
