import { cpSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, signupBody } from '../../test/helpers/app.ts';
import { tempDir } from '../../test/helpers/databases.ts';
import { runCliInProcess as runCli, serveInProcess } from '../../test/helpers/cli.ts';
import { freePort } from '../../test/helpers/process.ts';
import { type SmtpSink, startSmtpSink } from '../../test/helpers/smtp.ts';
import { SHUTDOWN_GRACE_MS } from './serve.ts';

const dirs: string[] = [];
function newDataDir(): string {
  const d = tempDir('castellan-cli-');
  dirs.push(d);
  return d;
}

/** stderr must be exactly one line, `castellan: ...`. */
function expectOneLineError(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, `stderr was:\n${stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^castellan: \S/);
  return lines[0] as string;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('castellan migrate', () => {
  it('migrates a fresh data directory, and a second run says it is up to date', async () => {
    const dataDir = newDataDir();
    const first = await runCli(['migrate', '--data-dir', dataDir]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    expect(existsSync(path.join(dataDir, 'castellan.db'))).toBe(true);

    const second = await runCli(['migrate'], { env: { CASTELLAN_DATA_DIR: dataDir } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('database is up to date\n');
  });

  it('SEC-3: a bad DATABASE_URL fails with a one-line error', async () => {
    const r = await runCli(['migrate', '--data-dir', newDataDir()], { env: { DATABASE_URL: 'mysql://nope' } });
    expect(r.code).not.toBe(0);
    expect(expectOneLineError(r.stderr)).toContain('DATABASE_URL');
  });
});

describe('castellan staff add', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = newDataDir();
  });

  it('adds a staff member with the password from stdin and prints the new id', async () => {
    const r = await runCli(['staff', 'add', '--email', 'x@example.com', '--role', 'support', '--data-dir', dataDir], {
      input: `${GOOD_PASSWORD}\n`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^added support x@example\.com \(acc_[A-Za-z0-9_-]+\)\n$/);
    expect(r.stdout).not.toContain(GOOD_PASSWORD);
    expect(r.stderr).not.toContain(GOOD_PASSWORD);
  });

  it('the same email again fails with a one-line error and a non-zero exit', async () => {
    const r = await runCli(['staff', 'add', '--email', 'X@example.com', '--role', 'owner', '--data-dir', dataDir], {
      input: `${GOOD_PASSWORD}\n`,
    });
    expect(r.code).not.toBe(0);
    expect(expectOneLineError(r.stderr)).toMatch(/already exists/);
    expect(r.stdout).toBe('');
  });

  it('SEC-3: an unknown role fails with a one-line error naming the allowed roles', async () => {
    const r = await runCli(['staff', 'add', '--email', 'y@example.com', '--role', 'nonsense', '--data-dir', dataDir], {
      input: `${GOOD_PASSWORD}\n`,
    });
    expect(r.code).not.toBe(0);
    const line = expectOneLineError(r.stderr);
    expect(line).toContain('nonsense');
    expect(line).toMatch(/owner, support, privacy, billing/);
  });

  it('ACC-2: a weak password is refused', async () => {
    const r = await runCli(['staff', 'add', '--email', 'z@example.com', '--role', 'support', '--data-dir', dataDir], {
      input: 'short\n',
    });
    expect(r.code).not.toBe(0);
    expect(expectOneLineError(r.stderr)).toMatch(/at least 10 characters/);
    // nothing was added: the address is still free
    const ok = await runCli(['staff', 'add', '--email', 'z@example.com', '--role', 'support', '--data-dir', dataDir], {
      input: GOOD_PASSWORD,
    });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('SEC-3: a commonly used password is refused', async () => {
    const r = await runCli(['staff', 'add', '--email', 'w@example.com', '--role', 'support', '--data-dir', dataDir], {
      input: 'password123\n',
    });
    expect(r.code).not.toBe(0);
    expectOneLineError(r.stderr);
  });

  it('SEC-3: a missing --role fails with a one-line error', async () => {
    const r = await runCli(['staff', 'add', '--email', 'v@example.com', '--data-dir', dataDir], { input: GOOD_PASSWORD });
    expect(r.code).not.toBe(0);
    expect(expectOneLineError(r.stderr)).toContain('--role');
  });
});

describe('castellan', () => {
  it('--version and --help answer on stdout and exit 0', async () => {
    const v = await runCli(['--version']);
    expect(v).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    for (const command of ['serve', 'migrate', 'staff', 'audit', 'org', 'users', 'import', 'export', 'mail', 'support']) expect(h.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});

describe('castellan serve', () => {
  it('SEC-3: --port abc fails with a one-line error on stderr', async () => {
    const r = await runCli(['serve', '--port', 'abc', '--data-dir', newDataDir()]);
    expect(r.code).toBe(2);
    const line = expectOneLineError(r.stderr);
    expect(line).toContain('--port');
    expect(line).toContain('abc');
    expect(r.stdout).toBe('');
  });

  it('SEC-3: --port 70000 fails with a one-line error on stderr', async () => {
    const r = await runCli(['serve', '--port', '70000', '--data-dir', newDataDir()]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr)).toContain('65535');
  });

  it('SEC-3: an unknown flag fails with a one-line error on stderr', async () => {
    const r = await runCli(['serve', '--bogus', '--data-dir', newDataDir()]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr)).toContain('--bogus');
    expect(r.stdout).toBe('');
  });

  it('SEC-3: an unknown command fails with a one-line error on stderr', async () => {
    const r = await runCli(['serv']);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr)).toContain('serv');
  });

  it('SEC-3: a bad setting in the environment fails with a one-line error on stderr', async () => {
    const r = await runCli(['serve', '--data-dir', newDataDir()], { env: { CASTELLAN_MAIL_POLL_MS: 'often' } });
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toContain('CASTELLAN_MAIL_POLL_MS');
  });

  it('SEC-3: a port already in use fails with a one-line error on stderr', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const r = await runCli(['serve', '--port', String(port), '--data-dir', newDataDir()], { env: { CASTELLAN_SMTP_IN_PORT: '0', CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0', CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0' } });
      expect(r.code).toBe(1);
      expect(expectOneLineError(r.stderr)).toContain('already in use');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const server = await serveInProcess({ env: { CASTELLAN_DATA_DIR: newDataDir() } });
    const health = await fetch(`${server.url}/api/v1/me`);
    expect(health.status).toBe(401);
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.logs().some((l) => l.msg === 'shutting down')).toBe(true);
    // Closed: nothing listens any more.
    await expect(fetch(`${server.url}/api/v1/me`)).rejects.toThrow();
  });
});

describe('castellan serve with an SMTP transfer that never ends', () => {
  const sinks: SmtpSink[] = [];
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close();
  });

  /** A server whose first verification mail is stuck mid-transfer: its SMTP server never answers the DATA. */
  async function serverWithMailInFlight() {
    let signal: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      signal = resolve;
    });
    const smtp = await startSmtpSink({
      onData: () => {
        signal();
        return new Promise<void>(() => {});
      },
    });
    sinks.push(smtp);
    const server = await serveInProcess({ env: { CASTELLAN_DATA_DIR: newDataDir(), CASTELLAN_SMTP_URL: smtp.url } });
    const res = await fetch(`${server.url}/api/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signupBody()) });
    expect(res.status).toBe(201);
    await inFlight;
    return server;
  }

  it('SIGTERM waits for the transfer at most the grace period, then exits', async () => {
    const server = await serverWithMailInFlight();
    const started = Date.now();
    server.signal('SIGTERM');
    const code = await server.exited;
    const took = Date.now() - started;
    expect(code).toBe(1);
    expect(took).toBeGreaterThanOrEqual(SHUTDOWN_GRACE_MS - 500);
    expect(took).toBeLessThan(SHUTDOWN_GRACE_MS + 5_000);
    expect(server.logs().some((l) => l.msg?.includes('shutdown took too long'))).toBe(true);
  });

  it('a second SIGTERM stops the server at once', async () => {
    const server = await serverWithMailInFlight();
    server.signal('SIGTERM');
    await server.waitForLog((l) => l.msg === 'shutting down');
    const started = Date.now();
    server.signal('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.logs().some((l) => l.msg === 'stopping now, without waiting for work in flight')).toBe(true);
  });
});

describe('castellan audit verify', () => {
  let dataDir: string;

  /** A copy of the intact data directory, to tamper with. */
  function copyOfIntact(): string {
    const copy = newDataDir();
    cpSync(dataDir, copy, { recursive: true });
    return copy;
  }

  /** Opens the SQLite file the way an attacker with file access would: without the append-only triggers. */
  function tamper(dir: string, change: (db: SQLite.Database) => void): void {
    const db = new SQLite(path.join(dir, 'castellan.db'));
    try {
      db.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete;');
      change(db);
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    dataDir = newDataDir();
    for (const [email, role] of [
      ['a@example.com', 'owner'],
      ['b@example.com', 'support'],
      ['c@example.com', 'privacy'],
      ['d@example.com', 'billing'],
    ] as const) {
      const r = await runCli(['staff', 'add', '--email', email, '--role', role, '--data-dir', dataDir], { input: GOOD_PASSWORD });
      if (r.code !== 0) throw new Error(`staff add failed: ${r.stderr}`);
    }
  });

  it('SEC-1: audit verify exits 0 on an intact log', async () => {
    const r = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('audit log intact: 4 entries\n');
  });

  it('SEC-1: the triggers refuse to change or remove an entry', () => {
    const copy = copyOfIntact();
    const db = new SQLite(path.join(copy, 'castellan.db'));
    try {
      expect(() => db.prepare(`update audit_log set action = 'x' where seq = 2`).run()).toThrow();
      expect(() => db.prepare('delete from audit_log where seq = 2').run()).toThrow();
    } finally {
      db.close();
    }
  });

  it('SEC-1: audit verify exits non-zero naming the first altered entry', async () => {
    const copy = copyOfIntact();
    let id = '';
    tamper(copy, (db) => {
      id = (db.prepare('select id from audit_log where seq = 2').get() as { id: string }).id;
      db.prepare(`update audit_log set action = 'staff.removed' where seq = 2`).run();
      db.prepare(`update audit_log set details = '{"role":"owner"}' where seq = 3`).run();
    });
    const r = await runCli(['audit', 'verify', '--data-dir', copy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken at entry 2\b/);
    expect(r.stdout).toContain(id);
    expect(r.stdout).toMatch(/altered/);
  });

  it('SEC-1: audit verify exits non-zero naming an entry whose hash was recomputed but whose successor no longer links to it', async () => {
    const copy = copyOfIntact();
    tamper(copy, (db) => {
      // An attacker who knows the hash function rewrites entry 2 consistently; entry 3 still points at the old hash.
      db.prepare(`update audit_log set hash = '${'a'.repeat(64)}' where seq = 2`).run();
    });
    const r = await runCli(['audit', 'verify', '--data-dir', copy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken at entry 2\b/);
  });

  it('SEC-1: audit verify exits non-zero naming a removed entry', async () => {
    const copy = copyOfIntact();
    tamper(copy, (db) => db.prepare('delete from audit_log where seq = 2').run());
    const r = await runCli(['audit', 'verify', '--data-dir', copy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken at entry 2\b/);
    expect(r.stdout).toMatch(/missing/);
  });

  it('SEC-1: audit verify exits non-zero when the newest entry was removed', async () => {
    const copy = copyOfIntact();
    tamper(copy, (db) => db.prepare('delete from audit_log where seq = 4').run());
    const r = await runCli(['audit', 'verify', '--data-dir', copy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken at entry 4\b/);
  });

  it('SEC-1: audit verify on a data directory without a database fails instead of reporting an empty log intact', async () => {
    const empty = path.join(newDataDir(), 'typo');
    const r = await runCli(['audit', 'verify', '--data-dir', empty]);
    expect(r.code).not.toBe(0);
    expect(expectOneLineError(r.stderr)).toContain('no database');
    expect(existsSync(empty)).toBe(false);
  });
});
