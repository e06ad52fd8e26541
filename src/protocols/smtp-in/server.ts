/**
 * The inbound SMTP listener of the support desk (SUP-1): takes mail for the
 * support address, reads it (parse.ts) and hands it to the desk; when a
 * privacy address is set, mail for it becomes a data-subject request (DSR-1).
 * No other recipient is taken.
 *
 * It is a final destination, not a relay: no AUTH (nobody signs in to send
 * here), no STARTTLS (no key is configured for it; put a TLS-terminating
 * MTA in front when mail crosses a network), one recipient, a size limit
 * checked both on the SIZE parameter (RFC 1870) and on the bytes that
 * actually arrive, and a cap on simultaneous connections. Nothing of a
 * message's content or addresses is logged.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { type RequestContext, anonymousContext } from '../../core/context.ts';
import type { PrivacyMail, PrivacyMailOutcome } from '../../modules/rights/index.ts';
import type { InboundMail, InboundOutcome } from '../../modules/support/index.ts';
import { DEFAULT_LIMITS, type ParseLimits, UnreadableMail, parseInbound } from './parse.ts';
import { acceptedText, privacyAcceptedText, replies } from './replies.ts';

/** The part of a pino logger this edge uses. */
export interface SmtpInLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SmtpInOptions {
  /** 127.0.0.1 unless given. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  supportAddress: string;
  maxMessageBytes: number;
  /** Simultaneous connections; the next one is told 421 and closed. */
  maxClients?: number;
  limits?: Partial<ParseLimits>;
  /** A connection idle this long is closed. */
  socketTimeoutMs?: number;
  /** On close(), how long sessions in progress may take to finish. */
  closeTimeoutMs?: number;
  /** A desk that has not answered by then gets the sender a 451, to try again later. */
  handlerTimeoutMs?: number;
  handle(mail: InboundMail, ctx: RequestContext): Promise<InboundOutcome>;
  /** DSR-1: the privacy address (CASTELLAN_PRIVACY_ADDRESS) and what takes its mail; unset, it is refused like any other. */
  privacyAddress?: string | null | undefined;
  handlePrivacy?: ((mail: PrivacyMail, ctx: RequestContext) => Promise<PrivacyMailOutcome>) | undefined;
  log: SmtpInLog;
}

export interface SmtpIn {
  address(): { host: string; port: number };
  close(): Promise<void>;
}

export const SMTP_IN_DEFAULTS = { host: '127.0.0.1', maxClients: 20, socketTimeoutMs: 60_000, closeTimeoutMs: 5_000, handlerTimeoutMs: 60_000 };

/** Reads the message, keeping nothing past the limit (the rest is drained); null when it went over. */
function collect(stream: SMTPServerDataStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.once('end', () => resolve(stream.sizeExceeded ? null : Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the desk did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function startSmtpIn(opts: SmtpInOptions): Promise<SmtpIn> {
  const o = {
    host: opts.host ?? SMTP_IN_DEFAULTS.host,
    maxClients: opts.maxClients ?? SMTP_IN_DEFAULTS.maxClients,
    socketTimeoutMs: opts.socketTimeoutMs ?? SMTP_IN_DEFAULTS.socketTimeoutMs,
    closeTimeoutMs: opts.closeTimeoutMs ?? SMTP_IN_DEFAULTS.closeTimeoutMs,
    handlerTimeoutMs: opts.handlerTimeoutMs ?? SMTP_IN_DEFAULTS.handlerTimeoutMs,
  };
  const support = opts.supportAddress.trim().toLowerCase();
  const privacy = opts.privacyAddress && opts.handlePrivacy ? opts.privacyAddress.trim().toLowerCase() : null;
  const takes = (address: string) => {
    const a = address.trim().toLowerCase();
    return a === support || (privacy !== null && a === privacy);
  };
  const taken = privacy ? `${opts.supportAddress} and ${opts.privacyAddress}` : opts.supportAddress;
  const limits: ParseLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const { log } = opts;

  /** One message: read, parse, hand over; answers the 250 text or throws the reply error. */
  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const raw = await collect(stream);
    const meta = { session: session.id, remote: session.remoteAddress, bytes: stream.byteLength };
    if (raw === null) {
      log.info(meta, 'inbound mail refused: too big');
      throw replies.tooBig(opts.maxMessageBytes);
    }
    const mailFrom = session.envelope.mailFrom;
    let mail: InboundMail;
    try {
      mail = await parseInbound(raw, { mailFrom: mailFrom ? mailFrom.address : null }, limits);
    } catch (e) {
      if (!(e instanceof UnreadableMail)) throw e;
      log.info({ ...meta, reason: e.message }, 'inbound mail refused: unreadable');
      throw replies.unreadable();
    }
    if (mail.from === null) {
      log.info(meta, 'inbound mail refused: no usable From');
      throw replies.noSender();
    }
    const ctx = anonymousContext(session.remoteAddress || null, `smtp-${session.id}`, session.clientHostname || null);
    const to = new Set(session.envelope.rcptTo.map((r) => r.address.trim().toLowerCase()));
    let privacyText: string | null = null;
    if (privacy !== null && opts.handlePrivacy && to.has(privacy)) {
      const done = await withTimeout(opts.handlePrivacy(mail, ctx), o.handlerTimeoutMs);
      log.info({ ...meta, outcome: done.kind, requestId: 'requestId' in done ? done.requestId : undefined, auto: mail.autoSubmitted }, 'inbound privacy mail');
      if (done.kind === 'refused' && done.reason === 'too_many') throw replies.tooManyPrivacyRequests();
      if (!to.has(support)) return privacyAcceptedText(done);
      privacyText = privacyAcceptedText(done);
    }
    const outcome = await withTimeout(opts.handle(mail, ctx), o.handlerTimeoutMs);
    log.info({ ...meta, outcome: outcome.kind, ticketId: 'ticketId' in outcome ? outcome.ticketId : undefined, auto: mail.autoSubmitted }, 'inbound mail');
    if (outcome.kind === 'refused' && outcome.reason === 'no_sender') throw replies.noSender();
    return privacyText ? `${acceptedText(outcome)}; ${privacyText.replace(/^2\.0\.0 /, '')}` : acceptedText(outcome);
  }

  const server = new SMTPServer({
    banner: privacy ? 'Castellan support desk and privacy requests' : 'Castellan support desk',
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: opts.maxMessageBytes,
    rejectOversized: true,
    maxClients: o.maxClients,
    maxRecipients: 10,
    disableReverseLookup: true,
    socketTimeout: o.socketTimeoutMs,
    closeTimeout: o.closeTimeoutMs,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      callback(takes(address.address) ? null : replies.unknownRecipient(taken));
    },
    onData(stream, session, callback) {
      receive(stream, session).then(
        (text) => callback(null, text),
        (e: unknown) => {
          if (typeof (e as { responseCode?: unknown }).responseCode === 'number') return callback(e as Error);
          // Our failure, not the sender's: they keep the message and try again (RFC 5321 §4.5.4.1).
          log.error({ session: session.id, err: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }, 'inbound mail failed');
          stream.resume();
          callback(replies.tryLater());
        },
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client dropping its connection is reported here; without a listener it would end the process.
  server.on('error', (e: Error & { code?: string }) => log.warn({ err: e.code ?? e.message }, 'smtp-in connection error'));
  const bound = server.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    address: () => ({ host: bound.address, port: bound.port }),
    close: () => (closing ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
