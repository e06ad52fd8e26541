/**
 * PRO-3 with real clients: FreeRADIUS's radclient and radtest (Debian freeradius-utils) against
 * Castellan's RADIUS listeners on loopback, on each database; and a byte-level client for what
 * radclient cannot show (where the Message-Authenticator sits, retransmissions, other source
 * addresses: any 127.x address on loopback stands for another NAS).
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { FieldCipher } from '../../core/crypto.ts';
import type { PasswordHasher } from '../../modules/accounts/index.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { fastHasher } from '../../../test/helpers/hasher.ts';
import { type Admin, type TestApp, acceptedMember, json, startTestApp, totpCode, verifiedUser } from '../../../test/helpers/app.ts';
import { Attr, Code, decode, first, verifyReply, verifyReplyMessageAuthenticator } from './packet.ts';
import { accessRequest, udpClient } from './udp-client.ts';

interface Reply {
  code: number;
  /** Received Access-Accept, Access-Reject, Accounting-Response; or 'none' when nothing came back. */
  received: string;
  replyMessage: string | undefined;
  out: string;
}

/** radclient (or radtest) with the attributes on standard input; short timeouts, so that a discarded packet costs a second. */
function radclient(args: string[], input = ''): Promise<Reply> {
  return new Promise((resolve) => {
    const child = execFile('radclient', ['-x', '-t', '1', '-r', '1', ...args], { timeout: 20_000 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, received: /Received (\S+)/.exec(stdout)?.[1] ?? 'none', replyMessage: /Reply-Message = "([^"]*)"/.exec(stdout)?.[1], out: stdout });
    });
    child.stdin?.end(input);
  });
}

/** A hasher that counts the password checks, to prove which requests were checked and which were not. */
function countingHasher(): PasswordHasher & { verifies: number } {
  const h = { verifies: 0, hash: fastHasher.hash, verify: (stored: string, password: string) => ((h.verifies += 1), fastHasher.verify(stored, password)) };
  return h;
}

const metric = async (t: TestApp, name: string, label: string) => {
  const text = await t.app.metrics.registry.getSingleMetricAsString(name);
  return Number(new RegExp(`${name}\\{${label}\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

describe.each(dialects)('PRO-3: RADIUS with real clients on $name', (dialect) => {
  let t: TestApp;
  let hasher: ReturnType<typeof countingHasher>;
  let admin: Admin;
  let other: Admin;
  let port: number;
  let acctPort: number;
  let network: { id: string; sharedSecret: string };
  let otherNetwork: { id: string; sharedSecret: string };
  let alice: Awaited<ReturnType<typeof acceptedMember>>;
  let bob: Awaited<ReturnType<typeof acceptedMember>>;
  let carol: Awaited<ReturnType<typeof acceptedMember>>;
  let olga: Awaited<ReturnType<typeof acceptedMember>>;
  const as = async (who: { auth: Record<string, string> }, method: string, url: string, payload?: unknown) => t.app.http.inject({ method: method as 'POST', url, headers: who.auth, ...(payload ? { payload } : {}) });
  const call = async (who: { auth: Record<string, string> }, method: string, url: string, payload?: unknown) => {
    const res = await as(who, method, url, payload);
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.body ? json(res) : {};
  };
  const auth = (userName: string, password: string, secret = network.sharedSecret, extra = '') =>
    radclient([`127.0.0.1:${port}`, 'auth', secret], `User-Name = "${userName}", User-Password = "${password}", NAS-Identifier = "ap-1", Message-Authenticator = 0x00${extra}`);

  beforeAll(async () => {
    hasher = countingHasher();
    // alice signs in more than the default 30 times a minute here; the per-user limit has its own tests below.
    t = await startTestApp(dialect, { hasher, env: { CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0', CASTELLAN_SIGNIN_MAX_FAILURES: '50', CASTELLAN_RADIUS_USER_RATE: '1000' } });
    admin = await verifiedUser(t, { companyName: 'Acme Rockets' });
    other = await verifiedUser(t, { companyName: 'Globex' });
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    alice = await acceptedMember(t, admin, { name: 'Alice Liddell', username: 'alice' });
    bob = await acceptedMember(t, admin, { name: 'Bob Ross', username: 'bob' });
    carol = await acceptedMember(t, admin, { name: 'Carol Danvers', username: 'carol' });
    olga = await acceptedMember(t, other, { name: 'Olga Other', username: 'olga' });
    network = (await call(admin, 'POST', `${orgUrl}/resources`, { kind: 'network', name: 'Office Wi-Fi', settings: { clients: ['127.0.0.1', '10.0.0.0/8', '2001:db8::/32'] } })) as typeof network;
    // Another organization lists an overlapping private range: allowed, and told apart by its secret.
    otherNetwork = (await call(other, 'POST', `/api/v1/orgs/${other.organization.id}/resources`, { kind: 'network', name: 'Globex VPN', settings: { clients: ['127.0.0.0/24'] } })) as typeof otherNetwork;
    await call(admin, 'POST', `${orgUrl}/resources/${network.id}/bindings`, { userId: alice.user.id });
    const staff = await call(admin, 'POST', `${orgUrl}/groups`, { name: 'staff' });
    await call(admin, 'POST', `${orgUrl}/groups/${staff.id}/members`, { userId: carol.user.id });
    await call(admin, 'POST', `${orgUrl}/resources/${network.id}/bindings`, { groupId: staff.id });
    await call(other, 'POST', `/api/v1/orgs/${other.organization.id}/resources/${otherNetwork.id}/bindings`, { userId: olga.user.id });
    ({ port, acctPort } = await t.app.startRadius());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('PRO-3: a network is made with its shared secret, answered once and sealed at rest', async () => {
    expect(network.sharedSecret).toMatch(/^[A-Za-z0-9]{32}$/);
    const got = await call(admin, 'GET', `/api/v1/orgs/${admin.organization.id}/resources/${network.id}`);
    expect(JSON.stringify(got)).not.toContain(network.sharedSecret);
    const row = await t.app.db.selectFrom('radius_networks').selectAll().where('resource_id', '=', network.id).executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(network.sharedSecret);
    // SEC-2: AES-256-GCM bound to this network's column and row: it opens there, and nowhere else.
    expect(row.secret_enc).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const cipher = new FieldCipher(t.app.keys.encryption);
    expect(cipher.decrypt(row.secret_enc, `radius_networks.secret_enc:${network.id}`)).toBe(network.sharedSecret);
    expect(() => cipher.decrypt(row.secret_enc, `radius_networks.secret_enc:${otherNetwork.id}`)).toThrow();
    expect(() => cipher.decrypt(row.secret_enc, 'radius_networks.secret_enc')).toThrow();
    expect(JSON.parse(row.clients)).toEqual(['127.0.0.1', '10.0.0.0/8', '2001:db8::/32']);
    expect(t.logs.join('\n')).not.toContain(network.sharedSecret);
  });

  it('PRO-3, DIR-3: radclient gets Access-Accept for a member with access, by username or email; a wrong password, an unknown user and a member without access get the same Access-Reject', async () => {
    const ok = await auth('alice', alice.password);
    expect(ok.received, ok.out).toBe('Access-Accept');
    expect(ok.code).toBe(0);
    expect((await auth(alice.email, alice.password)).received).toBe('Access-Accept');
    // Through a group.
    expect((await auth('carol', carol.password)).received).toBe('Access-Accept');
    for (const [user, password] of [
      ['alice', 'not the password'],
      ['nobody', alice.password],
      ['bob', bob.password],
      ['olga', olga.password],
    ] as const) {
      const r = await auth(user, password);
      expect(r.received, `${user}: ${r.out}`).toBe('Access-Reject');
      expect(r.replyMessage).toBe('Access denied.');
    }
  });

  it('PRO-3: radtest (PAP with a Message-Authenticator) gets Access-Accept', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile('radtest', ['-t', 'pap', 'alice', alice.password, `127.0.0.1:${port}`, '0', network.sharedSecret], { timeout: 20_000 }, (err, out) => resolve({ code: err ? -1 : 0, out })),
    );
    expect(r.out).toContain('Received Access-Accept');
    expect(r.code).toBe(0);
  });

  it('PRO-3 (BlastRADIUS, CVE-2024-3596): a request without a Message-Authenticator, or with a wrong secret, is silently discarded and counted', async () => {
    const before = { missing: await metric(t, 'castellan_radius_dropped_total', 'reason="no_message_authenticator"'), bad: await metric(t, 'castellan_radius_dropped_total', 'reason="bad_authenticator"') };
    const checks = hasher.verifies;
    const bare = await radclient([`127.0.0.1:${port}`, 'auth', network.sharedSecret], `User-Name = "alice", User-Password = "${alice.password}"`);
    expect(bare.received, bare.out).toBe('none');
    expect(bare.out).toContain('No reply');
    const wrong = await auth('alice', alice.password, 'not-the-shared-secret');
    expect(wrong.received).toBe('none');
    expect(hasher.verifies).toBe(checks);
    expect(await metric(t, 'castellan_radius_dropped_total', 'reason="no_message_authenticator"')).toBeGreaterThan(before.missing);
    expect(await metric(t, 'castellan_radius_dropped_total', 'reason="bad_authenticator"')).toBeGreaterThan(before.bad);
  });

  it('PRO-3 (BlastRADIUS): every reply carries the Message-Authenticator first, and correct Response Authenticators (RFC 2865 §3, RFC 3579 §3.2)', async () => {
    const client = await udpClient();
    try {
      const secret = Buffer.from(network.sharedSecret);
      for (const [password, code] of [
        [alice.password, Code.accessAccept],
        ['wrong', Code.accessReject],
      ] as const) {
        const req = accessRequest('alice', password, network.sharedSecret, { extra: [{ type: Attr.proxyState, value: Buffer.from('hop-1') }] });
        const bytes = await client.exchange(req.bytes, port);
        expect(bytes).not.toBeNull();
        const reply = decode(bytes as Buffer);
        expect(reply.code).toBe(code);
        expect(reply.identifier).toBe(req.identifier);
        expect(reply.attributes[0]?.type).toBe(Attr.messageAuthenticator);
        expect(verifyReply(bytes as Buffer, req.authenticator, secret)).toBe(true);
        expect(verifyReplyMessageAuthenticator(reply, req.authenticator, secret)).toBe(true);
        // RFC 2865 §5.33: Proxy-State comes back as it was sent.
        expect(first(reply, Attr.proxyState)?.toString()).toBe('hop-1');
      }
    } finally {
      await client.close();
    }
  });

  it('PRO-3, DIR-1: a packet from an address no network lists is dropped and counted; overlapping ranges of two organizations are told apart by their secrets', async () => {
    const before = await metric(t, 'castellan_radius_dropped_total', 'reason="unknown_client"');
    const stranger = await udpClient({ bind: '127.0.1.5' });
    try {
      expect(await stranger.exchange(accessRequest('alice', alice.password, network.sharedSecret).bytes, port, 500)).toBeNull();
    } finally {
      await stranger.close();
    }
    expect(await metric(t, 'castellan_radius_dropped_total', 'reason="unknown_client"')).toBe(before + 1);
    // 127.0.0.1 is in both organizations' lists: the secret says which network asks.
    expect((await auth('olga', olga.password, otherNetwork.sharedSecret)).received).toBe('Access-Accept');
    expect((await auth('alice', alice.password, otherNetwork.sharedSecret)).received).toBe('Access-Reject');
    // 127.0.0.2 is only in Globex's range.
    const nas2 = await udpClient({ bind: '127.0.0.2' });
    try {
      expect(await nas2.exchange(accessRequest('alice', alice.password, network.sharedSecret).bytes, port, 500)).toBeNull();
      const r = await nas2.exchange(accessRequest('olga', olga.password, otherNetwork.sharedSecret).bytes, port);
      expect(r && decode(r).code).toBe(Code.accessAccept);
    } finally {
      await nas2.close();
    }
  });

  it('PRO-3: a retransmission gets the cached reply without a second password check; copies that come while the first is checked are not checked again', async () => {
    const client = await udpClient();
    try {
      const req = accessRequest('alice', alice.password, network.sharedSecret);
      const checks = hasher.verifies;
      const firstReply = await client.exchange(req.bytes, port);
      expect(firstReply && decode(firstReply).code).toBe(Code.accessAccept);
      expect(hasher.verifies).toBe(checks + 1);
      const again = await client.exchange(req.bytes, port);
      expect(again?.equals(firstReply as Buffer)).toBe(true);
      expect(hasher.verifies).toBe(checks + 1);

      // Five copies at once: one check; whatever is answered is the same reply.
      const burst = accessRequest('carol', carol.password, network.sharedSecret);
      const waited = client.exchange(burst.bytes, port);
      for (let i = 0; i < 4; i++) await client.send(burst.bytes, port);
      const one = await waited;
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const r of [one, ...client.received()]) expect(r?.equals(one as Buffer)).toBe(true);
      expect(decode(one as Buffer).code).toBe(Code.accessAccept);
      expect(hasher.verifies).toBe(checks + 2);
    } finally {
      await client.close();
    }
  });

  it('PRO-3: a request with an EAP-Message gets a clean Access-Reject (only PAP is served)', async () => {
    const r = await radclient([`127.0.0.1:${port}`, 'auth', network.sharedSecret], 'User-Name = "alice", EAP-Message = 0x0201000a01616c696365, Message-Authenticator = 0x00');
    expect(r.received, r.out).toBe('Access-Reject');
    expect(r.replyMessage).toBe('Only PAP is supported.');
  });

  it('PRO-3, DIR-3: suspension takes effect at once, and reactivation too', async () => {
    expect((await auth('carol', carol.password)).received).toBe('Access-Accept');
    await call(admin, 'POST', `/api/v1/orgs/${admin.organization.id}/users/${carol.user.id}/suspend`);
    const r = await auth('carol', carol.password);
    expect(r.received).toBe('Access-Reject');
    expect(r.replyMessage).toBe('Access denied.');
    await call(admin, 'POST', `/api/v1/orgs/${admin.organization.id}/users/${carol.user.id}/reactivate`);
    expect((await auth('carol', carol.password)).received).toBe('Access-Accept');
  });

  it('PRO-3: rotating the shared secret answers the new one once; the old one stops working at once on this node', async () => {
    const url = `/api/v1/orgs/${admin.organization.id}/resources/${network.id}/shared-secret`;
    const rotated = await call(admin, 'POST', url);
    expect(rotated.sharedSecret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rotated.sharedSecret).not.toBe(network.sharedSecret);
    expect((await auth('alice', alice.password)).received).toBe('none');
    network.sharedSecret = rotated.sharedSecret;
    expect((await auth('alice', alice.password)).received).toBe('Access-Accept');
    // Only its organization's admins rotate it; another organization is told nothing.
    expect((await as(other, 'POST', url)).statusCode).toBe(404);
    expect((await as(alice, 'POST', url)).statusCode).toBe(403);
    const app = await call(admin, 'POST', `/api/v1/orgs/${admin.organization.id}/resources`, { kind: 'application', name: 'Wiki' });
    const notNetwork = await as(admin, 'POST', `/api/v1/orgs/${admin.organization.id}/resources/${app.id}/shared-secret`);
    expect(notNetwork.statusCode).toBe(422);
    expect(json(notNetwork).code).toBe('radius.not_network');
  });

  it('PRO-3: a network’s clients are addresses or CIDR ranges (IPv4 and IPv6); anything else is refused with the setting named', async () => {
    const url = `/api/v1/orgs/${admin.organization.id}/resources`;
    for (const clients of [['10.0.0.0/33'], ['not an address'], 'x', ['2001:db8::/129'], [42]]) {
      const r = await as(admin, 'POST', url, { kind: 'network', name: `Bad ${JSON.stringify(clients)}`, settings: { clients } });
      expect(r.statusCode, r.body).toBe(422);
      expect(json(r).code).toBe('radius.invalid_network_settings');
    }
    const patched = await as(admin, 'PATCH', `${url}/${network.id}`, { settings: { clients: ['127.0.0.1', '192.0.2.7', '::1'] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await auth('alice', alice.password)).received).toBe('Access-Accept');
  });

  it('PRO-3: accounting Start, Interim-Update and Stop from radclient are recorded and listed to the organization’s admins only', async () => {
    const acct = (attrs: string, secret = network.sharedSecret) => radclient([`127.0.0.1:${acctPort}`, 'acct', secret], attrs);
    const base = 'User-Name = "alice", Acct-Session-Id = "sess-0001", NAS-IP-Address = 10.1.2.3, Calling-Station-Id = "02-00-00-00-00-01"';
    expect((await acct(`${base}, Acct-Status-Type = Start`)).received).toBe('Accounting-Response');
    (t.clock as ManualClock).advance(60_000);
    expect((await acct(`${base}, Acct-Status-Type = Interim-Update, Acct-Input-Octets = 1000, Acct-Output-Octets = 2000, Acct-Session-Time = 60`)).received).toBe('Accounting-Response');
    (t.clock as ManualClock).advance(60_000);
    const stop = await acct(`${base}, Acct-Status-Type = Stop, Acct-Input-Octets = 1000, Acct-Input-Gigawords = 2, Acct-Output-Octets = 5000, Acct-Session-Time = 120, Acct-Terminate-Cause = User-Request`);
    expect(stop.received, stop.out).toBe('Accounting-Response');
    // A wrong secret: no answer, nothing recorded.
    expect((await acct('User-Name = "alice", Acct-Session-Id = "sess-forged", Acct-Status-Type = Start', 'not-the-secret')).received).toBe('none');
    expect((await acct('User-Name = "nobody-here", Acct-Session-Id = "sess-0002", Acct-Status-Type = Start')).received).toBe('Accounting-Response');

    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const listed = await call(admin, 'GET', `${orgUrl}/radius/sessions?networkId=${network.id}`);
    expect(listed.items.map((s: { acctSessionId: string }) => s.acctSessionId)).toEqual(['sess-0002', 'sess-0001']);
    const session = listed.items[1];
    expect(session).toMatchObject({ userName: 'alice', userId: alice.user.id, status: 'stopped', nasAddress: '10.1.2.3', callingStationId: '02-00-00-00-00-01', inputOctets: 2 * 2 ** 32 + 1000, outputOctets: 5000, sessionSeconds: 120, terminateCause: 1 });
    expect(Date.parse(session.stoppedAt) - Date.parse(session.startedAt)).toBe(120_000);
    expect(listed.items[0]).toMatchObject({ userName: 'nobody-here', userId: null, status: 'started' });
    const byUser = await call(admin, 'GET', `${orgUrl}/radius/sessions?userId=${alice.user.id}`);
    expect(byUser.items.map((s: { acctSessionId: string }) => s.acctSessionId)).toEqual(['sess-0001']);
    const paged = await call(admin, 'GET', `${orgUrl}/radius/sessions?limit=1`);
    expect(paged.items).toHaveLength(1);
    expect((await call(admin, 'GET', `${orgUrl}/radius/sessions?limit=1&cursor=${paged.nextCursor}`)).items[0].acctSessionId).toBe('sess-0001');
    // DIR-1: another organization's admin learns nothing; a member is no admin.
    expect((await as(other, 'GET', `${orgUrl}/radius/sessions`)).statusCode).toBe(404);
    expect((await as(alice, 'GET', `${orgUrl}/radius/sessions`)).statusCode).toBe(403);
    expect((await call(other, 'GET', `/api/v1/orgs/${other.organization.id}/radius/sessions`)).items.map((s: { acctSessionId: string }) => s.acctSessionId)).not.toContain('sess-0001');
  });

  it('PRO-3, ACC-5: once the organization requires MFA, the TOTP code goes right after the password', async () => {
    const orgUrl = `/api/v1/orgs/${admin.organization.id}`;
    const turnOnTotp = async (who: { auth: Record<string, string> }, password: string) => {
      const { secret } = await call(who, 'POST', '/api/v1/me/mfa/totp', { password });
      await call(who, 'POST', '/api/v1/me/mfa/totp/confirm', { code: totpCode(secret, t.clock) });
      return secret as string;
    };
    const secret = await turnOnTotp(alice, alice.password);
    await turnOnTotp(admin, admin.body.password);
    await call(admin, 'PATCH', orgUrl, { requireMfa: true });
    try {
      const bare = await auth('alice', alice.password);
      expect(bare.received).toBe('Access-Reject');
      expect(bare.replyMessage).toBe('Type the code from your authenticator app right after the password.');
      (t.clock as ManualClock).advance(30_000);
      const code = totpCode(secret, t.clock);
      expect((await auth('alice', `${alice.password}${code}`)).received).toBe('Access-Accept');
      // A code works once; a wrong one is refused like a wrong password.
      expect((await auth('alice', `${alice.password}${code}`)).replyMessage).toBe('Access denied.');
      expect((await auth('alice', `${alice.password}000000`)).replyMessage).toBe('Access denied.');
      // A guess at the password learns nothing about MFA.
      expect((await auth('alice', 'not the password')).replyMessage).toBe('Access denied.');
    } finally {
      await call(admin, 'PATCH', orgUrl, { requireMfa: false });
    }
  });
});

describe.each(dialects)('PRO-3, ACC-7: RADIUS rate limits on $name', (dialect) => {
  let t: TestApp;
  let hasher: ReturnType<typeof countingHasher>;
  let port: number;
  let secret: string;
  let busySecret: string;
  beforeAll(async () => {
    hasher = countingHasher();
    // A dual-stack listener: IPv4 NASes arrive as ::ffff:127.0.0.x and are matched by their IPv4 address.
    t = await startTestApp(dialect, { hasher, env: { CASTELLAN_RADIUS_HOST: '::', CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0', CASTELLAN_RADIUS_USER_RATE: '6', CASTELLAN_RADIUS_CLIENT_RATE: '3' } });
    const admin = await verifiedUser(t, {});
    const res = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${admin.organization.id}/resources`, headers: admin.auth, payload: { kind: 'network', name: 'Lab', settings: { clients: ['127.0.0.0/24', '::1/128'] } } });
    secret = json(res).sharedSecret;
    // The limit is per network (a source address proves nothing): the busy NAS has a network of its own.
    const busy = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${admin.organization.id}/resources`, headers: admin.auth, payload: { kind: 'network', name: 'Busy', settings: { clients: ['127.0.0.3'] } } });
    busySecret = json(busy).sharedSecret;
    ({ port } = await t.app.startRadius());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('PRO-3, ACC-7: past the per-user limit a request is rejected without its password being checked', async () => {
    const client = await udpClient({ bind: '127.0.0.2' });
    try {
      const messages: Array<string | undefined> = [];
      for (let i = 0; i < 3; i++) {
        const before = hasher.verifies;
        const r = await client.exchange(accessRequest('zed', 'guess', secret).bytes, port);
        messages.push(r ? first(decode(r), Attr.replyMessage)?.toString() : 'none');
        if (i === 2) expect(hasher.verifies).toBe(before);
      }
      expect(messages).toEqual(['Access denied.', 'Access denied.', 'Too many attempts; try again later.']);
    } finally {
      await client.close();
    }
  });

  it('PRO-3: an IPv6 NAS is served over IPv6, and an IPv4 one on the same dual-stack listener by its IPv4 address', async () => {
    for (const [bind, server] of [
      ['::1', '::1'],
      ['127.0.0.4', '127.0.0.1'],
    ] as const) {
      const client = await udpClient({ bind, server });
      try {
        const r = await client.exchange(accessRequest(`v${bind}`, 'guess', secret).bytes, port);
        expect(r && first(decode(r), Attr.replyMessage)?.toString(), bind).toBe('Access denied.');
      } finally {
        await client.close();
      }
    }
  });

  it('PRO-3: past the per-network limit verified requests are dropped and counted (the NAS retries or fails over)', async () => {
    const client = await udpClient({ bind: '127.0.0.3' });
    try {
      for (let i = 0; i < 12; i++) await client.send(accessRequest(`user${i}`, 'guess', busySecret).bytes, port);
      await new Promise((resolve) => setTimeout(resolve, 800));
      const answered = client.received().length;
      expect(answered).toBeGreaterThanOrEqual(6);
      expect(answered).toBeLessThan(12);
      expect(await metric(t, 'castellan_radius_dropped_total', 'reason="client_rate_limited"')).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
