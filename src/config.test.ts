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
