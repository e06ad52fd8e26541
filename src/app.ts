import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';
import { type Clock, systemClock } from './core/clock.ts';
import { FieldCipher, hmac } from './core/crypto.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Database } from './db/schema.ts';
import { buildHttp } from './http/server.ts';
import { createMetrics } from './http/metrics.ts';
import { type Accounts, type IdentityHooks, type PlanHooks, createAccounts, createThrottle } from './modules/accounts/index.ts';
import { type Audit, createAudit } from './modules/audit/index.ts';
import { type Billing, createBilling, createTestProvider } from './modules/billing/index.ts';
import { type Directory, createDirectory } from './modules/directory/index.ts';
import {
  type Mail,
  type MailTransport,
  countByStatus,
  type MailWorker,
  createMail,
  createMailWorker,
  fileTransport,
  smtpTransport,
} from './modules/mail/index.ts';
import { type Privacy, createPrivacy } from './modules/privacy/index.ts';
import { BODY_MAX, type KnowledgeBase, MAX_ATTACHMENTS, SUBJECT_MAX, type Support, createKnowledgeBase, createSupport } from './modules/support/index.ts';
import { type SmtpIn, startSmtpIn } from './protocols/smtp-in/index.ts';
import { type Keys, loadKeys } from './secrets.ts';
import type { Kysely } from 'kysely';

const HOUSEKEEPING_INTERVAL_MS = 15 * 60 * 1000;
const WEB_ROOT = fileURLToPath(new URL('../dist/web', import.meta.url));

export interface AppOptions {
  config: Config;
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the config. */
  database?: DatabaseHandle;
  transport?: MailTransport;
  /** Where JSON logs go (stdout by default). */
  logStream?: DestinationStream;
  /** The built web app to serve; dist/web by default. */
  webRoot?: string;
  /** Start the mail worker (on by default, per the config). */
  workers?: boolean;
}

export interface App {
  config: Config;
  db: Kysely<Database>;
  database: DatabaseHandle;
  keys: Keys;
  clock: Clock;
  logger: Logger;
  audit: Audit;
  mail: Mail;
  mailWorker: MailWorker;
  accounts: Accounts;
  directory: Directory;
  billing: Billing;
  privacy: Privacy;
  /** SUP-7: articles, search, and the supported protocols and system versions. */
  knowledgeBase: KnowledgeBase;
  /** SUP-1..SUP-6: tickets by web and mail, the staff desk, service levels and verifications. */
  support: Support;
  http: FastifyInstance;
  /** The inbound mail listener (SUP-1) once started, else null. */
  readonly smtpIn: SmtpIn | null;
  /** Listens on the configured host and port, and starts inbound mail unless turned off; answers the HTTP address. */
  listen(): Promise<string>;
  /** Starts the inbound mail listener alone (listen() does it too); answers where it listens. */
  startSmtpIn(): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
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
 * Operators of a cluster give every node the same keys. A node started with a
 * different encryption key would write data the others cannot read, so it is
 * refused here, at start.
 */
async function checkKeys(db: Kysely<Database>, keys: Keys): Promise<void> {
  const fingerprint = hmac(keys.encryption, 'castellan-key-check');
  await db
    .insertInto('instance_settings')
    .values({ key: 'encryption_key_check', value: fingerprint })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await db
    .selectFrom('instance_settings')
    .select('value')
    .where('key', '=', 'encryption_key_check')
    .executeTakeFirstOrThrow();
  if (row.value !== fingerprint) {
    throw new Error(
      'this database was set up with a different encryption key: give every node the same CASTELLAN_ENCRYPTION_KEY (or the same data directory)',
    );
  }
}

/** The composition root: every module gets its dependencies here, and only here. */
export async function buildApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const logger = createLogger(config, opts.logStream);
  const keys = loadKeys(config);
  const database = opts.database ?? openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const { db, dialect } = database;
  try {
    await migrateToLatest(db);
    await checkKeys(db, keys);
  } catch (e) {
    if (!opts.database) await database.destroy();
    throw e;
  }

  const cipher = new FieldCipher(keys.encryption);
  const metrics = createMetrics({ outboxByStatus: () => countByStatus(db) });
  const audit = createAudit({ db, dialect, clock });
  const messageIdDomain = /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? 'castellan.localhost';
  const mail = createMail({ clock, cipher, messageIdDomain });
  const throttle = createThrottle({ db, clock });
  const hooks: IdentityHooks = { signedUp: [], signedIn: [] };
  const accounts = createAccounts({ db, dialect, clock, audit, mail, cipher, secretKey: keys.secret, throttle, config, hooks });
  const planHooks: PlanHooks = { changed: [] };
  const directory = createDirectory({ db, dialect, clock, audit, mail, accounts, planHooks });
  // The test provider is the only payment provider for now, and only when the operator asks for it (README, "Cards").
  const billing = createBilling({ db, dialect, clock, audit, planHooks, provider: config.paymentProvider === 'test' ? createTestProvider(clock) : null });
  const privacy = createPrivacy({ db, dialect, clock, audit, mail, accounts, secretKey: keys.secret, config: config.privacy });
  privacy.attach(hooks);
  const knowledgeBase = createKnowledgeBase({ db, dialect, clock, audit, publicUrl: config.publicUrl });
  const support = createSupport({
    db,
    dialect,
    clock,
    audit,
    mail,
    kb: knowledgeBase,
    throttle,
    secretKey: keys.secret,
    config: { publicUrl: config.publicUrl, supportAddress: config.support.address, maxAttachmentBytes: config.support.maxAttachmentBytes },
  });
  planHooks.changed.push((trx, ctx, orgId) => support.settings.planChanged(trx, ctx, orgId));
  const transport =
    opts.transport ??
    (config.smtpUrl ? smtpTransport(config.smtpUrl, config.mail.leaseSeconds) : fileTransport(path.join(config.dataDir, 'mail')));
  const mailWorker = createMailWorker({
    db,
    dialect,
    clock,
    cipher,
    mail,
    transport,
    from: config.mailFrom,
    nodeId: config.nodeId,
    pollIntervalMs: config.mail.pollIntervalMs,
    leaseSeconds: config.mail.leaseSeconds,
    maxAttempts: config.mail.maxAttempts,
    log: logger.child({ component: 'mail' }),
    onSent: () => metrics.mailSent.inc(),
    onFailed: () => metrics.mailFailed.inc(),
    beforeSend: (m) => privacy.marketing.allowSend(m),
    afterSend: (m) => (transport.kind === 'smtp' ? privacy.disclosures.recordMailDelivery(m) : Promise.resolve()),
  });
  const http = await buildHttp({ config, keys, accounts, directory, billing, privacy, knowledgeBase, support, metrics, logger, ping: () => sql`select 1`.execute(db), webRoot: opts.webRoot ?? WEB_ROOT });
  const workers = opts.workers ?? config.mail.enabled;
  if (workers) mailWorker.start();
  const housekeeping = setInterval(() => {
    accounts.housekeeping().catch((e) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'housekeeping failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();

  let smtpIn: SmtpIn | null = null;
  let smtpStarting: Promise<SmtpIn> | null = null;
  const smtpLog = logger.child({ component: 'smtp-in' });
  async function startInbound(): Promise<SmtpIn> {
    smtpStarting ??= startSmtpIn({
      host: config.smtpIn.host,
      port: config.smtpIn.port,
      supportAddress: config.support.address,
      maxMessageBytes: config.smtpIn.maxMessageBytes,
      maxClients: config.smtpIn.maxClients,
      // The desk's own limits, so that what is cut is cut here, with a note, and not silently after.
      limits: { maxTextChars: BODY_MAX, maxSubjectChars: SUBJECT_MAX, maxAttachments: MAX_ATTACHMENTS, maxAttachmentBytes: config.support.maxAttachmentBytes },
      handle: (m, ctx) => support.tickets.receiveMail(ctx, m),
      log: smtpLog,
    }).then(
      (server) => {
        smtpIn = server;
        smtpLog.info({ address: server.address() }, 'inbound mail listening');
        return server;
      },
      (e: unknown) => {
        smtpStarting = null;
        if (e instanceof Error) e.message = `inbound mail (CASTELLAN_SMTP_IN_PORT): ${e.message}`;
        throw e;
      },
    );
    return smtpStarting;
  }

  let closed = false;
  return {
    config,
    db,
    database,
    keys,
    clock,
    logger,
    audit,
    mail,
    mailWorker,
    accounts,
    directory,
    billing,
    privacy,
    knowledgeBase,
    support,
    http,
    get smtpIn() {
      return smtpIn;
    },
    async listen() {
      const address = await http.listen({ host: config.host, port: config.port });
      if (config.smtpIn.enabled) await startInbound();
      return address;
    },
    async startSmtpIn() {
      return (await startInbound()).address();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(housekeeping);
      // Stop taking mail first: a message still being handed over finishes (or gets 421 and is sent again).
      await smtpStarting?.then((server) => server.close()).catch(() => {});
      await http.close();
      await mailWorker.stop();
      transport.close();
      if (!opts.database) await database.destroy();
    },
  };
}
