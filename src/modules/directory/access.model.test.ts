import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, GOOD_PASSWORD, inviteTokenFor, json, startTestApp, uniqueEmail, verifiedUser } from '../../../test/helpers/app.ts';
import { anonymousContext } from '../../core/context.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import type { AccessDecision, AccessVia } from './access.service.ts';

/**
 * DIR-3 checked against a reference model: random organizations (users, some
 * who accepted their invitation and some not, some suspended; groups; memberships; resources; bindings to users or groups) are
 * built through the HTTP API, changed by random mutations, and after each phase
 * every (user, resource) pair's decision from `canAccess`, GET /access, and the
 * "who can use what" views is compared with the model's.
 */

const KINDS = ['system', 'application', 'network'] as const;
type Kind = (typeof KINDS)[number];

// ---- the reference model -------------------------------------------------------

interface MUser {
  id: string;
  /** Accepted their invitation: reactivation makes them active again, else invited again. */
  accepted: boolean;
  suspended: boolean;
  isAdmin: boolean;
}

const statusOf = (u: MUser) => (u.suspended ? 'suspended' : u.accepted ? 'active' : 'invited');
interface MGroup {
  id: string;
  name: string;
}
interface MResource {
  id: string;
  name: string;
  kind: Kind;
}
interface MBinding {
  id: string;
  resourceId: string;
  userId: string | null;
  groupId: string | null;
}

class Model {
  users = new Map<string, MUser>();
  groups = new Map<string, MGroup>();
  resources = new Map<string, MResource>();
  bindings = new Map<string, MBinding>();
  /** `${groupId} ${userId}` */
  members = new Set<string>();
  /** Every id ever created here, deleted ones included, so stale ids are asked about too. */
  everUsers: string[] = [];
  everGroups: string[] = [];
  everResources: string[] = [];
  everBindings: MBinding[] = [];

  isMember = (groupId: string, userId: string) => this.members.has(`${groupId} ${userId}`);

  /** The rule itself: allowed iff the member is active (accepted, not suspended) and bound directly or through a group they are in. */
  decide(userId: string, resourceId: string): { allowed: boolean; via: AccessVia[]; reason: 'suspended' | 'invited' | undefined } {
    const u = this.users.get(userId);
    if (!u || !this.resources.has(resourceId)) return { allowed: false, via: [], reason: undefined };
    const via: AccessVia[] = [];
    for (const b of this.bindings.values()) {
      if (b.resourceId !== resourceId) continue;
      if (b.userId === userId) via.push({ type: 'user', bindingId: b.id });
      else if (b.groupId !== null && this.isMember(b.groupId, userId)) {
        via.push({ type: 'group', bindingId: b.id, groupId: b.groupId, groupName: (this.groups.get(b.groupId) as MGroup).name });
      }
    }
    const status = statusOf(u);
    return { allowed: status === 'active' && via.length > 0, via: sortVia(via), reason: status === 'active' ? undefined : status };
  }

  deleteUser(id: string) {
    this.users.delete(id);
    for (const k of [...this.members]) if (k.endsWith(` ${id}`)) this.members.delete(k);
    for (const [bid, b] of this.bindings) if (b.userId === id) this.bindings.delete(bid);
  }
  deleteGroup(id: string) {
    this.groups.delete(id);
    for (const k of [...this.members]) if (k.startsWith(`${id} `)) this.members.delete(k);
    for (const [bid, b] of this.bindings) if (b.groupId === id) this.bindings.delete(bid);
  }
  deleteResource(id: string) {
    this.resources.delete(id);
    for (const [bid, b] of this.bindings) if (b.resourceId === id) this.bindings.delete(bid);
  }
}

const sortVia = (via: AccessVia[]) => [...via].sort((a, b) => (a.bindingId < b.bindingId ? -1 : a.bindingId > b.bindingId ? 1 : 0));

// ---- random graphs ---------------------------------------------------------------

type Mutation =
  | { op: 'suspend' | 'reactivate' | 'deleteUser'; u: number }
  | { op: 'deleteGroup' | 'renameGroup'; g: number }
  | { op: 'deleteResource'; r: number }
  | { op: 'addMember' | 'removeMember'; g: number; u: number }
  | { op: 'bindUser'; r: number; u: number }
  | { op: 'bindGroup'; r: number; g: number }
  | { op: 'unbind'; b: number };

interface Graph {
  /** One entry per user besides the admin: true when created suspended. */
  suspended: boolean[];
  /** Per user besides the admin (modulo): true when they accepted their invitation. */
  accepted: boolean[];
  resources: Kind[];
  groups: number;
  /** Indices are taken modulo the number of users (the admin is user 0), groups and resources. */
  members: Array<[number, number]>;
  userBindings: Array<[number, number]>;
  groupBindings: Array<[number, number]>;
  mutations: Mutation[];
}

const idx = fc.nat({ max: 15 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('suspend' as const, 'reactivate' as const, 'deleteUser' as const), u: idx }),
  fc.record({ op: fc.constantFrom('deleteGroup' as const, 'renameGroup' as const), g: idx }),
  fc.record({ op: fc.constant('deleteResource' as const), r: idx }),
  fc.record({ op: fc.constantFrom('addMember' as const, 'removeMember' as const), g: idx, u: idx }),
  fc.record({ op: fc.constant('bindUser' as const), r: idx, u: idx }),
  fc.record({ op: fc.constant('bindGroup' as const), r: idx, g: idx }),
  fc.record({ op: fc.constant('unbind' as const), b: idx }),
);

const graphArb: fc.Arbitrary<Graph> = fc.record({
  suspended: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
  accepted: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
  resources: fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 4 }),
  groups: fc.nat({ max: 4 }),
  members: fc.array(fc.tuple(idx, idx), { maxLength: 14 }),
  userBindings: fc.array(fc.tuple(idx, idx), { maxLength: 10 }),
  groupBindings: fc.array(fc.tuple(idx, idx), { maxLength: 8 }),
  mutations: fc.array(mutationArb, { maxLength: 10 }),
});

const NUM_RUNS = 30;

describe.each(dialects)('access decision model on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  type Admin = Awaited<ReturnType<typeof verifiedUser>>;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, auth: Record<string, string>, payload?: object) =>
    t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

  async function expectStatus(p: ReturnType<typeof call>, status: number, what: string) {
    const res = await p;
    expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
    return res.statusCode === 204 ? {} : json(res);
  }

  /** Builds the graph through the API, mirroring every step in the model. */
  async function build(a: Admin, g: Graph, m: Model) {
    const base = `/api/v1/orgs/${a.organization.id}`;
    m.users.set(a.user.id, { id: a.user.id, accepted: true, suspended: false, isAdmin: true });
    m.everUsers.push(a.user.id);
    for (const [i, suspended] of g.suspended.entries()) {
      const u = await expectStatus(call('POST', `${base}/users`, a.auth, { email: uniqueEmail('model'), name: `Model User ${i}` }), 201, 'invite user');
      const accepted = g.accepted[i % g.accepted.length] === true;
      if (accepted) await t.app.directory.invitations.acceptWithPassword(anonymousContext(null, null), await inviteTokenFor(t, u.id), { password: GOOD_PASSWORD });
      m.users.set(u.id, { id: u.id, accepted, suspended: false, isAdmin: false });
      m.everUsers.push(u.id);
      if (suspended) {
        await expectStatus(call('POST', `${base}/users/${u.id}/suspend`, a.auth), 200, 'suspend');
        (m.users.get(u.id) as MUser).suspended = true;
      }
    }
    for (let i = 0; i < g.groups; i++) {
      const grp = await expectStatus(call('POST', `${base}/groups`, a.auth, { name: `group-${i}` }), 201, 'create group');
      m.groups.set(grp.id, { id: grp.id, name: grp.name });
      m.everGroups.push(grp.id);
    }
    for (const [i, kind] of g.resources.entries()) {
      const r = await expectStatus(call('POST', `${base}/resources`, a.auth, { kind, name: `resource-${i}` }), 201, 'create resource');
      m.resources.set(r.id, { id: r.id, name: r.name, kind });
      m.everResources.push(r.id);
    }
    const users = m.everUsers;
    const groups = m.everGroups;
    const resources = m.everResources;
    if (groups.length > 0) {
      for (const [gi, ui] of g.members) {
        const groupId = groups[gi % groups.length] as string;
        const userId = users[ui % users.length] as string;
        const already = m.isMember(groupId, userId);
        await expectStatus(call('POST', `${base}/groups/${groupId}/members`, a.auth, { userId }), already ? 409 : 204, 'add member');
        m.members.add(`${groupId} ${userId}`);
      }
    }
    const bind = async (resourceId: string, subject: { userId: string } | { groupId: string }) => {
      const exists = [...m.bindings.values()].some(
        (b) => b.resourceId === resourceId && ('userId' in subject ? b.userId === subject.userId : b.groupId === subject.groupId),
      );
      const res = await call('POST', `${base}/resources/${resourceId}/bindings`, a.auth, subject);
      if (exists) {
        expect(res.statusCode, res.body).toBe(409);
        expect(json(res).code).toBe('directory.binding_exists');
        return;
      }
      expect(res.statusCode, res.body).toBe(201);
      const b = json(res);
      expect(b).toMatchObject({ resourceId, userId: 'userId' in subject ? subject.userId : null, groupId: 'groupId' in subject ? subject.groupId : null });
      const mb = { id: b.id as string, resourceId, userId: b.userId as string | null, groupId: b.groupId as string | null };
      m.bindings.set(mb.id, mb);
      m.everBindings.push(mb);
    };
    for (const [ri, ui] of g.userBindings) await bind(resources[ri % resources.length] as string, { userId: users[ui % users.length] as string });
    if (groups.length > 0) {
      for (const [ri, gi] of g.groupBindings) await bind(resources[ri % resources.length] as string, { groupId: groups[gi % groups.length] as string });
    }
  }

  /** Applies one mutation to the system and the model; ids are drawn from every id ever made, so stale ones answer 404. */
  async function mutate(a: Admin, mu: Mutation, m: Model, n: number) {
    const base = `/api/v1/orgs/${a.organization.id}`;
    const pick = <T>(xs: T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
    switch (mu.op) {
      case 'suspend':
      case 'reactivate': {
        const id = pick(m.everUsers, mu.u) as string;
        const u = m.users.get(id);
        const expected = !u ? 404 : u.isAdmin ? 403 : 200;
        await expectStatus(call('POST', `${base}/users/${id}/${mu.op}`, a.auth), expected, mu.op);
        if (u && !u.isAdmin) u.suspended = mu.op === 'suspend';
        return;
      }
      case 'deleteUser': {
        const id = pick(m.everUsers, mu.u) as string;
        const u = m.users.get(id);
        await expectStatus(call('DELETE', `${base}/users/${id}`, a.auth), !u ? 404 : u.isAdmin ? 403 : 204, 'delete user');
        if (u && !u.isAdmin) m.deleteUser(id);
        return;
      }
      case 'deleteGroup':
      case 'renameGroup': {
        const id = pick(m.everGroups, mu.g);
        if (!id) return;
        const exists = m.groups.has(id);
        if (mu.op === 'deleteGroup') {
          await expectStatus(call('DELETE', `${base}/groups/${id}`, a.auth), exists ? 204 : 404, 'delete group');
          if (exists) m.deleteGroup(id);
        } else {
          const name = `renamed-${n}`;
          await expectStatus(call('PATCH', `${base}/groups/${id}`, a.auth, { name }), exists ? 200 : 404, 'rename group');
          if (exists) (m.groups.get(id) as MGroup).name = name;
        }
        return;
      }
      case 'deleteResource': {
        const id = pick(m.everResources, mu.r) as string;
        const exists = m.resources.has(id);
        await expectStatus(call('DELETE', `${base}/resources/${id}`, a.auth), exists ? 204 : 404, 'delete resource');
        if (exists) m.deleteResource(id);
        return;
      }
      case 'addMember':
      case 'removeMember': {
        const groupId = pick(m.everGroups, mu.g);
        if (!groupId) return;
        const userId = pick(m.everUsers, mu.u) as string;
        const live = m.groups.has(groupId) && m.users.has(userId);
        const member = m.isMember(groupId, userId);
        if (mu.op === 'addMember') {
          await expectStatus(call('POST', `${base}/groups/${groupId}/members`, a.auth, { userId }), !live ? 404 : member ? 409 : 204, 'add member');
          if (live) m.members.add(`${groupId} ${userId}`);
        } else {
          await expectStatus(call('DELETE', `${base}/groups/${groupId}/members/${userId}`, a.auth), member ? 204 : 404, 'remove member');
          m.members.delete(`${groupId} ${userId}`);
        }
        return;
      }
      case 'bindUser':
      case 'bindGroup': {
        const resourceId = pick(m.everResources, mu.r) as string;
        const subjectId = mu.op === 'bindUser' ? (pick(m.everUsers, mu.u) as string) : pick(m.everGroups, mu.g);
        if (!subjectId) return;
        const subject = mu.op === 'bindUser' ? { userId: subjectId } : { groupId: subjectId };
        const live = m.resources.has(resourceId) && (mu.op === 'bindUser' ? m.users.has(subjectId) : m.groups.has(subjectId));
        const exists = [...m.bindings.values()].some((b) => b.resourceId === resourceId && (b.userId === subjectId || b.groupId === subjectId));
        const res = await call('POST', `${base}/resources/${resourceId}/bindings`, a.auth, subject);
        expect(res.statusCode, `${mu.op}: ${res.body}`).toBe(!live ? 404 : exists ? 409 : 201);
        if (res.statusCode === 201) {
          const b = json(res);
          const mb = { id: b.id as string, resourceId, userId: b.userId as string | null, groupId: b.groupId as string | null };
          expect(mb.userId ?? mb.groupId).toBe(subjectId);
          m.bindings.set(mb.id, mb);
          m.everBindings.push(mb);
        }
        return;
      }
      case 'unbind': {
        const b = pick(m.everBindings, mu.b);
        if (!b) return;
        const exists = m.bindings.has(b.id);
        await expectStatus(call('DELETE', `${base}/resources/${b.resourceId}/bindings/${b.id}`, a.auth), exists ? 204 : 404, 'unbind');
        m.bindings.delete(b.id);
        return;
      }
    }
  }

  /** Every (user, resource) pair, stale ids included, and every user's and resource's "who can use what". */
  async function checkAgainstModel(a: Admin, m: Model, foreign: { orgId: string; userId: string; resourceId: string } | undefined) {
    const orgId = a.organization.id as string;
    const base = `/api/v1/orgs/${orgId}`;
    for (const userId of m.everUsers) {
      for (const resourceId of m.everResources) {
        const want = m.decide(userId, resourceId);
        const got: AccessDecision = await t.app.directory.access.canAccess(orgId, userId, resourceId);
        const label = `canAccess(${userId}, ${resourceId})`;
        expect(got.allowed, label).toBe(want.allowed);
        expect(sortVia(got.via), label).toEqual(want.via);
        expect(new Set(got.via.map((v) => v.bindingId)).size, `${label}: a binding counted twice`).toBe(got.via.length);
        if (m.users.has(userId) && m.resources.has(resourceId)) expect(got.reason, label).toBe(want.reason);
        else expect(got.reason, label).toBeUndefined();

        const res = await call('GET', `${base}/access?userId=${userId}&resourceId=${resourceId}`, a.auth);
        if (!m.users.has(userId) || !m.resources.has(resourceId)) {
          expect(res.statusCode, `GET /access ${label}`).toBe(404);
        } else {
          expect(res.statusCode, `GET /access ${label}: ${res.body}`).toBe(200);
          const body = json(res) as AccessDecision;
          expect(body.allowed, `GET /access ${label}`).toBe(want.allowed);
          expect(sortVia(body.via), `GET /access ${label}`).toEqual(want.via);
        }
      }
    }

    // GET /users/{id}/access: every resource the user's bindings reach, allowed only while active.
    for (const userId of m.everUsers) {
      const res = await call('GET', `${base}/users/${userId}/access`, a.auth);
      const u = m.users.get(userId);
      if (!u) {
        expect(res.statusCode, `GET /users/${userId}/access of a deleted user`).toBe(404);
        continue;
      }
      expect(res.statusCode, res.body).toBe(200);
      const items = json(res).items as Array<{ resource: { id: string; name: string; kind: string }; allowed: boolean; via: AccessVia[] }>;
      const want = [...m.resources.values()]
        .map((r) => ({ r, d: m.decide(userId, r.id) }))
        .filter(({ d }) => d.via.length > 0)
        .map(({ r, d }) => ({ resource: { id: r.id, name: r.name, kind: r.kind }, allowed: d.allowed, via: d.via }));
      const gotNorm = items
        .map((i) => ({ resource: { id: i.resource.id, name: i.resource.name, kind: i.resource.kind }, allowed: i.allowed, via: sortVia(i.via) }))
        .sort((x, y) => (x.resource.id < y.resource.id ? -1 : 1));
      want.sort((x, y) => (x.resource.id < y.resource.id ? -1 : 1));
      expect(gotNorm, `GET /users/${userId}/access`).toEqual(want);
    }

    // GET /resources/{id}/access: every user the resource's bindings reach.
    for (const resourceId of m.everResources) {
      const res = await call('GET', `${base}/resources/${resourceId}/access`, a.auth);
      if (!m.resources.has(resourceId)) {
        expect(res.statusCode, `GET /resources/${resourceId}/access of a deleted resource`).toBe(404);
        continue;
      }
      expect(res.statusCode, res.body).toBe(200);
      const items = json(res).items as Array<{ user: { id: string; status: string }; allowed: boolean; via: AccessVia[] }>;
      const want = [...m.users.values()]
        .map((u) => ({ u, d: m.decide(u.id, resourceId) }))
        .filter(({ d }) => d.via.length > 0)
        .map(({ u, d }) => ({ userId: u.id, status: statusOf(u), allowed: d.allowed, via: d.via }))
        .sort((x, y) => (x.userId < y.userId ? -1 : 1));
      const gotNorm = items
        .map((i) => ({ userId: i.user.id, status: i.user.status, allowed: i.allowed, via: sortVia(i.via) }))
        .sort((x, y) => (x.userId < y.userId ? -1 : 1));
      expect(gotNorm, `GET /resources/${resourceId}/access`).toEqual(want);
    }

    // DIR-1 at the heart of the decision: another organization's user or resource is never granted here.
    if (foreign) {
      for (const resourceId of m.everResources) {
        expect(await t.app.directory.access.canAccess(orgId, foreign.userId, resourceId)).toEqual({ allowed: false, via: [] });
        expect(await t.app.directory.access.canAccess(foreign.orgId, foreign.userId, resourceId)).toEqual({ allowed: false, via: [] });
        expect((await call('GET', `${base}/access?userId=${foreign.userId}&resourceId=${resourceId}`, a.auth)).statusCode).toBe(404);
      }
      for (const userId of m.everUsers) {
        expect(await t.app.directory.access.canAccess(orgId, userId, foreign.resourceId)).toEqual({ allowed: false, via: [] });
        expect(await t.app.directory.access.canAccess(foreign.orgId, userId, foreign.resourceId)).toEqual({ allowed: false, via: [] });
      }
    }
  }

  it(
    'DIR-3: the access decision matches a reference model on random graphs',
    async () => {
      /** The previous run's organization, with a user bound to a resource, to ask about across tenants. */
      let foreign: { orgId: string; userId: string; resourceId: string } | undefined;
      let runs = 0;
      let pairs = 0;
      await fc.assert(
        fc.asyncProperty(graphArb, async (g) => {
          runs++;
          const a = await verifiedUser(t, { name: 'Model Admin', companyName: 'Model Org' });
          const m = new Model();
          await build(a, g, m);
          await checkAgainstModel(a, m, foreign);
          for (const [n, mu] of g.mutations.entries()) await mutate(a, mu, m, n);
          await checkAgainstModel(a, m, foreign);
          pairs += 2 * m.everUsers.length * m.everResources.length;
          // Leave this organization as the next run's foreign one: its admin bound to its first resource, if it still exists.
          const live = [...m.resources.keys()][0];
          if (live) {
            if (!m.decide(a.user.id, live).via.some((v) => v.type === 'user')) {
              await expectStatus(call('POST', `/api/v1/orgs/${a.organization.id}/resources/${live}/bindings`, a.auth, { userId: a.user.id }), 201, 'bind admin');
            }
            expect((await t.app.directory.access.canAccess(a.organization.id, a.user.id, live)).allowed).toBe(true);
            foreign = { orgId: a.organization.id, userId: a.user.id, resourceId: live };
          }
        }),
        { numRuns: NUM_RUNS },
      );
      expect(runs).toBeGreaterThanOrEqual(NUM_RUNS);
      expect(pairs).toBeGreaterThan(0);
    },
    240_000,
  );
});
