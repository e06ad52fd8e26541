import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { invalidSaml, samlUrl } from './saml-settings.ts';
import { SAML_XML_MAX_CHARS } from './saml-xml.ts';

/**
 * PRO-5: a service provider's metadata, fetched once when an application's settings are saved.
 * Only https, at most 256 KiB, within a few seconds, and never from an address inside the
 * operator's network (SSRF): loopback, private, link-local, carrier-grade NAT, multicast and the
 * like are refused at connection time, after DNS, so a name that resolves there is refused too.
 */

/** The deadline of the whole fetch, from connecting to the last byte (and the socket's idle limit). */
const TIMEOUT_MS = 5000;

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address they carry. */
function plain(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1] as string, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  const a = plain(address);
  if (LOOPBACK.check(a.address, a.family)) return allowLoopback;
  return !PRIVATE.check(a.address, a.family);
}

export interface MetadataFetchOptions {
  /** Tests only (CASTELLAN_SAML_METADATA_ALLOW_LOOPBACK): loopback addresses, and http on them. */
  allowLoopback: boolean;
  timeoutMs?: number;
}

export async function fetchSpMetadata(value: unknown, opts: MetadataFetchOptions): Promise<string> {
  const url = new URL(samlUrl(value, 'metadataUrl'));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refuse = (why: string) => invalidSaml('metadataUrl', `The metadata at settings.metadataUrl could not be fetched: ${why}.`);
  if (url.protocol !== 'https:' && !opts.allowLoopback) throw refuse('it must be an https URL');
  if (isIP(host) !== 0 && !addressAllowed(host, opts.allowLoopback)) throw refuse('the address is loopback or private');
  if (isIP(host) === 0 && (host === 'localhost' || host.endsWith('.localhost')) && !opts.allowLoopback) throw refuse('the address is loopback or private');
  const lookup = (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (list.length === 0 || list.some((a) => !addressAllowed(a.address, opts.allowLoopback))) return callback(Object.assign(new Error('refused address'), { code: 'EREFUSEDADDRESS' }), []);
      if (options.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  const limit = opts.timeoutMs ?? TIMEOUT_MS;
  return new Promise<string>((resolve, reject) => {
    // `timeout` below is the socket's idle time only: a server dripping bytes would hold the request
    // for ever. The deadline bounds the whole fetch, connection to last byte.
    const deadline = setTimeout(() => {
      reject(refuse('it took too long'));
      req.destroy();
    }, limit);
    const settle = <T>(fn: (v: T) => void) => (v: T) => {
      clearTimeout(deadline);
      fn(v);
    };
    const ok = settle(resolve);
    const fail = settle(reject);
    const req = client.get(url, { lookup: lookup as never, timeout: limit, headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        fail(refuse(`it answered HTTP ${res.statusCode ?? 0}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > SAML_XML_MAX_CHARS) {
          req.destroy();
          fail(refuse(`it is larger than ${SAML_XML_MAX_CHARS} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
      res.on('error', () => fail(refuse('the connection failed')));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => fail(refuse(e.code === 'EREFUSEDADDRESS' ? 'the address is loopback or private' : e.code === 'ETIMEDOUT' ? 'it took too long' : 'the connection failed')));
  });
}
