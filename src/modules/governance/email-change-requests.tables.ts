/**
 * GOV-4: a controlled account's request to change its address, decided by the organization that
 * administers it. Instants are ISO-8601 text on both dialects.
 */

export type EmailChangeRequestState = 'pending' | 'approved' | 'denied' | 'cancelled' | 'completed';

export interface EmailChangeRequestsTable {
  id: string;
  /** @personal The person asking. */
  account_id: string;
  /** The organization that administers the account (GOV-3) when the request was made. */
  org_id: string;
  /** @personal The new address, sealed with the field cipher. */
  email_enc: string;
  state: EmailChangeRequestState;
  /** The admin who approved or denied it (a membership id), or null. */
  decided_by: string | null;
  decided_at: string | null;
  /** @personal Why it was denied (the admin's words, shown to the person), or null. */
  reason: string | null;
  created_at: string;
}

export interface EmailChangeRequestTables {
  email_change_requests: EmailChangeRequestsTable;
}
