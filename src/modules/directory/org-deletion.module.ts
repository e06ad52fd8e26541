import type { OrgDeletionDeps } from './org-deletion.deps.ts';
import { orgDeletionJob, orgDeletionNoticeJob } from './org-deletion.job.ts';
import { createOrgDeletionRequests } from './org-deletion.service.ts';

/** DSR-6: an organization's deletion: the admins' request and cancellation, the members' notices, and the erasure job. */
export function createOrgDeletion(deps: OrgDeletionDeps) {
  const requests = createOrgDeletionRequests(deps);
  return { ...requests, jobHandlers: [orgDeletionJob(deps), orgDeletionNoticeJob(deps)] };
}

export type OrgDeletion = ReturnType<typeof createOrgDeletion>;
