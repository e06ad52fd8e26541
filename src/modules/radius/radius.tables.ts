/**
 * PRO-3: what the RADIUS server keeps. A network resource's shared secret (sealed) and the client
 * addresses it lists, copied here from its settings by the directory's resource hooks, so that a
 * packet's source address finds its networks without reading another module's tables; and the
 * accounting records NASes send (RFC 2866). Instants are ISO-8601 text on both dialects.
 */
export interface RadiusNetworksTable {
  /** The network resource (its id). */
  resource_id: string;
  org_id: string;
  /** The shared secret, sealed with the field-encryption key (bound to the resource): HMAC-MD5 needs the secret itself. */
  secret_enc: string;
  /** `settings.clients` as JSON: the addresses and CIDR ranges allowed to ask. */
  clients: string;
  created_at: string;
  secret_rotated_at: string | null;
}

/** One accounting session (Acct-Session-Id) of one network: Start, Interim-Update and Stop fold into it. */
export interface RadiusSessionsTable {
  id: string;
  org_id: string;
  /** The network resource. */
  network_id: string;
  acct_session_id: string;
  /** @personal The User-Name the NAS reported (a username or an email address). */
  user_name: string;
  /** @personal The member the User-Name named in the network's organization, when it named one. */
  membership_id: string | null;
  /** `started`, `updated` (an Interim-Update came) or `stopped`. */
  status: string;
  /** The NAS: NAS-IP-Address or NAS-IPv6-Address, else the packet's source address. */
  nas_address: string;
  /** @personal The user's device (Calling-Station-Id, often a MAC address). */
  calling_station_id: string | null;
  /** Octets including the Gigawords (RFC 2869 §5.1, §5.2): whole numbers, kept as integers. */
  input_octets: number;
  output_octets: number;
  /** Acct-Session-Time in seconds. */
  session_time: number;
  /** Acct-Terminate-Cause (RFC 2866 §5.10), on Stop. */
  terminate_cause: number | null;
  started_at: string;
  updated_at: string;
  stopped_at: string | null;
}

export interface RadiusTables {
  radius_networks: RadiusNetworksTable;
  radius_sessions: RadiusSessionsTable;
}
