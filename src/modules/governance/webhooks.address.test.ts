import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { addressAllowed, checkWebhookTarget, checkWebhookUrl, type Lookup } from './webhooks.address.ts';
import { eventData, parseEvents } from './webhooks.events.ts';
import { postWebhook, signatureHeader } from './webhooks.send.ts';
import { startWebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';

/** A resolver that answers these addresses for every name (DNS rebinding: a public name answering an internal address). */
const resolvesTo =
  (...addresses: string[]): Lookup =>
  (_host, _opts, cb) =>
    cb(null, addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('GOV-5: webhook targets and server-side request forgery', () => {
  it('GOV-5: loopback, private, CGNAT, link-local, metadata, multicast, reserved and mapped addresses are refused; public ones pass', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.0.9',
      '0.0.0.0',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.0.1',
      '100.64.0.1',
      '169.254.169.254',
      '224.0.0.1',
      '255.255.255.255',
      '240.0.0.1',
      '198.18.0.1',
      '::',
      '::1',
      '[::1]',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2002:7f00:1::',
      'not-an-address',
    ]) {
      expect(addressAllowed(a, false), a).toBe(false);
    }
    for (const a of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect(addressAllowed(a, false), a).toBe(true);
    // The operator's setting allows everything (tests deliver to 127.0.0.1).
    expect(addressAllowed('127.0.0.1', true)).toBe(true);
  });

  it('GOV-5: a URL must be https, without credentials or fragment, and not name an internal address or a local host', () => {
    const forbidden = [
      'http://hooks.example.com/',
      'ftp://hooks.example.com/',
      'https://user:pw@hooks.example.com/',
      'https://user@hooks.example.com/',
      'https://127.0.0.1/',
      'https://2130706433/',
      'https://0x7f.0.0.1/',
      'https://[::1]:8443/',
      'https://[::ffff:169.254.169.254]/',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.8/',
      'https://localhost/',
      'https://api.localhost/',
      'https://intranet/',
    ];
    for (const url of forbidden) expect(codeOf(() => checkWebhookUrl(url, false)), url).toBe('governance.webhook_target_forbidden');
    for (const url of ['', 'nope', 'https://hooks.example.com/#frag', 42, 'https://x.example.com/' + 'a'.repeat(2000)]) {
      expect(codeOf(() => checkWebhookUrl(url, false)), String(url)).toBe('governance.invalid_integration');
    }
    expect(checkWebhookUrl('https://hooks.example.com/in?x=1', false).href).toBe('https://hooks.example.com/in?x=1');
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', true).hostname).toBe('127.0.0.1');
  });

  it('GOV-5: at installation the name is resolved and refused if any of its addresses is internal', async () => {
    await expect(checkWebhookTarget('https://hooks.example.com/', false, resolvesTo('93.184.215.14'))).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('https://hooks.example.com/', false, resolvesTo('93.184.215.14', '10.0.0.1'))).rejects.toMatchObject({ code: 'governance.webhook_target_forbidden' });
    await expect(checkWebhookTarget('https://hooks.example.com/', false, resolvesTo('::ffff:127.0.0.1'))).rejects.toMatchObject({ code: 'governance.webhook_target_forbidden' });
    const nxdomain: Lookup = (_h, _o, cb) => cb(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []);
    await expect(checkWebhookTarget('https://nowhere.example.com/', false, nxdomain)).rejects.toMatchObject({ code: 'governance.invalid_integration' });
  });

  it('GOV-5: at each delivery the address connected to is checked again, so a name that now answers loopback is refused without a connection', async () => {
    const attempt = (url: string, resolve?: Lookup) =>
      postWebhook({ url, body: '{}', secret: 's', eventType: 'user.created', deliveryId: 'whd_1', timestamp: 1, allowPrivate: false, timeoutMs: 2000, ...(resolve ? { resolve } : {}) });
    await expect(attempt('https://hooks.example.com/', resolvesTo('127.0.0.1'))).resolves.toMatchObject({ status: null, forbidden: true });
    await expect(attempt('https://hooks.example.com/', resolvesTo('169.254.169.254'))).resolves.toMatchObject({ forbidden: true });
    await expect(attempt('https://127.0.0.1:1/')).resolves.toMatchObject({ forbidden: true });
    await expect(attempt('http://hooks.example.com/', resolvesTo('93.184.215.14'))).resolves.toMatchObject({ forbidden: true });
  });

  it('GOV-5: a 2xx is delivered when its status line arrives, even if its body then stalls past the deadline', async () => {
    const rx = await startWebhookReceiver();
    try {
      rx.stallBody();
      const r = await postWebhook({ url: rx.url, body: '{}', secret: 's', eventType: 'user.created', deliveryId: 'whd_1', timestamp: 1, allowPrivate: true, timeoutMs: 3000 });
      expect(r).toEqual({ status: 200, error: null, forbidden: false });
    } finally {
      await rx.close();
    }
  });

  it('GOV-5: an endpoint whose events list cannot be read takes no event, and never throws', () => {
    expect(parseEvents('{not json')).toEqual([]);
    expect(parseEvents('{"a":1}')).toEqual([]);
    expect(parseEvents('["user.created",3]')).toEqual(['user.created']);
  });

  it('GOV-5: the signature is t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    // HMAC-SHA256 with key "key" of "1700000000.{}", computed with `openssl dgst -sha256 -hmac key`.
    expect(signatureHeader('key', 1700000000, '{}')).toBe('t=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae');
    expect(signatureHeader('key', 1700000000, '{}')).not.toBe(signatureHeader('key', 1700000001, '{}'));
    expect(signatureHeader('key', 1700000000, '{}')).not.toBe(signatureHeader('other', 1700000000, '{}'));
  });

  it('GOV-5: an event carries ids and changed field names, never values; other audit entries are no event', () => {
    expect(eventData({ action: 'directory.user_updated', orgId: 'org_1', target: { type: 'user', id: 'usr_1' }, details: { fields: ['name', 'email'], name: 'Ada' } })).toEqual({ userId: 'usr_1', fields: ['name', 'email'] });
    expect(eventData({ action: 'directory.user_suspended', orgId: 'org_1', target: { type: 'user', id: 'usr_1' }, details: { email: 'a@example.com' } })).toEqual({ userId: 'usr_1' });
    expect(eventData({ action: 'directory.member_added', orgId: 'org_1', target: { type: 'group', id: 'grp_1' }, details: { userId: 'usr_2' } })).toEqual({ groupId: 'grp_1', userId: 'usr_2', change: 'added' });
    expect(eventData({ action: 'directory.group_created', orgId: 'org_1', target: { type: 'group', id: 'grp_1' }, details: { name: 'Engineers' } })).toEqual({ groupId: 'grp_1' });
    expect(eventData({ action: 'directory.invitation_accepted', orgId: 'org_1', target: { type: 'user', id: 'usr_1' } })).toEqual({ userId: 'usr_1', fields: ['status'] });
    expect(eventData({ action: 'directory.resource_created', orgId: 'org_1', target: { type: 'resource', id: 'res_1' } })).toBeUndefined();
    expect(eventData({ action: 'account.password_changed', target: { type: 'account', id: 'acc_1' } })).toBeUndefined();
  });
});
