import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { signupBody } from '../../test/helpers/app.ts';
import { tempDir } from '../../test/helpers/databases.ts';
import { runCliInProcess as runCli } from '../../test/helpers/cli.ts';
import { fastHasher } from '../../test/helpers/hasher.ts';
import { OPENLDAP_EXPORT, OPENLDAP_HASHES } from '../../test/helpers/ldif-exports.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data directory holding one organization on the paid plan (no user limit). */
async function orgInDataDir(): Promise<{ dataDir: string; orgId: string }> {
  const dataDir = tempDir('castellan-transfer-');
  dirs.push(dataDir);
  const app = await buildApp({ config: loadConfig({ CASTELLAN_DATA_DIR: dataDir, CASTELLAN_LOG_LEVEL: 'silent' }), workers: false, hasher: fastHasher });
  const res = await app.http.inject({ method: 'POST', url: '/api/v1/signup', payload: signupBody() });
  const orgId = (res.json() as { organization: { id: string } }).organization.id;
  await app.db.updateTable('organizations').set({ plan: 'paid' }).where('id', '=', orgId).execute();
  await app.close();
  return { dataDir, orgId };
}

describe('castellan import users / export users', () => {
  it('DIR-5: imports a CSV file with progress, then exports it as CSV and LDIF', async () => {
    const { dataDir, orgId } = await orgInDataDir();
    const file = path.join(dataDir, 'people.csv');
    const lines = ['email,name,username,groups', ...Array.from({ length: 1200 }, (_, i) => `person${i}@example.com,Person ${i},person${i},${i % 2 ? 'odd' : 'even'};all`)];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const imported = await runCli(['import', 'users', '--org', orgId, '--data-dir', dataDir, file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('imported 1200 user(s), created 3 group(s)\n');
    expect(imported.stderr).toMatch(/importing: 1200\/1200 \(100%\)/);

    const csv = await runCli(['export', 'users', '--org', orgId, '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(1 + 1201);
    expect(csv.stdout).toContain('person7@example.com,Person 7,person7,all;odd');
    const out = path.join(dataDir, 'people.ldif');
    const ldif = await runCli(['export', 'users', '--org', orgId, '--format', 'ldif', '--out', out, '--data-dir', dataDir]);
    expect(ldif.code, ldif.stderr).toBe(0);
    expect(ldif.stderr).toBe(`exported 1201 user(s) to ${out}\n`);
  });

  it('DIR-5: a file with bad rows imports nothing and lists every bad row by line number', async () => {
    const { dataDir, orgId } = await orgInDataDir();
    const file = path.join(dataDir, 'bad.csv');
    writeFileSync(file, 'email,name,username,groups\nok@example.com,Ok,ok,\nnope,Bad,,\nok@example.com,Twice,,\n');
    const r = await runCli(['import', 'users', '--org', orgId, '--data-dir', dataDir, file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 3 (email): "nope" is not a valid email address.');
    expect(r.stderr).toContain('line 4 (email): The email is also on line 2.');
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^castellan: 3 problem\(s\) in the file; nothing was imported\.$/);
    const csv = await runCli(['export', 'users', '--org', orgId, '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('DIR-5: bad flags and a missing file get one-line errors', async () => {
    const { dataDir, orgId } = await orgInDataDir();
    const noFormat = await runCli(['export', 'users', '--org', orgId, '--data-dir', dataDir]);
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toMatch(/^castellan: .*--format/);
    const missing = await runCli(['import', 'users', '--org', orgId, '--data-dir', dataDir, path.join(dataDir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^castellan: .*no such file/i);
    const wrongOrg = await runCli(['export', 'users', '--org', 'org_nope', '--format', 'csv', '--data-dir', dataDir]);
    expect(wrongOrg.code).toBe(1);
    expect(wrongOrg.stderr).toBe('castellan: no organization org_nope\n');
    const good = path.join(dataDir, 'good.csv');
    writeFileSync(good, 'email,name,username,groups\nok@example.com,Ok,ok,\n');
    const wrongOrgImport = await runCli(['import', 'users', '--org', 'org_nope', '--data-dir', dataDir, good]);
    expect(wrongOrgImport.code).toBe(1);
    expect(wrongOrgImport.stderr).toBe('castellan: no organization org_nope\n');
  });

  it('DIR-5, ACC-2: --keep-password-hashes keeps an OpenLDAP export’s {SSHA} and {CRYPT} hashes and says so; without it, none is kept and a note says why', async () => {
    const { dataDir, orgId } = await orgInDataDir();
    const file = path.join(dataDir, 'slapcat.ldif');
    writeFileSync(file, OPENLDAP_EXPORT);
    const kept = await runCli(['import', 'users', '--org', orgId, '--keep-password-hashes', '--data-dir', dataDir, file]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toBe('imported 3 user(s), created 3 group(s), skipped 4 other entries, kept 2 password hash(es)\n');
    expect(kept.stderr).toContain('note: the password hash of 1 user(s) was not kept, in a scheme that cannot be kept');

    const again = path.join(dataDir, 'one.ldif');
    writeFileSync(again, ['dn: uid=zed,ou=people,dc=example,dc=org', 'objectClass: inetOrgPerson', 'uid: zed', 'cn: Zed', 'mail: zed@example.org', `userPassword: ${OPENLDAP_HASHES.ada}`, ''].join('\n'));
    const ignored = await runCli(['import', 'users', '--org', orgId, '--data-dir', dataDir, again]);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stdout).toBe('imported 1 user(s)\n');
    expect(ignored.stderr).toContain('note: the password hash of 1 user(s) was not kept, without --keep-password-hashes');

    const exported = await runCli(['export', 'users', '--org', orgId, '--format', 'ldif', '--data-dir', dataDir]);
    expect(exported.stdout).toContain('uidNumber: 2001');
    expect(exported.stdout).toMatch(/^dn: uid=grace,.*\n(?:.*\n)*?uidNumber: 12000\ngidNumber: 12000\nhomeDirectory: \/srv\/home\/grace\nloginShell: \/bin\/bash$/m);
    for (const out of [kept, ignored, exported]) for (const hash of Object.values(OPENLDAP_HASHES)) expect(out.stdout + out.stderr).not.toContain(hash.slice(7, 27));
  });
});
