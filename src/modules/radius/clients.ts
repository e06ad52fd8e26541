import net from 'node:net';
import { AppError } from '../../core/errors.ts';
import { RadiusErrors } from './radius.errors.ts';

/** PRO-3: at most this many client entries per network. */
export const MAX_CLIENTS = 100;

/** One entry of `settings.clients`: an address, or a CIDR range, IPv4 or IPv6. */
export interface ClientRange {
  family: 'ipv4' | 'ipv6';
  address: string;
  prefix: number;
}

/** `::ffff:10.0.0.1` (an IPv4 client seen on a dual-stack socket) is 10.0.0.1. */
export function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? (m[1] as string) : address;
}

function parseEntry(entry: unknown, i: number): ClientRange {
  const invalid = (message: string) => new AppError(RadiusErrors.invalidNetworkSettings, message, { details: { field: `settings.clients[${i}]` } });
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 64) throw invalid('A client is an IP address or a CIDR range, such as 10.0.0.0/24 or 2001:db8::/64.');
  const [host, bits, extra] = entry.trim().split('/');
  const address = plainAddress(host ?? '');
  const kind = net.isIP(address);
  if (kind === 0 || extra !== undefined) throw invalid(`"${entry}" is not an IP address or a CIDR range.`);
  const family = kind === 4 ? 'ipv4' : 'ipv6';
  const max = kind === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) throw invalid(`"${entry}": the prefix length must be a whole number.`);
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) throw invalid(`"${entry}": the prefix length of an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} range is at most ${max}.`);
  return { family, address, prefix };
}

/**
 * PRO-3: a network's `settings.clients`: the addresses and CIDR ranges of the NASes (Wi-Fi
 * controllers, VPN gateways, switches) allowed to ask. Absent means none yet. Ranges of other
 * organizations may overlap: that is never refused (it would tell one tenant about another).
 */
export function parseClients(settings: Record<string, unknown>): string[] {
  const raw = settings.clients;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new AppError(RadiusErrors.invalidNetworkSettings, 'settings.clients is a list of IP addresses and CIDR ranges.', { details: { field: 'settings.clients' } });
  if (raw.length > MAX_CLIENTS) throw new AppError(RadiusErrors.invalidNetworkSettings, `A network lists at most ${MAX_CLIENTS} clients.`, { details: { field: 'settings.clients' } });
  raw.forEach((e, i) => parseEntry(e, i));
  return raw.map((e: string) => e.trim());
}

/** A matcher over a network's clients; the prefix length of the best match, or -1. */
export function clientMatcher(clients: readonly string[]): (address: string) => number {
  const ranges = clients.flatMap((c, i) => {
    try {
      return [parseEntry(c, i)];
    } catch {
      return [];
    }
  });
  const lists = ranges.map((r) => {
    const list = new net.BlockList();
    list.addSubnet(r.address, r.prefix, r.family);
    return { list, prefix: r.prefix, family: r.family };
  });
  return (address) => {
    const plain = plainAddress(address);
    const kind = net.isIP(plain);
    if (kind === 0) return -1;
    const family = kind === 4 ? 'ipv4' : 'ipv6';
    let best = -1;
    for (const l of lists) if (l.family === family && l.prefix > best && l.list.check(plain, family)) best = l.prefix;
    return best;
  };
}
