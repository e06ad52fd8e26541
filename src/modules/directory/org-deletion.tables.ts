/** DSR-6: the directory's record of each request to delete an organization. Times are ISO-8601 UTC strings. */

/**
 * One request to delete an organization: `scheduled` during the waiting period, then `cancelled`,
 * or `erasing` once protocol access has stopped and `completed` when every module has erased the
 * organization. The admin who asked is kept (account and address) until the completion record is
 * mailed to them; then the address is cleared and the row stays as the record of the deletion.
 */
export interface OrgDeletionsTable {
  id: string;
  org_id: string;
  /** `scheduled`, `cancelled`, `erasing` or `completed`. */
  state: string;
  /** @personal The account of the admin who asked. */
  requested_by: string | null;
  /** @personal Where the completion record goes; cleared once it is sent. */
  requested_by_email: string | null;
  requested_at: string;
  /** The end of the waiting period: when protocol access stops and the erasure runs. */
  delete_at: string;
  /** @personal The account of the admin who cancelled. */
  cancelled_by: string | null;
  cancelled_at: string | null;
  /** When access stopped (the organization was marked deleted). */
  started_at: string | null;
  completed_at: string | null;
  /** JSON: what the erasure did per module and table, and what was kept under which exception. */
  outcome: string | null;
  /** The members' notices sent so far: `<notice>:<last membership id>`, or `<notice>:end` (compare-and-set per page). */
  notice_cursor: string | null;
  updated_at: string;
}

export interface OrgDeletionTables {
  org_deletions: OrgDeletionsTable;
}
