/**
 * A minimal RADIUS client over UDP, for the tests, the fuzz test and the benchmark: it sends what
 * it is given (valid or not) and waits a moment for one datagram back. Real clients (radclient,
 * radtest) are used wherever their behaviour is what is tested.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { Attr, type Attribute, Code, attr, encodeRequest, encodeUserPassword } from './packet.ts';

export interface UdpClient {
  /** Sends the bytes; answers the first datagram back within `timeoutMs`, or null. */
  exchange(bytes: Buffer, port: number, timeoutMs?: number): Promise<Buffer | null>;
  send(bytes: Buffer, port: number): Promise<void>;
  /** Datagrams that came back and were not waited for. */
  received(): Buffer[];
  close(): Promise<void>;
}

/** A client bound to `bind` (any 127.x address on loopback stands for another NAS) sending to `server`. */
export async function udpClient(opts: { bind?: string; server?: string } = {}): Promise<UdpClient> {
  const host = opts.server ?? '127.0.0.1';
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, opts.bind ?? host, () => resolve()));
  let waiting: ((b: Buffer) => void) | null = null;
  const extra: Buffer[] = [];
  socket.on('message', (m) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(m);
    } else extra.push(m);
  });
  const send = (bytes: Buffer, port: number) => new Promise<void>((resolve, reject) => socket.send(bytes, port, host, (e) => (e ? reject(e) : resolve())));
  return {
    send,
    async exchange(bytes, port, timeoutMs = 1000) {
      const answer = new Promise<Buffer | null>((resolve) => {
        const timer = setTimeout(() => {
          waiting = null;
          resolve(null);
        }, timeoutMs);
        waiting = (b) => {
          clearTimeout(timer);
          resolve(b);
        };
      });
      await send(bytes, port);
      return answer;
    },
    received: () => extra.splice(0),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** A PAP Access-Request with a Message-Authenticator first (unless told not to). */
export function accessRequest(userName: string, password: string, secret: string, opts: { identifier?: number; authenticator?: Buffer; messageAuthenticator?: boolean; extra?: Attribute[] } = {}) {
  const authenticator = opts.authenticator ?? randomBytes(16);
  const key = Buffer.from(secret, 'utf8');
  const attributes = [attr(Attr.userName, userName), { type: Attr.userPassword, value: encodeUserPassword(password, key, authenticator) }, attr(Attr.nasIdentifier, 'test-nas'), ...(opts.extra ?? [])];
  const identifier = opts.identifier ?? Math.floor(Math.random() * 256);
  return { bytes: encodeRequest(Code.accessRequest, identifier, authenticator, attributes, key, { messageAuthenticator: opts.messageAuthenticator ?? true }), authenticator, identifier };
}
