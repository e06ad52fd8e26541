/**
 * PRO-2: an organization's own API clients: scripts that call the Castellan API with access tokens
 * got by client credentials (RFC 6749 §4.4) from the OpenID Provider, instead of a person's session.
 */
export interface ApiClientsTable {
  /** `apc_…`: also the OAuth client id. */
  id: string;
  org_id: string;
  name: string;
  /** The scopes an admin chose (space-separated, from CLIENT_SCOPES): the most a token may carry. */
  scopes: string;
  /** The client secret, sealed with the field-encryption key (bound to the id): oidc-provider compares the secret itself. */
  secret_enc: string;
  created_at: string;
}

export interface ApiClientsTables {
  api_clients: ApiClientsTable;
}
