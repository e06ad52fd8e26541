import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver took. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * GOV-5: an HTTP server on 127.0.0.1 standing in for an integration's endpoint. It answers each
 * request with the next status of `answers` (200 once they run out); `hold()` keeps the next
 * request waiting until `release()` is called, to test a delivery in flight; `stallBody()` answers
 * the next one 200 and never finishes its body.
 */
export async function startWebhookReceiver() {
  const received: Received[] = [];
  const answers: number[] = [];
  const waiting: Array<() => void> = [];
  let held: { release: (status: number) => void } | undefined;
  let holdNext = false;
  let stallNext = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const w of waiting.splice(0)) w();
      const answer = (status: number) => res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
      if (stallNext) {
        // A 2xx whose body never ends: the status line is sent, the rest stalls.
        stallNext = false;
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('partial');
        return;
      }
      if (holdNext) {
        holdNext = false;
        held = { release: answer };
        return;
      }
      answer(answers.shift() ?? 200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    /** Statuses to answer the next requests with, in order. */
    answer(...statuses: number[]) {
      answers.push(...statuses);
    },
    hold() {
      holdNext = true;
    },
    stallBody() {
      stallNext = true;
    },
    release(status: number) {
      held?.release(status);
      held = undefined;
    },
    /** Resolves once `count` requests in all have arrived. */
    async waitFor(count: number): Promise<void> {
      while (received.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Checks `Castellan-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` as a receiver would. */
export function verifySignature(secret: string, header: string | string[] | undefined, body: string): boolean {
  const m = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2] as string, 'hex'));
}
