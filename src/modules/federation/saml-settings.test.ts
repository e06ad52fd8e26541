import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/clock.ts';
import { type Admin, json, startTestApp, type TestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { rsaPair } from '../../../test/helpers/saml-sp.ts';

const spMetadata = (entityId: string, acs: string, certBody: string, slo?: string) =>
  `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="true"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>${slo ? `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${slo}"/>` : ''}<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${acs}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`;

/** SP metadata with several HTTP-POST ACS endpoints: [Location, index, isDefault?]. */
const indexedMetadata = (endpoints: Array<[string, string, string?]>) =>
  `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://indexed.example"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${endpoints
    .map(([location, index, isDefault]) => `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${location}" index="${index}"${isDefault ? ` isDefault="${isDefault}"` : ''}/>`)
    .join('')}</md:SPSSODescriptor></md:EntityDescriptor>`;

/** PRO-5: a SAML application's settings, checked when the resource is created or its settings replaced. */
describe.each(dialects)('SAML application settings on $name', (dialect) => {
  let t: TestApp;
  let a: Admin;
  let certPem: string;
  let certBody: string;
  let server: Server;
  let served = '';
  let metadataUrl: string;
  const base = () => `/api/v1/orgs/${a.organization.id}/resources`;
  const create = (settings: Record<string, unknown>, kind = 'application') =>
    t.app.http.inject({ method: 'POST', url: base(), headers: a.auth, payload: { kind, name: `App ${Math.random().toString(36).slice(2)}`, settings } });

  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_SAML_METADATA_ALLOW_LOOPBACK: 'true' } });
    a = await verifiedUser(t);
    certPem = (await rsaPair()).certPem;
    certBody = certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(served));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    metadataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('PRO-5: bad settings are refused with federation.invalid_saml_settings naming the field, and nothing is saved', async () => {
    const good = { protocol: 'saml', entityId: 'https://sp.example', acsUrls: ['https://sp.example/acs'] };
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ protocol: 'saml', acsUrls: ['https://sp.example/acs'] }, 'settings.entityId'],
      [{ ...good, acsUrls: [] }, 'settings.acsUrls'],
      [{ ...good, acsUrls: ['http://sp.example/acs'] }, 'settings.acsUrls[0]'],
      [{ ...good, acsUrls: ['https://sp.example/acs#x'] }, 'settings.acsUrls[0]'],
      [{ ...good, acsUrls: 'https://sp.example/acs' }, 'settings.acsUrls'],
      [{ ...good, nameIdFormat: 'transient' }, 'settings.nameIdFormat'],
      [{ ...good, spCertificate: 'not a certificate' }, 'settings.spCertificate'],
      [{ ...good, spCertificate: 42 }, 'settings.spCertificate'],
      [{ ...good, sloUrl: 'ftp://sp.example/slo' }, 'settings.sloUrl'],
      [{ ...good, attributes: { email: 'mail', phone: 'tel' } }, 'settings.attributes.phone'],
      [{ ...good, attributes: 'email' }, 'settings.attributes'],
      [{ ...good, entityId: '' }, 'settings.entityId'],
      [{ protocol: 'saml', metadataXml: '<x/>' }, 'settings.metadataXml'],
      [{ protocol: 'saml', metadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${spMetadata('https://sp.example', 'https://sp.example/acs', certBody)}` }, 'settings.metadataXml'],
      [{ protocol: 'saml', metadataXml: '<md:EntityDescriptor' }, 'settings.metadataXml'],
      [{ protocol: 'saml', metadataUrl: 'https://127.0.0.2/metadata' }, 'settings.metadataUrl'],
      [{ protocol: 'saml', metadataUrl: 'https://10.1.2.3/metadata' }, 'settings.metadataUrl'],
      [{ protocol: 'saml', metadataUrl: 'https://[fe80::1]/metadata' }, 'settings.metadataUrl'],
      [{ protocol: 'saml', metadataUrl: 'https://169.254.169.254/latest' }, 'settings.metadataUrl'],
      [{ ...good, metadataXml: 'x', metadataUrl: 'https://sp.example/m' }, 'settings.metadataUrl'],
      [{ ...good, defaultRelayState: 'http://sp.example/home' }, 'settings.defaultRelayState'],
      [{ ...good, defaultRelayState: 'javascript:alert(1)' }, 'settings.defaultRelayState'],
      [{ ...good, defaultRelayState: '/home' }, 'settings.defaultRelayState'],
      [{ ...good, defaultRelayState: 42 }, 'settings.defaultRelayState'],
      [{ ...good, defaultRelayState: `https://sp.example/${'x'.repeat(1100)}` }, 'settings.defaultRelayState'],
      [{ protocol: 'saml', metadataXml: indexedMetadata([['https://sp.example/a', '1'], ['https://sp.example/b', '1']]) }, 'settings.metadataXml'],
      [{ protocol: 'saml', metadataXml: indexedMetadata([['https://sp.example/a', 'first']]) }, 'settings.metadataXml'],
    ];
    const before = await t.app.db.selectFrom('saml_applications').select('resource_id').execute();
    for (const [settings, field] of cases) {
      const res = await create(settings);
      expect(res.statusCode, `${JSON.stringify(settings).slice(0, 120)}: ${res.body}`).toBe(422);
      expect(json(res).code).toBe('federation.invalid_saml_settings');
      expect(json(res).errors?.[0]?.field).toBe(field);
    }
    expect(await t.app.db.selectFrom('saml_applications').select('resource_id').execute()).toEqual(before);
    expect((await create(good, 'system')).statusCode).toBe(422);
  });

  it('PRO-5: settings from metadata XML, and from a metadata URL fetched once when saved', async () => {
    const xml = spMetadata('https://meta.example', 'https://meta.example/acs', certBody, 'https://meta.example/slo');
    const fromXml = await create({ protocol: 'saml', metadataXml: xml });
    expect(fromXml.statusCode, fromXml.body).toBe(201);
    const app = await t.app.federation.saml.application(json(fromXml).id);
    expect(app?.settings).toMatchObject({ entityId: 'https://meta.example', acsUrls: ['https://meta.example/acs'], certificates: [certBody], sloUrl: 'https://meta.example/slo', nameIdFormat: 'persistent' });

    served = spMetadata('https://fetched.example', 'https://fetched.example/acs', certBody);
    const fromUrl = await create({ protocol: 'saml', metadataUrl, nameIdFormat: 'email' });
    expect(fromUrl.statusCode, fromUrl.body).toBe(201);
    // The metadata was kept when saved: the service provider's server changing it later changes nothing.
    served = '';
    const fetched = await t.app.federation.saml.application(json(fromUrl).id);
    expect(fetched?.settings).toMatchObject({ entityId: 'https://fetched.example', acsUrls: ['https://fetched.example/acs'], nameIdFormat: 'email' });
    // Metadata that does not answer (or is empty) is refused when saved.
    const empty = await create({ protocol: 'saml', metadataUrl });
    expect(empty.statusCode).toBe(422);
    expect(json(empty).errors[0].field).toBe('settings.metadataUrl');
  });

  it('PRO-5: defaultRelayState (https) is kept; ACS endpoints keep the index of the metadata, the isDefault one first; without metadata, index i is the i-th URL', async () => {
    const withRelay = json(await create({ protocol: 'saml', entityId: 'https://relay.example', acsUrls: ['https://relay.example/acs', 'https://relay.example/acs2'], defaultRelayState: 'https://relay.example/home?from=castellan' }));
    const relay = await t.app.federation.saml.application(withRelay.id);
    expect(relay?.settings).toMatchObject({ defaultRelayState: 'https://relay.example/home?from=castellan', acs: [{ url: 'https://relay.example/acs', index: 0 }, { url: 'https://relay.example/acs2', index: 1 }] });
    const plain = json(await create({ protocol: 'saml', entityId: 'https://norelay.example', acsUrls: ['https://norelay.example/acs'] }));
    expect((await t.app.federation.saml.application(plain.id))?.settings.defaultRelayState).toBeNull();

    const indexed = await create({ protocol: 'saml', metadataXml: indexedMetadata([['https://indexed.example/one', '1'], ['https://indexed.example/zero', '0']]) });
    expect(indexed.statusCode, indexed.body).toBe(201);
    expect((await t.app.federation.saml.application(json(indexed).id))?.settings).toMatchObject({
      acsUrls: ['https://indexed.example/one', 'https://indexed.example/zero'],
      acs: [{ url: 'https://indexed.example/one', index: 1 }, { url: 'https://indexed.example/zero', index: 0 }],
    });
    const marked = json(await create({ protocol: 'saml', metadataXml: indexedMetadata([['https://indexed.example/one', '1'], ['https://indexed.example/two', '2', 'true']]) }));
    expect((await t.app.federation.saml.application(marked.id))?.settings.acsUrls[0]).toBe('https://indexed.example/two');
  });

  it('PRO-5: a metadata URL that drips its answer is refused at the 5-second deadline, not held open', async () => {
    const drip = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      res.write('<');
      // A byte every 500 ms: never idle long enough for a socket timeout.
      const timer = setInterval(() => res.write(' '), 500);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', () => resolve()));
    try {
      const started = Date.now();
      const res = await create({ protocol: 'saml', metadataUrl: `http://127.0.0.1:${(drip.address() as AddressInfo).port}/metadata` });
      expect(res.statusCode, res.body).toBe(422);
      expect(json(res).code).toBe('federation.invalid_saml_settings');
      expect(json(res).errors[0].field).toBe('settings.metadataUrl');
      // A bound on the refusal, not a benchmark: without a deadline the request would never end.
      expect(Date.now() - started).toBeLessThan(8000);
    } finally {
      drip.closeAllConnections();
      await new Promise((resolve) => drip.close(resolve));
    }
  }, 20_000);

  it('PRO-5: parsed settings are kept briefly per application, and a change saved on this node is seen at once', async () => {
    const xml = spMetadata('https://cached.example', 'https://cached.example/acs', certBody);
    const made = json(await create({ protocol: 'saml', metadataXml: xml }));
    const saml = t.app.federation.saml;
    const first = await saml.application(made.id);
    // The same parsed object: the metadata was not read again.
    expect((await saml.application(made.id))?.settings).toBe(first?.settings);
    const changed = spMetadata('https://cached.example', 'https://cached.example/acs-new', certBody);
    const patched = await t.app.http.inject({ method: 'PATCH', url: `${base()}/${made.id}`, headers: a.auth, payload: { settings: { protocol: 'saml', metadataXml: changed } } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await saml.application(made.id))?.settings.acsUrls).toEqual(['https://cached.example/acs-new']);
    const kept = (await saml.application(made.id))?.settings;
    (t.clock as ManualClock).advance(6000);
    const later = (await saml.application(made.id))?.settings;
    expect(later).not.toBe(kept);
    expect(later).toEqual(kept);
  });

  it('PRO-5: a resource whose settings stop being SAML stops being served; one that becomes SAML is served', async () => {
    const made = json(await create({ protocol: 'saml', entityId: 'https://switch.example', acsUrls: ['https://switch.example/acs'] }));
    expect(await t.app.federation.saml.application(made.id)).toBeDefined();
    const off = await t.app.http.inject({ method: 'PATCH', url: `${base()}/${made.id}`, headers: a.auth, payload: { settings: { note: 'plain' } } });
    expect(off.statusCode, off.body).toBe(200);
    expect(await t.app.federation.saml.application(made.id)).toBeUndefined();
    const bad = await t.app.http.inject({ method: 'PATCH', url: `${base()}/${made.id}`, headers: a.auth, payload: { settings: { protocol: 'saml', entityId: 'x' } } });
    expect(bad.statusCode).toBe(422);
    expect(await t.app.federation.saml.application(made.id)).toBeUndefined();
    const on = await t.app.http.inject({ method: 'PATCH', url: `${base()}/${made.id}`, headers: a.auth, payload: { settings: { protocol: 'saml', entityId: 'https://switch.example', acsUrls: ['https://switch.example/acs'] } } });
    expect(on.statusCode).toBe(200);
    expect((await t.app.federation.saml.application(made.id))?.settings.entityId).toBe('https://switch.example');
  });

  it('PRO-5, SEC-2: the IdP key is made once, its private key sealed at rest; pending sign-ins and replay records lapse and are swept', async () => {
    const key = await t.app.federation.saml.idpKey.current();
    expect(key.certificatePem).toContain('BEGIN CERTIFICATE');
    const rows = await t.app.db.selectFrom('saml_idp_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(rows)).not.toContain(key.privateKeyPem.split('\n')[1]);

    const made = json(await create({ protocol: 'saml', entityId: 'https://sweep.example', acsUrls: ['https://sweep.example/acs'] }));
    const saml = t.app.federation.saml;
    const id = await saml.begin(made.id, { requestId: '_r1', acsUrl: 'https://sweep.example/acs', relayState: null, forceAuthn: false });
    expect(await saml.pending(made.id, id)).toMatchObject({ requestId: '_r1' });
    expect(await saml.pending('res_other', id)).toBeUndefined();
    expect(await saml.firstSeen(made.id, '_r1', new Date(t.clock.now().getTime() + 60_000))).toBe(true);
    expect(await saml.firstSeen(made.id, '_r1', new Date(t.clock.now().getTime() + 60_000))).toBe(false);
    // The stored ids are digests: the pending id itself is nowhere in the table.
    expect(JSON.stringify(await t.app.db.selectFrom('saml_pending_requests').selectAll().execute())).not.toContain(id);
    (t.clock as ManualClock).advance(11 * 60_000);
    expect(await saml.pending(made.id, id)).toBeUndefined();
    const sweep = t.app.federation.jobHandlers.find((h) => h.kind === 'federation.oidc_sweep');
    await sweep?.run(undefined as never, undefined as never);
    expect(await t.app.db.selectFrom('saml_pending_requests').selectAll().where('resource_id', '=', made.id).execute()).toEqual([]);
    expect(await t.app.db.selectFrom('saml_seen_requests').selectAll().where('resource_id', '=', made.id).execute()).toEqual([]);
  });
});
