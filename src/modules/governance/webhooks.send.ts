import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { REFUSED_ADDRESS, addressAllowed, guardedLookup, type Lookup } from './webhooks.address.ts';

/** GOV-5: one delivery attempt, whatever it led to. */
export interface AttemptResult {
  /** The HTTP status the endpoint answered, when it answered. */
  status: number | null;
  /** Why the attempt failed (a connection error, a non-2xx answer); null when delivered. */
  error: string | null;
  /** The target may not be connected to (SSRF): retrying cannot help. */
  forbidden: boolean;
}

export interface WebhookRequest {
  url: string;
  body: string;
  secret: string;
  eventType: string;
  deliveryId: string;
  /** Seconds since the epoch, signed with the body. */
  timestamp: number;
  allowPrivate: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  resolve?: Lookup;
}

/** `Castellan-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as receivers check it. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs the event once: no redirect is followed (a 3xx is a failure), the connection goes only to
 * an address that was checked, and the whole attempt ends within `timeoutMs`.
 */
export function postWebhook(req: WebhookRequest): Promise<AttemptResult> {
  const url = new URL(req.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address is never looked up: check it here.
  if (isIP(host) !== 0 && !addressAllowed(host, req.allowPrivate)) return Promise.resolve({ status: null, error: 'the address is loopback, private or internal', forbidden: true });
  if (url.protocol !== 'https:' && !(req.allowPrivate && url.protocol === 'http:')) return Promise.resolve({ status: null, error: 'the URL must use https', forbidden: true });
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(r);
    };
    const deadline = setTimeout(() => {
      finish({ status: null, error: `no answer within ${Math.round(req.timeoutMs / 1000)} s`, forbidden: false });
      request.destroy();
    }, req.timeoutMs);
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(req.allowPrivate, req.resolve) as never,
        timeout: req.timeoutMs,
        signal: req.signal,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body),
          'user-agent': 'Castellan-Webhooks/1',
          'castellan-event': req.eventType,
          'castellan-delivery': req.deliveryId,
          'castellan-signature': signatureHeader(req.secret, req.timestamp, req.body),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let size = 0;
        // The answer is read (to free the connection) and dropped; a large one is cut short.
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () => finish(status >= 200 && status < 300 ? { status, error: null, forbidden: false } : { status, error: `the endpoint answered HTTP ${status}`, forbidden: false });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === REFUSED_ADDRESS) finish({ status: null, error: 'the address is loopback, private or internal', forbidden: true });
      else finish({ status: null, error: e.code === 'ETIMEDOUT' ? 'the connection timed out' : `the connection failed (${e.code ?? 'error'})`, forbidden: false });
    });
    request.end(req.body);
  });
}
