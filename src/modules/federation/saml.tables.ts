/**
 * PRO-5: the SAML identity provider's state. Instants are ISO-8601 text on both dialects. Nothing
 * here names a person: the NameID is derived when a response is made, never stored.
 */

/** The identity provider's signing key (RSA 2048) and its self-signed certificate, one per installation. */
export interface SamlIdpKeysTable {
  /** `current`: the only key for now (a rotation would add `previous`). */
  id: string;
  /** The private key (PKCS #8 PEM), sealed with the field-encryption key (bound to the id). */
  private_key_enc: string;
  /** The self-signed X.509 certificate (PEM), published in every application's metadata. */
  certificate: string;
  created_at: string;
}

/** An application resource whose `settings.protocol` is "saml": the identity provider's service provider. */
export interface SamlApplicationsTable {
  resource_id: string;
  org_id: string;
  /** The service provider's metadata fetched once from `settings.metadataUrl` when the settings were saved; null otherwise. */
  fetched_metadata: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * An AuthnRequest waiting for the person to sign in (or an IdP-initiated sign-in), between the
 * sign-in form and the answer. Single use; expires in minutes.
 */
export interface SamlPendingRequestsTable {
  /** SHA-256 (hex) of the unguessable id the sign-in form carries. */
  id: string;
  resource_id: string;
  /** The AuthnRequest's ID (the answer's InResponseTo); null for an IdP-initiated sign-in. */
  request_id: string | null;
  /** The assertion consumer service the answer goes to: one of the application's. */
  acs_url: string;
  /** The service provider's RelayState, given back unchanged. */
  relay_state: string | null;
  /** 1 when the AuthnRequest asked for ForceAuthn (SAML Core §3.4.1): no "Continue as" a web session. */
  force_authn: number;
  created_at: string;
  expires_at: string;
}

/** AuthnRequest and LogoutRequest ids already seen, per application, kept until they could no longer be accepted (replay detection). */
export interface SamlSeenRequestsTable {
  resource_id: string;
  /** SHA-256 (hex) of the request's ID. */
  request_id: string;
  expires_at: string;
}

export interface SamlTables {
  saml_idp_keys: SamlIdpKeysTable;
  saml_applications: SamlApplicationsTable;
  saml_pending_requests: SamlPendingRequestsTable;
  saml_seen_requests: SamlSeenRequestsTable;
}
