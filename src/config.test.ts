import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from './config.ts';

const docsDir = new URL('../docs/', import.meta.url);

/** Every environment variable `loadConfig` reads, recorded through a proxy (computed names included). */
function settingsRead(base: Env): Set<string> {
  const read = new Set<string>();
  const env = new Proxy(base, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
    has(target, name) {
      if (typeof name === 'string') read.add(name);
      return name in target;
    },
  });
  loadConfig(env);
  return read;
}

describe('settings', () => {
  it('OPS: every CASTELLAN_* setting config.ts reads is documented in docs/, and every documented one is read', () => {
    // The metrics listener's settings are read only when a port is set, so read with it set too.
    const read = new Set([...settingsRead({}), ...settingsRead({ CASTELLAN_METRICS_PORT: '9464' })]);
    const settings = [...read].filter((name) => name.startsWith('CASTELLAN_')).sort();
    expect(settings.length).toBeGreaterThan(30);

    const docs = readdirSync(docsDir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => readFileSync(new URL(f, docsDir), 'utf8'))
      .join('\n');
    const undocumented = settings.filter((name) => !docs.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);

    // The settings table names no variable the code does not read.
    const table = readFileSync(new URL('settings.md', docsDir), 'utf8');
    const listed = [...new Set([...table.matchAll(/^\| `(CASTELLAN_[A-Z0-9_]+)`/gm)].map((m) => m[1]!))];
    expect(listed.filter((name) => !read.has(name))).toEqual([]);
  });

  it('OPS: the source names no CASTELLAN_* setting that loadConfig does not read', () => {
    const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
    const named = new Set([...source.matchAll(/CASTELLAN_[A-Z0-9_]+/g)].map((m) => m[0]));
    const read = new Set([...settingsRead({}), ...settingsRead({ CASTELLAN_METRICS_PORT: '9464' })]);
    expect([...named].filter((name) => !read.has(name))).toEqual([]);
  });
});

describe('the RADIUS listeners', () => {
  it('PRO-3: the RADIUS settings are read with their defaults, and the two ports must differ', () => {
    expect(loadConfig({}).radius).toEqual({ enabled: true, host: '127.0.0.1', port: 1812, acctPort: 1813, duplicateWindowSeconds: 30, clientRatePerSecond: 500, userRatePerMinute: 30, maxInFlight: 256, clientCacheSeconds: 10 });
    const c = loadConfig({ CASTELLAN_RADIUS_ENABLED: 'false', CASTELLAN_RADIUS_HOST: '::', CASTELLAN_RADIUS_PORT: '11812', CASTELLAN_RADIUS_ACCT_PORT: '11813', CASTELLAN_RADIUS_USER_RATE: '5' });
    expect(c.radius).toMatchObject({ enabled: false, host: '::', port: 11812, acctPort: 11813, userRatePerMinute: 5 });
    expect(() => loadConfig({ CASTELLAN_RADIUS_PORT: '1900', CASTELLAN_RADIUS_ACCT_PORT: '1900' })).toThrow(/CASTELLAN_RADIUS_ACCT_PORT 1900 is the RADIUS port/);
    expect(() => loadConfig({ CASTELLAN_RADIUS_PORT: 'radius' })).toThrow(/CASTELLAN_RADIUS_PORT must be a whole number/);
    expect(loadConfig({ CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0' }).radius).toMatchObject({ port: 0, acctPort: 0 });
  });
});

describe('the privacy address', () => {
  it('DSR-1: the email address in CASTELLAN_PRIVACY_ADDRESS (the whole value or one written in a postal address) is the mailbox whose mail becomes requests', () => {
    expect(loadConfig({ CASTELLAN_PRIVACY_ADDRESS: 'Privacy@Example.com' }).privacy.privacyMailbox).toBe('privacy@example.com');
    const both = loadConfig({ CASTELLAN_PRIVACY_ADDRESS: 'Privacy Office\n1 Quay Street\nPortsmouth, NH 03801\nprivacy@harbor.example' }).privacy;
    expect(both).toMatchObject({ privacyAddress: 'Privacy Office, 1 Quay Street, Portsmouth, NH 03801, privacy@harbor.example', privacyMailbox: 'privacy@harbor.example' });
    expect(loadConfig({ CASTELLAN_PRIVACY_ADDRESS: '1 Quay Street, Portsmouth, NH 03801' }).privacy.privacyMailbox).toBeNull();
    expect(loadConfig({}).privacy.privacyMailbox).toBeNull();
    expect(() => loadConfig({ CASTELLAN_PRIVACY_ADDRESS: 'a@example.com or b@example.com' })).toThrow(/one email address at most/);
  });
});

describe('the DNS servers of domain verification', () => {
  it('GOV-2: CASTELLAN_DNS_SERVERS lists IP addresses with optional ports; unset means the system resolvers, and anything else is refused', () => {
    expect(loadConfig({}).dnsServers).toEqual([]);
    expect(loadConfig({ CASTELLAN_DNS_SERVERS: ' 127.0.0.1:5353, 192.0.2.53 ,[::1]:53,2001:db8::1' }).dnsServers).toEqual(['127.0.0.1:5353', '192.0.2.53', '[::1]:53', '2001:db8::1']);
    for (const bad of ['dns.example', '127.0.0.1:0', '127.0.0.1:70000', '[::1', '127.0.0.1:53:53', '300.1.1.1']) {
      expect(() => loadConfig({ CASTELLAN_DNS_SERVERS: bad }), bad).toThrow(/CASTELLAN_DNS_SERVERS/);
    }
  });
});
