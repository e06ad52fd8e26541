import { expect } from 'vitest';
import { anonymousContext } from '../../src/core/context.ts';
import { type Admin, OPERATOR, type TestApp, json, verifiedUser } from './app.ts';

/** PRO-4: what the SCIM tests send, as an identity provider sends it. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export type Json = Record<string, any>;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const ctx = anonymousContext('127.0.0.1', null);

/** Runs `fn` over `items`, `width` at a time (a provisioning client's few connections), in order. */
export async function inChunks<T, R>(items: T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map((x, j) => fn(x, i + j)))));
  return out;
}

export const patchOf = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });
export const q = (filter: string) => encodeURIComponent(filter);

/** The SCIM and API calls of a test, over the app `app()` answers (made in the test's beforeAll). */
export function scimHelpers(app: () => TestApp) {
  /** A SCIM request with a bearer token, as an identity provider sends it. */
  const scim = (token: string, method: Method, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app().app.http.inject({
      method,
      url: `/scim/v2${path}`,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const api = (method: Method, url: string, auth: Record<string, string>, payload?: object) => app().app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const orgBase = (a: Admin) => `/api/v1/orgs/${a.organization.id}`;

  /** An organization's admin; on the paid plan (no user limit) unless `free`. */
  async function newOrg(opts: { free?: boolean; companyName?: string } = {}): Promise<Admin> {
    const a = await verifiedUser(app(), { companyName: opts.companyName ?? 'Provisioned Ltd' });
    if (!opts.free) await app().app.directory.plans.setPlan(ctx, OPERATOR, a.organization.id, { plan: 'paid' });
    return a;
  }

  async function makeToken(a: Admin, name = 'Okta') {
    const res = await api('POST', `${orgBase(a)}/scim/tokens`, a.auth, { name });
    expect(res.statusCode, res.body).toBe(201);
    return json(res) as { id: string; name: string; token: string; createdAt: string };
  }

  const userBody = (userName: string, extra: Json = {}) => ({ schemas: [USER_SCHEMA], userName, name: { givenName: 'Test', familyName: 'Person' }, emails: [{ value: userName, type: 'work', primary: true }], active: true, ...extra });

  async function createUser(token: string, userName: string, extra: Json = {}): Promise<Json> {
    const res = await scim(token, 'POST', '/Users', userBody(userName, extra));
    expect(res.statusCode, res.body).toBe(201);
    return json(res);
  }

  const apiUser = async (a: Admin, id: string) => api('GET', `${orgBase(a)}/users/${id}`, a.auth);
  const apiTotal = async (a: Admin, query: string) => {
    const res = await api('GET', `${orgBase(a)}/users?limit=1&${query}`, a.auth);
    expect(res.statusCode, res.body).toBe(200);
    return json(res).total as number;
  };
  const listOf = async (token: string, query: string) => {
    const res = await scim(token, 'GET', `/Users?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return json(res);
  };

  return { scim, api, orgBase, newOrg, makeToken, userBody, createUser, apiUser, apiTotal, listOf };
}
