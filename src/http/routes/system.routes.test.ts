import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, json, startTestApp } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { createJobs } from '../../modules/jobs/index.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123';

describe.each(dialects)('system routes on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { env: { CASTELLAN_METRICS_TOKEN: METRICS_TOKEN } });
  });
  afterAll(() => t.close());

  it('GET /healthz answers {"status":"ok"}', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"status":"ok"}');
  });

  it('GET /openapi.json lists every route with its schemas', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = json(res);
    expect(doc.openapi).toMatch(/^3\./);
    const expected: Array<[string, string]> = [
      ['post', '/api/v1/signup'],
      ['post', '/api/v1/email-verification'],
      ['post', '/api/v1/email-verification/resend'],
      ['post', '/api/v1/sessions'],
      ['delete', '/api/v1/sessions/current'],
      ['get', '/api/v1/session'],
      ['get', '/api/v1/me'],
      ['patch', '/api/v1/me'],
      ['post', '/api/v1/password-resets'],
      ['post', '/api/v1/password-resets/confirm'],
      ['post', '/api/v1/me/password'],
      ['post', '/api/v1/me/reauth'],
      ['get', '/api/v1/me/email'],
      ['post', '/api/v1/me/email'],
      ['post', '/api/v1/email-changes/confirm'],
      ['get', '/api/v1/me/sessions'],
      ['get', '/api/v1/me/applications'],
      ['delete', '/api/v1/me/sessions/{sessionId}'],
      ['get', '/api/v1/me/mfa'],
      ['post', '/api/v1/me/mfa/totp'],
      ['post', '/api/v1/me/mfa/totp/confirm'],
      ['post', '/api/v1/me/mfa/totp/disable'],
      ['post', '/api/v1/me/mfa/recovery-codes'],
      ['get', '/api/v1/orgs/{orgId}/audit'],
      ['get', '/api/v1/orgs/{orgId}/audit.csv'],
      ['get', '/api/v1/staff/audit'],
      ['get', '/api/v1/staff/audit.csv'],
      ['post', '/api/v1/orgs/{orgId}/users'],
      ['get', '/api/v1/orgs/{orgId}/users'],
      ['get', '/api/v1/orgs/{orgId}/users/{userId}'],
      ['patch', '/api/v1/orgs/{orgId}/users/{userId}'],
      ['delete', '/api/v1/orgs/{orgId}/users/{userId}'],
      ['get', '/api/v1/orgs/{orgId}/users/{userId}/groups'],
      ['post', '/api/v1/orgs/{orgId}/users/{userId}/suspend'],
      ['post', '/api/v1/orgs/{orgId}/users/{userId}/reactivate'],
      ['post', '/api/v1/invitations/accept'],
      ['post', '/api/v1/orgs/{orgId}/users/{userId}/invitation'],
      ['delete', '/api/v1/orgs/{orgId}/users/{userId}/invitation'],
      ['get', '/api/v1/invitations/{token}'],
      ['post', '/api/v1/invitations/{token}/accept'],
      ['get', '/api/v1/me/invitations'],
      ['post', '/api/v1/me/invitations/{membershipId}/accept'],
      ['post', '/api/v1/orgs'],
      ['get', '/api/v1/orgs/{orgId}'],
      ['patch', '/api/v1/orgs/{orgId}'],
      ['post', '/api/v1/orgs/{orgId}/deletion'],
      ['get', '/api/v1/orgs/{orgId}/deletion'],
      ['delete', '/api/v1/orgs/{orgId}/deletion'],
      ['post', '/api/v1/orgs/{orgId}/users/import'],
      ['get', '/api/v1/orgs/{orgId}/users/export'],
      ['get', '/api/v1/orgs/{orgId}/access'],
      ['get', '/api/v1/orgs/{orgId}/users/{userId}/access'],
      ['get', '/api/v1/orgs/{orgId}/resources/{resourceId}/access'],
      ['patch', '/api/v1/staff/orgs/{orgId}/plan'],
      ['get', '/api/v1/staff/orgs'],
      ['post', '/api/v1/orgs/{orgId}/groups'],
      ['get', '/api/v1/orgs/{orgId}/groups'],
      ['get', '/api/v1/orgs/{orgId}/groups/{groupId}'],
      ['patch', '/api/v1/orgs/{orgId}/groups/{groupId}'],
      ['delete', '/api/v1/orgs/{orgId}/groups/{groupId}'],
      ['get', '/api/v1/orgs/{orgId}/groups/{groupId}/members'],
      ['post', '/api/v1/orgs/{orgId}/groups/{groupId}/members'],
      ['delete', '/api/v1/orgs/{orgId}/groups/{groupId}/members/{userId}'],
      ['post', '/api/v1/orgs/{orgId}/resources'],
      ['get', '/api/v1/orgs/{orgId}/resources'],
      ['get', '/api/v1/orgs/{orgId}/resources/{resourceId}'],
      ['patch', '/api/v1/orgs/{orgId}/resources/{resourceId}'],
      ['delete', '/api/v1/orgs/{orgId}/resources/{resourceId}'],
      ['get', '/api/v1/orgs/{orgId}/resources/{resourceId}/bindings'],
      ['post', '/api/v1/orgs/{orgId}/resources/{resourceId}/bindings'],
      ['delete', '/api/v1/orgs/{orgId}/resources/{resourceId}/bindings/{bindingId}'],
      ['post', '/api/v1/orgs/{orgId}/resources/{resourceId}/client-secret'],
      ['post', '/api/v1/orgs/{orgId}/resources/{resourceId}/service-accounts'],
      ['get', '/api/v1/orgs/{orgId}/resources/{resourceId}/service-accounts'],
      ['delete', '/api/v1/orgs/{orgId}/resources/{resourceId}/service-accounts/{serviceAccountId}'],
      ['get', '/api/v1/orgs/{orgId}/ldap'],
      ['get', '/api/v1/orgs/{orgId}/ldap/ca.pem'],
      ['post', '/api/v1/orgs/{orgId}/api-clients'],
      ['get', '/api/v1/orgs/{orgId}/api-clients'],
      ['delete', '/api/v1/orgs/{orgId}/api-clients/{clientId}'],
      ['get', '/api/v1/integrations/catalogue'],
      ['get', '/api/v1/orgs/{orgId}/integrations'],
      ['post', '/api/v1/orgs/{orgId}/integrations'],
      ['get', '/api/v1/orgs/{orgId}/integrations/{integrationId}'],
      ['delete', '/api/v1/orgs/{orgId}/integrations/{integrationId}'],
      ['get', '/api/v1/orgs/{orgId}/integrations/{integrationId}/deliveries'],
      ['post', '/api/v1/orgs/{orgId}/integrations/{integrationId}/rotate-secret'],
      ['post', '/api/v1/orgs/{orgId}/scim/tokens'],
      ['get', '/api/v1/orgs/{orgId}/scim/tokens'],
      ['delete', '/api/v1/orgs/{orgId}/scim/tokens/{tokenId}'],
      ['post', '/api/v1/orgs/{orgId}/domains'],
      ['get', '/api/v1/orgs/{orgId}/domains'],
      ['get', '/api/v1/orgs/{orgId}/domains/{domainId}'],
      ['delete', '/api/v1/orgs/{orgId}/domains/{domainId}'],
      ['post', '/api/v1/orgs/{orgId}/domains/{domainId}/verify'],
      ['get', '/api/v1/orgs/{orgId}/domains/{domainId}/accounts'],
      ['post', '/api/v1/orgs/{orgId}/domains/{domainId}/claim'],
      ['get', '/api/v1/me/notices'],
      ['post', '/api/v1/me/notices/{noticeId}/read'],
      ['get', '/api/v1/orgs/{orgId}/email-change-requests'],
      ['get', '/api/v1/orgs/{orgId}/email-change-requests/{requestId}'],
      ['post', '/api/v1/orgs/{orgId}/email-change-requests/{requestId}/approve'],
      ['post', '/api/v1/orgs/{orgId}/email-change-requests/{requestId}/deny'],
      ['delete', '/api/v1/me/email-change-request'],
      ['post', '/api/v1/orgs/{orgId}/resources/{resourceId}/shared-secret'],
      ['get', '/api/v1/orgs/{orgId}/radius/sessions'],
      ['get', '/api/v1/consent'],
      ['post', '/api/v1/consent'],
      ['get', '/api/v1/consent/history'],
      ['post', '/api/v1/analytics/events'],
      ['get', '/.well-known/gpc.json'],
      ['get', '/api/v1/staff/privacy/disclosures'],
      ['post', '/api/v1/staff/privacy/disclosures'],
      ['get', '/api/v1/staff/privacy/disclosures/{disclosureId}'],
      ['post', '/api/v1/privacy/requests'],
      ['get', '/api/v1/privacy/requests/{requestId}'],
      ['get', '/api/v1/staff/privacy/requests'],
      ['post', '/api/v1/staff/privacy/requests'],
      ['post', '/api/v1/staff/privacy/requests/{requestId}/extend'],
      ['post', '/api/v1/staff/privacy/requests/{requestId}/close'],
      ['post', '/api/v1/privacy/requests/{requestId}/verify'],
      ['post', '/api/v1/privacy/requests/{requestId}/subject-confirmation'],
      ['post', '/api/v1/staff/privacy/requests/{requestId}/verification'],
      ['get', '/api/v1/staff/privacy/requests/{requestId}/authorization'],
      ['get', '/api/v1/privacy/requests/{requestId}/archive'],
      ['post', '/api/v1/privacy/requests/{requestId}/archive-link'],
      ['get', '/api/v1/privacy/requests/{requestId}/certificate'],
      ['post', '/api/v1/staff/privacy/requests/{requestId}/fulfil'],
      ['post', '/api/v1/staff/privacy/requests/{requestId}/correction'],
      ['post', '/api/v1/privacy/child-reports'],
      ['get', '/api/v1/staff/privacy/child-reports'],
      ['post', '/api/v1/staff/privacy/child-reports/{reportId}/confirm'],
      ['post', '/api/v1/staff/privacy/child-reports/{reportId}/dismiss'],
      ['get', '/api/v1/privacy/policy'],
      ['get', '/api/v1/privacy/policies'],
      ['get', '/api/v1/privacy/policies/diff'],
      ['get', '/api/v1/privacy/policies/{version}'],
      ['post', '/api/v1/staff/privacy/policies'],
      ['get', '/api/v1/privacy/notice'],
      ['post', '/api/v1/privacy/notice/acknowledge'],
      ['get', '/api/v1/privacy/acknowledgements'],
      ['post', '/api/v1/staff/privacy/campaigns'],
      ['get', '/api/v1/orgs/{orgId}/billing'],
      ['put', '/api/v1/orgs/{orgId}/billing/card'],
      ['get', '/api/v1/orgs/{orgId}/billing/card'],
      ['delete', '/api/v1/orgs/{orgId}/billing/card'],
      ['get', '/api/v1/kb/articles'],
      ['get', '/api/v1/kb/articles/{slug}'],
      ['get', '/api/v1/kb/supported'],
      ['get', '/api/v1/staff/kb/articles'],
      ['get', '/api/v1/staff/kb/articles/{slug}'],
      ['post', '/api/v1/staff/kb/articles'],
      ['put', '/api/v1/staff/kb/articles/{slug}'],
      ['delete', '/api/v1/staff/kb/articles/{slug}'],
      ['put', '/api/v1/staff/kb/system-versions'],
      ['delete', '/api/v1/staff/kb/system-versions/{id}'],
      ['post', '/api/v1/orgs/{orgId}/support/tickets'],
      ['get', '/api/v1/orgs/{orgId}/support/tickets'],
      ['get', '/api/v1/orgs/{orgId}/support/tickets/{ticketId}'],
      ['post', '/api/v1/orgs/{orgId}/support/tickets/{ticketId}/messages'],
      ['post', '/api/v1/orgs/{orgId}/support/tickets/{ticketId}/resolve'],
      ['get', '/api/v1/orgs/{orgId}/support/tickets/{ticketId}/attachments/{attachmentId}'],
      ['post', '/api/v1/support/verifications/inspect'],
      ['post', '/api/v1/support/verifications/confirm'],
      ['get', '/api/v1/staff/support/queue'],
      ['get', '/api/v1/staff/support/tickets/{ticketId}'],
      ['get', '/api/v1/staff/support/tickets/{ticketId}/attachments/{attachmentId}'],
      ['post', '/api/v1/staff/support/tickets/{ticketId}/messages'],
      ['post', '/api/v1/staff/support/tickets/{ticketId}/close'],
      ['patch', '/api/v1/staff/support/tickets/{ticketId}'],
      ['get', '/api/v1/staff/support/macros'],
      ['post', '/api/v1/staff/support/tickets/{ticketId}/verifications'],
      ['get', '/api/v1/staff/support/tickets/{ticketId}/verifications/{verificationId}/account'],
      ['post', '/api/v1/staff/support/tickets/{ticketId}/verifications/{verificationId}/delete-account'],
      ['get', '/api/v1/staff/support/targets'],
      ['put', '/api/v1/staff/support/targets/{plan}/{priority}'],
      ['put', '/api/v1/staff/support/orgs/{orgId}/specialist'],
      ['delete', '/api/v1/staff/support/orgs/{orgId}/specialist'],
      ['get', '/api/v1/staff/members'],
      ['get', '/unsubscribe'],
      ['post', '/unsubscribe'],
      ['get', '/mail/open'],
      ['get', '/healthz'],
      ['get', '/api/v1/config'],
      ['get', '/metrics'],
      ['get', '/openapi.json'],
      ['get', '/api/v1/auth/google/pending'],
      ['post', '/api/v1/auth/google/signup'],
      ['post', '/api/v1/auth/google/link'],
      ['post', '/api/v1/auth/google/mfa'],
      ['get', '/api/v1/me/google'],
      ['delete', '/api/v1/me/google'],
    ];
    for (const [method, path] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.responses, `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/api/v1/signup'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    const documented = Object.values(doc.paths).flatMap((p) => Object.keys(p as object)).length;
    expect(documented).toBe(expected.length);
  });

  it('GET /metrics speaks the Prometheus text format and counts requests', async () => {
    await t.app.http.inject({ method: 'GET', url: '/healthz' });
    // A kind no node runs stays queued, and the gauge of pending jobs shows it.
    await createJobs({ clock: t.app.clock }).enqueue(t.app.db, { kind: 'test.unclaimed', payload: null });
    const res = await t.app.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/castellan_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(res.body).toContain('# TYPE castellan_http_request_duration_seconds histogram');
    expect(res.body).toMatch(/castellan_mail_outbox_messages\{status="queued"\} \d+/);
    expect(res.body).toContain('castellan_jobs{kind="test.unclaimed",status="queued"} 1');
  });

  it('SEC: /metrics is no oracle: without the operator\'s token (or with another) it answers 401 and no counter', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
      const res = await t.app.http.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(res.statusCode, authorization).toBe(401);
      expect(json(res).code).toBe('http.metrics_token_required');
      expect(res.body).not.toContain('castellan_');
    }
  });

  it('SEC-3: an unknown route answers problem details with a stable type', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/nope?token=abc' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(json(res)).toMatchObject({
      type: 'urn:castellan:problem:http.route_not_found',
      status: 404,
      instance: '/api/v1/nope',
    });
  });

  it('SEC: without CASTELLAN_METRICS_TOKEN /metrics is closed on the web listener; the metrics listener serves it', async () => {
    const closed = await startTestApp(dialect, { env: { CASTELLAN_METRICS_PORT: '0', CASTELLAN_PORT: '0', CASTELLAN_HOST: '127.0.0.1' } });
    try {
      expect((await closed.app.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      await closed.app.listen();
      const address = closed.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'metrics listening')?.address as string;
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${address}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('castellan_http_requests_total');
      expect((await fetch(`${address}/api/v1/me`)).status).toBe(404);
    } finally {
      await closed.close();
    }
  });

  it('request ids: a sane X-Request-Id is kept and appears in the logs and in problems', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': 'trace-123' } });
    expect(json(res).requestId).toBe('trace-123');
    expect(t.logs.some((l) => JSON.parse(l).reqId === 'trace-123')).toBe(true);
    const odd = await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': 'bad id\u0007' } });
    expect(json(odd).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
