import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD } from '../../test/helpers/app.ts';
import { tempDir } from '../../test/helpers/databases.ts';
import { killAll, runCli, startServer } from '../../test/helpers/process.ts';

/**
 * Smoke tests of the real program: `node src/main.ts` in a child process, with its own stdin,
 * exit code and signals. Everything else about the commands is tested in process (cli.test.ts
 * and the files beside it), through the same program.
 */
const dirs: string[] = [];
const newDataDir = () => {
  const d = tempDir('castellan-cli-process-');
  dirs.push(d);
  return d;
};

afterEach(killAll);
afterAll(async () => {
  await killAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('castellan as a process', () => {
  it('serve starts, answers HTTP, and exits 0 on SIGTERM', async () => {
    // As `npm start` runs it: the TypeScript sources through tsx (the other children run the bundle).
    const server = await startServer({ env: { CASTELLAN_DATA_DIR: newDataDir() }, source: true });
    expect((await server.request('/api/v1/me')).status).toBe(401);
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.logs.some((l) => l.msg === 'shutting down')).toBe(true);
  });

  it('SEC-3: a bad flag exits 2 with one line on stderr and nothing on stdout', async () => {
    const r = await runCli(['serve', '--port', 'abc', '--data-dir', newDataDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^castellan: .*--port.*abc.*\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('SEC-1: staff add reads the password from a pipe, and audit verify exits 0 on the log it wrote', async () => {
    const dataDir = newDataDir();
    const added = await runCli(['staff', 'add', '--email', 'ops@example.com', '--role', 'billing', '--data-dir', dataDir], { input: `${GOOD_PASSWORD}\n` });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^added billing ops@example\.com \(acc_[A-Za-z0-9_-]+\)\n$/);
    const verified = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(verified.code, verified.stderr).toBe(0);
    // The starter privacy policy, published by the first command on a fresh database, and the staff member.
    expect(verified.stdout).toBe('audit log intact: 2 entries\n');
  });
});
