import type { Kysely } from 'kysely';
import type { Caller } from '../../core/caller.ts';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database } from '../../db/schema.ts';
import type { Audit } from '../audit/index.ts';
import type { Jobs } from '../jobs/index.ts';
import type { Mail } from '../mail/index.ts';
import type { OrganizationErasure, OrganizationErasureRun } from '../rights/index.ts';

/** DSR-6: the jobs of an organization's deletion. Payloads name the deletion, never the organization or a person. */
export const ORG_DELETION_JOB = 'directory.org_deletion';
export const ORG_DELETION_NOTICE_JOB = 'directory.org_deletion_notice';

export interface OrgDeletionPayload {
  deletionId: string;
}

export interface OrgDeletionNoticePayload {
  deletionId: string;
  notice: 'scheduled' | 'cancelled';
  /** The last membership id of the pages already sent; null for the first page. */
  after: string | null;
}

export const ORG_DELETION_WAIT_MS = 7 * 24 * 3600 * 1000;

/** What an organization's deletion needs beyond the directory's tables, given by the composition root. */
export interface OrgDeletionDeps {
  db: Kysely<Database>;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  jobs: Jobs;
  config: { siteName: string };
  /** ACC-5, DSR-2: the one re-authentication (the password in the request, or a re-auth just before); answers the account's address. */
  stepUp(ctx: RequestContext, caller: Caller, proof: { password?: string | undefined; code?: string | undefined }): Promise<{ email: string }>;
  /** DSR-6: every module erases the organization (the personal-data registry's `eraseOrganization`). */
  eraseOrganization(orgId: string, opts: OrganizationErasureRun): Promise<OrganizationErasure>;
  /** Members told per transaction (and job run). */
  noticePage?: number;
}
