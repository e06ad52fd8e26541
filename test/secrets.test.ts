import { chmodSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type TestApp, GOOD_PASSWORD, json, signup, startTestApp, totpCode, verifiedUser } from './helpers/app.ts';
import { dialects, tempDir } from './helpers/databases.ts';
import { tokenFrom } from './helpers/smtp.ts';

describe.each(dialects)('secrets stay secret on $name', (dialect) => {
  let t: TestApp;
  const secrets: string[] = [];
  const responses: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_LOG_LEVEL: 'trace' } });
    // A whole account's life: every secret it ever had is collected, then looked for.
    const u = await verifiedUser(t);
    secrets.push(GOOD_PASSWORD, u.token, u.csrfToken);
    const call = async (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: object,
      headers: Record<string, string> = u.auth,
    ) => {
      const r = await t.app.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      responses.push(r.body, JSON.stringify(r.headers));
      return r;
    };
    const enrol = json(await call('POST', '/api/v1/me/mfa/totp', { password: GOOD_PASSWORD }));
    secrets.push(enrol.secret);
    const confirm = json(await call('POST', '/api/v1/me/mfa/totp/confirm', { code: totpCode(enrol.secret, t.clock) }));
    secrets.push(...confirm.recoveryCodes);
    await call('POST', '/api/v1/sessions', { email: u.body.email, password: 'wrong-password-here' }, {});
    await call('POST', '/api/v1/password-resets', { email: u.body.email }, {});
    const mail = await t.smtp.waitFor((m) => m.to === u.body.email && m.subject === 'Reset your password');
    const resetToken = tokenFrom(mail.text, '/reset-password');
    secrets.push(resetToken);
    const newPassword = 'tangerine-meadow-falcon-31';
    secrets.push(newPassword);
    await call('POST', '/api/v1/password-resets/confirm', { token: resetToken, password: newPassword }, {});
    await call('GET', '/api/v1/me');
    await call('GET', `/api/v1/orgs/${u.organization.id}/audit?limit=200`);
    const hashes = await t.app.db.selectFrom('accounts').select('password_hash').execute();
    secrets.push(...hashes.map((h) => h.password_hash ?? '').filter(Boolean));
    await t.app.jobRunner.drain();
  });
  afterAll(() => t.close());

  it('ACC-2: no log line holds a password, hash, token, TOTP secret or recovery code', () => {
    expect(t.logs.length).toBeGreaterThan(10);
    const all = t.logs.join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
    expect(all).not.toContain('$argon2');
  });

  it('ACC-2: no response holds a password or hash, and the audit log holds no secret', async () => {
    const all = responses.join('\n');
    expect(all).not.toContain('$argon2');
    expect(all).not.toContain(GOOD_PASSWORD);
    const audit = (await sql`select * from audit_log`.execute(t.app.db)).rows.map((r) => JSON.stringify(r)).join('\n');
    for (const s of secrets) expect(audit).not.toContain(s);
  });

  it('SEC-2: tokens are stored only as hashes, mail bodies are encrypted and cleared after sending', async () => {
    const tables = (await sql`select * from sessions`.execute(t.app.db)).rows.concat(
      (await sql`select * from one_time_tokens`.execute(t.app.db)).rows,
      (await sql`select * from mail_outbox`.execute(t.app.db)).rows,
    );
    const dump = JSON.stringify(tables);
    for (const s of secrets.filter((x) => !x.startsWith('$argon2'))) expect(dump).not.toContain(s);
    const pending = await t.app.db.selectFrom('mail_outbox').select('body_enc').where('status', '=', 'sent').execute();
    expect(pending.every((r) => r.body_enc === null)).toBe(true);
  });
});

describe('keys', () => {
  it('SEC-2: keys are generated into the data directory on first start with mode 0600, and reused', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ CASTELLAN_DATA_DIR: dataDir, CASTELLAN_LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, workers: false });
    await app.close();
    for (const f of ['secret.key', 'encryption.key']) {
      expect(statSync(path.join(dataDir, f)).mode & 0o777).toBe(0o600);
    }
    const first = readFileSync(path.join(dataDir, 'encryption.key'), 'utf8');
    const again = await buildApp({ config, workers: false });
    expect(again.keys.encryption.toString('base64')).toBe(first.trim());
    await again.close();
  });

  it('SEC-2: the database, its -wal and -shm, and mail written to files are readable by their owner only, in a 0700 data directory', async () => {
    const parent = tempDir();
    const dataDir = path.join(parent, 'data');
    const config = loadConfig({ CASTELLAN_DATA_DIR: dataDir, CASTELLAN_LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, workers: false });
    await signup({ app } as never);
    await app.jobRunner.drain();
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ['castellan.db', 'castellan.db-wal', 'castellan.db-shm']) expect(mode(path.join(dataDir, f)), f).toBe(0o600);
    const mailDir = path.join(dataDir, 'mail');
    expect(mode(mailDir)).toBe(0o700);
    const mails = readdirSync(mailDir);
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) expect(mode(path.join(mailDir, m))).toBe(0o600);
    await app.close();
    // An existing data directory and database made by an older release are made private on start.
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, 'castellan.db'), 0o644);
    const again = await buildApp({ config, workers: false });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'castellan.db'))).toBe(0o600);
    await again.close();
  });

  it('SEC-2: operator-supplied keys are used, and a node with a different encryption key is refused', async () => {
    const dataDir = tempDir();
    const key = Buffer.alloc(32, 1).toString('base64');
    const env = {
      CASTELLAN_DATA_DIR: dataDir,
      CASTELLAN_LOG_LEVEL: 'silent',
      CASTELLAN_ENCRYPTION_KEY: key,
      CASTELLAN_SECRET_KEY: key,
    };
    const app = await buildApp({ config: loadConfig(env), workers: false });
    expect(app.keys.encryption.equals(Buffer.alloc(32, 1))).toBe(true);
    await app.close();
    const other = Buffer.alloc(32, 2).toString('base64');
    await expect(buildApp({ config: loadConfig({ ...env, CASTELLAN_ENCRYPTION_KEY: other }), workers: false })).rejects.toThrow(
      /different encryption key/,
    );
    await expect(
      buildApp({ config: loadConfig({ ...env, CASTELLAN_ENCRYPTION_KEY: 'c2hvcnQ=' }), workers: false }),
    ).rejects.toThrow(/at least 32 bytes/);
  });
});
