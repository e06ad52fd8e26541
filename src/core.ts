import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';
import { requireCapability } from './core/caller.ts';
import { type Clock, systemClock } from './core/clock.ts';
import { systemContext } from './core/context.ts';
import { FieldCipher, hmac } from './core/crypto.ts';
import { CommonErrors, isAppError } from './core/errors.ts';
import { createMetrics, type Metrics } from './core/metrics.ts';
import { createServedRegistry, type ServedRegistry } from './core/served.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Database, Executor } from './db/schema.ts';
import { type Accounts, accountsAtDomains, argon2Hasher, createAccounts, createAccountsPersonalData, createThrottle, normalizeEmail, type EmailApproval, type IdentityHooks, type MemberLookup, type PasswordHasher, type PlanHooks } from './modules/accounts/index.ts';
import { type Audit, createAudit, createAuditPersonalData } from './modules/audit/index.ts';
import { type Billing, createBilling, createBillingPersonalData, createTestProvider } from './modules/billing/index.ts';
import {
  type AccessHooks,
  createDirectory,
  createDirectoryPersonalData,
  createOrgDeletion,
  type Directory,
  type OrgDeletion,
  type ResourceHooks,
  scheduleScimDeprovision,
  scimDeprovisionJob,
  activeAdminsOf,
  accountsWithMembershipIn,
} from './modules/directory/index.ts';
import { createFederation, createFederationPersonalData, type Federation } from './modules/federation/index.ts';
import {
  controllerOf,
  createEmailChangeRequests,
  createEmailChangeRequestsPersonalData,
  createGovernance,
  createGovernancePersonalData,
  createIntegrationsModule,
  createIntegrationsPersonalData,
  createTermination,
  dnsTxtLookup,
  type EmailChangeRequests,
  type Governance,
  type IntegrationsModule,
  scheduleDomainRecheck,
} from './modules/governance/index.ts';
import { type JobRunner, countPending, createJobRunner, createJobs } from './modules/jobs/index.ts';
import { countByStatus, createMail, createMailPersonalData, createMailSender, fileTransport, type Mail, type MailTransport, smtpTransport } from './modules/mail/index.ts';
import { createPrivacy, createPrivacyPersonalData, type Privacy } from './modules/privacy/index.ts';
import { createRadius, createRadiusPersonalData, type Radius } from './modules/radius/index.ts';
import {
  type ChildReports,
  createChildReports,
  createChildReportsPersonalData,
  createPersonalDataRegistry,
  createPrivacyRequests,
  createRequestsPersonalData,
  createFulfilmentPersonalData,
  createVerificationPersonalData,
  type DataSubject,
  type PersonalDataRegistry,
  type PrivacyRequests,
} from './modules/rights/index.ts';
import { createKnowledgeBase, createSupport, createSupportPersonalData, isBusinessDay, type KnowledgeBase, type Support, SUPPORT_ZONE } from './modules/support/index.ts';
import { privacyPeople, rightsFulfilment, rightsLedger, rightsOptOuts, rightsPeople, rightsVerification, supportPeople } from './ports.ts';
import { type Keys, loadKeys } from './secrets.ts';

const HOUSEKEEPING_INTERVAL_MS = 15 * 60 * 1000;

export interface CoreOptions {
  config: Config;
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the config. */
  database?: DatabaseHandle;
  transport?: MailTransport;
  /** Where JSON logs go (stdout by default). */
  logStream?: DestinationStream;
  /** Run the migrations before anything else (on by default). */
  migrate?: boolean;
  /** PRV-8: publish the starter privacy policy on a database that has none (on by default; tests of publishing from nothing turn it off). */
  starterPolicy?: boolean;
  /** How passwords are hashed: argon2id (ACC-2) unless a test gives a cheap one. */
  hasher?: PasswordHasher;
}

/** Castellan without any listener: the database, the modules and their workers. Every edge runs over one. */
export interface Core {
  config: Config;
  db: Kysely<Database>;
  database: DatabaseHandle;
  keys: Keys;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  audit: Audit;
  mail: Mail;
  /** Runs background jobs (mail, ...); `drain()` runs what is due now. */
  jobRunner: JobRunner;
  accounts: Accounts;
  directory: Directory;
  billing: Billing;
  privacy: Privacy;
  /** SUP-7: articles, search, and the supported protocols and system versions. */
  knowledgeBase: KnowledgeBase;
  /** SUP-7: what the running listeners serve; each listener registers itself when it starts. */
  served: ServedRegistry;
  /** SUP-1..SUP-6: tickets by web and mail, the staff desk, service levels and verifications. */
  support: Support;
  /** DSR-1, DSR-4, DSR-5: data-subject requests, their deadlines and the request log. */
  privacyRequests: PrivacyRequests;
  /** DSR-8: reports of a suspected child's account: the public form, the staff desk and the erasure job. */
  childReports: ChildReports;
  /** DSR-1, DSR-5: the personal-data registry (every module's export and erasure), and whom a request is about. */
  rights: Rights;
  /** DSR-6: an organization's deletion: request, cancellation, notices, and the erasure at the end of the wait. */
  orgDeletion: OrgDeletion;
  /** PRO-2: the OpenID Provider's storage and signing keys. */
  federation: Federation;
  /** PRO-3: RADIUS networks' shared secrets and client lists, and accounting. */
  radius: Radius;
  /** GOV-1, GOV-5: the integrations an organization's admins install, and their webhook deliveries. */
  integrations: IntegrationsModule;
  /** GOV-4: email changes of accounts an organization administers, which its admins approve or deny. */
  emailChangeRequests: EmailChangeRequests;
  /** GOV-2, GOV-3: the organization's domains, control over the accounts on them, and people's in-app notices. */
  governance: Governance;
  ping(): Promise<unknown>;
  /** Starts the background work (jobs such as mail delivery, and housekeeping); the CLI's one-shot commands never do. */
  startWorkers(): void;
  close(): Promise<void>;
}

/** Whom to look for: an account id, an address, or both. */
export interface SubjectQuery {
  accountId?: string | null;
  email?: string | null;
}

export interface Rights {
  registry: PersonalDataRegistry;
  /** The account the query names, its address and the memberships that are the person's (DESIGN.md, "People"). */
  subjectOf(who: SubjectQuery): Promise<DataSubject>;
}

/**
 * Registers every module that stores personal data. Erasure runs in this order: the modules whose
 * rows point at an account or a membership come before the directory and accounts, so each clears
 * its own references before a foreign key from accounts would cascade over them.
 */
function createRights(db: Kysely<Database>, clock: Clock, radiusNetworks?: { forget(): void }, cipher?: FieldCipher): Rights {
  const registry = createPersonalDataRegistry({ db });
  const accounts = createAccountsPersonalData(db);
  const directory = createDirectoryPersonalData(db, clock);
  const handlers = [
    // Before the requests' own handler, which de-identifies the requests this one finds the person's rows by.
    createFulfilmentPersonalData(db, clock),
    // Before the requests' own handler, which de-identifies the requests these rows are found by.
    createVerificationPersonalData(db, clock),
    createRequestsPersonalData(db, clock),
    createChildReportsPersonalData(db, clock),
    createMailPersonalData(db),
    createPrivacyPersonalData(db),
    createBillingPersonalData(db),
    createSupportPersonalData(db, clock),
    createAuditPersonalData(db),
    // Before the directory's: the provider's artefacts are found by the memberships it erases.
    createFederationPersonalData(db),
    // Before the directory's: accounting sessions are found by the memberships it erases.
    createRadiusPersonalData(db, radiusNetworks),
    // Before accounts': the requests point at the account.
    ...(cipher ? [createEmailChangeRequestsPersonalData(db, cipher)] : []),
    // Before accounts': control rows and notices point at the account.
    createGovernancePersonalData(db),
    // Before the directory's: the integrations are found by the memberships of the admins who installed them.
    createIntegrationsPersonalData(db),
    directory.handler,
    accounts.handler,
  ];
  for (const h of handlers) registry.register(h);
  return {
    registry,
    async subjectOf(who) {
      const person = await accounts.identify({ accountId: who.accountId ?? null, email: who.email ? normalizeEmail(who.email) : null });
      const memberships = await directory.membershipsOf(person.accountId, person.email);
      // The account's own address too: a NAS may send it as the User-Name in any of the person's organizations.
      const logins = memberships.logins.map((l) => ({ orgId: l.orgId, names: [...new Set([...l.names, ...(person.email ? [person.email] : [])])] }));
      return { ...person, membershipIds: memberships.ids, names: [...new Set([...person.names, ...memberships.names])], logins };
    },
  };
}

export function createLogger(config: Config, stream?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { node: config.nodeId },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.password',
          '*.token',
          '*.secret',
          // PRV-10: a card number or CVC, should a request body ever be logged.
          '*.cvc',
          'body.number',
          'req.body.number',
          'req.body.cvc',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    stream,
  );
}

/**
 * Operators of a cluster give every node the same keys. A node started with a different encryption
 * key would write data the others cannot read, so it is refused here, at start.
 */
async function checkKeys(db: Kysely<Database>, keys: Keys): Promise<void> {
  const fingerprint = hmac(keys.encryption, 'castellan-key-check');
  await db.insertInto('instance_settings').values({ key: 'encryption_key_check', value: fingerprint }).onConflict((oc) => oc.doNothing()).execute();
  const row = await db.selectFrom('instance_settings').select('value').where('key', '=', 'encryption_key_check').executeTakeFirstOrThrow();
  if (row.value !== fingerprint) {
    throw new Error('this database was set up with a different encryption key: give every node the same CASTELLAN_ENCRYPTION_KEY (or the same data directory)');
  }
}

/** The composition root of the core: every module gets its dependencies here, and only here. */
export async function buildCore(opts: CoreOptions): Promise<Core> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const logger = createLogger(config, opts.logStream);
  const keys = loadKeys(config);
  const database = opts.database ?? openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const { db, dialect } = database;
  try {
    if (opts.migrate !== false) await migrateToLatest(db, undefined, { auditKey: keys.audit });
    await checkKeys(db, keys);
  } catch (e) {
    if (!opts.database) await database.destroy();
    throw e;
  }

  const cipher = new FieldCipher(keys.encryption);
  const metrics = createMetrics({ outboxByStatus: () => countByStatus(db), pendingJobs: () => countPending(db) });
  // GOV-5: told of every audit entry, in its transaction (webhook deliveries of directory changes); filled in below.
  const auditRecorded: NonNullable<Parameters<typeof createAudit>[0]['recorded']> = [];
  const audit = createAudit({ db, dialect, clock, key: keys.audit, recorded: auditRecorded });
  const messageIdDomain = /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? 'castellan.localhost';
  const jobs = createJobs({ clock });
  const mail = createMail({ clock, cipher, jobs, messageIdDomain, maxAttempts: config.mail.maxAttempts });
  const throttle = createThrottle({ db, clock });
  const hooks: IdentityHooks = { signedUp: [], signedIn: [], emailChanged: [], renamed: [] };
  // Accounts asks memberships questions through this port; the directory answers once it exists.
  const members: MemberLookup = {
    resolveLogin: async () => undefined,
    resolveService: async () => undefined,
    maySignIn: async () => true,
    standing: async () => ({ maySignIn: true, orgIds: [] }),
    orgIdsOf: async () => [],
    organizationsRequiringMfa: async () => [],
    replaceKeptPassword: async () => {},
  };
  // GOV-4: accounts asks governance whether an organization administers an account through this port; filled in below.
  const emailApproval: EmailApproval = { controllerOf: async () => null, open: async () => ({ requestId: '' }), confirming: async () => {}, pendingOf: async () => null };
  const accounts = createAccounts({ db, dialect, clock, audit, mail, jobs, cipher, secretKey: keys.secret, throttle, hasher: opts.hasher ?? argon2Hasher, config, hooks, members, emailApproval });
  const planHooks: PlanHooks = { changed: [] };
  const resourceHooks: ResourceHooks = { check: [], created: [], updated: [], deleted: [] };
  const accessHooks: AccessHooks = { revoked: [], changed: [], removed: [] };
  const directory = createDirectory({
    db,
    dialect,
    clock,
    audit,
    mail,
    accounts,
    throttle,
    secretKey: keys.secret,
    cipher,
    planHooks,
    resourceHooks,
    accessHooks,
    log: logger.child({ component: 'directory' }),
    config: {
      publicUrl: config.publicUrl,
      siteName: config.privacy.siteName,
      invitationsPerOrgHour: config.limits.invitationsPerOrgHour,
      invitationsPerAddressDay: config.limits.invitationsPerAddressDay,
    },
  });
  Object.assign(members, directory.callers.lookup);
  const personOf = async (ex: Executor, accountId: string) => (await accounts.facts(ex, [accountId]))[0];
  // GOV-4: a controlled account's email change waits for its organization's admins; approval mails accounts' usual link.
  const emailChangeRequests = createEmailChangeRequests({
    db,
    clock,
    audit,
    mail,
    cipher,
    config: { publicUrl: config.publicUrl, siteName: config.privacy.siteName },
    people: {
      person: personOf,
      admins: (ex, orgId) => activeAdminsOf(ex, orgId),
      orgName: async (ex, orgId) => (await directory.organizations.findIn(ex, orgId))?.name ?? '',
      sendLink: (trx, _ctx, accountId, email) => accounts.emailChange.sendApprovedLink(trx, accountId, email),
    },
  });
  Object.assign(emailApproval, { controllerOf, open: emailChangeRequests.open, confirming: emailChangeRequests.confirming, pendingOf: emailChangeRequests.pendingOf });
  // GOV-1: an admin's suspension, reactivation or removal of a member is told to the person.
  accessHooks.terminated = [createTermination({ clock, mail, person: personOf }).notify];
  // GOV-2, GOV-3: domains and control over the accounts on them; accounts and memberships are read through this port only.
  const governance = createGovernance({
    db,
    clock,
    audit,
    mail,
    jobs,
    lookupTxt: dnsTxtLookup(config.dnsServers),
    config: { siteName: config.privacy.siteName, publicUrl: config.publicUrl },
    log: logger.child({ component: 'governance' }),
    people: {
      accountsAtDomains: (ex, domains, o) => accountsAtDomains(ex, domains, o),
      membersAmong: (ex, orgId, accountIds) => accountsWithMembershipIn(ex, orgId, accountIds),
      activeAdmins: (ex, orgId) => activeAdminsOf(ex, orgId),
      organizationName: async (ex, orgId) => (await directory.organizations.findIn(ex, orgId))?.name,
    },
  });
  // PRO-2: OIDC applications are the provider's clients; federation reads resources through this port only.
  const federation = createFederation({
    db,
    clock,
    cipher,
    jobs,
    audit,
    applications: { find: (orgId, resourceId) => directory.resources.find(orgId, resourceId) },
    access: { mayUse: async (orgId, membershipId, resourceId) => (await directory.access.canAccess(orgId, membershipId, resourceId)).allowed },
    lockOrganization: async (trx, orgId) => (await directory.plans.lockPlan(trx, orgId)) !== undefined,
    keyRotationDays: config.oidc.keyRotationDays,
    saml: { siteName: config.privacy.siteName, metadataAllowLoopback: config.samlMetadataAllowLoopback },
  });
  resourceHooks.check.push(federation.clients.check);
  resourceHooks.created.push(federation.clients.created);
  resourceHooks.updated.push(federation.clients.updated);
  // PRO-5: SAML applications are the identity provider's service providers, through the same hooks.
  resourceHooks.check.push(federation.saml.check);
  resourceHooks.created.push(federation.saml.created);
  resourceHooks.updated.push(federation.saml.updated);
  // PRO-2, DIR-3: suspension, removal or loss of access revokes the member's grants and tokens at once.
  resourceHooks.deleted?.push(federation.revocation.applicationGone);
  accessHooks.revoked.push(federation.revocation.membersRevoked);
  accessHooks.changed.push(federation.revocation.accessChanged);
  // PRO-3: network resources are RADIUS networks; their shared secrets hook in the same way.
  const radius = createRadius({ db, clock, cipher, audit, cacheSeconds: config.radius.clientCacheSeconds, networks: { find: (orgId, resourceId) => directory.resources.find(orgId, resourceId) } });
  resourceHooks.check.push(radius.networks.check);
  resourceHooks.created.push(radius.networks.created);
  resourceHooks.updated.push(radius.networks.updated);
  resourceHooks.deleted?.push(radius.networks.deleted);
  // DSR-5: a removed member's accounting sessions go with the membership (suspension keeps them).
  accessHooks.removed?.push(radius.sessions.membersRemoved);
  hooks.signedIn.push(directory.callers.hooks.signedIn);
  hooks.emailChanged.push(directory.callers.hooks.emailChanged);
  hooks.renamed.push(directory.callers.hooks.renamed);
  // The test provider is the only payment provider for now, and only when the operator asks for it (docs/api.md, "Cards").
  const billing = createBilling({ db, dialect, clock, audit, plans: directory.plans, provider: config.paymentProvider === 'test' ? createTestProvider(clock) : null });
  const privacy = createPrivacy({ db, dialect, clock, audit, mail, people: privacyPeople(accounts, directory), secretKey: keys.secret, config: config.privacy });
  privacy.attach(hooks);
  // GOV-1, GOV-5: integrations record their disclosures in the ledger (PRV-9); an OAuth application is an OIDC application resource.
  const integrations = createIntegrationsModule({
    db,
    clock,
    cipher,
    audit,
    jobs,
    allowPrivate: config.webhookAllowPrivate,
    lockOrganization: async (trx, orgId) => (await directory.plans.lockPlan(trx, orgId)) !== undefined,
    log: logger.child({ component: 'webhooks' }),
    ledger: { record: (ex, e) => privacy.disclosures.record(ex, { kind: 'integration', directMarketing: false, ...e }) },
    applications: {
      async create(ctx, caller, orgId, name, settings) {
        const made = await directory.resources.create(ctx, caller, orgId, { kind: 'application', name, settings });
        return { resourceId: made.id, clientSecret: typeof made.clientSecret === 'string' ? made.clientSecret : undefined };
      },
      // The integration's own uninstall: the guard below does not refuse its owner.
      remove: (ctx, caller, orgId, resourceId) =>
        directory.resources.remove(ctx, caller, orgId, resourceId, { byOwner: true }).catch((e: unknown) => {
          if (!(isAppError(e) && e.is(CommonErrors.notFound))) throw e;
        }),
    },
  });
  auditRecorded.push(integrations.auditRecorded);
  // GOV-1: an installed integration's application is changed, deleted or re-keyed only through the integration.
  (resourceHooks.guard ??= []).push((ex, orgId, resourceId) => integrations.guardResource(ex, orgId, resourceId));
  const rotateClientSecret = federation.clients.rotateSecret;
  federation.clients.rotateSecret = async (ctx, caller, orgId, resourceId) => {
    requireCapability(caller, 'directory.manage', { orgId });
    await integrations.guardResource(db, orgId, resourceId);
    return rotateClientSecret(ctx, caller, orgId, resourceId);
  };
  // PRV-8: a fresh install publishes the starter policy as version 1 (a database with a policy is left alone).
  try {
    if (opts.starterPolicy !== false && (await privacy.policies.ensureStarter(systemContext()))) logger.info('published the starter privacy policy as version 1: review it and publish your own');
  } catch (e) {
    if (!opts.database) await database.destroy();
    throw e;
  }
  const served = createServedRegistry();
  const knowledgeBase = createKnowledgeBase({ db, dialect, clock, audit, publicUrl: config.publicUrl, served: () => served.list() });
  const support = createSupport({
    db,
    dialect,
    clock,
    audit,
    mail,
    kb: knowledgeBase,
    throttle,
    secretKey: keys.secret,
    people: supportPeople(accounts, directory),
    config: { publicUrl: config.publicUrl, supportAddress: config.support.address, maxAttachmentBytes: config.support.maxAttachmentBytes },
  });
  planHooks.changed.push((trx, ctx, orgId) => support.settings.planChanged(trx, ctx, orgId));
  const rights = createRights(db, clock, radius.networks, cipher);
  // DSR-4: request deadlines count the support calendar's business days (SUP-4).
  const rightsDeps = {
    db,
    dialect,
    clock,
    audit,
    mail,
    jobs,
    throttle,
    calendar: { zone: SUPPORT_ZONE, isBusinessDay },
    people: rightsPeople(accounts),
    optOuts: rightsOptOuts(privacy),
    ledger: rightsLedger(privacy),
    verification: rightsVerification(accounts, directory, createDirectoryPersonalData(db, clock).handler),
    fulfilment: rightsFulfilment(db, rights, accounts, directory),
    config: { publicUrl: config.publicUrl, siteName: config.privacy.siteName, privacyAddress: config.privacy.privacyMailbox },
  };
  const privacyRequests = createPrivacyRequests(rightsDeps);
  // DSR-6: the organization's admin re-authenticates through the one step-up; the erasure walks the registry.
  const orgDeletion = createOrgDeletion({
    db,
    clock,
    audit,
    mail,
    jobs,
    config: { siteName: config.privacy.siteName },
    stepUp: async (ctx, caller, proof) => ({ email: (await accounts.stepUp.require(ctx, caller, proof)).email }),
    eraseOrganization: (orgId, opts) => rights.registry.eraseOrganization(orgId, opts),
  });
  // DSR-8: a confirmed report ends the account's sessions, and its job erases the person through the registry.
  const childReports = createChildReports({
    ...rightsDeps,
    childAccounts: {
      endSessions: (ex, accountId) => accounts.endSessions(ex, accountId),
      async erase(accountId, reportId) {
        await rights.registry.eraseAll(await rights.subjectOf({ accountId }), { basis: 'child_account', reference: reportId });
      },
    },
  });
  // PRO-2: the first start makes the signing keys; every start queues the sweep (once per installation).
  try {
    await federation.prepare();
    // PRO-4: the removal of members SCIM deprovisioned, once per installation.
    await scheduleScimDeprovision(db, jobs, clock);
    // GOV-2: the daily re-check of verified domains, once per installation.
    await scheduleDomainRecheck(db, jobs, clock);
    // GOV-5: the daily retention of finished webhook deliveries, once per installation.
    await integrations.scheduleRetention();
  } catch (e) {
    if (!opts.database) await database.destroy();
    throw e;
  }
  const transport = opts.transport ?? (config.smtpUrl ? smtpTransport(config.smtpUrl, config.mail.leaseSeconds) : fileTransport(path.join(config.dataDir, 'mail')));
  const jobRunner = createJobRunner({
    db,
    dialect,
    clock,
    jobs,
    nodeId: config.nodeId,
    pollIntervalMs: config.jobs.pollIntervalMs,
    leaseSeconds: config.jobs.leaseSeconds,
    log: logger.child({ component: 'jobs' }),
    handlers: [
      ...accounts.jobHandlers,
      ...privacyRequests.jobHandlers,
      ...childReports.jobHandlers,
      ...orgDeletion.jobHandlers,
      ...federation.jobHandlers,
      ...integrations.jobHandlers,
      scimDeprovisionJob(directory.scim),
      ...governance.jobHandlers,
      createMailSender({
        db,
        clock,
        cipher,
        transport,
        from: config.mailFrom,
        log: logger.child({ component: 'mail' }),
        leaseSeconds: config.mail.leaseSeconds,
        pollIntervalMs: config.mail.pollIntervalMs,
        background: config.mail.enabled,
        onSent: () => metrics.mailSent.inc(),
        onFailed: () => metrics.mailFailed.inc(),
        beforeSend: (m) => privacy.marketing.allowSend(m),
        afterSend: (m) => (transport.kind === 'smtp' ? privacy.disclosures.recordMailDelivery(m) : Promise.resolve()),
      }),
    ],
  });

  let housekeeping: NodeJS.Timeout | undefined;
  let closed = false;
  return {
    config,
    db,
    database,
    keys,
    clock,
    logger,
    metrics,
    audit,
    mail,
    jobRunner,
    accounts,
    directory,
    billing,
    privacy,
    knowledgeBase,
    served,
    support,
    privacyRequests,
    childReports,
    rights,
    orgDeletion,
    federation,
    radius,
    integrations,
    emailChangeRequests,
    governance,
    ping: () => sql`select 1`.execute(db),
    startWorkers() {
      if (config.jobs.enabled) jobRunner.start();
      housekeeping ??= setInterval(() => {
        accounts.housekeeping().catch((e) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'housekeeping failed'));
      }, HOUSEKEEPING_INTERVAL_MS);
      housekeeping.unref();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (housekeeping) clearInterval(housekeeping);
      await jobRunner.stop();
      transport.close();
      if (!opts.database) await database.destroy();
    },
  };
}
