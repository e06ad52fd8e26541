/**
 * GOV-1..GOV-3: what organization governance keeps. Instants are ISO-8601 text on both dialects.
 */

/** A domain an organization added; verified when its TXT record was found (GOV-2). */
export interface DomainsTable {
  id: string;
  org_id: string;
  /** The name as A-labels, lower case, without a trailing dot. */
  name: string;
  /** The value published as `castellan-verification=<token>`. */
  token: string;
  /** The admin who added it (a membership id), or null. */
  created_by: string | null;
  created_at: string;
  /** Set while the record is found; null when pending or un-verified. */
  verified_at: string | null;
  last_checked_at: string | null;
  /**
   * The last check that found the record (set on verification too). A verified domain whose lookups
   * keep failing (`dns_error`) is un-verified once this is older than the grace period (7 days).
   */
  last_verified_at: string | null;
  /** Why the last check failed (`not_found`, `wrong_value`, `dns_error`), or null. */
  last_check_error: string | null;
}

/** GOV-3: the organization that administers an account, keyed by the account's internal id. */
export interface AccountControlsTable {
  account_id: string;
  org_id: string;
  /** The verified domain control was asserted through; null once that domain row is gone. */
  domain_id: string | null;
  /** The admin who asserted it (a membership id). */
  asserted_by: string | null;
  asserted_at: string;
}

/** An in-app notice on a person's account page (GOV-3, GOV-4), shown until marked read. */
export interface AccountNoticesTable {
  id: string;
  /** @personal The person the notice is for. */
  account_id: string;
  /** The organization it is about, if any. */
  org_id: string | null;
  kind: string;
  title: string;
  /** @personal The notice's text, which may name the person's address. */
  body: string;
  created_at: string;
  read_at: string | null;
}

export interface GovernanceTables {
  domains: DomainsTable;
  account_controls: AccountControlsTable;
  account_notices: AccountNoticesTable;
}
