import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CLIENT_SCOPES } from '../../contracts/api-clients.ts';
import { CLIENT_SCOPE_NAMES, can } from '../../core/caller.ts';
import { type Admin, acceptedMember, json, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { API_CLIENTS_PER_ORG } from '../../modules/federation/index.ts';

interface Created {
  id: string;
  name: string;
  scopes: string[];
  clientId: string;
  clientSecret: string;
  createdAt: string;
}

/** PRO-2, DIR-1: an organization's API clients, their client-credentials tokens from /oidc/token over a real port, and the API taking them. */
describe.each(dialects)('API clients on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let b: Admin;
  let issuer: string;
  beforeAll(async () => {
    t = await startBrowserApp(dialect);
    a = await verifiedUser(t);
    b = await verifiedUser(t);
    issuer = `${t.url}/oidc`;
  });
  afterAll(() => t.close());

  const base = (orgId: string) => `/api/v1/orgs/${orgId}/api-clients`;
  const make = async (scopes: string[], admin = a, name = `script-${Math.random().toString(36).slice(2, 8)}`) => {
    const res = await t.app.http.inject({ method: 'POST', url: base(admin.organization.id), headers: admin.auth, payload: { name, scopes } });
    expect(res.statusCode, res.body).toBe(201);
    return json(res) as Created;
  };
  const rpFor = (clientId: string, secret: string) =>
    client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
  const tokenFor = async (c: Created, scope?: string) => (await client.clientCredentialsGrant(await rpFor(c.clientId, c.clientSecret), scope ? { scope } : {})).access_token;
  /** A real HTTP call to the API on the server's port, as a script makes it. */
  const api = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      // A token-endpoint error body (ResponseBodyError), or the error of a WWW-Authenticate challenge.
      const err = e as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
      return err.error ?? (Array.isArray(err.cause) ? err.cause[0]?.parameters?.error : undefined) ?? String(e);
    }
    throw new Error('expected a refusal');
  };

  it('PRO-2: the contract lists the same scopes the permission check knows; each scope allows its capabilities in its own organization only', () => {
    expect([...API_CLIENT_SCOPES]).toEqual(CLIENT_SCOPE_NAMES);
    const c = { kind: 'client' as const, orgId: 'org_a', clientId: 'apc_x', scopes: ['directory:read', 'directory:write', 'audit:read'] };
    for (const cap of ['directory.read', 'directory.manage', 'directory.invite', 'audit.read_org'] as const) {
      expect(can(c, cap, { orgId: 'org_a' }), cap).toBe(true);
      expect(can(c, cap, { orgId: 'org_b' }), cap).toBe(false);
      expect(can(c, cap), cap).toBe(false);
    }
    const never = ['directory.govern', 'directory.api_clients', 'directory.transfer', 'billing.manage_card', 'billing.set_plan', 'support.open', 'support.desk', 'privacy.requests', 'audit.read_all', 'staff.manage'] as const;
    for (const cap of never) expect(can(c, cap, { orgId: 'org_a' }), cap).toBe(false);
    expect(can({ ...c, scopes: ['directory:read'] }, 'directory.manage', { orgId: 'org_a' })).toBe(false);
  });

  it('PRO-2: an admin makes an API client; the secret is answered this once, sealed at rest, and never in the list, the audit log or the logs', async () => {
    const c = await make(['audit:read', 'directory:read', 'directory:read']);
    expect(c.clientId).toBe(c.id);
    expect(c.id).toMatch(/^apc_/);
    expect(c.scopes).toEqual(['directory:read', 'audit:read']);
    expect(c.clientSecret).toMatch(/^[\w-]{43}$/);
    const list = await t.app.http.inject({ method: 'GET', url: base(a.organization.id), headers: a.auth });
    expect(list.statusCode).toBe(200);
    const item = (json(list).items as Array<Record<string, unknown>>).find((x) => x.id === c.id);
    expect(item).toEqual({ id: c.id, name: c.name, scopes: c.scopes, clientId: c.id, createdAt: c.createdAt });
    expect(list.body).not.toContain(c.clientSecret);
    const stored = JSON.stringify(await t.app.db.selectFrom('api_clients').selectAll().where('id', '=', c.id).execute());
    expect(stored).toContain(c.id);
    expect(stored).not.toContain(c.clientSecret);
    const audited = await t.app.db.selectFrom('audit_log').select(['action', 'org_id', 'actor_type', 'details']).where('target_id', '=', c.id).execute();
    expect(audited).toEqual([expect.objectContaining({ action: 'api_client.created', org_id: a.organization.id, actor_type: 'user' })]);
    const token = await tokenFor(c, 'directory:read');
    expect((await api('GET', `/api/v1/orgs/${a.organization.id}/users`, token)).status).toBe(200);
    const logs = t.logs.join('\n');
    expect(logs).not.toContain(c.clientSecret);
    expect(logs).not.toContain(token);
    expect(JSON.stringify(await t.app.db.selectFrom('audit_log').selectAll().execute())).not.toContain(c.clientSecret);
  });

  it('PRO-2: a script gets a token by client credentials for a subset of the scopes, lists users with it, and is refused writes without directory:write', async () => {
    const c = await make(['directory:read', 'audit:read']);
    const rp = await rpFor(c.clientId, c.clientSecret);
    const granted = await client.clientCredentialsGrant(rp, { scope: 'directory:read audit:read' });
    expect(granted.token_type.toLowerCase()).toBe('bearer');
    expect(granted.scope?.split(' ').sort()).toEqual(['audit:read', 'directory:read']);
    // Opaque: the API looks it up; it is no JWT, and not stored in clear.
    expect(granted.access_token.split('.')).toHaveLength(1);
    expect(JSON.stringify(await t.app.db.selectFrom('oidc_models').selectAll().execute())).not.toContain(granted.access_token);
    const users = await api('GET', `/api/v1/orgs/${a.organization.id}/users`, granted.access_token);
    expect(users.status).toBe(200);
    const listed = (await users.json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((u) => u.id)).toContain(a.user.id);
    const write = await api('POST', `/api/v1/orgs/${a.organization.id}/groups`, granted.access_token, { name: 'from-a-script' });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { code: string }).code).toBe('common.forbidden');
    // A token for directory:read alone reads no audit log.
    const narrow = await tokenFor(c, 'directory:read');
    expect((await api('GET', `/api/v1/orgs/${a.organization.id}/audit`, narrow)).status).toBe(403);
    expect((await api('GET', `/api/v1/orgs/${a.organization.id}/audit`, granted.access_token)).status).toBe(200);
  });

  it('PRO-2: with directory:write a client makes a group and binds a user; the audit log names the client as the actor, and audit:read reads it', async () => {
    const c = await make(['directory:read', 'directory:write', 'audit:read']);
    const token = await tokenFor(c, 'directory:read directory:write audit:read');
    const made = await api('POST', `/api/v1/orgs/${a.organization.id}/groups`, token, { name: `ops-${c.id.slice(-6)}` });
    expect(made.status).toBe(201);
    const group = (await made.json()) as { id: string };
    const member = await acceptedMember(t, a);
    expect((await api('POST', `/api/v1/orgs/${a.organization.id}/groups/${group.id}/members`, token, { userId: member.user.id })).status).toBe(204);
    const audit = await api('GET', `/api/v1/orgs/${a.organization.id}/audit?action=directory.group_created`, token);
    expect(audit.status).toBe(200);
    const entries = ((await audit.json()) as { items: Array<{ actor: { type: string; id: string }; actorName: string | null; target: { id: string } | null }> }).items;
    const entry = entries.find((e) => e.target?.id === group.id);
    expect(entry?.actor).toEqual({ type: 'client', id: c.id });
    expect(entry?.actorName).toBe(c.name);
    // What no scope reaches: the organization's API clients, staff routes, a person's own routes.
    expect((await api('GET', base(a.organization.id), token)).status).toBe(403);
    expect((await api('POST', base(a.organization.id), token, { name: 'minted', scopes: ['audit:read'] })).status).toBe(403);
    expect((await api('GET', '/api/v1/staff/orgs', token)).status).toBe(403);
    expect((await api('GET', '/api/v1/me', token)).status).toBe(401);
  });

  it('PRO-2: a client with every scope works the directory like a script would: users, groups, resources, bindings and access; never a server error', async () => {
    const c = await make(['directory:read', 'directory:write', 'audit:read']);
    const token = await tokenFor(c);
    const o = `/api/v1/orgs/${a.organization.id}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api(method, path, token, body);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      return { status: res.status, body: isJson ? ((await res.json()) as Record<string, any>) : null };
    };
    const invited = await call('POST', `${o}/users`, { email: `script.${c.id.slice(-6).toLowerCase()}@example.com`, name: 'Made By Script' });
    expect(invited.status).toBe(201);
    const userId = invited.body?.id as string;
    expect((await call('GET', `${o}/users/${userId}`)).status).toBe(200);
    expect((await call('PATCH', `${o}/users/${userId}`, { name: 'Renamed By Script' })).status).toBe(200);
    const group = await call('POST', `${o}/groups`, { name: `g-${c.id.slice(-6)}` });
    expect(group.status).toBe(201);
    const resource = await call('POST', `${o}/resources`, { kind: 'system', name: `r-${c.id.slice(-6)}` });
    expect(resource.status).toBe(201);
    expect((await call('POST', `${o}/resources/${resource.body?.id}/bindings`, { groupId: group.body?.id })).status).toBe(201);
    expect((await call('GET', `${o}/access?userId=${userId}&resourceId=${resource.body?.id}`)).status).toBe(200);
    expect((await call('GET', `${o}/ldap`)).status).toBe(200);
    expect((await call('GET', o)).status).toBe(200);
    expect((await call('GET', `${o}/audit.csv`)).status).toBe(200);
    // What needs a person, or no scope gives: bulk transfer, the organization's deletion.
    expect((await call('GET', `${o}/users/export?format=csv`)).status).toBe(403);
    expect((await call('GET', `${o}/deletion`)).status).toBe(403);
    expect((await call('POST', `${o}/deletion`, { name: 'x', password: 'y' })).status).toBe(403);
    expect((await call('DELETE', `${o}/users/${userId}`)).status).toBe(204);
    const audited = await t.app.db.selectFrom('audit_log').select(['action', 'actor_type', 'actor_id']).where('actor_id', '=', c.id).execute();
    expect(audited.length).toBeGreaterThanOrEqual(5);
    expect(new Set(audited.map((e) => e.actor_type))).toEqual(new Set(['client']));
  });

  it('DIR-3: directory:write does not govern the organization: no role change, no suspending, reactivating or removing an admin, no organization settings (403, nothing changed); ordinary writes still work', async () => {
    const o = await verifiedUser(t);
    const org = `/api/v1/orgs/${o.organization.id}`;
    const asAdmin = (method: 'PATCH' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) => t.app.http.inject({ method, url, headers: o.auth, ...(payload ? { payload } : {}) });
    const member = await acceptedMember(t, o);
    const second = await acceptedMember(t, o);
    expect((await asAdmin('PATCH', `${org}/users/${second.user.id}`, { orgRole: 'admin' })).statusCode).toBe(200);
    const suspendedAdmin = await acceptedMember(t, o);
    expect((await asAdmin('PATCH', `${org}/users/${suspendedAdmin.user.id}`, { orgRole: 'admin' })).statusCode).toBe(200);
    expect((await asAdmin('POST', `${org}/users/${suspendedAdmin.user.id}/suspend`)).statusCode).toBe(200);
    const invitedAdmin = json(await asAdmin('POST', `${org}/users`, { email: `invited.admin.${Math.random().toString(36).slice(2, 8)}@example.com`, name: 'Invited Admin' }));
    expect((await asAdmin('PATCH', `${org}/users/${invitedAdmin.id}`, { orgRole: 'admin' })).statusCode).toBe(200);
    const state = async () => ({
      members: await t.app.db.selectFrom('memberships').select(['id', 'role', 'status']).where('org_id', '=', o.organization.id).orderBy('id').execute(),
      org: await t.app.db.selectFrom('organizations').select(['name', 'require_mfa']).where('id', '=', o.organization.id).executeTakeFirst(),
    });
    const before = await state();

    const c = await make(['directory:read', 'directory:write'], o);
    const token = await tokenFor(c);
    for (const [method, path, body] of [
      ['PATCH', `${org}/users/${member.user.id}`, { orgRole: 'admin' }],
      ['PATCH', `${org}/users/${second.user.id}`, { orgRole: 'member' }],
      ['PATCH', `${org}/users/${o.user.id}`, { orgRole: 'member', name: 'Demoted By Script' }],
      ['POST', `${org}/users/${o.user.id}/suspend`],
      ['POST', `${org}/users/${second.user.id}/suspend`],
      ['POST', `${org}/users/${suspendedAdmin.user.id}/reactivate`],
      ['DELETE', `${org}/users/${second.user.id}`],
      ['DELETE', `${org}/users/${o.user.id}`],
      ['DELETE', `${org}/users/${invitedAdmin.id}`],
      ['DELETE', `${org}/users/${invitedAdmin.id}/invitation`],
      ['PATCH', org, { name: 'Taken Over By Script' }],
      ['PATCH', org, { requireMfa: true }],
    ] as Array<[string, string, Record<string, unknown>?]>) {
      const res = await api(method, path, token, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body ?? {})}`).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('common.forbidden');
    }
    expect(await state()).toEqual(before);
    expect(await t.app.db.selectFrom('audit_log').select('action').where('actor_id', '=', c.id).execute()).toEqual([]);

    // The directory's ordinary writes still work, a plain member's suspension included.
    expect((await api('POST', `${org}/users`, token, { email: `by.script.${c.id.slice(-6).toLowerCase()}@example.com`, name: 'Invited By Script' })).status).toBe(201);
    const group = (await (await api('POST', `${org}/groups`, token, { name: `g-${c.id.slice(-6)}` })).json()) as { id: string };
    expect((await api('POST', `${org}/groups/${group.id}/members`, token, { userId: member.user.id })).status).toBe(204);
    const resource = (await (await api('POST', `${org}/resources`, token, { kind: 'system', name: `r-${c.id.slice(-6)}` })).json()) as { id: string };
    expect((await api('POST', `${org}/resources/${resource.id}/bindings`, token, { userId: member.user.id })).status).toBe(201);
    expect((await api('PATCH', `${org}/users/${member.user.id}`, token, { name: 'Renamed By Script', orgRole: 'member' })).status).toBe(200);
    expect((await api('POST', `${org}/users/${member.user.id}/suspend`, token)).status).toBe(200);
    expect((await api('POST', `${org}/users/${member.user.id}/reactivate`, token)).status).toBe(200);
    // A person admin still governs.
    expect((await asAdmin('POST', `${org}/users/${suspendedAdmin.user.id}/reactivate`)).statusCode).toBe(200);
    expect((await asAdmin('PATCH', `${org}/users/${second.user.id}`, { orgRole: 'member' })).statusCode).toBe(200);
    expect((await asAdmin('PATCH', org, { name: 'Renamed By Its Admin' })).statusCode).toBe(200);
  });

  it('PRO-2: clients made at once cannot pass the organization’s limit together (the organization’s row is locked)', async () => {
    const o = await verifiedUser(t);
    const now = new Date().toISOString();
    const filled = API_CLIENTS_PER_ORG - 2;
    await t.app.db
      .insertInto('api_clients')
      .values(Array.from({ length: filled }, (_, i) => ({ id: `apc_fill${o.organization.id.slice(-8)}${i}`, org_id: o.organization.id, name: `fill-${i}`, scopes: 'directory:read', secret_enc: 'not-a-secret', created_at: now })))
      .execute();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.app.http.inject({ method: 'POST', url: base(o.organization.id), headers: o.auth, payload: { name: `race-${i}`, scopes: ['directory:read'] } })),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 201, 403, 403, 403, 403]);
    expect((await t.app.db.selectFrom('api_clients').select('id').where('org_id', '=', o.organization.id).execute()).length).toBe(API_CLIENTS_PER_ORG);
  });

  it('DIR-1: another organization’s routes answer 404 to the token, and another organization’s admin can neither see nor revoke the client', async () => {
    const c = await make(['directory:read', 'directory:write', 'audit:read']);
    const token = await tokenFor(c);
    for (const [method, path] of [
      ['GET', `/api/v1/orgs/${b.organization.id}/users`],
      ['GET', `/api/v1/orgs/${b.organization.id}/audit`],
      ['POST', `/api/v1/orgs/${b.organization.id}/groups`],
      ['GET', `/api/v1/orgs/${b.organization.id}/users/${b.user.id}`],
    ] as const) {
      const res = await api(method, path, token, method === 'POST' ? { name: 'theirs' } : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // An id of the other organization, through the client's own organization, is not found either.
    expect((await api('GET', `/api/v1/orgs/${a.organization.id}/users/${b.user.id}`, token)).status).toBe(404);
    const viaTheirs = await t.app.http.inject({ method: 'DELETE', url: `${base(b.organization.id)}/${c.id}`, headers: b.auth });
    expect(viaTheirs.statusCode).toBe(404);
    const viaOurs = await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${c.id}`, headers: b.auth });
    expect(viaOurs.statusCode).toBe(404);
    expect((await t.app.http.inject({ method: 'GET', url: base(a.organization.id), headers: b.auth })).statusCode).toBe(404);
    expect(json(await t.app.http.inject({ method: 'GET', url: base(b.organization.id), headers: b.auth })).items).toEqual([]);
    // Still working.
    expect((await api('GET', `/api/v1/orgs/${a.organization.id}/users`, token)).status).toBe(200);
  });

  it('PRO-2: revoking the client makes its tokens 401 at once, and the provider issues it no more', async () => {
    const c = await make(['directory:read']);
    const token = await tokenFor(c);
    const other = await make(['directory:read']);
    const otherToken = await tokenFor(other);
    expect((await api('GET', `/api/v1/orgs/${a.organization.id}/users`, token)).status).toBe(200);
    const gone = await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${c.id}`, headers: a.auth });
    expect(gone.statusCode).toBe(204);
    const after = await api('GET', `/api/v1/orgs/${a.organization.id}/users`, token);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { code: string }).code).toBe('common.unauthenticated');
    expect(await refusal(tokenFor(c))).toBe('invalid_client');
    expect((await t.app.http.inject({ method: 'DELETE', url: `${base(a.organization.id)}/${c.id}`, headers: a.auth })).statusCode).toBe(404);
    expect(await t.app.db.selectFrom('audit_log').select('action').where('target_id', '=', c.id).orderBy('seq').execute()).toEqual([{ action: 'api_client.created' }, { action: 'api_client.revoked' }]);
    // Another client of the organization is untouched.
    expect((await api('GET', `/api/v1/orgs/${a.organization.id}/users`, otherToken)).status).toBe(200);
  });

  it('PRO-2: a scope not granted is refused by the token endpoint; unknown, expired and revoked tokens and other clients’ tokens are 401', async () => {
    const c = await make(['directory:read']);
    expect(await refusal(tokenFor(c, 'directory:read directory:write'))).toBe('invalid_scope');
    expect(await refusal(tokenFor(c, 'audit:read'))).toBe('invalid_scope');
    expect(await refusal(tokenFor({ ...c, clientSecret: 'x'.repeat(43) }))).toBe('invalid_client');
    const users = `/api/v1/orgs/${a.organization.id}/users`;
    expect((await api('GET', users, 'x'.repeat(43))).status).toBe(401);
    // Revoked at the provider (RFC 7009).
    const rp = await rpFor(c.clientId, c.clientSecret);
    const revoked = (await client.clientCredentialsGrant(rp, {})).access_token;
    await client.tokenRevocation(rp, revoked);
    expect((await api('GET', users, revoked)).status).toBe(401);
    // Lapsed: the row's expiry is moved into the past.
    const lapsed = await tokenFor(c);
    await t.app.db.updateTable('oidc_models').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('model', '=', 'ClientCredentials').execute();
    expect((await api('GET', users, lapsed)).status).toBe(401);
    // An OIDC application's client-credentials token is not an API caller.
    const app = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${a.organization.id}/resources`, headers: a.auth, payload: { kind: 'application', name: `cc-${c.id.slice(-6)}`, settings: { protocol: 'oidc', grantTypes: ['client_credentials'] } } }));
    const appRp = await rpFor(app.clientId, app.clientSecret);
    // Whether or not the provider lets an application ask for an API scope, its token is refused.
    const appToken = (await client.clientCredentialsGrant(appRp, { scope: 'directory:read' }).catch(() => client.clientCredentialsGrant(appRp, {}))).access_token;
    expect((await api('GET', users, appToken)).status).toBe(401);
  });

  it('DSR-6, PRO-2: an erased organization’s API clients go with it, and their tokens are refused at once', async () => {
    const c = await verifiedUser(t);
    const made = await make(['directory:read'], c);
    const token = await tokenFor(made);
    expect((await api('GET', `/api/v1/orgs/${c.organization.id}/users`, token)).status).toBe(200);
    const erased = await t.app.rights.registry.eraseOrganization(c.organization.id);
    expect(JSON.stringify(erased)).toContain('api_clients');
    expect(await t.app.db.selectFrom('api_clients').select('id').where('org_id', '=', c.organization.id).execute()).toEqual([]);
    expect((await api('GET', `/api/v1/orgs/${c.organization.id}/users`, token)).status).toBe(401);
    // A node keeps a client's metadata for a few seconds, so the provider may still answer a token: the API refuses it.
    const late = await tokenFor(made).catch(() => undefined);
    if (late) expect((await api('GET', `/api/v1/orgs/${c.organization.id}/users`, late)).status).toBe(401);
  });

  it('PRO-2, SEC-3: bad names and scopes are refused with 422 naming the field; a member is refused; the organization’s clients are limited', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['directory:read', 'billing:write'] }, 'scopes[1]'],
      [{ name: 'x', scopes: ['openid'] }, 'scopes[0]'],
      [{ name: '   ', scopes: ['directory:read'] }, 'name'],
    ];
    const before = (await t.app.db.selectFrom('api_clients').select('id').execute()).length;
    for (const [payload, field] of cases) {
      const res = await t.app.http.inject({ method: 'POST', url: base(a.organization.id), headers: a.auth, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect(json(res)).toMatchObject({ code: 'federation.invalid_api_client', errors: [{ field }] });
    }
    expect((await t.app.db.selectFrom('api_clients').select('id').execute()).length).toBe(before);
    const member = await acceptedMember(t, a);
    expect((await t.app.http.inject({ method: 'POST', url: base(a.organization.id), headers: member.auth, payload: { name: 'mine', scopes: ['directory:read'] } })).statusCode).toBe(403);
    expect((await t.app.http.inject({ method: 'GET', url: base(a.organization.id), headers: member.auth })).statusCode).toBe(403);
    const c = await verifiedUser(t);
    for (let i = 0; i < API_CLIENTS_PER_ORG; i++) await make(['directory:read'], c, `bulk-${i}`);
    const over = await t.app.http.inject({ method: 'POST', url: base(c.organization.id), headers: c.auth, payload: { name: 'one-too-many', scopes: ['directory:read'] } });
    expect([over.statusCode, json(over).code]).toEqual([403, 'federation.api_client_limit_reached']);
  });
});
