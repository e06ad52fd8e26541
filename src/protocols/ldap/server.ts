/**
 * PRO-1: the LDAP listeners. Plain LDAP (with StartTLS, RFC 4511 §4.14) and LDAPS share one
 * connection handler. Each connection reads whole LDAPMessages off its bytes (at most
 * `maxMessageBytes` each), answers them one after the other (an Abandon is seen as soon as it
 * arrives), and ends with a Notice of Disconnection on a malformed message, an oversized one or
 * idleness. Nothing one connection sends can reach another.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { RequestContext } from '../../core/context.ts';
import { BerError } from './ber.ts';
import { type LdapRequest, ResultCode, START_TLS_OID, decodeRequest, frame, noticeOfDisconnection } from './messages.ts';
import { type Operations, type Session, createOperations } from './operations.ts';
import type { LdapPort } from './port.ts';

export interface LdapLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

export interface LdapOptions {
  host: string;
  port: number;
  ldapsPort: number;
  suffix: string;
  allowPlainBind: boolean;
  idleTimeoutSeconds: number;
  maxMessageBytes: number;
  maxConnections: number;
  tls: { cert: string; key: string };
  directory: LdapPort;
  log: LdapLog;
}

export interface LdapServer {
  address(): { host: string; port: number; ldapsPort: number };
  /** Open connections (for tests and metrics). */
  connections(): number;
  close(): Promise<void>;
}

export async function startLdap(opts: LdapOptions): Promise<LdapServer> {
  const secureContext = tls.createSecureContext({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' });
  const ops = createOperations({ directory: opts.directory, suffix: opts.suffix, allowPlainBind: opts.allowPlainBind, log: opts.log });
  const open = new Set<Connection>();

  const accept = (socket: net.Socket, secure: boolean) => {
    if (open.size >= opts.maxConnections) {
      opts.log.warn({ remote: socket.remoteAddress, max: opts.maxConnections }, 'LDAP connection refused: too many open connections');
      socket.end(noticeOfDisconnection({ code: ResultCode.unavailable, message: 'Too many connections; try again later' }));
      socket.destroy();
      return;
    }
    const c = new Connection(socket, secure, ops, opts, secureContext);
    open.add(c);
    c.onClose(() => open.delete(c));
  };
  const plain = net.createServer({ noDelay: true }, (s) => accept(s, false));
  // The certificate is given to the server itself: a ready-made secure context handed to
  // tls.createServer finds no signature algorithm for an ECDSA key (seen with Node 20's OpenSSL 3.0).
  const ldaps = tls.createServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2', noDelay: true }, (s) => accept(s, true));
  // A TLS handshake that fails is that client's problem alone.
  ldaps.on('tlsClientError', (e, s) => {
    opts.log.info({ remote: s.remoteAddress, err: e.message }, 'LDAPS handshake failed');
    s.destroy();
  });
  await listen(plain, opts.host, opts.port, 'CASTELLAN_LDAP_PORT');
  try {
    await listen(ldaps, opts.host, opts.ldapsPort, 'CASTELLAN_LDAPS_PORT');
  } catch (e) {
    plain.close();
    throw e;
  }
  const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
  return {
    address: () => ({ host: opts.host, port: portOf(plain), ldapsPort: portOf(ldaps) }),
    connections: () => open.size,
    async close() {
      const closed = Promise.all([plain, ldaps].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      for (const c of open) c.end({ code: ResultCode.unavailable, message: 'The server is shutting down' });
      await closed;
    },
  };
}

function listen(server: net.Server, host: string, port: number, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      e.message = `LDAP (${setting}): ${e.message}`;
      reject(e);
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/** Requests of one connection waiting to be answered before it is read from again. */
const MAX_PENDING = 64;
/** Answers are gathered and sent together once an operation ends, or once this many bytes wait. */
const FLUSH_BYTES = 64 * 1024;

class Connection {
  private socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  /** What the operation in progress wrote and the socket was not given yet. */
  private out: Buffer[] = [];
  private outBytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private closing = false;
  private readonly closers: Array<() => void> = [];
  readonly session: Session;

  constructor(
    socket: net.Socket,
    secure: boolean,
    private readonly ops: Operations,
    private readonly opts: LdapOptions,
    private readonly secureContext: tls.SecureContext,
  ) {
    this.socket = socket;
    const ctx: RequestContext = { actor: { type: 'anonymous', id: null }, ip: socket.remoteAddress ?? null, requestId: null, userAgent: 'ldap' };
    this.session = { tls: secure, ctx, bound: null, abandoned: new Set(), identities: new Map(), startedAt: Date.now() };
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleTimeoutSeconds * 1000, () => this.end({ code: ResultCode.unavailable, message: 'Idle for too long' }));
    this.attach(socket);
    socket.once('close', () => {
      this.closing = true;
      void this.ops.closed(this.session).catch((e: unknown) => opts.log.error({ err: String(e) }, 'could not record an LDAP connection'));
      for (const f of this.closers) f();
    });
  }

  onClose(f: () => void): void {
    this.closers.push(f);
  }

  private attach(s: net.Socket): void {
    s.on('data', (chunk: Buffer) => this.received(chunk));
    s.on('error', () => s.destroy());
  }

  /** Ends the connection with a Notice of Disconnection (RFC 4511 §4.4.1). */
  end(result: { code: number; message: string }): void {
    if (this.closing) return;
    this.closing = true;
    this.flush();
    this.socket.end(noticeOfDisconnection(result));
    // A client that does not read gets no more than a moment.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private received(chunk: Buffer): void {
    if (this.closing) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const f = frame(this.buffer, this.opts.maxMessageBytes);
      if (f.kind === 'need-more') return;
      if (f.kind === 'too-large') return this.end({ code: ResultCode.protocolError, message: `Messages are limited to ${this.opts.maxMessageBytes} bytes` });
      if (f.kind === 'malformed') return this.end({ code: ResultCode.protocolError, message: 'Malformed message' });
      const bytes = this.buffer.subarray(0, f.bytes);
      this.buffer = this.buffer.subarray(f.bytes);
      let req: LdapRequest;
      try {
        req = decodeRequest(bytes);
      } catch (e) {
        if (e instanceof BerError) return this.end({ code: ResultCode.protocolError, message: 'Malformed message' });
        throw e;
      }
      if (!this.accept(req)) return;
    }
  }

  /** Takes one request in; false once the connection is ending. */
  private accept(req: LdapRequest): boolean {
    switch (req.op) {
      case 'abandon':
        // RFC 4511 §4.11: no answer; a search in progress stops at its next batch.
        this.session.abandoned.add(req.abandonId);
        return true;
      case 'unbind':
        this.closing = true;
        void this.queue.then(() => {
          this.flush();
          this.socket.end();
        });
        return false;
      case 'unknown':
        this.end({ code: ResultCode.protocolError, message: `Unknown operation (tag ${req.tag})` });
        return false;
      case 'extended':
        if (req.name === START_TLS_OID) {
          this.enqueue(() => this.startTls(req.messageId));
          return true;
        }
        break;
    }
    this.enqueue(() => this.ops.handle(this.session, req, (b) => this.write(b)));
    return true;
  }

  /**
   * Requests wait their turn here. A client that sends faster than it reads its answers is stopped
   * reading from (TCP pushes back on it) while too many wait, so it cannot grow the server's memory.
   */
  private enqueue(work: () => Promise<void>): void {
    this.pending++;
    if (this.pending > MAX_PENDING) this.socket.pause();
    this.queue = this.queue
      .then(work)
      .catch((e: unknown) => {
        this.opts.log.error({ err: e instanceof Error ? e.message : String(e) }, 'LDAP operation failed');
        this.end({ code: ResultCode.other, message: 'Internal error' });
      })
      .finally(() => {
        this.flush();
        this.pending--;
        if (this.pending <= MAX_PENDING / 2 && this.socket.isPaused() && !this.closing) this.socket.resume();
      });
  }

  private write(b: Buffer): void {
    if (this.socket.destroyed) return;
    this.out.push(b);
    this.outBytes += b.length;
    if (this.outBytes >= FLUSH_BYTES) this.flush();
  }

  /**
   * Gives the socket what was written since the last flush, in one write: a search's entry and its
   * SearchResultDone go out in one segment (one system call), not one each.
   */
  private flush(): void {
    if (this.out.length === 0) return;
    const data = this.out.length === 1 ? (this.out[0] as Buffer) : Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** RFC 4511 §4.14: answer, then start TLS on the same connection, with nothing else outstanding. */
  private async startTls(messageId: number): Promise<void> {
    const refuse = (code: number, message: string) => this.write(this.ops.extended(messageId, { code, message }));
    if (this.session.tls) return refuse(ResultCode.operationsError, 'TLS is already established');
    if (this.pending > 1 || this.buffer.length > 0) return refuse(ResultCode.operationsError, 'Other operations are outstanding');
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.pause();
    this.write(this.ops.extended(messageId, { code: ResultCode.success }, START_TLS_OID));
    // The answer goes out in clear, before the handshake.
    this.flush();
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: this.secureContext });
    secure.on('error', (e) => this.opts.log.info({ remote: raw.remoteAddress, err: e.message }, 'StartTLS handshake failed'));
    secure.setNoDelay(true);
    this.socket = secure;
    this.session.tls = true;
    this.attach(secure);
    secure.on('close', () => raw.destroy());
    raw.resume();
  }
}

