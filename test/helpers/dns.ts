import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/** The part of dns2 (which ships no types) the test server uses. */
interface Dns2Packet {
  header: { rcode: number };
  questions: Array<{ name: string; type: number }>;
  answers: unknown[];
}
interface Dns2Server {
  on(event: 'request', listener: (request: Dns2Packet, send: (response: Dns2Packet) => Promise<unknown>) => void): void;
  on(event: 'requestError' | 'error', listener: (e: unknown) => void): void;
  listen(port: number, address: string): Promise<void>;
  address(): AddressInfo;
  close(cb?: () => void): void;
}
interface Dns2 {
  createUDPServer(): Dns2Server;
  Packet: { TYPE: { TXT: number }; CLASS: { IN: number }; createResponseFromRequest(request: Dns2Packet): Dns2Packet };
}

const dns2 = createRequire(import.meta.url)('dns2') as Dns2;

/** RFC 1035 §4.1.1: SERVFAIL and REFUSED. */
const SERVFAIL = 2;
const REFUSED = 5;

export interface TestDns {
  /** `127.0.0.1:<port>`, for CASTELLAN_DNS_SERVERS. */
  server: string;
  /** Publishes TXT records at a name (each record one or more strings), replacing what was there. */
  setTxt(name: string, ...records: Array<string | string[]>): void;
  /** Removes every record at the name: it no longer exists. */
  remove(name: string): void;
  /** Answers SERVFAIL (true, or 'servfail') or REFUSED ('refused') to every query while on (a resolver outage); false ends it. */
  failing(on: boolean | 'servfail' | 'refused'): void;
  /** The names asked for so far, lower case. */
  queries: string[];
  close(): Promise<void>;
}

/**
 * A real DNS server on loopback (UDP, a free port) that answers TXT queries with the records a
 * test publishes (GOV-2). Unknown names get an empty answer, which resolvers report as no data.
 */
export async function startTestDns(): Promise<TestDns> {
  const records = new Map<string, string[][]>();
  const queries: string[] = [];
  let fail = 0;
  const server = dns2.createUDPServer();
  server.on('request', (request, send) => {
    const response = dns2.Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (question) {
      const name = question.name.toLowerCase().replace(/\.$/, '');
      queries.push(name);
      if (fail) response.header.rcode = fail;
      else if (question.type === dns2.Packet.TYPE.TXT) {
        for (const data of records.get(name) ?? []) response.answers.push({ name: question.name, type: dns2.Packet.TYPE.TXT, class: dns2.Packet.CLASS.IN, ttl: 1, data });
      }
    }
    send(response).catch(() => undefined);
  });
  server.on('requestError', () => undefined);
  await server.listen(0, '127.0.0.1');
  const { port } = server.address();
  let closed = false;
  return {
    server: `127.0.0.1:${port}`,
    setTxt(name, ...txt) {
      records.set(name.toLowerCase(), txt.map((r) => (Array.isArray(r) ? r : [r])));
    },
    remove(name) {
      records.delete(name.toLowerCase());
    },
    failing(on) {
      fail = on === 'refused' ? REFUSED : on ? SERVFAIL : 0;
    },
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        server.close(() => resolve());
      }),
  };
}
