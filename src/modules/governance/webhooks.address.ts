import { type LookupAddress, type LookupOptions, lookup as systemLookup, promises as dnsPromises } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../core/errors.ts';
import { IntegrationErrors } from './integrations.errors.ts';

/**
 * GOV-5: server-side request forgery. A webhook is an https URL on a public address; loopback,
 * private (RFC 1918, ULA), carrier-grade NAT, link-local (the cloud metadata service at
 * 169.254.169.254 among them), multicast, reserved and documentation ranges are refused, by
 * literal address at installation and after DNS both at installation and at each delivery (the
 * connection goes to the address that was checked, so a name that changes its answer between the
 * check and the connection, DNS rebinding, is still refused). Only the operator may allow them
 * (CASTELLAN_WEBHOOK_ALLOW_PRIVATE), and with them plain http.
 */

const MAX_URL = 2000;

const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network" (0.0.0.0 connects to the local host)
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const)
  FORBIDDEN.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64: carries an IPv4 address
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: carries an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  FORBIDDEN.addSubnet(net, bits, 'ipv6');

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, or its hex form) is judged as the IPv4 address it carries. */
function plain(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted) return { address: dotted[1] as string, family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hex) {
    const hi = parseInt(hex[1] as string, 16);
    const lo = parseInt(hex[2] as string, 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address: bare, family: isIP(bare) === 6 ? 'ipv6' : 'ipv4' };
}

/** Whether a webhook may connect to this IP address. */
export function addressAllowed(address: string, allowPrivate: boolean): boolean {
  if (allowPrivate) return true;
  const a = plain(address);
  if (isIP(a.address) === 0) return false;
  return !FORBIDDEN.check(a.address, a.family);
}

const refuse = (message: string) => new AppError(IntegrationErrors.webhookTargetForbidden, message, { details: { field: 'settings.url' } });
const invalid = (message: string) => new AppError(IntegrationErrors.invalidIntegration, message, { details: { field: 'settings.url' } });

/** The URL's own checks, before any lookup: its form, scheme, credentials, and a literal address or local name. */
export function checkWebhookUrl(value: unknown, allowPrivate: boolean): URL {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL) throw invalid(`settings.url must be a URL of at most ${MAX_URL} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('settings.url is not an absolute URL.');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw refuse('settings.url must use https.');
  if (url.username !== '' || url.password !== '') throw refuse('settings.url must not carry credentials.');
  if (url.hash !== '' || value.includes('#')) throw invalid('settings.url must not have a fragment.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !addressAllowed(host, allowPrivate)) throw refuse('settings.url names a loopback, private or internal address.');
  if (isIP(host) === 0 && !allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) {
    throw refuse('settings.url names a local host.');
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/** Thrown (as a connection error) when every address a name resolves to may not be connected to. */
export const REFUSED_ADDRESS = 'EREFUSEDADDRESS';

/**
 * Names are resolved by c-ares (resolve4 and resolve6), not by getaddrinfo through dns.lookup: a
 * slow or dead DNS server then ties up no thread of libuv's small pool (which file access and
 * hashing share), and every lookup ends within the resolver's timeout (2 s, tried twice).
 */
const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 2 });

/** The A and AAAA records of a name, as a `lookup` answers them; the name's error when it has neither. */
export const resolverLookup =
  (allowPrivate = false): Lookup =>
  (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : 0;
    void Promise.allSettled([family === 6 ? Promise.resolve([]) : resolver.resolve4(hostname), family === 4 ? Promise.resolve([]) : resolver.resolve6(hostname)]).then(([v4, v6]) => {
      const list: LookupAddress[] = [
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
      ];
      if (list.length > 0) return callback(null, list);
      // Only where the operator allows internal targets: a name the DNS does not know (/etc/hosts).
      if (allowPrivate) return systemLookup(hostname, { all: true }, (err, addresses) => callback(err, addresses ?? []));
      const failed = [v4, v6].find((r): r is PromiseRejectedResult => r.status === 'rejected');
      const reason = failed?.reason as NodeJS.ErrnoException | undefined;
      return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: reason?.code ?? 'ENOTFOUND' }), []);
    });
  };

/**
 * A `lookup` for http.request: resolves the name and answers only if every address it has is
 * allowed, so the socket connects to an address that was checked (no second resolution).
 */
export function guardedLookup(allowPrivate: boolean, resolve: Lookup = resolverLookup(allowPrivate)): Lookup {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (list.length === 0 || list.some((a) => !addressAllowed(a.address, allowPrivate))) {
        return callback(Object.assign(new Error('the address is loopback, private or internal'), { code: REFUSED_ADDRESS }), []);
      }
      if (options.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** At installation: the URL's checks, then the name resolved and every address it has checked. */
export async function checkWebhookTarget(value: unknown, allowPrivate: boolean, resolve?: Lookup): Promise<URL> {
  const url = checkWebhookUrl(value, allowPrivate);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return url;
  await new Promise<void>((done, fail) => {
    guardedLookup(allowPrivate, resolve)(host, { all: true }, (err) => {
      if (!err) return done();
      if (err.code === REFUSED_ADDRESS) return fail(refuse('settings.url resolves to a loopback, private or internal address.'));
      return fail(invalid('settings.url names a host that does not resolve.'));
    });
  });
  return url;
}
