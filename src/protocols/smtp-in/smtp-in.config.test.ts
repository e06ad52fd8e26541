import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { tempDir } from '../../../test/helpers/databases.ts';
import { runCliInProcess, serveInProcess } from '../../../test/helpers/cli.ts';
import { freePort } from '../../../test/helpers/process.ts';
import { smtpDialog } from '../../../test/helpers/smtp-client.ts';

describe('inbound mail settings', () => {
  it('SUP-1: defaults: on, loopback, port 2525, 10 MiB, and support@ the domain mail is sent from', () => {
    const c = loadConfig({ CASTELLAN_MAIL_FROM: 'Acme IT <it@Acme.example>' });
    expect(c.smtpIn).toEqual({ enabled: true, host: '127.0.0.1', port: 2525, maxMessageBytes: 10 * 1024 * 1024, maxClients: 20 });
    expect(c.support.address).toBe('support@acme.example');
    expect(loadConfig({}).support.address).toBe('support@castellan.localhost');
  });

  it('SUP-1: each setting is read and checked', () => {
    const c = loadConfig({
      CASTELLAN_SMTP_IN_ENABLED: 'false',
      CASTELLAN_SMTP_IN_HOST: '0.0.0.0',
      CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0',
      CASTELLAN_SMTP_IN_MAX_BYTES: '1048576',
      CASTELLAN_SMTP_IN_MAX_CLIENTS: '5',
      CASTELLAN_SUPPORT_ADDRESS: ' Help@Example.com ',
    });
    expect(c.smtpIn).toEqual({ enabled: false, host: '0.0.0.0', port: 0, maxMessageBytes: 1048576, maxClients: 5 });
    expect(c.support.address).toBe('help@example.com');
  });

  it.each([
    [{ CASTELLAN_SMTP_IN_PORT: 'smtp' }, 'CASTELLAN_SMTP_IN_PORT'],
    [{ CASTELLAN_SMTP_IN_PORT: '70000' }, 'CASTELLAN_SMTP_IN_PORT'],
    [{ CASTELLAN_SMTP_IN_ENABLED: 'maybe' }, 'CASTELLAN_SMTP_IN_ENABLED'],
    [{ CASTELLAN_SMTP_IN_MAX_BYTES: '10' }, 'CASTELLAN_SMTP_IN_MAX_BYTES'],
    [{ CASTELLAN_SMTP_IN_MAX_CLIENTS: '0' }, 'CASTELLAN_SMTP_IN_MAX_CLIENTS'],
    [{ CASTELLAN_SUPPORT_ADDRESS: 'Support <support@example.com>' }, 'CASTELLAN_SUPPORT_ADDRESS'],
    [{ CASTELLAN_SUPPORT_ADDRESS: 'support' }, 'CASTELLAN_SUPPORT_ADDRESS'],
    [{ CASTELLAN_PORT: '2525' }, 'CASTELLAN_SMTP_IN_PORT'],
  ])('SEC-3: %j is refused naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});

describe('castellan serve', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('SUP-1: starts the inbound listener with the HTTP server and stops it on SIGTERM', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const server = await serveInProcess({ env: { CASTELLAN_DATA_DIR: dataDir } });
    const line = await server.waitForLog((l) => l.msg === 'inbound mail listening');
    expect(line.address.host).toBe('127.0.0.1');
    const d = smtpDialog(line.address.port as number);
    expect((await d.greeting).text).toContain('Castellan');
    d.end();
    await d.closed;
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
    // Stopped with the server: the port is closed.
    await expect(smtpDialog(line.address.port as number).greeting).rejects.toThrow();
  });

  it('SEC-3: an inbound mail port already in use stops the start with a one-line error naming it', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const r = await runCliInProcess(['serve', '--port', String(await freePort()), '--data-dir', dataDir], { env: { CASTELLAN_HOST: '127.0.0.1', CASTELLAN_SMTP_IN_PORT: String(port) } });
      expect(r.code).toBe(1);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('CASTELLAN_SMTP_IN_PORT');
      expect(lines[0]).toContain('already in use');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('SUP-1: CASTELLAN_SMTP_IN_ENABLED=false leaves it off', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const server = await serveInProcess({ env: { CASTELLAN_DATA_DIR: dataDir, CASTELLAN_SMTP_IN_ENABLED: 'false' } });
    expect(server.logs().some((l) => l.msg === 'inbound mail listening')).toBe(false);
    expect(await server.stop()).toBe(0);
  });
});
