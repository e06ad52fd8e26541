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

/**
 * The deliveries' own agents: never the global ones, which Node 24 points at the proxy environment
 * variables and which share kept-alive sockets with other outgoing requests (the SAML metadata
 * fetch). No keep-alive: each attempt's socket goes to the address that was just checked.
 */
const httpsAgent = new https.Agent({ keepAlive: false });
const httpAgent = new http.Agent({ keepAlive: false });

/**
 * POSTs the event once: no redirect is followed (a 3xx is a failure), the connection goes only to
 * an address that was checked, and the attempt ends within `timeoutMs` or when the status line
 * arrives, whichever is first.
 */
export function postWebhook(req: WebhookRequest): Promise<AttemptResult> {
  const url = new URL(req.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address is never looked up: check it here.
  if (isIP(host) !== 0 && !addressAllowed(host, req.allowPrivate)) return Promise.resolve({ status: null, error: 'the address is loopback, private or internal', forbidden: true });
  if (url.protocol !== 'https:' && !(req.allowPrivate && url.protocol === 'http:')) return Promise.resolve({ status: null, error: 'the URL must use https', forbidden: true });
  const tls = url.protocol === 'https:';
  const client = tls ? https : http;
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
        agent: tls ? httpsAgent : httpAgent,
        // The certificate is checked against the URL's host, whichever checked address is connected to.
        ...(tls && isIP(host) === 0 ? { servername: host } : {}),
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
        // The status line decides: a 2xx whose body then stalls is delivered all the same. The body
        // is never read; the connection (not kept alive) is closed at once.
        finish(status >= 200 && status < 300 ? { status, error: null, forbidden: false } : { status, error: `the endpoint answered HTTP ${status}`, forbidden: false });
        res.on('error', () => undefined);
        res.resume();
        res.destroy();
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
