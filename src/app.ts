import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Core, type CoreOptions, buildCore } from './core.ts';
import type { RequestContext } from './core/context.ts';
import type { ServedProtocol } from './core/served.ts';
import type { LdapEndpoint } from './http/deps.ts';
import { buildHttp } from './http/server.ts';
import { mountOidc, type OidcDirectory } from './protocols/oidc/index.ts';
import { mountSaml, type SamlDirectory } from './protocols/saml/index.ts';
import { mountScim } from './protocols/scim/index.ts';
import { SCIM_FILTER_PATHS, SCIM_SORT_KEYS } from './modules/directory/index.ts';
import { hmac } from './core/crypto.ts';
import { BODY_MAX, MAX_ATTACHMENTS, SUBJECT_MAX } from './modules/support/index.ts';
import { type SmtpIn, startSmtpIn } from './protocols/smtp-in/index.ts';
import { type LdapPort, type LdapServer, ldapCaCertificate, ldapTls, startLdap } from './protocols/ldap/index.ts';
import { type RadiusPort, type RadiusServer, startRadius } from './protocols/radius/index.ts';

export { createLogger } from './core.ts';

const WEB_ROOT = fileURLToPath(new URL('../dist/web', import.meta.url));

export interface AppOptions extends CoreOptions {
  /** The built web app to serve; dist/web by default. */
  webRoot?: string;
  /** Start the background workers (mail delivery, housekeeping); on by default. */
  workers?: boolean;
}

/** A listener over the core: started and closed on its own (HTTP, inbound mail, and the protocol edges). */
export interface Listener<A> {
  start(): Promise<A>;
  close(): Promise<void>;
}

/** The core with its listeners: what `castellan serve` runs. */
export interface App extends Core {
  http: FastifyInstance;
  /** The inbound mail listener (SUP-1) once started, else null. */
  readonly smtpIn: SmtpIn | null;
  /** Listens on the configured host and port, and starts inbound mail unless turned off; answers the HTTP address. */
  listen(): Promise<string>;
  /** Starts the inbound mail listener alone (listen() does it too); answers where it listens. */
  startSmtpIn(): Promise<{ host: string; port: number }>;
  /** The LDAP listeners (PRO-1) once started, else null. */
  readonly ldap: LdapServer | null;
  /** Starts the LDAP listeners alone (listen() does it too); answers where they listen. */
  startLdap(): Promise<{ host: string; port: number; ldapsPort: number }>;
  /** The RADIUS listeners (PRO-3) once started, else null. */
  readonly radiusServer: RadiusServer | null;
  /** Starts the RADIUS listeners alone (listen() does it too); answers where they listen. */
  startRadius(): Promise<{ host: string; port: number; acctPort: number }>;
  close(): Promise<void>;
}

/** SUP-7: how the HTTP listener appears in the supported list. */
function httpServed(core: Core): ServedProtocol {
  return {
    id: 'http',
    name: 'HTTP API and web console',
    version: 'HTTP/1.1',
    notes: `The JSON API under ${core.config.publicUrl}/api/v1 (described at /openapi.json) and the web console; browsers sign in with a session cookie, automation with a bearer token.`,
  };
}

/** SUP-7: how the inbound mail listener appears in the supported list. */
function smtpServed(core: Core): ServedProtocol {
  const bytes = core.config.smtpIn.maxMessageBytes;
  const size = bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MiB` : `${Math.floor(bytes / 1024)} KiB`;
  return {
    id: 'smtp',
    name: 'Inbound support mail (SMTP)',
    version: 'RFC 5321',
    notes: `Mail to ${core.config.support.address} opens a support ticket, or answers one when it replies to the desk's mail; messages up to ${size}.`,
  };
}

/** SUP-7: how the LDAP listeners appear in the supported list. */
function ldapServed(core: Core, at: { port: number; ldapsPort: number }): ServedProtocol {
  return {
    id: 'ldap',
    name: 'LDAP',
    version: 'v3',
    notes: `Simple bind, search with the full filter grammar, paged results, WhoAmI and Password Modify; StartTLS on port ${at.port} and LDAPS on port ${at.ldapsPort}; the tree under ${core.config.ldap.suffix}.`,
  };
}

/** PRO-1: what the LDAP edge may ask of the core. */
function ldapPort(core: Core): LdapPort {
  const { directory, accounts, audit, db } = core;
  return {
    organizationBySlug: (slug) => directory.ldap.organizationBySlug(slug),
    resourceIds: (orgId) => directory.ldap.resourceIds(orgId),
    mayUse: (orgId, membershipId) => directory.ldap.mayUse(orgId, membershipId),
    async verifyMember(ctx, orgId, username, password) {
      const v = await accounts.verifyCredentials(ctx, { identity: { orgId, username }, password }, 'ldap');
      return { membershipId: v.membershipId as string, accountId: v.account?.id ?? null };
    },
    changeOwnPassword: (ctx, accountId, currentPassword, newPassword) =>
      accounts.changePassword(ctx, { kind: 'account', accountId, sessionId: null, emailVerified: true }, { currentPassword, newPassword }),
    async verifyService(ctx, orgId, name, secret) {
      const v = await accounts.verifyCredentials(ctx, { identity: { orgId, service: name }, password: secret }, 'ldap');
      return { id: (v.service as { id: string }).id };
    },
    serviceValid: (orgId, id) => directory.serviceAccounts.stillValid(orgId, id),
    searchUsers: (orgId, filter, opts) => directory.query.searchUsers(orgId, filter, opts),
    searchGroups: (orgId, filter, opts) => directory.query.searchGroups(orgId, filter, opts),
    recordSession: (ctx, orgId, who, summary) =>
      audit.record(db, ctx, { action: 'ldap.session', orgId, target: who, details: summary }),
  };
}

/** SUP-7: how the RADIUS listeners appear in the supported list. */
function radiusServed(at: { port: number; acctPort: number }): ServedProtocol {
  return {
    id: 'radius',
    name: 'RADIUS',
    version: 'RFC 2865, RFC 2866',
    notes: `PAP Access-Requests on UDP port ${at.port} (Message-Authenticator required, BlastRADIUS) and accounting on UDP port ${at.acctPort}, for network resources; the TOTP code goes right after the password when the organization requires two-step verification.`,
  };
}

/** PRO-3: what the RADIUS edge may ask of the core. */
function radiusPort(core: Core): RadiusPort {
  const { directory, accounts, radius } = core;
  /** A User-Name is a username of the organization, or a member's address (then their username, if they have one). */
  const usernameOf = async (orgId: string, userName: string) => (userName.includes('@') ? ((await directory.ldap.usernameByEmail(orgId, userName)) ?? userName) : userName);
  return {
    candidates: (address) => radius.networks.candidates(address),
    async authenticate(ctx, orgId, userName, password) {
      const v = await accounts.verifyCredentials(ctx, { identity: { orgId, username: await usernameOf(orgId, userName) }, password }, 'radius');
      return { membershipId: v.membershipId as string };
    },
    mayUse: async (orgId, membershipId, networkId) => (await directory.access.canAccess(orgId, membershipId, networkId)).allowed,
    memberOf: async (orgId, userName) => (await directory.callers.lookup.resolveLogin(orgId, await usernameOf(orgId, userName)))?.membershipId ?? null,
    recordAccounting: (record) => radius.sessions.record(record),
  };
}

/** PRO-3: the RADIUS listeners (authentication and accounting), over the core. */
/**
 * A protocol listener started on demand: concurrent starts share one, a failed start can be tried
 * again, and while it runs its protocol is registered as served (SUP-7). `close` unregisters it
 * first, then lets the server finish what it is doing.
 */
function onDemand<S extends { address(): A; close(): Promise<void> }, A>(core: Core, start: () => Promise<S>, served: (s: S) => ServedProtocol): Listener<A> & { readonly server: S | null } {
  let server: S | null = null;
  let starting: Promise<S> | null = null;
  let unregister = () => {};
  return {
    get server() {
      return server;
    },
    async start() {
      starting ??= start().then(
        (s) => {
          server = s;
          unregister = core.served.register(served(s));
          return s;
        },
        (e: unknown) => {
          starting = null;
          throw e;
        },
      );
      return (await starting).address();
    },
    async close() {
      unregister();
      await starting?.then((s) => s.close()).catch(() => {});
    },
  };
}

export function radiusListener(core: Core): Listener<{ host: string; port: number; acctPort: number }> & { readonly server: RadiusServer | null } {
  const log = core.logger.child({ component: 'radius' });
  const metrics = { dropped: (reason: string) => core.metrics.radiusDropped.inc({ reason }), answered: (kind: string) => core.metrics.radiusAnswered.inc({ kind }) };
  return onDemand(
    core,
    async () => {
      const s = await startRadius({ ...core.config.radius, directory: radiusPort(core), log, metrics });
      log.info(s.address(), 'RADIUS listening');
      return s;
    },
    (s) => radiusServed(s.address()),
  );
}

/**
 * PRO-2, PRO-5: what both single sign-on edges ask alike, on their own channel: THE credential
 * check, the audit of a member's sign-in to an application, and the account of a web session.
 */
function signInParts(core: Core, channel: 'oidc' | 'saml') {
  const { accounts, db } = core;
  return {
    async verifyPassword(ctx: RequestContext, email: string, password: string, totp: string | undefined) {
      const v = await accounts.verifyCredentials(ctx, { identity: { email }, password, totp }, channel);
      return { accountId: v.account.id, mfa: v.secondFactor !== null };
    },
    recordSignIn: (ctx: RequestContext, e: { orgId: string; membershipId: string; resourceId: string; allowed: boolean }) =>
      core.audit.record(db, ctx, {
        action: e.allowed ? `${channel}.signin` : `${channel}.access_denied`,
        orgId: e.orgId,
        target: { type: 'user', id: e.membershipId },
        details: { resourceId: e.resourceId, channel },
      }),
    /** A person's (never staff's) live web session, with their address. */
    async webSession(token: string) {
      const s = await accounts.sessions.authenticate(token);
      if (!s || s.staffRole !== null) return undefined;
      const [facts] = await accounts.facts(db, [s.accountId]);
      return facts ? { accountId: s.accountId, sessionId: s.sessionId, email: facts.email, mfa: s.mfa } : undefined;
    },
  };
}

/** PRO-2: what the OpenID Provider's edge may ask of the core. */
function oidcPort(core: Core): OidcDirectory {
  const { directory, federation } = core;
  const signIn = signInParts(core, 'oidc');
  return {
    async application(clientId) {
      const owner = await federation.clients.ownerOf(clientId);
      const name = owner ? await directory.federation.applicationName(owner.orgId, owner.resourceId) : undefined;
      return owner && name !== undefined ? { ...owner, name } : undefined;
    },
    member: (orgId, membershipId) => directory.federation.member(orgId, membershipId),
    membershipOf: (orgId, accountId) => directory.federation.membershipOf(orgId, accountId),
    mayUse: async (orgId, membershipId, resourceId) => (await directory.access.canAccess(orgId, membershipId, resourceId)).allowed,
    verifyPassword: signIn.verifyPassword,
    recordSignIn: signIn.recordSignIn,
    async sessionAccount(token) {
      const w = await signIn.webSession(token);
      return w ? { accountId: w.accountId, email: w.email, mfa: w.mfa } : undefined;
    },
  };
}

/** PRO-5: what the SAML identity provider's edge may ask of the core (the membership, access and session answers are the OIDC port's). */
function samlPort(core: Core): SamlDirectory {
  const { directory, federation } = core;
  const shared = oidcPort(core);
  const signIn = signInParts(core, 'saml');
  return {
    async application(resourceId) {
      const app = await federation.saml.application(resourceId);
      const name = app ? await directory.federation.applicationName(app.orgId, app.resourceId) : undefined;
      return app && name !== undefined ? { ...app, name } : undefined;
    },
    idpKey: () => federation.saml.idpKey.current(),
    beginSignIn: (resourceId, pending) => federation.saml.begin(resourceId, pending),
    pendingSignIn: (resourceId, id) => federation.saml.pending(resourceId, id),
    finishSignIn: (resourceId, id) => federation.saml.finish(resourceId, id),
    firstSeen: (resourceId, requestId, until) => federation.saml.firstSeen(resourceId, requestId, until),
    member: (orgId, membershipId) => directory.federation.member(orgId, membershipId),
    membershipOf: shared.membershipOf,
    mayUse: shared.mayUse,
    persistentNameId: (membershipId, resourceId) => hmac(core.keys.secret, `castellan-saml-nameid:${membershipId}:${resourceId}`),
    verifyPassword: signIn.verifyPassword,
    recordSignIn: signIn.recordSignIn,
    async sessionAccount(token) {
      const w = await signIn.webSession(token);
      // The token of Castellan's own SAML forms (the IdP-initiated "Continue"), bound to this session.
      return w ? { accountId: w.accountId, email: w.email, mfa: w.mfa, formToken: hmac(core.keys.secret, `castellan-saml-form:${w.sessionId}`) } : undefined;
    },
    now: () => core.clock.now(),
  };
}

/** PRO-1: the LDAP listeners (plain with StartTLS, and LDAPS), over the core. */
export function ldapListener(core: Core): Listener<{ host: string; port: number; ldapsPort: number }> & { readonly server: LdapServer | null } {
  const { config } = core;
  const log = core.logger.child({ component: 'ldap' });
  return onDemand(
    core,
    async () => {
      const tls = await ldapTls({ dataDir: config.dataDir, cert: config.ldap.tlsCert, key: config.ldap.tlsKey, hostnames: [new URL(config.publicUrl).hostname] });
      const s = await startLdap({ ...config.ldap, tls, directory: ldapPort(core), log });
      log.info({ ...s.address(), suffix: config.ldap.suffix, ...(tls.caPath ? { caCertificate: tls.caPath } : {}) }, 'LDAP listening');
      return s;
    },
    (s) => ldapServed(core, s.address()),
  );
}

/** PRO-1: what the console's LDAP page shows of the LDAP listeners: the ports they are bound to, and the CA clients trust. */
function ldapEndpoint(core: Core, ldap: { readonly server: LdapServer | null }): LdapEndpoint {
  const { config } = core;
  return {
    address: () => ldap.server?.address() ?? null,
    caCertificate: () => ldapCaCertificate({ dataDir: config.dataDir, cert: config.ldap.tlsCert }),
  };
}

/** The inbound mail listener of the support desk (SUP-1), over the core. */
export function smtpInListener(core: Core): Listener<{ host: string; port: number }> & { readonly server: SmtpIn | null } {
  const { config } = core;
  const log = core.logger.child({ component: 'smtp-in' });
  // On close, a message still being handed over finishes (or gets 421 and is sent again).
  return onDemand(
    core,
    async () => {
      try {
        const s = await startSmtpIn({
          host: config.smtpIn.host,
          port: config.smtpIn.port,
          supportAddress: config.support.address,
          maxMessageBytes: config.smtpIn.maxMessageBytes,
          maxClients: config.smtpIn.maxClients,
          // The desk's own limits, so that what is cut is cut here, with a note, and not silently after.
          limits: { maxTextChars: BODY_MAX, maxSubjectChars: SUBJECT_MAX, maxAttachments: MAX_ATTACHMENTS, maxAttachmentBytes: config.support.maxAttachmentBytes },
          handle: (m, ctx) => core.support.tickets.receiveMail(ctx, m),
          privacyAddress: config.privacy.privacyMailbox,
          handlePrivacy: (m, ctx) => core.privacyRequests.receiveMail(ctx, m),
          log,
        });
        log.info({ address: s.address() }, 'inbound mail listening');
        return s;
      } catch (e) {
        if (e instanceof Error) e.message = `inbound mail (CASTELLAN_SMTP_IN_PORT): ${e.message}`;
        throw e;
      }
    },
    () => smtpServed(core),
  );
}

/** The HTTP listener: the API and the web app, over the core. */
export async function httpListener(core: Core, webRoot = WEB_ROOT, ldap: LdapEndpoint = ldapEndpoint(core, { server: null })): Promise<Listener<string> & { http: FastifyInstance }> {
  const http = await buildHttp({ core, webRoot, ldapEndpoint: ldap });
  // PRO-2: the OpenID Provider, mounted beside the API with its own error handling.
  // The organizations' API clients (PRO-2) are clients too: client credentials only, within the scopes their admins chose.
  const findClient = async (clientId: string) => (await core.federation.apiClients.clientMetadata(clientId)) ?? core.federation.clients.clientMetadata(clientId);
  await mountOidc(http, core, { findClient, directory: oidcPort(core) });
  // PRO-5: the SAML identity provider, beside it.
  await mountSaml(http, core, { directory: samlPort(core) });
  // PRO-4: SCIM 2.0 for the organizations' HR systems and identity providers, with their SCIM tokens alone.
  await mountScim(http, {
    publicUrl: core.config.publicUrl,
    directory: { callerOf: (token) => core.directory.scimTokens.callerOf(token), scim: core.directory.scim, filterPaths: SCIM_FILTER_PATHS, sortKeys: SCIM_SORT_KEYS },
  });
  // It answers requests from now on (in-process ones too), so it is served from now on (SUP-7).
  const unregister = core.served.register(httpServed(core));
  return {
    http,
    start: () => http.listen({ host: core.config.host, port: core.config.port }),
    close: async () => {
      unregister();
      await http.close();
    },
  };
}

/** The composition root: the core plus the listeners (HTTP and inbound mail; the protocol edges join here). */
export async function buildApp(opts: AppOptions): Promise<App> {
  const core = await buildCore(opts);
  const ldap = ldapListener(core);
  const radius = radiusListener(core);
  let web: Awaited<ReturnType<typeof httpListener>>;
  try {
    web = await httpListener(core, opts.webRoot, ldapEndpoint(core, ldap));
  } catch (e) {
    await core.close();
    throw e;
  }
  const smtp = smtpInListener(core);
  const metrics = metricsListener(core);
  if (opts.workers ?? true) core.startWorkers();
  let closed = false;
  return {
    ...core,
    http: web.http,
    get smtpIn() {
      return smtp.server;
    },
    get ldap() {
      return ldap.server;
    },
    get radiusServer() {
      return radius.server;
    },
    async listen() {
      const address = await web.start();
      if (core.config.smtpIn.enabled) await smtp.start();
      if (core.config.ldap.enabled) await ldap.start();
      if (core.config.radius.enabled) await radius.start();
      if (core.config.metrics.port !== undefined) core.logger.info({ address: await metrics.start() }, 'metrics listening');
      return address;
    },
    startSmtpIn: () => smtp.start(),
    startLdap: () => ldap.start(),
    startRadius: () => radius.start(),
    async close() {
      if (closed) return;
      closed = true;
      // Stop taking mail first, then requests, then the workers and the database.
      await smtp.close();
      await ldap.close();
      await radius.close();
      await metrics.close();
      await web.close();
      await core.close();
    },
  };
}

/** The metrics listener: /metrics without a token, for a scraper on a network only the operator reaches. */
export function metricsListener(core: Core): Listener<string> {
  const { host, port } = core.config.metrics;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    core.metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': core.metrics.registry.contentType }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', (e) => reject(Object.assign(e, { message: `metrics (CASTELLAN_METRICS_PORT): ${e.message}` })));
        server.listen(port ?? 0, host, () => {
          const a = server.address() as AddressInfo;
          resolve(`http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`);
        });
      }),
    close: () => new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
}
