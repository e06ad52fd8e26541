import { isIP } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * Every setting Castellan reads, typed and validated in one place. Nothing else
 * reads `process.env`. Command-line flags override the environment.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** A postgres:// URL selects PostgreSQL; unset means the embedded SQLite file in the data directory. */
  databaseUrl: string | undefined;
  /** The address people reach Castellan at; used in links sent by email. */
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Base64 or hex, 32 bytes or more; generated into the data directory when unset. */
  secretKey: string | undefined;
  encryptionKey: string | undefined;
  /** Keys the audit chain (SEC-1); from the environment, or `audit.key` in the data directory. */
  auditKey: string | undefined;
  logLevel: string;
  trustProxy: boolean;
  /** PRO-5, tests only: a SAML application's metadataUrl may name a loopback address (and use http there); never on in production. */
  samlMetadataAllowLoopback: boolean;
  /**
   * GOV-5: webhooks may target loopback, private and link-local addresses (and use http) only when
   * the operator allows it (CASTELLAN_WEBHOOK_ALLOW_PRIVATE); off, such targets are refused (SSRF).
   */
  webhookAllowPrivate: boolean;
  /** GOV-2: the DNS servers domain verification asks (`ip` or `ip:port`); empty: the system's resolvers. */
  dnsServers: string[];
  cookieSecure: boolean;
  bodyLimitBytes: number;
  nodeId: string;
  sessionTtlSeconds: number;
  /** PRO-2: the OpenID Provider's signing keys are rotated every this many days (a job; `castellan oidc rotate-keys` at once). */
  oidc: { keyRotationDays: number };
  /**
   * ACC-4: Sign in with Google (OpenID Connect). Off (no button, the routes answer 404
   * `accounts.google_disabled`) while `clientId` is null. `issuer` is Google's unless a test names
   * its own provider (http is accepted for a loopback issuer only).
   */
  google: { clientId: string | null; clientSecret: string | null; issuer: string };
  /** The job runner: one per process, for every kind of background job (the mail outbox is one). */
  jobs: { enabled: boolean; pollIntervalMs: number; leaseSeconds: number };
  /**
   * /metrics: on the HTTP listener only with `Authorization: Bearer <token>`, and, when a port is set,
   * without a token on a listener of its own (on loopback by default), as Prometheus scrapers expect.
   */
  metrics: { token: string | undefined; host: string; port: number | undefined };
  /** Mail is one kind of job; these are its own interval, lease and attempts, and whether this process sends it. */
  mail: { pollIntervalMs: number; leaseSeconds: number; maxAttempts: number; enabled: boolean };
  /** PRV-10: `test` turns on the built-in test payment provider (documented test cards only); `none` takes no cards. */
  paymentProvider: 'none' | 'test';
  /** DIR-4: where customers write to change plan (above all when no payment provider takes cards). */
  billingAddress: string;
  support: {
    /** The largest attachment a ticket takes, by web or by mail (SUP-1). */
    maxAttachmentBytes: number;
    /** The address customers write to (SUP-1): the inbound listener takes mail for it alone, and replies name it. */
    address: string;
  };
  /** The inbound mail listener of the support desk (SUP-1), started by `castellan serve`. */
  smtpIn: { enabled: boolean; host: string; port: number; maxMessageBytes: number; maxClients: number };
  /** PRO-1: the LDAP listeners (plain with StartTLS, and LDAPS), started by `castellan serve`. */
  ldap: {
    enabled: boolean;
    host: string;
    port: number;
    ldapsPort: number;
    /** The tree's root, `dc=castellan` by default: organizations are `o=<slug>,<suffix>`. */
    suffix: string;
    /** A simple bind over a connection without TLS is refused (confidentialityRequired) unless this is on. */
    allowPlainBind: boolean;
    /** PEM files given by the operator; when unset, a CA and a server certificate are generated into the data directory. */
    tlsCert: string | undefined;
    tlsKey: string | undefined;
    idleTimeoutSeconds: number;
    maxMessageBytes: number;
    maxConnections: number;
  };
  /** PRO-3: the RADIUS listeners (authentication and accounting, UDP), started by `castellan serve`. */
  radius: {
    enabled: boolean;
    host: string;
    port: number;
    acctPort: number;
    /** A retransmission (same client address and port, Identifier and Request Authenticator) within this many seconds gets the cached reply. */
    duplicateWindowSeconds: number;
    /** Requests per second one client address may send (twice that in a burst); beyond, they are dropped. */
    clientRatePerSecond: number;
    /** Access-Requests per minute for one user of a network; beyond, Access-Reject without a password check. */
    userRatePerMinute: number;
    /** Requests one node works on at once; beyond, they are dropped (the NAS retries or fails over). */
    maxInFlight: number;
    /** How long a node keeps its copy of the networks' client lists (and secrets). */
    clientCacheSeconds: number;
  };
  privacy: {
    publicUrl: string;
    siteName: string;
    /** The third party that runs the SMTP service, if any: each message handed to it is a disclosure (PRV-9). */
    mailProvider: { name: string; address: string } | null;
    /** The operator's contact address for privacy questions (CASTELLAN_PRIVACY_ADDRESS), as the starter policy names it. */
    privacyAddress: string | null;
    /**
     * DSR-1: the email address in CASTELLAN_PRIVACY_ADDRESS (the whole value, or the one written in
     * it), lower-cased; the inbound listener takes its mail as privacy requests. Null when it has none.
     */
    privacyMailbox: string | null;
  };
  limits: {
    signInMaxFailures: number;
    signInIpMaxFailures: number;
    failureWindowSeconds: number;
    lockoutSeconds: number;
    resetMaxPerWindow: number;
    verifyMaxFailures: number;
    /** Invitations one organization may send in an hour, and one address may receive in a day (docs/api.md, "Invitations"). */
    invitationsPerOrgHour: number;
    invitationsPerAddressDay: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

export interface ConfigOverrides {
  port?: number | string;
  host?: string;
  dataDir?: string;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return parseIntStrict(raw, name, min, max);
}

export function parseIntStrict(raw: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(value: string, name: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${value}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return value;
}

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const port =
    overrides.port !== undefined
      ? parseIntStrict(String(overrides.port), '--port', 0, 65535)
      : int(env, 'CASTELLAN_PORT', 8080, 0, 65535);
  const host = overrides.host ?? env.CASTELLAN_HOST ?? '127.0.0.1';
  const dataDir = path.resolve(overrides.dataDir ?? env.CASTELLAN_DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL ? url(env.DATABASE_URL, 'DATABASE_URL', ['postgres:', 'postgresql:']) : undefined;
  const publicUrl = url(
    (env.CASTELLAN_PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''),
    'CASTELLAN_PUBLIC_URL',
    ['http:', 'https:'],
  );
  const smtpUrl = env.CASTELLAN_SMTP_URL ? url(env.CASTELLAN_SMTP_URL, 'CASTELLAN_SMTP_URL', ['smtp:', 'smtps:']) : undefined;
  const mailFrom = env.CASTELLAN_MAIL_FROM ?? 'Castellan <no-reply@castellan.localhost>';
  return {
    host,
    port,
    dataDir,
    databaseUrl,
    publicUrl,
    smtpUrl,
    mailFrom,
    secretKey: env.CASTELLAN_SECRET_KEY || undefined,
    encryptionKey: env.CASTELLAN_ENCRYPTION_KEY || undefined,
    auditKey: env.CASTELLAN_AUDIT_KEY || undefined,
    logLevel: logLevel(env.CASTELLAN_LOG_LEVEL ?? 'info'),
    trustProxy: bool(env, 'CASTELLAN_TRUST_PROXY', false),
    samlMetadataAllowLoopback: bool(env, 'CASTELLAN_SAML_METADATA_ALLOW_LOOPBACK', false),
    webhookAllowPrivate: bool(env, 'CASTELLAN_WEBHOOK_ALLOW_PRIVATE', false),
    dnsServers: dnsServers(env.CASTELLAN_DNS_SERVERS),
    cookieSecure: bool(env, 'CASTELLAN_COOKIE_SECURE', publicUrl.startsWith('https:')),
    bodyLimitBytes: int(env, 'CASTELLAN_BODY_LIMIT_BYTES', 64 * 1024, 1024, 64 * 1024 * 1024),
    nodeId: env.CASTELLAN_NODE_ID ?? `${hostname()}:${process.pid}`,
    sessionTtlSeconds: int(env, 'CASTELLAN_SESSION_TTL_SECONDS', 14 * 24 * 3600, 60, 365 * 24 * 3600),
    oidc: { keyRotationDays: int(env, 'CASTELLAN_OIDC_KEY_ROTATION_DAYS', 90, 1, 3650) },
    google: google(env),
    metrics: {
      token: metricsToken(env.CASTELLAN_METRICS_TOKEN),
      host: env.CASTELLAN_METRICS_HOST || '127.0.0.1',
      port: env.CASTELLAN_METRICS_PORT ? int(env, 'CASTELLAN_METRICS_PORT', 0, 0, 65535) : undefined,
    },
    jobs: {
      enabled: bool(env, 'CASTELLAN_JOBS_WORKER', true),
      pollIntervalMs: int(env, 'CASTELLAN_JOBS_POLL_MS', 1000, 10, 3_600_000),
      leaseSeconds: int(env, 'CASTELLAN_JOBS_LEASE_SECONDS', 60, 1, 86_400),
    },
    mail: {
      enabled: bool(env, 'CASTELLAN_MAIL_WORKER', true),
      pollIntervalMs: int(env, 'CASTELLAN_MAIL_POLL_MS', 1000, 10, 3_600_000),
      leaseSeconds: int(env, 'CASTELLAN_MAIL_LEASE_SECONDS', 60, 1, 86_400),
      maxAttempts: int(env, 'CASTELLAN_MAIL_MAX_ATTEMPTS', 8, 1, 100),
    },
    paymentProvider: paymentProvider(env.CASTELLAN_PAYMENT_PROVIDER ?? 'none'),
    billingAddress: billingAddress(env.CASTELLAN_BILLING_ADDRESS, supportAddress(env.CASTELLAN_SUPPORT_ADDRESS, mailFrom)),
    support: {
      maxAttachmentBytes: int(env, 'CASTELLAN_SUPPORT_MAX_ATTACHMENT_BYTES', 5 * 1024 * 1024, 1024, 25 * 1024 * 1024),
      address: supportAddress(env.CASTELLAN_SUPPORT_ADDRESS, mailFrom),
    },
    smtpIn: smtpIn(env, host, port),
    ldap: ldap(env, host, port),
    radius: radius(env),
    privacy: {
      publicUrl,
      siteName: env.CASTELLAN_SITE_NAME ?? 'Castellan',
      mailProvider: mailProvider(env),
      privacyAddress: privacyAddress(env.CASTELLAN_PRIVACY_ADDRESS),
      privacyMailbox: privacyMailbox(privacyAddress(env.CASTELLAN_PRIVACY_ADDRESS)),
    },
    limits: {
      signInMaxFailures: int(env, 'CASTELLAN_SIGNIN_MAX_FAILURES', 5, 1, 1_000_000),
      signInIpMaxFailures: int(env, 'CASTELLAN_SIGNIN_IP_MAX_FAILURES', 50, 1, 1_000_000),
      failureWindowSeconds: int(env, 'CASTELLAN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400),
      lockoutSeconds: int(env, 'CASTELLAN_LOCKOUT_SECONDS', 900, 1, 86_400),
      resetMaxPerWindow: int(env, 'CASTELLAN_RESET_MAX_PER_WINDOW', 5, 1, 1_000_000),
      verifyMaxFailures: int(env, 'CASTELLAN_VERIFY_MAX_FAILURES', 10, 1, 1_000_000),
      invitationsPerOrgHour: int(env, 'CASTELLAN_INVITATIONS_PER_ORG_HOUR', 200, 1, 1_000_000),
      invitationsPerAddressDay: int(env, 'CASTELLAN_INVITATIONS_PER_ADDRESS_DAY', 5, 1, 1_000_000),
    },
  };
}

// An address as an SMTP client gives it in RCPT TO: no display name, no brackets.
const BARE_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** CASTELLAN_SUPPORT_ADDRESS, else `support@` the domain mail is sent from. */
function supportAddress(value: string | undefined, mailFrom: string): string {
  const address = (value?.trim() || `support@${/@([^>\s]+)/.exec(mailFrom)?.[1] ?? 'castellan.localhost'}`).toLowerCase();
  if (!BARE_ADDRESS.test(address)) throw new ConfigError(`CASTELLAN_SUPPORT_ADDRESS must be a plain address such as support@example.com, got "${address}"`);
  return address;
}

/** CASTELLAN_PRIVACY_ADDRESS: free text (a postal address, lines joined by commas or newlines), at most 500 characters. */
function privacyAddress(value: string | undefined): string | null {
  const address = value?.trim().replace(/\s*\n\s*/g, ', ');
  if (!address) return null;
  if (address.length > 500) throw new ConfigError('CASTELLAN_PRIVACY_ADDRESS must be at most 500 characters');
  return address;
}

/** DSR-1: the one email address written in CASTELLAN_PRIVACY_ADDRESS, if any (a postal address alone has none). */
function privacyMailbox(address: string | null): string | null {
  const found = address?.match(/[^\s,;:<>()"]+@[^\s,;:<>()"]+\.[a-z]{2,}/gi) ?? [];
  if (found.length > 1) throw new ConfigError('CASTELLAN_PRIVACY_ADDRESS may name one email address at most: its mail becomes privacy requests');
  return found[0]?.toLowerCase() ?? null;
}

/** CASTELLAN_BILLING_ADDRESS, else the support address. */
function billingAddress(value: string | undefined, support: string): string {
  const address = value?.trim().toLowerCase() || support;
  if (!BARE_ADDRESS.test(address)) throw new ConfigError(`CASTELLAN_BILLING_ADDRESS must be a plain address such as billing@example.com, got "${address}"`);
  return address;
}

function smtpIn(env: Env, httpHost: string, httpPort: number): Config['smtpIn'] {
  const config = {
    enabled: bool(env, 'CASTELLAN_SMTP_IN_ENABLED', true),
    host: env.CASTELLAN_SMTP_IN_HOST || '127.0.0.1',
    // 0 picks a free port (tests); 2525 because 25 needs privileges: forward 25 to it, or put an MTA in front.
    port: int(env, 'CASTELLAN_SMTP_IN_PORT', 2525, 0, 65535),
    maxMessageBytes: int(env, 'CASTELLAN_SMTP_IN_MAX_BYTES', 10 * 1024 * 1024, 64 * 1024, 100 * 1024 * 1024),
    maxClients: int(env, 'CASTELLAN_SMTP_IN_MAX_CLIENTS', 20, 1, 10_000),
  };
  if (config.enabled && config.port !== 0 && config.port === httpPort && config.host === httpHost) {
    throw new ConfigError(`CASTELLAN_SMTP_IN_PORT ${config.port} is the HTTP port: give inbound mail another port`);
  }
  return config;
}

function ldap(env: Env, httpHost: string, httpPort: number): Config['ldap'] {
  const config = {
    enabled: bool(env, 'CASTELLAN_LDAP_ENABLED', true),
    host: env.CASTELLAN_LDAP_HOST || '127.0.0.1',
    // 389 and 636 need privileges: forward them to these, or run with the capability to bind low ports.
    port: int(env, 'CASTELLAN_LDAP_PORT', 3389, 0, 65535),
    ldapsPort: int(env, 'CASTELLAN_LDAPS_PORT', 6636, 0, 65535),
    suffix: ldapSuffix(env.CASTELLAN_LDAP_SUFFIX ?? 'dc=castellan'),
    allowPlainBind: bool(env, 'CASTELLAN_LDAP_ALLOW_PLAIN_BIND', false),
    tlsCert: env.CASTELLAN_LDAP_TLS_CERT || undefined,
    tlsKey: env.CASTELLAN_LDAP_TLS_KEY || undefined,
    idleTimeoutSeconds: int(env, 'CASTELLAN_LDAP_IDLE_TIMEOUT_SECONDS', 300, 1, 86_400),
    maxMessageBytes: int(env, 'CASTELLAN_LDAP_MAX_MESSAGE_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    maxConnections: int(env, 'CASTELLAN_LDAP_MAX_CONNECTIONS', 1000, 1, 100_000),
  };
  if (!config.tlsCert !== !config.tlsKey) throw new ConfigError('CASTELLAN_LDAP_TLS_CERT and CASTELLAN_LDAP_TLS_KEY go together: give both, or neither to use a generated certificate');
  if (config.enabled && config.port !== 0 && config.port === config.ldapsPort) throw new ConfigError(`CASTELLAN_LDAPS_PORT ${config.port} is the LDAP port: give LDAPS another port`);
  if (config.enabled && config.host === httpHost && [config.port, config.ldapsPort].some((p) => p !== 0 && p === httpPort)) {
    throw new ConfigError(`the LDAP ports (CASTELLAN_LDAP_PORT, CASTELLAN_LDAPS_PORT) must differ from the HTTP port ${httpPort}`);
  }
  return config;
}

function radius(env: Env): Config['radius'] {
  const config = {
    enabled: bool(env, 'CASTELLAN_RADIUS_ENABLED', true),
    host: env.CASTELLAN_RADIUS_HOST || '127.0.0.1',
    port: int(env, 'CASTELLAN_RADIUS_PORT', 1812, 0, 65535),
    acctPort: int(env, 'CASTELLAN_RADIUS_ACCT_PORT', 1813, 0, 65535),
    duplicateWindowSeconds: int(env, 'CASTELLAN_RADIUS_DUPLICATE_WINDOW_SECONDS', 30, 1, 600),
    clientRatePerSecond: int(env, 'CASTELLAN_RADIUS_CLIENT_RATE', 500, 1, 1_000_000),
    userRatePerMinute: int(env, 'CASTELLAN_RADIUS_USER_RATE', 30, 1, 1_000_000),
    maxInFlight: int(env, 'CASTELLAN_RADIUS_MAX_IN_FLIGHT', 256, 1, 100_000),
    clientCacheSeconds: int(env, 'CASTELLAN_RADIUS_CLIENT_CACHE_SECONDS', 10, 1, 3600),
  };
  if (config.enabled && config.port !== 0 && config.port === config.acctPort) throw new ConfigError(`CASTELLAN_RADIUS_ACCT_PORT ${config.port} is the RADIUS port: give accounting another port`);
  return config;
}

/** CASTELLAN_LDAP_SUFFIX: one or more `dc=`, `o=` or `ou=` names, such as `dc=example,dc=com`; kept lower-case. */
function ldapSuffix(value: string): string {
  const suffix = value.trim().toLowerCase().replace(/\s*,\s*/g, ',').replace(/\s*=\s*/g, '=');
  if (!/^(dc|o|ou)=[a-z0-9][a-z0-9-]*(,(dc|o|ou)=[a-z0-9][a-z0-9-]*)*$/.test(suffix)) {
    throw new ConfigError(`CASTELLAN_LDAP_SUFFIX must be a DN of dc=, o= or ou= names of letters, digits and hyphens, such as dc=example,dc=com; got "${value}"`);
  }
  return suffix;
}

/** CASTELLAN_DNS_SERVERS: a comma-separated list of `ip`, `ip:port` or `[ipv6]:port` (GOV-2); unset or empty: the system's resolvers. */
function dnsServers(value: string | undefined): string[] {
  const out: string[] = [];
  for (const raw of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw) ?? (isIP(raw) === 6 ? [raw, raw, undefined] : /^([^:]+)(?::(\d+))?$/.exec(raw));
    const ip = m?.[1];
    const port = m?.[2] === undefined ? undefined : Number(m[2]);
    if (!ip || isIP(ip) === 0 || (port !== undefined && (port < 1 || port > 65535))) {
      throw new ConfigError(`CASTELLAN_DNS_SERVERS must list IP addresses, each with an optional port (127.0.0.1:5353, [::1]:53), separated by commas; got "${raw}"`);
    }
    out.push(port === undefined ? ip : isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
  }
  return out;
}

/** ACC-4: CASTELLAN_GOOGLE_CLIENT_ID and _SECRET go together; the issuer is https, or http on loopback (tests). */
function google(env: Env): Config['google'] {
  const clientId = env.CASTELLAN_GOOGLE_CLIENT_ID?.trim() || null;
  const clientSecret = env.CASTELLAN_GOOGLE_CLIENT_SECRET?.trim() || null;
  if (!clientId !== !clientSecret) throw new ConfigError('CASTELLAN_GOOGLE_CLIENT_ID and CASTELLAN_GOOGLE_CLIENT_SECRET go together: give both to turn on Sign in with Google, or neither');
  const issuer = url((env.CASTELLAN_GOOGLE_ISSUER?.trim() || 'https://accounts.google.com').replace(/\/+$/, ''), 'CASTELLAN_GOOGLE_ISSUER', ['https:', 'http:']);
  if (issuer.startsWith('http:') && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(issuer)) {
    throw new ConfigError('CASTELLAN_GOOGLE_ISSUER must be an https URL (http only for a provider on loopback, in tests)');
  }
  return { clientId, clientSecret, issuer };
}

function metricsToken(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length < 16) throw new ConfigError('CASTELLAN_METRICS_TOKEN must be at least 16 characters (try: openssl rand -base64 24)');
  return value;
}

function paymentProvider(value: string): 'none' | 'test' {
  if (value !== 'none' && value !== 'test') throw new ConfigError('CASTELLAN_PAYMENT_PROVIDER must be none or test');
  return value;
}

function mailProvider(env: Env): { name: string; address: string } | null {
  const name = env.CASTELLAN_MAIL_PROVIDER_NAME?.trim();
  const address = env.CASTELLAN_MAIL_PROVIDER_ADDRESS?.trim();
  if (!name && !address) return null;
  if (!name || !address) throw new ConfigError('CASTELLAN_MAIL_PROVIDER_NAME and CASTELLAN_MAIL_PROVIDER_ADDRESS go together (the ledger needs both, PRV-9)');
  return { name, address };
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
function logLevel(value: string): string {
  if (!LEVELS.includes(value)) throw new ConfigError(`CASTELLAN_LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  return value;
}
