import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../contracts/integrations.ts';
import type { Caller } from '../../core/caller.ts';
import type { ManualClock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import { type Admin, type TestApp, acceptedMember, json, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { type WebhookReceiver, startWebhookReceiver, verifySignature } from '../../../test/helpers/webhook-receiver.ts';
import { sql } from 'kysely';
import { createWebhookFanout } from '../../modules/governance/webhooks.events.ts';
import { createIntegrationsPersonalData } from '../../modules/governance/index.ts';
import type { DataSubject } from '../../modules/rights/index.ts';
import type { Jobs } from '../../modules/jobs/index.ts';
import type { Executor } from '../../db/schema.ts';

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

  it('GOV-5: a webhook that cannot be fanned out never rolls back the directory change it reports', async () => {
    const a = await verifiedUser(t);
    const w = await installed(a);
    const good = await installed(a, { name: 'Second sink' });
    // A stored events list that cannot be read: the change is saved, that endpoint hears nothing, the other one does.
    await t.app.db.updateTable('webhook_endpoints').set({ events: '{not json' }).where('integration_id', '=', w.id).execute();
    const group = await makeGroup(a);
    expect(await t.app.db.selectFrom('groups').select('id').where('id', '=', group.id).executeTakeFirst()).toBeDefined();
    expect(await deliveries(a, w.id)).toEqual([]);
    expect((await deliveries(a, good.id)).map((d) => d.eventType)).toEqual(['group.created']);
    const member = await acceptedMember(t, a);
    const suspended = await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/users/${member.user.id}/suspend`, headers: a.auth });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect((await deliveries(a, good.id)).map((d) => d.eventType)).toContain('user.suspended');

    // A statement that fails inside the fan-out (here, queuing the job) is rolled back to its savepoint:
    // the transaction goes on (on PostgreSQL it is not left aborted) and commits the change.
    const failing = createWebhookFanout({
      clock: t.clock,
      jobs: {
        enqueue: async (trx: Executor) => {
          await sql`SELECT * FROM no_such_table`.execute(trx);
          return { id: '', created: true };
        },
      } as unknown as Jobs,
    });
    const marker = '2001-01-01T00:00:00.000Z';
    await t.app.db.transaction().execute(async (trx) => {
      await failing.recorded(trx, systemContext(), { action: 'directory.group_created', orgId: a.organization.id, target: { type: 'group', id: 'grp_fanout_failed' } });
      await trx.updateTable('webhook_endpoints').set({ secret_rotated_at: marker }).where('integration_id', '=', good.id).execute();
    });
    const ep = await t.app.db.selectFrom('webhook_endpoints').select('secret_rotated_at').where('integration_id', '=', good.id).executeTakeFirst();
    expect(ep?.secret_rotated_at).toBe(marker);
    const lost = await t.app.db.selectFrom('webhook_deliveries').select('id').where('org_id', '=', a.organization.id).where('payload', 'like', '%grp_fanout_failed%').execute();
    expect(lost).toEqual([]);
    // What was queued goes out now, not in the tests after this one.
    await t.app.jobRunner.drain();
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
    // GOV-1: the application is changed only through the integration: not through the resources API,
    // whoever asks (an admin there, an API client with directory:write, a SCIM token alike).
    for (const [method, url, payload] of [
      ['PATCH', resource, { name: 'Renamed' }],
      ['PATCH', resource, { settings: { protocol: 'oidc', redirectUris: ['https://evil.example.com/cb'], grantTypes: ['authorization_code'] } }],
      ['DELETE', resource, undefined],
      ['POST', `${resource}/client-secret`, undefined],
    ] as const) {
      const r = await t.app.http.inject({ method, url, headers: a.auth, ...(payload ? { payload } : {}) });
      expect(r.statusCode, `${method} ${url} ${r.body}`).toBe(409);
      expect(json(r).code).toBe('governance.integration_owned');
    }
    const client: Caller = { kind: 'client', orgId: a.organization.id, clientId: 'apc_script', scopes: ['directory:read', 'directory:write'] };
    await expect(t.app.directory.resources.update(systemContext(), client, a.organization.id, app.clientId, { name: 'Renamed' })).rejects.toMatchObject({ code: 'governance.integration_owned' });
    await expect(t.app.directory.resources.remove(systemContext(), client, a.organization.id, app.clientId)).rejects.toMatchObject({ code: 'governance.integration_owned' });
    await expect(t.app.federation.clients.rotateSecret(systemContext(), client, a.organization.id, app.clientId)).rejects.toMatchObject({ code: 'governance.integration_owned' });
    // Still the application that was installed, with its secret.
    expect(json(await t.app.http.inject({ method: 'GET', url: resource, headers: a.auth })).name).toBe('Wiki');
    expect(await t.app.federation.clients.clientMetadata(app.clientId)).toMatchObject({ client_secret: app.clientSecret });
    const gone = await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${app.id}`, headers: a.auth });
    expect(gone.statusCode, gone.body).toBe(200);
    expect((await t.app.http.inject({ method: 'GET', url: resource, headers: a.auth })).statusCode).toBe(404);
    expect(await t.app.federation.clients.clientMetadata(app.clientId)).toBeUndefined();
    const bad = await install(a, { type: 'oauth-app', name: 'Bad', settings: { redirectUris: ['http://wiki.example.com/cb'] } });
    expect(bad.statusCode).toBe(422);
    expect(await t.app.db.selectFrom('integrations').selectAll().where('org_id', '=', a.organization.id).where('name', '=', 'Bad').execute()).toEqual([]);
  });
  it('GOV-5: installs at once cannot pass the limit of 50 together', async () => {
    const a = await verifiedUser(t);
    const now = clock().now().toISOString();
    await t.app.db
      .insertInto('integrations')
      .values(
        Array.from({ length: 48 }, (_, i) => ({
          id: `int_limit_${a.organization.id}_${i}`,
          org_id: a.organization.id,
          type: 'webhook',
          name: `w${i}`,
          settings: '{}',
          recipient_name: RECIPIENT.name,
          recipient_address: RECIPIENT.postalAddress,
          categories: '[]',
          status: 'installed' as const,
          installed_by: null,
          installed_at: now,
          uninstalled_by: null,
          uninstalled_at: null,
          disclosure_id: null,
          resource_id: null,
        })),
      )
      .execute();
    const answers = await Promise.all([install(a), install(a), install(a), install(a)]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 201, 403, 403]);
    expect(json(answers.find((r) => r.statusCode === 403)!).code).toBe('governance.integration_limit_reached');
    const n = await t.app.db.selectFrom('integrations').select('id').where('org_id', '=', a.organization.id).where('status', '=', 'installed').execute();
    expect(n).toHaveLength(50);
  });

  it('GOV-5: an attempt cut short by a stopping node records nothing on the delivery and is tried again', async () => {
    const a = await verifiedUser(t);
    const w = await installed(a);
    await makeGroup(a);
    const [d] = await deliveries(a, w.id);
    const handler = t.app.integrations.jobHandlers.find((h) => h.kind === 'governance.webhook_delivery')!;
    const stopping = new AbortController();
    stopping.abort();
    const job = { id: 'job_x', kind: handler.kind, payload: { orgId: a.organization.id, deliveryId: d?.id }, attempts: 1, maxAttempts: 10, dedupeKey: null, runAt: '', createdAt: '' };
    await expect(handler.run(job as never, { nodeId: 'n', signal: stopping.signal, heartbeat: async () => {} })).rejects.toBeDefined();
    expect((await deliveries(a, w.id))[0]).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    await t.app.jobRunner.drain();
    expect((await deliveries(a, w.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('GOV-5, DSR-1, DSR-5: deliveries keep no payload once finished, a person’s erasure deletes those naming them, and finished ones go after 30 days', async () => {
    // Last in this file: it moves the clock a month on.
    const a = await verifiedUser(t);
    const w = await installed(a);
    await makeGroup(a);
    await t.app.jobRunner.drain();
    const finished = await t.app.db.selectFrom('webhook_deliveries').select(['status', 'payload']).where('integration_id', '=', w.id).execute();
    expect(finished).toEqual([{ status: 'delivered', payload: '' }]);
    // No dedupe key: the delivery's job row is pruned like any other.
    expect(await t.app.db.selectFrom('jobs').select('id').where('kind', '=', 'governance.webhook_delivery').where('dedupe_key', 'is not', null).execute()).toEqual([]);

    const member = await acceptedMember(t, a);
    const handler = createIntegrationsPersonalData(t.app.db);
    const subject: DataSubject = { accountId: null, email: null, membershipIds: [member.user.id], names: [] } as unknown as DataSubject;
    const exported = await handler.export(subject);
    expect(exported.webhook_deliveries?.length).toBeGreaterThan(0);
    expect(exported.webhook_deliveries?.every((d) => String(d.payload).includes(member.user.id))).toBe(true);
    const erased = await handler.erase(subject, { basis: 'deletion_request', reference: null });
    expect(erased.webhook_deliveries?.deleted).toBe(exported.webhook_deliveries?.length);
    expect(await t.app.db.selectFrom('webhook_deliveries').select('id').where('payload', 'like', `%${member.user.id}%`).execute()).toEqual([]);
    // Another person's deliveries stay.
    expect(await t.app.db.selectFrom('webhook_deliveries').select('id').where('integration_id', '=', w.id).execute()).toHaveLength(1);

    clock().advance(31 * 86_400_000);
    await t.app.jobRunner.drain();
    expect(await t.app.db.selectFrom('webhook_deliveries').select('id').where('integration_id', '=', w.id).execute()).toEqual([]);
  });
});
