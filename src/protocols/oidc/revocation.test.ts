import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Admin, acceptedMember, json, verifiedUser } from '../../../test/helpers/app.ts';
import { type BrowserApp, startBrowserApp } from '../../../test/helpers/browser.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { outcome, signInTo } from '../../../test/helpers/oidc.ts';

type App = { id: string; clientId: string; clientSecret: string; rp: client.Configuration };

/** PRO-2, DIR-3: suspension or loss of access revokes the member's grants and refresh tokens at once, with openid-client as the application. */
describe.each(dialects)('OpenID Provider revocation on $name', (dialect) => {
  let t: BrowserApp;
  let a: Admin;
  let base: string;
  let redirect: string;

  const call = (method: 'POST' | 'GET' | 'DELETE', url: string, payload?: Record<string, unknown>) => t.app.http.inject({ method, url, headers: a.auth, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await startBrowserApp(dialect);
    a = await verifiedUser(t);
    base = `/api/v1/orgs/${a.organization.id}`;
    redirect = `http://127.0.0.1:${Number(new URL(t.url).port) + 1}/cb`;
  });
  afterAll(() => t.close());

  async function application(name: string): Promise<App> {
    const made = await call('POST', `${base}/resources`, { kind: 'application', name, settings: { protocol: 'oidc', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [redirect] } });
    expect(made.statusCode, made.body).toBe(201);
    const app = json(made) as Omit<App, 'rp'>;
    const rp = await client.discovery(new URL(`${t.url}/oidc`), app.clientId, undefined, client.ClientSecretBasic(app.clientSecret), { execute: [client.allowInsecureRequests] });
    return { ...app, rp };
  }

  async function memberOf(...apps: App[]) {
    const m = await acceptedMember(t, a);
    for (const app of apps) expect((await call('POST', `${base}/resources/${app.id}/bindings`, { userId: m.user.id })).statusCode).toBe(201);
    return m;
  }

  const active = async (app: App, token: string) => (await client.tokenIntrospection(app.rp, token)).active;
  const rows = async (membershipId: string) => (await t.app.db.selectFrom('oidc_models').select('model').where('account_id', '=', membershipId).execute()).map((r) => r.model);

  it('PRO-2, DIR-3: suspending a member through the API ends their refresh token, access token and userinfo at once; reactivation brings none back', async () => {
    const wiki = await application('Revoke Wiki');
    const m = await memberOf(wiki);
    const { tokens } = await signInTo(wiki.rp, redirect, m);
    const refreshed = await client.refreshTokenGrant(wiki.rp, tokens.refresh_token as string);
    const refresh = refreshed.refresh_token as string;
    expect(await active(wiki, refreshed.access_token)).toBe(true);
    expect(await active(wiki, refresh)).toBe(true);
    expect(await rows(m.user.id)).toContain('Grant');

    expect((await call('POST', `${base}/users/${m.user.id}/suspend`)).statusCode).toBe(200);
    expect(await outcome(client.refreshTokenGrant(wiki.rp, refresh))).toBe('invalid_grant');
    expect(await active(wiki, refreshed.access_token)).toBe(false);
    expect(await active(wiki, refresh)).toBe(false);
    expect(await outcome(client.fetchUserInfo(wiki.rp, refreshed.access_token, m.user.id))).toBe('invalid_token');
    // Removed in the suspension's transaction: sessions, grants, codes and tokens alike.
    expect(await rows(m.user.id)).toEqual([]);

    expect((await call('POST', `${base}/users/${m.user.id}/reactivate`)).statusCode).toBe(200);
    expect(await outcome(client.refreshTokenGrant(wiki.rp, refresh))).toBe('invalid_grant');
    expect(await active(wiki, refreshed.access_token)).toBe(false);
    // Signing in again works, with new tokens.
    expect((await signInTo(wiki.rp, redirect, m)).tokens.refresh_token).toBeTruthy();
  });

  it('PRO-2, DIR-3: removing the access binding, or the group that carried it, revokes that application’s grants only; binding again brings none back', async () => {
    const wiki = await application('Unbind Wiki');
    const chat = await application('Unbind Chat');
    const m = await memberOf(chat);
    const binding = json(await call('POST', `${base}/resources/${wiki.id}/bindings`, { userId: m.user.id }));
    const atWiki = (await signInTo(wiki.rp, redirect, m)).tokens;
    const atChat = (await signInTo(chat.rp, redirect, m)).tokens;

    expect((await call('DELETE', `${base}/resources/${wiki.id}/bindings/${binding.id}`)).statusCode).toBe(204);
    expect(await outcome(client.refreshTokenGrant(wiki.rp, atWiki.refresh_token as string))).toBe('invalid_grant');
    expect(await active(wiki, atWiki.access_token)).toBe(false);
    // The other application, still bound, keeps working.
    expect(await active(chat, atChat.access_token)).toBe(true);
    const chatAgain = await client.refreshTokenGrant(chat.rp, atChat.refresh_token as string);
    const stored = await t.app.db.selectFrom('oidc_models').select(['client_id']).where('account_id', '=', m.user.id).where('model', '=', 'Grant').execute();
    expect(stored.map((r) => r.client_id)).toEqual([chat.id]);

    expect((await call('POST', `${base}/resources/${wiki.id}/bindings`, { userId: m.user.id })).statusCode).toBe(201);
    expect(await outcome(client.refreshTokenGrant(wiki.rp, atWiki.refresh_token as string))).toBe('invalid_grant');

    // Through a group: leaving the group, then the group's deletion, take the access away.
    const group = json(await call('POST', `${base}/groups`, { name: `chatters-${Date.now()}` }));
    expect((await call('POST', `${base}/resources/${chat.id}/bindings`, { groupId: group.id })).statusCode).toBe(201);
    const direct = (await t.app.db.selectFrom('bindings').select('id').where('resource_id', '=', chat.id).where('user_id', '=', m.user.id).executeTakeFirstOrThrow()).id;
    expect((await call('DELETE', `${base}/resources/${chat.id}/bindings/${direct}`)).statusCode).toBe(204);
    expect(await outcome(client.refreshTokenGrant(chat.rp, chatAgain.refresh_token as string))).toBe('invalid_grant');
    for (const how of ['leave', 'delete'] as const) {
      expect((await call('POST', `${base}/groups/${group.id}/members`, { userId: m.user.id })).statusCode, how).toBe(204);
      const viaGroup = (await signInTo(chat.rp, redirect, m)).tokens;
      expect(await active(chat, viaGroup.access_token)).toBe(true);
      const res = how === 'leave' ? await call('DELETE', `${base}/groups/${group.id}/members/${m.user.id}`) : await call('DELETE', `${base}/groups/${group.id}`);
      expect(res.statusCode, how).toBe(204);
      expect(await outcome(client.refreshTokenGrant(chat.rp, viaGroup.refresh_token as string)), how).toBe('invalid_grant');
      expect(await active(chat, viaGroup.access_token), how).toBe(false);
    }
  });

  it('DIR-3: a member who keeps access another way (a group) keeps their grant when one binding goes', async () => {
    const wiki = await application('Kept Wiki');
    const m = await memberOf(wiki);
    const group = json(await call('POST', `${base}/groups`, { name: `keepers-${Date.now()}` }));
    expect((await call('POST', `${base}/groups/${group.id}/members`, { userId: m.user.id })).statusCode).toBe(204);
    expect((await call('POST', `${base}/resources/${wiki.id}/bindings`, { groupId: group.id })).statusCode).toBe(201);
    const { tokens } = await signInTo(wiki.rp, redirect, m);
    const direct = (await t.app.db.selectFrom('bindings').select('id').where('resource_id', '=', wiki.id).where('user_id', '=', m.user.id).executeTakeFirstOrThrow()).id;
    expect((await call('DELETE', `${base}/resources/${wiki.id}/bindings/${direct}`)).statusCode).toBe(204);
    expect(await active(wiki, tokens.access_token)).toBe(true);
    expect((await client.refreshTokenGrant(wiki.rp, tokens.refresh_token as string)).access_token).toBeTruthy();
  });

  it('DIR-3: at use time too, a refresh and an introspection are refused once the member may not use the application (a change no hook told of)', async () => {
    const wiki = await application('Use-time Wiki');
    const m = await memberOf(wiki);
    const { tokens } = await signInTo(wiki.rp, redirect, m);
    // The status changed behind the service's back: the rows are still there, and still refused.
    await t.app.db.updateTable('memberships').set({ status: 'suspended' }).where('id', '=', m.user.id).execute();
    expect(await rows(m.user.id)).toContain('RefreshToken');
    expect(await active(wiki, tokens.access_token)).toBe(false);
    expect(await active(wiki, tokens.refresh_token as string)).toBe(false);
    expect(await outcome(client.refreshTokenGrant(wiki.rp, tokens.refresh_token as string))).toBe('invalid_grant');
  });

  it('DIR-3: deleting a group asks the access decision again for its members only, not for the whole organization', async () => {
    const wiki = await application('Narrow Wiki');
    const outsider = await memberOf(wiki);
    const insider = await acceptedMember(t, a);
    const group = json(await call('POST', `${base}/groups`, { name: `narrow-${Date.now()}` }));
    expect((await call('POST', `${base}/groups/${group.id}/members`, { userId: insider.user.id })).statusCode).toBe(204);
    expect((await call('POST', `${base}/resources/${wiki.id}/bindings`, { groupId: group.id })).statusCode).toBe(201);
    await signInTo(wiki.rp, redirect, outsider);
    await signInTo(wiki.rp, redirect, insider);
    // The outsider lost access behind the service's back (no hook told of it): only use time refuses them.
    await t.app.db.deleteFrom('bindings').where('resource_id', '=', wiki.id).where('user_id', '=', outsider.user.id).execute();
    expect((await call('DELETE', `${base}/groups/${group.id}`)).statusCode).toBe(204);
    expect(await rows(insider.user.id)).not.toContain('Grant');
    // Not a member of the deleted group: not looked at.
    expect(await rows(outsider.user.id)).toContain('Grant');
  });

  it('DIR-3: a failing access-change hook does not turn a saved change into an error: the change stands (204), the failure is logged, and use time still refuses', async () => {
    const wiki = await application('Failing Hook Wiki');
    const m = await memberOf(wiki);
    const { tokens } = await signInTo(wiki.rp, redirect, m);
    const binding = (await t.app.db.selectFrom('bindings').select('id').where('resource_id', '=', wiki.id).where('user_id', '=', m.user.id).executeTakeFirstOrThrow()).id;
    // The hook asks the access decision again; here it fails once.
    const spy = vi.spyOn(t.app.directory.access, 'canAccess').mockRejectedValueOnce(new Error('the access decision failed'));
    try {
      expect((await call('DELETE', `${base}/resources/${wiki.id}/bindings/${binding}`)).statusCode).toBe(204);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(await t.app.db.selectFrom('bindings').select('id').where('id', '=', binding).execute()).toEqual([]);
    expect(await rows(m.user.id)).toContain('Grant');
    expect(t.logs.join('\n')).toContain('a hook told of a change of access failed');
    expect(await active(wiki, tokens.access_token)).toBe(false);
    expect(await outcome(client.refreshTokenGrant(wiki.rp, tokens.refresh_token as string))).toBe('invalid_grant');
  });

  it('PRO-2, DIR-3: removing the member, or deleting the application, removes what was issued to them', async () => {
    const wiki = await application('Deleted Wiki');
    const m = await memberOf(wiki);
    const n = await memberOf(wiki);
    const mTokens = (await signInTo(wiki.rp, redirect, m)).tokens;
    await signInTo(wiki.rp, redirect, n);
    expect((await call('DELETE', `${base}/users/${m.user.id}`)).statusCode).toBe(204);
    expect(await rows(m.user.id)).toEqual([]);
    expect(await active(wiki, mTokens.access_token)).toBe(false);
    expect(await rows(n.user.id)).toContain('RefreshToken');
    expect((await call('DELETE', `${base}/resources/${wiki.id}`)).statusCode).toBe(204);
    expect(await t.app.db.selectFrom('oidc_models').select('model').where('client_id', '=', wiki.id).execute()).toEqual([]);
    expect((await rows(n.user.id)).filter((model) => model !== 'Session')).toEqual([]);
  });

  it('DSR-6, DIR-3: erasing an organization removes every grant and token issued to its applications', async () => {
    const b = await verifiedUser(t);
    const made = await t.app.http.inject({
      method: 'POST',
      url: `/api/v1/orgs/${b.organization.id}/resources`,
      headers: b.auth,
      payload: { kind: 'application', name: 'Erased Wiki', settings: { protocol: 'oidc', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [redirect] } },
    });
    const app = json(made) as { id: string; clientId: string; clientSecret: string };
    const rp = await client.discovery(new URL(`${t.url}/oidc`), app.clientId, undefined, client.ClientSecretBasic(app.clientSecret), { execute: [client.allowInsecureRequests] });
    const m = await acceptedMember(t, b);
    expect((await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${b.organization.id}/resources/${app.id}/bindings`, headers: b.auth, payload: { userId: m.user.id } })).statusCode).toBe(201);
    await signInTo(rp, redirect, m);
    expect(await t.app.db.selectFrom('oidc_models').select('model').where('client_id', '=', app.id).execute()).not.toEqual([]);
    const erased = await t.app.rights.registry.eraseOrganization(b.organization.id);
    expect(JSON.stringify(erased)).toContain('oidc_models');
    expect(await t.app.db.selectFrom('oidc_models').select('model').where('client_id', '=', app.id).execute()).toEqual([]);
  });
});
