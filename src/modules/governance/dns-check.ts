import { Resolver } from 'node:dns/promises';

/** GOV-2: the TXT record an organization publishes at its domain's name. */
export const TXT_PREFIX = 'castellan-verification=';

export type CheckError = 'not_found' | 'wrong_value' | 'dns_error';

/** Looks up TXT records; null when the name has none (NXDOMAIN or no TXT), throws on a failed lookup. */
export type TxtLookup = (name: string) => Promise<string[][] | null>;

/**
 * TXT lookups through the given servers (`ip` or `ip:port`), or the system's resolvers when the list
 * is empty. Each check has its own resolver, so a slow or failed server affects one check only.
 */
export function dnsTxtLookup(servers: readonly string[], timeoutMs = 5000): TxtLookup {
  return async (name) => {
    const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
    if (servers.length > 0) resolver.setServers([...servers]);
    try {
      return await resolver.resolveTxt(name);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return null;
      throw e;
    }
  };
}

/**
 * Whether the expected value is published: a TXT record whose strings, joined (RFC 7208 §3.3: one
 * record may be split into several strings), equal `castellan-verification=<token>` exactly.
 */
export async function checkTxt(lookup: TxtLookup, name: string, token: string): Promise<CheckError | null> {
  let records: string[][] | null;
  try {
    records = await lookup(name);
  } catch {
    return 'dns_error';
  }
  if (!records || records.length === 0) return 'not_found';
  const expected = `${TXT_PREFIX}${token}`;
  const values = records.map((parts) => parts.join(''));
  if (values.includes(expected)) return null;
  return values.some((v) => v.startsWith(TXT_PREFIX)) ? 'wrong_value' : 'not_found';
}
