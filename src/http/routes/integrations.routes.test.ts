import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../contracts/integrations.ts';
import type { Caller } from '../../core/caller.ts';
import type { ManualClock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import { type Admin, type TestApp, acceptedMember, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { type WebhookReceiver, startWebhookReceiver, verifySignature } from '../../../test/helpers/webhook-receiver.ts';

const RECIPIENT = { name: 'Acme Hooks Inc.', postalAddress: '1 Harbour Way, Portsmouth PO1 1AA, United Kingdom' };
const base = (orgId: string) => `/api/v1/orgs/${orgId}/integrations`;

/** GOV-1, GOV-5, PRV-9: integrations over the API, with webhooks delivered to a real receiver on 127.0.0.1. */
describe.each(dialects)('integrations on $name', (dialect) => {
  let t: TestApp;
  let strict: TestApp;
  let rx: WebhookReceiver;
  const clock = () => t.clock as ManualClock;
  beforeAll(async () => {
    // The operator allows private targets here (the receiver is on loopback); `strict` is the default.
    // Jobs run when the test drains them, so a delivery waits where the test wants it.
    [t, strict, rx] = await Promise.all([
      startTestApp(dialect, { env: { CASTELLAN_WEBHOOK_ALLOW_PRIVATE: 'true', CASTELLAN_JOBS_WORKER: 'false' } }),
      startTestApp(dialect, { env: { CASTELLAN_JOBS_WORKER: 'false' } }),
      startWebhookReceiver(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), strict?.close(), rx?.close()]);
  });

  const install = async (admin: Admin, body: Record<string, unknown> = {}, app: TestApp = t) =>
    app.app.http.inject({ method: 'POST', url: base(admin.organization.id), headers: admin.auth, payload: { type: 'webhook', name: 'Audit sink', recipient: RECIPIENT, settings: { url: rx.url }, ...body } });
  const installed = async (admin: Admin, body: Record<string, unknown> = {}) => {
    const res = await install(admin, body);
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  };
  const makeGroup = async (admin: Admin, name = `g${Math.random().toString(36).slice(2, 8)}`) => {
    const res = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${admin.organization.id}/groups`, headers: admin.auth, payload: { name } });
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  };
  const deliveries = async (admin: Admin, id: string) => {
    const res = await t.app.http.inject({ method: 'GET', url: `${base(admin.organization.id)}/${id}/deliveries`, headers: admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    return json(res).items as Array<Record<string, any>>;
  };

  it('GOV-5, PRV-9: the catalogue names what each integration receives; installing records the disclosure with its recipient', async () => {
    const a = await verifiedUser(t);
    const cat = await t.app.http.inject({ method: 'GET', url: '/api/v1/integrations/catalogue', headers: a.auth });
    expect(cat.statusCode).toBe(200);
    const items = json(cat).items as Array<Record<string, any>>;
    expect(items.map((i) => i.type)).toEqual(['webhook', 'oauth-app']);
    expect(items[0]?.categories).toEqual(['identifiers', 'account']);
    expect(items[1]?.categories).toEqual(['identifiers', 'contact', 'account']);
    expect(json(cat).webhookEvents).toEqual([...WEBHOOK_EVENTS]);

    const w = await installed(a, { settings: { url: rx.url, events: ['group.created', 'group.created'] } });
    expect(w).toMatchObject({ type: 'webhook', status: 'installed', recipient: RECIPIENT, categories: ['identifiers', 'account'], settings: { url: rx.url, events: ['group.created'] }, installedBy: a.user.id });
    expect(w.signingSecret).toMatch(/^whsec_[\w-]{43}$/);
    const ledger = await t.app.db.selectFrom('disclosures').selectAll().where('org_id', '=', a.organization.id).execute();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ id: w.disclosureId, recipient_kind: 'integration', recipient_name: RECIPIENT.name, recipient_address: RECIPIENT.postalAddress, reference: w.id, recorded_by: a.accountId });
    expect(JSON.parse(ledger[0]?.categories ?? '[]')).toEqual(['identifiers', 'account']);
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'details']).where('org_id', '=', a.organization.id).where('action', 'like', 'governance.%').execute();
    expect(audit.map((e) => e.action)).toEqual(['governance.integration_installed']);
    expect(audit[0]?.details).not.toContain(w.signingSecret);
  });

  it('GOV-5: a directory change is delivered signed, with its event and delivery headers, and logged; the secret is never shown again', async () => {
    const a = await verifiedUser(t);
    const w = await installed(a);
    const before = rx.received.length;
    const group = await makeGroup(a);
    await t.app.jobRunner.drain();
    expect(rx.received.length).toBe(before + 1);
    const req = rx.received.at(-1)!;
    expect(verifySignature(w.signingSecret, req.headers['castellan-signature'], req.body)).toBe(true);
    expect(verifySignature('whsec_wrong', req.headers['castellan-signature'], req.body)).toBe(false);
    expect(req.headers['castellan-event']).toBe('group.created');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ type: 'group.created', organizationId: a.organization.id, data: { groupId: group.id } });
    // Ids only: not the group's name.
    expect(req.body).not.toContain(group.name);
    const [d] = await deliveries(a, w.id);
    expect(d).toMatchObject({ id: req.headers['castellan-delivery'], eventId: body.id, eventType: 'group.created', status: 'delivered', attempts: 1, lastHttpStatus: 200, lastError: null, nextAttemptAt: null });

    const answers = await Promise.all([
      t.app.http.inject({ method: 'GET', url: base(a.organization.id), headers: a.auth }),
      t.app.http.inject({ method: 'GET', url: `${base(a.organization.id)}/${w.id}`, headers: a.auth }),
      t.app.http.inject({ method: 'GET', url: `${base(a.organization.id)}/${w.id}/deliveries`, headers: a.auth }),
    ]);
    for (const r of answers) {
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain(w.signingSecret);
    }
    expect(json(answers[0]!).items.map((i: { id: string }) => i.id)).toEqual([w.id]);
    const stored = JSON.stringify([
      await t.app.db.selectFrom('webhook_endpoints').selectAll().execute(),
      await t.app.db.selectFrom('webhook_deliveries').selectAll().execute(),
      await t.app.db.selectFrom('jobs').selectAll().execute(),
      await t.app.db.selectFrom('audit_log').selectAll().execute(),
    ]);
    expect(stored).not.toContain(w.signingSecret);
    expect(t.logs.join('\n')).not.toContain(w.signingSecret);
  });

  it('GOV-5: a 500 is retried with backoff as jobs, each attempt logged, until a 2xx; after six failed attempts the delivery fails', async () => {
    const a = await verifiedUser(t);
    const w = await installed(a);
    const start = rx.received.length;
    rx.answer(500, 503);
    await makeGroup(a);
    await t.app.jobRunner.drain();
    let [d] = await deliveries(a, w.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastHttpStatus: 500, lastError: 'the endpoint answered HTTP 500' });
    expect(Date.parse(d?.nextAttemptAt)).toBe(clock().now().getTime() + 30_000);
    // Not before the backoff is over.
    await t.app.jobRunner.drain();
    expect(rx.received.length).toBe(start + 1);
    clock().advance(40_000);
    await t.app.jobRunner.drain();
    [d] = await deliveries(a, w.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 2, lastHttpStatus: 503 });
    clock().advance(3 * 60_000);
    await t.app.jobRunner.drain();
    [d] = await deliveries(a, w.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastHttpStatus: 200, lastError: null });
    expect(rx.received.length).toBe(start + 3);
    // The same delivery each time, signed afresh.
    expect(new Set(rx.received.slice(start).map((r) => r.headers['castellan-delivery']))).toEqual(new Set([d?.id]));

    rx.answer(500, 500, 500, 500, 500, 500);
    await makeGroup(a);
    for (let i = 0; i < 6; i++) {
      await t.app.jobRunner.drain();
      clock().advance(4 * 3600_000);
    }
    await t.app.jobRunner.drain();
    [d] = await deliveries(a, w.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 6, lastHttpStatus: 500, nextAttemptAt: null });
    expect(rx.received.length).toBe(start + 9);
  });

  it('GOV-1, GOV-5: uninstalling cancels pending deliveries at once, stops new ones, and revokes the secret', async () => {
    const a = await verifiedUser(t);
    const w = await installed(a);
    const start = rx.received.length;
    await makeGroup(a);
    await makeGroup(a);
    expect((await deliveries(a, w.id)).map((d) => d.status)).toEqual(['pending', 'pending']);
    const res = await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${w.id}`, headers: a.auth });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ status: 'uninstalled', uninstalledBy: a.user.id });
    expect((await deliveries(a, w.id)).map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
    await makeGroup(a);
    await t.app.jobRunner.drain();
    expect(rx.received.length).toBe(start);
    expect(await deliveries(a, w.id)).toHaveLength(2);
    expect(await t.app.db.selectFrom('webhook_endpoints').selectAll().where('integration_id', '=', w.id).execute()).toEqual([]);
    const again = await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${w.id}`, headers: a.auth });
    expect(again.statusCode).toBe(409);
    expect(json(again).code).toBe('governance.integration_uninstalled');
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'details']).where('org_id', '=', a.organization.id).where('action', '=', 'governance.integration_uninstalled').execute();
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ cancelledDeliveries: 2 });
  });

  it('GOV-5: a delivery in flight when the integration is uninstalled is logged and never retried', async () => {
    const a = await verifiedUser(t);
    const w = await installed(a);
    const start = rx.received.length;
    rx.hold();
    await makeGroup(a);
    const draining = t.app.jobRunner.drain();
    await rx.waitFor(start + 1);
    const res = await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${w.id}`, headers: a.auth });
    expect(res.statusCode, res.body).toBe(200);
    rx.release(500);
    await draining;
    const [d] = await deliveries(a, w.id);
    expect(d).toMatchObject({ status: 'cancelled', attempts: 1, lastHttpStatus: 500, nextAttemptAt: null });
    clock().advance(3600_000);
    await t.app.jobRunner.drain();
    expect(rx.received.length).toBe(start + 1);
  });

  it('GOV-5: a rotated signing secret signs the next delivery; the old one no longer does', async () => {
    const a = await verifiedUser(t);
    const w = await installed(a);
    const res = await t.app.http.inject({ method: 'POST', url: `${base(a.organization.id)}/${w.id}/rotate-secret`, headers: a.auth });
    expect(res.statusCode, res.body).toBe(200);
    const { signingSecret } = json(res);
    expect(signingSecret).not.toBe(w.signingSecret);
    await makeGroup(a);
    await t.app.jobRunner.drain();
    const req = rx.received.at(-1)!;
    expect(verifySignature(signingSecret, req.headers['castellan-signature'], req.body)).toBe(true);
    expect(verifySignature(w.signingSecret, req.headers['castellan-signature'], req.body)).toBe(false);
  });

  it('GOV-1: only the organization’s admins install, read and uninstall; a member and an API client are refused, another organization gets 404', async () => {
    const a = await verifiedUser(t);
    const b = await verifiedUser(t);
    const w = await installed(a);
    const member = await acceptedMember(t, a);
    const byMember = await t.app.http.inject({ method: 'POST', url: base(a.organization.id), headers: member.auth, payload: { type: 'webhook', name: 'x', recipient: RECIPIENT, settings: { url: rx.url } } });
    expect(byMember.statusCode).toBe(403);
    expect((await t.app.http.inject({ method: 'GET', url: base(a.organization.id), headers: member.auth })).statusCode).toBe(403);
    expect((await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${w.id}`, headers: member.auth })).statusCode).toBe(403);
    // An API client with every scope there is still may not (no scope gives `directory.govern`).
    const client: Caller = { kind: 'client', orgId: a.organization.id, clientId: 'apc_script', scopes: ['directory:read', 'directory:write', 'audit:read'] };
    await expect(t.app.integrations.install(systemContext(), client, a.organization.id, { type: 'webhook', name: 'x', recipient: RECIPIENT, settings: { url: rx.url } })).rejects.toMatchObject({ code: 'common.forbidden' });
    await expect(t.app.integrations.uninstall(systemContext(), client, a.organization.id, w.id)).rejects.toMatchObject({ code: 'common.forbidden' });
    await expect(t.app.integrations.list(client, a.organization.id, { limit: 10 })).rejects.toMatchObject({ code: 'common.forbidden' });
    for (const [method, url] of [
      ['GET', `${base(a.organization.id)}/${w.id}`],
      ['GET', `${base(b.organization.id)}/${w.id}`],
      ['DELETE', `${base(b.organization.id)}/${w.id}`],
      ['GET', `${base(b.organization.id)}/${w.id}/deliveries`],
      ['POST', `${base(b.organization.id)}/${w.id}/rotate-secret`],
      ['DELETE', `${base(a.organization.id)}/${w.id}`],
    ] as const) {
      const r = await t.app.http.inject({ method, url, headers: b.auth });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
    }
    const still = await t.app.http.inject({ method: 'GET', url: `${base(a.organization.id)}/${w.id}`, headers: a.auth });
    expect(json(still).status).toBe('installed');
    expect(json(await t.app.http.inject({ method: 'GET', url: base(b.organization.id), headers: b.auth })).items).toEqual([]);
  });

  it('GOV-5: webhook targets inside the operator’s network, over http or with credentials are refused, and nothing is recorded', async () => {
    const a = await verifiedUser(strict);
    for (const url of [
      rx.url,
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://0.0.0.0/hook',
      'https://192.168.1.10/hook',
      'https://localhost/hook',
      'http://hooks.example.com/hook',
      'https://user:secret@hooks.example.com/hook',
    ]) {
      const res = await install(a, { settings: { url } }, strict);
      expect(res.statusCode, url).toBe(422);
      expect(json(res).code, url).toBe('governance.webhook_target_forbidden');
    }
    for (const settings of [{ url: 'not a url' }, { url: 'https://hooks.example.com/#x' }, {}, { url: 'https://hooks.example.com/', events: ['user.exploded'] }, { url: 'https://hooks.example.com/', extra: 1 }]) {
      const res = await install(a, { settings }, strict);
      expect(res.statusCode, JSON.stringify(settings)).toBe(422);
      expect(json(res).code).toBe('governance.invalid_integration');
    }
    const unknownType = await install(a, { type: 'zapier' }, strict);
    expect(json(unknownType)).toMatchObject({ code: 'governance.invalid_integration' });
    expect(await strict.app.db.selectFrom('integrations').selectAll().where('org_id', '=', a.organization.id).execute()).toEqual([]);
    expect(await strict.app.db.selectFrom('disclosures').selectAll().where('org_id', '=', a.organization.id).execute()).toEqual([]);
  });

  it('GOV-5, PRO-2: an OAuth application is installed as an OpenID Connect client and uninstalling deletes it', async () => {
    const a = await verifiedUser(t);
    const res = await install(a, { type: 'oauth-app', name: 'Wiki', settings: { redirectUris: ['https://wiki.example.com/callback'] } });
    expect(res.statusCode, res.body).toBe(201);
    const app = json(res);
    expect(app).toMatchObject({ type: 'oauth-app', categories: ['identifiers', 'contact', 'account'], settings: { redirectUris: ['https://wiki.example.com/callback'] } });
    expect(app.clientId).toMatch(/^res_/);
    expect(app.clientSecret).toMatch(/^[\w-]{43}$/);
    expect(await t.app.federation.clients.clientMetadata(app.clientId)).toBeDefined();
    const resource = `/api/v1/orgs/${a.organization.id}/resources/${app.clientId}`;
    expect((await t.app.http.inject({ method: 'GET', url: resource, headers: a.auth })).statusCode).toBe(200);
    const ledger = await t.app.db.selectFrom('disclosures').selectAll().where('reference', '=', app.id).execute();
    expect(JSON.parse(ledger[0]?.categories ?? '[]')).toEqual(['identifiers', 'contact', 'account']);
    const gone = await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${app.id}`, headers: a.auth });
    expect(gone.statusCode, gone.body).toBe(200);
    expect((await t.app.http.inject({ method: 'GET', url: resource, headers: a.auth })).statusCode).toBe(404);
    expect(await t.app.federation.clients.clientMetadata(app.clientId)).toBeUndefined();
    const bad = await install(a, { type: 'oauth-app', name: 'Bad', settings: { redirectUris: ['http://wiki.example.com/cb'] } });
    expect(bad.statusCode).toBe(422);
    expect(await t.app.db.selectFrom('integrations').selectAll().where('org_id', '=', a.organization.id).where('name', '=', 'Bad').execute()).toEqual([]);
  });
});
