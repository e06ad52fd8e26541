/**
 * SUP-7: the supported list names only what this instance serves, as the listeners that are
 * running register themselves: `castellan serve` with inbound mail on, then with it off.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { fastHasher } from '../../../test/helpers/hasher.ts';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

describe.each(dialects)('the supported list on $name', (dialect) => {
  const opened: Array<{ app: App; cleanup: () => Promise<void> }> = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.app.close();
      await o.cleanup();
    }
  });

  async function serve(env: Record<string, string>) {
    const db = await dialect.open();
    const config = loadConfig({
      CASTELLAN_DATA_DIR: db.dataDir,
      CASTELLAN_HOST: '127.0.0.1',
      CASTELLAN_PORT: '0',
      CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0', CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0',
      CASTELLAN_SUPPORT_ADDRESS: 'help@desk.example',
      CASTELLAN_LOG_LEVEL: 'silent',
      ...env,
    });
    const app = await buildApp({ config, database: db.handle, hasher: fastHasher, logStream: quiet, workers: false });
    opened.push({ app, cleanup: () => db.cleanup() });
    const base = await app.listen();
    const supported = async () => {
      const res = await fetch(`${base}/api/v1/kb/supported`);
      expect(res.status).toBe(200);
      return (await res.json()) as { served: Array<{ id: string; name: string; version: string | null; notes: string }>; systemVersions: unknown[] };
    };
    return { app, supported };
  }

  it('SUP-7: with inbound mail, LDAP and RADIUS on, the list names the HTTP API, the support mail listener, LDAP and RADIUS, and no protocol that does not run', async () => {
    const { supported } = await serve({ CASTELLAN_SMTP_IN_ENABLED: 'true' });
    const body = await supported();
    expect(body.served.map((p) => p.id)).toEqual(['http', 'smtp', 'ldap', 'radius']);
    expect(body.served.find((p) => p.id === 'radius')).toMatchObject({ name: 'RADIUS', version: 'RFC 2865, RFC 2866' });
    expect(body.served.find((p) => p.id === 'ldap')).toMatchObject({ name: 'LDAP', version: 'v3' });
    const smtp = body.served.find((p) => p.id === 'smtp')!;
    expect(smtp).toMatchObject({ name: 'Inbound support mail (SMTP)', version: 'RFC 5321' });
    expect(smtp.notes).toContain('help@desk.example');
    for (const absent of ['oidc', 'scim', 'saml']) expect(body.served.map((p) => p.id)).not.toContain(absent);
    // The staff-maintained system versions stay beside them.
    expect(body.systemVersions.length).toBeGreaterThan(0);
  });

  it('SUP-7: with inbound mail, LDAP and RADIUS off, the list names the HTTP API alone; starting the listener adds it, stopping takes it back', async () => {
    const { app, supported } = await serve({ CASTELLAN_SMTP_IN_ENABLED: 'false', CASTELLAN_LDAP_ENABLED: 'false', CASTELLAN_RADIUS_ENABLED: 'false' });
    expect((await supported()).served.map((p) => p.id)).toEqual(['http']);
    expect(app.smtpIn).toBeNull();
    await app.startSmtpIn();
    expect((await supported()).served.map((p) => p.id)).toEqual(['http', 'smtp']);
    const registered = app.served.list();
    await app.close();
    expect(registered.map((p) => p.id)).toEqual(['http', 'smtp']);
    expect(app.served.list()).toEqual([]);
  });
});
