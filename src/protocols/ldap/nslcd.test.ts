/**
 * PRO-1 with a real Linux host client: Debian's nslcd (libnss-ldapd) resolves Castellan's users and
 * groups through NSS (`getent passwd`, `getent group`, `id`), bound as a service account over
 * StartTLS with the generated CA. nslcd and the NSS configuration live in a private mount
 * namespace (unshare), so the machine's own /etc/nsswitch.conf and /etc/nslcd.conf are untouched.
 * CI installs nslcd and libnss-ldapd (.ci/run) and runs as root, which the namespace needs.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type TestApp, acceptedMember, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { type TestDialect, dialects } from '../../../test/helpers/databases.ts';

const sqliteDialect = dialects.find((d) => d.name === 'sqlite') as TestDialect;

const available = process.getuid?.() === 0 && existsSync('/usr/sbin/nslcd') && existsSync('/usr/bin/unshare') && existsSync('/usr/lib/x86_64-linux-gnu/libnss_ldap.so.2');

function sh(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!available)('PRO-1: a Linux host resolves users and groups through nslcd', () => {
  let t: TestApp;
  let admin: Admin;
  let dir: string;
  let port: number;
  let slug: string;
  let uidNumber: number;
  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await t.app.http.inject({ method: method as 'POST', url, headers: admin.auth, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.body ? json(res) : {};
  };

  beforeAll(async () => {
    t = await startTestApp(sqliteDialect, { env: { CASTELLAN_LDAP_PORT: '0', CASTELLAN_LDAPS_PORT: '0' } });
    admin = await verifiedUser(t, { companyName: 'Host Fleet' });
    slug = admin.organization.slug;
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const ada = await acceptedMember(t, admin, { name: 'Ada Lovelace', username: 'ada' });
    uidNumber = ada.user.uidNumber;
    const linus = await acceptedMember(t, admin, { name: 'Linus Torvalds', username: 'linus' });
    const app = await call('POST', `${orgUrl}/resources`, { kind: 'application', name: 'servers', settings: { protocol: 'ldap' } });
    const ops = await call('POST', `${orgUrl}/groups`, { name: 'ops' });
    for (const m of [ada, linus]) await call('POST', `${orgUrl}/groups/${ops.id}/members`, { userId: m.user.id });
    await call('POST', `${orgUrl}/resources/${app.id}/bindings`, { groupId: ops.id });
    const svc = await call('POST', `${orgUrl}/resources/${app.id}/service-accounts`, { name: 'nslcd' });
    port = (await t.app.startLdap()).port;

    // nslcd drops to its own user: what it reads must be readable by it (the data directory is not).
    dir = mkdtempSync(path.join(tmpdir(), 'castellan-nslcd-'));
    chmodSync(dir, 0o755);
    copyFileSync(path.join(t.db.dataDir, 'ldap-ca.pem'), path.join(dir, 'ca.pem'));
    chmodSync(path.join(dir, 'ca.pem'), 0o644);
    writeFileSync(
      path.join(dir, 'nslcd.conf'),
      [
        'uid nslcd',
        'gid nslcd',
        `uri ldap://127.0.0.1:${port}/`,
        `base o=${slug},dc=castellan`,
        `binddn ${svc.dn}`,
        `bindpw ${svc.secret}`,
        'ssl start_tls',
        'tls_reqcert demand',
        `tls_cacert ${path.join(dir, 'ca.pem')}`,
        'nss_initgroups_ignoreusers ALLLOCAL',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    writeFileSync(path.join(dir, 'nsswitch.conf'), 'passwd: files ldap\ngroup: files ldap\nshadow: files\n');
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('PRO-1: getent passwd, getent group and id answer from Castellan', async () => {
    const script = [
      'set -e',
      'mkdir -p /run/nslcd',
      'mount -t tmpfs tmpfs /run/nslcd',
      'chown nslcd:nslcd /run/nslcd 2>/dev/null || true',
      `mount --bind ${dir}/nsswitch.conf /etc/nsswitch.conf`,
      `mount --bind ${dir}/nslcd.conf /etc/nslcd.conf`,
      `/usr/sbin/nslcd -d > ${dir}/nslcd.log 2>&1 &`,
      'pid=$!',
      'for i in $(seq 1 100); do [ -S /run/nslcd/socket ] && break; sleep 0.05; done',
      'echo "passwd: $(getent passwd ada)"',
      'echo "group: $(getent group ops)"',
      'echo "id: $(id linus)"',
      'echo "missing: $(getent passwd nobody-here || echo none)"',
      'kill $pid',
    ].join('\n');
    const r = await sh(script);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    const lines = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
    expect(lines.passwd).toBe(`ada:*:${uidNumber}:${uidNumber}:Ada Lovelace:/home/ada:/bin/bash`);
    expect(lines.group).toMatch(/^ops:\*:\d+:(ada,linus|linus,ada)$/);
    expect(lines.id).toMatch(/^uid=\d+\(linus\) gid=\d+ groups=.*\(ops\)/);
    expect(lines.missing).toBe('none');
  });
});
