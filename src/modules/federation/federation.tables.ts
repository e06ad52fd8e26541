/**
 * PRO-2: the OpenID Provider's state. Instants are ISO-8601 text on both dialects. Lookup keys that
 * are bearer values are SHA-256 digests, and payloads are sealed (SEC-2): the database alone hands
 * out no token, code or session.
 */

/** One artefact oidc-provider persists: a session, grant, code, token, interaction, replay record, ... */
export interface OidcModelsTable {
  /** oidc-provider's model name (`Session`, `Grant`, `AccessToken`, ...). */
  model: string;
  /** SHA-256 (hex) of the artefact's id: for tokens and codes the id is the bearer value itself. */
  id: string;
  /** @personal The artefact as JSON, sealed with the field-encryption key (bound to model and id): it names the member (`accountId`) and what they consented to. */
  payload_enc: string;
  /** The grant the artefact belongs to (revoked together); not a bearer value. */
  grant_id: string | null;
  /** SHA-256 of a session's `uid`. */
  uid: string | null;
  /** SHA-256 of a device flow's user code. */
  user_code: string | null;
  /** @personal The member the artefact is about (oidc-provider's `accountId`: the membership id). */
  account_id: string | null;
  /** The client (application resource) the artefact was issued to; null for a session, and for rows written before it was kept. */
  client_id: string | null;
  /** When the artefact lapses; the sweep job removes the row after it. */
  expires_at: string | null;
  /** When a single-use artefact (an authorization code, a rotated refresh token) was used. */
  consumed_at: string | null;
}

/** PRO-2: the provider's signing keys (ES256 and RS256), sealed at rest. */
export interface OidcSigningKeysTable {
  kid: string;
  /** `ES256` or `RS256`. */
  alg: string;
  /** The private JWK as JSON, sealed with the field-encryption key (bound to the kid). */
  jwk_enc: string;
  /** `current` signs and is published; `previous` is published until its tokens lapse; `retired` is neither. */
  state: string;
  created_at: string;
  /** When a newer key took over the signing; null while the key is current. */
  superseded_at: string | null;
  retired_at: string | null;
}

/** PRO-2: an application resource that is an OpenID Connect client. Its client id is the resource id. */
export interface OidcClientsTable {
  resource_id: string;
  org_id: string;
  /** The client secret, sealed with the field-encryption key (bound to the resource); null for a public client. */
  secret_enc: string | null;
  created_at: string;
  secret_rotated_at: string | null;
}

export interface FederationTables {
  oidc_clients: OidcClientsTable;
  oidc_models: OidcModelsTable;
  oidc_signing_keys: OidcSigningKeysTable;
}
