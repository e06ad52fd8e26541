/**
 * PRO-3 through a live listener, on each database: DIR-1 (one organization cannot crowd another's
 * networks out of the candidates for a source address), DSR-1 and DSR-5 (accounting sessions are
 * found and erased with the person, removed members' sessions go with them), the order of
 * accounting records (UDP reorders), and Proxy-State echoed in every reply. Any 127.x address on
 * loopback stands for another NAS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/helpers/databases.ts';
import { type Admin, type TestApp, acceptedMember, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { Attr, type Attribute, Code, all, attr, decode, encodeRequest, intAttr, verifyReply } from './packet.ts';
import { accessRequest, udpClient } from './udp-client.ts';

const acctRequest = (secret: string, attributes: Attribute[]) => encodeRequest(Code.accountingRequest, Math.floor(Math.random() * 256), Buffer.alloc(16), attributes, Buffer.from(secret));

describe.each(dialects)('PRO-3: RADIUS between organizations on $name', (dialect) => {
  let t: TestApp;
  let acme: Admin;
  let globex: Admin;
  let port: number;
  let acctPort: number;
  let branch: { id: string; sharedSecret: string };
  let alice: Awaited<ReturnType<typeof acceptedMember>>;
  const call = async (who: { auth: Record<string, string> }, method: string, url: string, payload?: unknown) => {
    const res = await t.app.http.inject({ method: method as 'POST', url, headers: who.auth, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.body ? json(res) : {};
  };
  const sessionsOf = (orgId: string) => t.app.db.selectFrom('radius_sessions').selectAll().where('org_id', '=', orgId).orderBy('acct_session_id').execute();

  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_RADIUS_PORT: '0', CASTELLAN_RADIUS_ACCT_PORT: '0' } });
    acme = await verifiedUser(t, { companyName: 'Acme Rockets' });
    globex = await verifiedUser(t, { companyName: 'Globex' });
    alice = await acceptedMember(t, acme, { name: 'Alice Liddell', username: 'alice' });
    const acmeUrl = `/api/v1/orgs/${acme.organization.id}`;
    branch = (await call(acme, 'POST', `${acmeUrl}/resources`, { kind: 'network', name: 'Branch office', settings: { clients: ['127.0.7.0/24'] } })) as typeof branch;
    await call(acme, 'POST', `${acmeUrl}/resources/${branch.id}/bindings`, { userId: alice.user.id });
    ({ port, acctPort } = await t.app.startRadius());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('DIR-1: another organization listing a NAS address as /32 in many networks does not crowd out the /24 of the NAS’s own organization', async () => {
    for (let i = 0; i < 12; i++) await call(globex, 'POST', `/api/v1/orgs/${globex.organization.id}/resources`, { kind: 'network', name: `Squatter ${i}`, settings: { clients: ['127.0.7.7/32', '127.0.7.0/25'] } });
    const nas = await udpClient({ bind: '127.0.7.7' });
    try {
      const req = accessRequest('alice', alice.password, branch.sharedSecret);
      const r = await nas.exchange(req.bytes, port);
      expect(r && decode(r).code).toBe(Code.accessAccept);
      expect(verifyReply(r as Buffer, req.authenticator, Buffer.from(branch.sharedSecret))).toBe(true);
      const acct = acctRequest(branch.sharedSecret, [attr(Attr.userName, 'alice'), intAttr(Attr.acctStatusType, 1), attr(Attr.acctSessionId, 'crowded-1')]);
      const a = await nas.exchange(acct, acctPort);
      expect(a && decode(a).code).toBe(Code.accountingResponse);
    } finally {
      await nas.close();
    }
    expect((await sessionsOf(acme.organization.id)).map((s) => s.acct_session_id)).toContain('crowded-1');
  });

  it('PRO-3 (RFC 2865 §5.33, RFC 2866): every Proxy-State comes back in order, in access and accounting replies; past 4096 octets the rest are left out quietly', async () => {
    const nas = await udpClient({ bind: '127.0.7.8' });
    const states = ['hop-1', 'hop-2', 'hop-3'].map((s) => ({ type: Attr.proxyState, value: Buffer.from(s) }));
    try {
      for (const password of [alice.password, 'wrong']) {
        const r = await nas.exchange(accessRequest('alice', password, branch.sharedSecret, { extra: states }).bytes, port);
        expect(r).not.toBeNull();
        expect(all(decode(r as Buffer), Attr.proxyState).map((v) => v.toString())).toEqual(['hop-1', 'hop-2', 'hop-3']);
      }
      const acct = acctRequest(branch.sharedSecret, [attr(Attr.userName, 'alice'), intAttr(Attr.acctStatusType, 1), attr(Attr.acctSessionId, 'proxied-1'), ...states]);
      const a = await nas.exchange(acct, acctPort);
      expect(a && decode(a).code).toBe(Code.accountingResponse);
      expect(all(decode(a as Buffer), Attr.proxyState).map((v) => v.toString())).toEqual(['hop-1', 'hop-2', 'hop-3']);
      // A request of 4096 octets, most of them Proxy-State, whose reject (with its EAP-Failure) would be longer: the last Proxy-State is left out.
      const big = [...Array.from({ length: 15 }, (_, i) => ({ type: Attr.proxyState, value: Buffer.alloc(253, 65 + i) })), { type: Attr.proxyState, value: Buffer.alloc(225, 90) }];
      const eap = encodeRequest(Code.accessRequest, 7, Buffer.alloc(16, 1), [{ type: Attr.eapMessage, value: Buffer.from([2, 1, 0, 4]) }, ...big], Buffer.from(branch.sharedSecret));
      expect(eap.length).toBe(4096);
      const logged = t.logs.length;
      const r = await nas.exchange(eap, port);
      expect(r).not.toBeNull();
      expect(decode(r as Buffer).code).toBe(Code.accessReject);
      expect((r as Buffer).length).toBeLessThanOrEqual(4096);
      const echoed = all(decode(r as Buffer), Attr.proxyState);
      expect(echoed.map((v) => v[0])).toEqual(big.slice(0, 15).map((b) => b.value[0]));
      expect(t.logs.slice(logged).join('\n')).not.toMatch(/"level":50/);
    } finally {
      await nas.close();
    }
  });

  it('PRO-3: an Interim-Update that arrives after the Stop leaves the session stopped, and counters never go back', async () => {
    const nas = await udpClient({ bind: '127.0.7.9' });
    const send = async (statusType: number, octets: number, seconds: number) => {
      const extra = [intAttr(Attr.acctInputOctets, octets), intAttr(Attr.acctOutputOctets, octets * 2), intAttr(Attr.acctSessionTime, seconds), ...(statusType === 2 ? [intAttr(Attr.acctTerminateCause, 1)] : [])];
      const r = await nas.exchange(acctRequest(branch.sharedSecret, [attr(Attr.userName, 'alice'), intAttr(Attr.acctStatusType, statusType), attr(Attr.acctSessionId, 'reordered-1'), ...extra]), acctPort);
      expect(r && decode(r).code).toBe(Code.accountingResponse);
    };
    try {
      await send(1, 0, 0);
      await send(2, 5000, 300);
      await send(3, 1000, 60);
    } finally {
      await nas.close();
    }
    const row = (await sessionsOf(acme.organization.id)).find((s) => s.acct_session_id === 'reordered-1');
    expect(row).toMatchObject({ status: 'stopped' });
    expect([Number(row?.input_octets), Number(row?.output_octets), Number(row?.session_time), Number(row?.terminate_cause)]).toEqual([5000, 10000, 300, 1]);
    expect(row?.stopped_at).not.toBeNull();
  });

  it('DSR-1, DSR-5: sessions whose User-Name resolved to no member are found and erased by the person’s email or username, case-insensitively, in their organizations only', async () => {
    const bea = await acceptedMember(t, acme, { name: 'Bea Arthur', username: 'bea' });
    // Another organization's NAS reports a "bea" of its own: not this person.
    const lab = (await call(globex, 'POST', `/api/v1/orgs/${globex.organization.id}/resources`, { kind: 'network', name: 'Globex lab', settings: { clients: ['127.0.8.1'] } })) as typeof branch;
    const nas = await udpClient({ bind: '127.0.7.10' });
    const theirs = await udpClient({ bind: '127.0.8.1' });
    try {
      const g = await theirs.exchange(acctRequest(lab.sharedSecret, [attr(Attr.userName, 'bea'), intAttr(Attr.acctStatusType, 1), attr(Attr.acctSessionId, 'globex-bea-1')]), acctPort);
      expect(g && decode(g).code).toBe(Code.accountingResponse);
      for (const [userName, id] of [
        ['BEA', 'unresolved-1'],
        [bea.email.toUpperCase(), 'unresolved-2'],
        ['bea', 'resolved-1'],
        ['beatrice', 'someone-else-1'],
      ] as const) {
        const r = await nas.exchange(acctRequest(branch.sharedSecret, [attr(Attr.userName, userName), intAttr(Attr.acctStatusType, 1), attr(Attr.acctSessionId, id)]), acctPort);
        expect(r && decode(r).code).toBe(Code.accountingResponse);
      }
    } finally {
      await nas.close();
      await theirs.close();
    }
    // A record kept before the member was resolved (or by a NAS that sent another spelling) names nobody.
    await t.app.db.updateTable('radius_sessions').set({ membership_id: null }).where('org_id', '=', acme.organization.id).where('acct_session_id', 'in', ['unresolved-1', 'unresolved-2']).execute();
    const subject = await t.app.rights.subjectOf({ email: bea.email });
    const exported = await t.app.rights.registry.exportAll(subject);
    const found = (exported.modules.radius?.radius_sessions ?? []).map((s) => String(s.acct_session_id)).sort();
    expect(found).toEqual(['resolved-1', 'unresolved-1', 'unresolved-2']);
    await t.app.rights.registry.eraseAll(subject, { basis: 'deletion_request', reference: null });
    const left = (await sessionsOf(acme.organization.id)).map((s) => s.acct_session_id);
    for (const id of ['unresolved-1', 'unresolved-2', 'resolved-1']) expect(left).not.toContain(id);
    expect(left).toContain('someone-else-1');
    expect((await sessionsOf(globex.organization.id)).map((s) => s.acct_session_id)).toContain('globex-bea-1');
  });

  it('DSR-6: once an organization is erased, this node no longer answers for its networks', async () => {
    const initech = await verifiedUser(t, { companyName: 'Initech' });
    const peter = await acceptedMember(t, initech, { username: 'peter' });
    const orgUrl = `/api/v1/orgs/${initech.organization.id}`;
    const lan = (await call(initech, 'POST', `${orgUrl}/resources`, { kind: 'network', name: 'LAN', settings: { clients: ['127.0.9.1'] } })) as typeof branch;
    await call(initech, 'POST', `${orgUrl}/resources/${lan.id}/bindings`, { userId: peter.user.id });
    const nas = await udpClient({ bind: '127.0.9.1' });
    try {
      const before = await nas.exchange(accessRequest('peter', peter.password, lan.sharedSecret).bytes, port);
      expect(before && decode(before).code).toBe(Code.accessAccept);
      await t.app.rights.registry.eraseOrganization(initech.organization.id);
      expect(await nas.exchange(accessRequest('peter', peter.password, lan.sharedSecret).bytes, port, 500)).toBeNull();
    } finally {
      await nas.close();
    }
  });

  it('PRO-3: Gigawords of 2^31 are kept clamped to 2^53 - 1 on this database', async () => {
    const nas = await udpClient({ bind: '127.0.7.12' });
    try {
      const r = await nas.exchange(acctRequest(branch.sharedSecret, [attr(Attr.userName, 'alice'), intAttr(Attr.acctStatusType, 3), attr(Attr.acctSessionId, 'giga-1'), intAttr(Attr.acctInputGigawords, 2 ** 31), intAttr(Attr.acctTerminateCause, 2 ** 32 - 1)]), acctPort);
      expect(r && decode(r).code).toBe(Code.accountingResponse);
    } finally {
      await nas.close();
    }
    const row = (await sessionsOf(acme.organization.id)).find((s) => s.acct_session_id === 'giga-1');
    expect(Number(row?.input_octets)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('DSR-5: removing a member deletes their accounting sessions; suspending keeps them', async () => {
    const carl = await acceptedMember(t, acme, { name: 'Carl Sagan', username: 'carl' });
    const nas = await udpClient({ bind: '127.0.7.11' });
    try {
      const r = await nas.exchange(acctRequest(branch.sharedSecret, [attr(Attr.userName, 'carl'), intAttr(Attr.acctStatusType, 1), attr(Attr.acctSessionId, 'carl-1')]), acctPort);
      expect(r && decode(r).code).toBe(Code.accountingResponse);
    } finally {
      await nas.close();
    }
    const ofCarl = async () => (await sessionsOf(acme.organization.id)).filter((s) => s.acct_session_id === 'carl-1');
    expect((await ofCarl())[0]?.membership_id).toBe(carl.user.id);
    const userUrl = `/api/v1/orgs/${acme.organization.id}/users/${carl.user.id}`;
    await call(acme, 'POST', `${userUrl}/suspend`);
    expect(await ofCarl()).toHaveLength(1);
    await call(acme, 'DELETE', userUrl);
    expect(await ofCarl()).toHaveLength(0);
  });
});
