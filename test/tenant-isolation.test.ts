import fc from 'fast-check';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, GOOD_PASSWORD, inviteTokenFor, json, signIn, startTestApp, verifiedUser } from './helpers/app.ts';
import { type TestDialect, dialects } from './helpers/databases.ts';
import { type TestDns, startTestDns } from './helpers/dns.ts';
import { type WebhookReceiver, startWebhookReceiver } from './helpers/webhook-receiver.ts';

/**
 * DIR-1, property-based: two organizations, A and B, each with a verified admin
 * and a plain member who accepted an invitation. Random sequences of calls to
 * every directory route, by a random one of the four, on ids drawn from both
 * organizations (and invalid ones). After every call:
 *  - nothing in the response names an id, email or name that belongs only to
 *    the other organization (unless the caller itself sent it);
 *  - a call on the other organization's objects answers 404 (403 for a plain
 *    member inside their own organization), never 2xx;
 *  - nothing wrote the other organization's rows (users, groups, group_members,
 *    resources, bindings, its sessions, tokens, audit entries and mail, its
 *    POSIX counter), as triggers in the test's database record;
 *  - no call answers 5xx or 401, and a plain member gets nothing but their own
 *    account.
 */

type OrgKey = 'a' | 'b';
const otherOf = (k: OrgKey): OrgKey => (k === 'a' ? 'b' : 'a');

/** How much to run on each dialect: runs (two fresh organizations each) × calls per run. */
const BUDGET: Record<TestDialect['name'], { runs: number; ops: number; minOps: number }> = {
  sqlite: { runs: 10, ops: 1000, minOps: 10_000 },
  postgres: { runs: 10, ops: 1000, minOps: 10_000 },
};

// Every string this test makes for an organization carries a marker naming it: zq<org><n>x.
let markerCount = 0;
const marker = (k: OrgKey) => `zq${k}${markerCount++}x`;
const MARKER_RE = /zq([ab])\d+x/g;
// The server's ids: a three-or-four letter prefix and 16 base64url characters.
const ID_RE = /(?<![A-Za-z0-9_-])(?:usr|grp|res|bnd|org|aud|ses|tok|mail|rc|apc|dom|int|whd|ecr)_[A-Za-z0-9_-]{16}(?![A-Za-z0-9_-])/g;

const INVALID = {
  org: 'org_XXXXXXXXXXXXXXXX',
  user: 'usr_XXXXXXXXXXXXXXXX',
  group: 'grp_XXXXXXXXXXXXXXXX',
  resource: 'res_XXXXXXXXXXXXXXXX',
  binding: 'bnd_XXXXXXXXXXXXXXXX',
  apiClient: 'apc_XXXXXXXXXXXXXXXX',
  scimToken: 'sct_XXXXXXXXXXXXXXXX',
  domain: 'dom_XXXXXXXXXXXXXXXX',
  integration: 'int_XXXXXXXXXXXXXXXX',
  emailChange: 'ecr_XXXXXXXXXXXXXXXX',
} as const;

interface Actor {
  org: OrgKey;
  role: 'admin' | 'member';
  userId: string;
  email: string;
  auth: Record<string, string>;
  label: string;
}

interface Org {
  key: OrgKey;
  id: string;
  admin: Actor;
  member: Actor;
  users: string[];
  groups: string[];
  resources: string[];
  bindings: Array<{ id: string; resourceId: string }>;
  /** PRO-2: the organization's API clients. */
  apiClients: string[];
  /** PRO-4: the organization's SCIM tokens. */
  scimTokens: string[];
  /** GOV-2: the organization's domains (named after its marker, so a leak of a name is seen too). */
  domains: string[];
  /** GOV-5: the organization's integrations. */
  integrations: string[];
  /** GOV-4: the email changes waiting for the organization's admins (its member's and its admin's). */
  emailChanges: string[];
  /** Memberships made so far (some since undone), so that removals often find one. */
  members: Array<{ groupId: string; userId: string }>;
}

const KINDS = [
  ...['createUser', 'createUser', 'createUser', 'listUsers', 'getUser', 'getUser', 'patchUser', 'patchUser', 'deleteUser', 'suspendUser', 'reactivateUser', 'userAccess'],
  ...['createGroup', 'createGroup', 'listGroups', 'getGroup', 'patchGroup', 'deleteGroup', 'listMembers', 'addMember', 'addMember', 'addMember', 'removeMember'],
  ...['createResource', 'createResource', 'listResources', 'getResource', 'patchResource', 'deleteResource', 'listBindings', 'bind', 'bind', 'bind', 'unbind'],
  ...['resourceAccess', 'access', 'access', 'audit', 'importUsers', 'exportUsers', 'ldap', 'ldapCa', 'getOrg', 'patchOrg'],
  // PRO-2: an OIDC application's client secret.
  ...['clientSecret'],
  // PRO-2: the organization's API clients.
  ...['createApiClient', 'listApiClients', 'revokeApiClient'],
  ...['createScimToken', 'listScimTokens', 'revokeScimToken'],
  // GOV-2, GOV-3: domains (their records published on the test DNS server), the preview and the claim.
  ...['createDomain', 'listDomains', 'getDomain', 'verifyDomain', 'domainAccounts', 'claimDomain', 'deleteDomain'],
  // GOV-1, GOV-5: integrations (webhooks deliver to a receiver on loopback, which the operator's setting allows here).
  ...['installIntegration', 'listIntegrations', 'getIntegration', 'integrationDeliveries', 'uninstallIntegration'],
  // PRO-3: a network's RADIUS shared secret, and the accounting sessions.
  ...['sharedSecret', 'radiusSessions'],
  // GOV-4: the email changes of the accounts the organization administers.
  ...['listEmailChanges', 'getEmailChange', 'approveEmailChange', 'denyEmailChange'],
  // DSR-6: an organization's deletion (a name that seldom matches: the organizations are renamed `Renamed <n>`).
  ...['getDeletion', 'requestDeletion', 'cancelDeletion'],
] as const;
type Kind = (typeof KINDS)[number];

interface Op {
  /** 0: A's admin, 1: A's member, 2: B's admin, 3: B's member (admins are drawn more often). */
  actor: number;
  kind: Kind;
  /** Which organization's URL: < 60 the actor's own, < 95 the other one, else an organization that does not exist. */
  where: number;
  r: number[];
}

const opArb: fc.Arbitrary<Op> = fc.record({
  actor: fc.constantFrom(0, 0, 0, 1, 2, 2, 2, 3),
  kind: fc.constantFrom(...KINDS),
  where: fc.nat({ max: 99 }),
  r: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
});

interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  payload?: Record<string, unknown>;
  /** The organization whose URL is called, or null for one that does not exist. */
  urlOrg: OrgKey | null;
  /** True when an id in the path, the body or the access query belongs to an organization other than the actor's. */
  foreign: boolean;
}

class Failure extends Error {}

describe.each(dialects)('tenant isolation on $name', (dialect) => {
  let t: TestApp;
  let dns: TestDns;
  // GOV-5: webhooks deliver here (and are answered 200, so no retry waits on the test's clock).
  let hooks: WebhookReceiver;
  beforeAll(async () => {
    dns = await startTestDns();
    hooks = await startWebhookReceiver();
    t = await startTestApp(dialect, { env: { CASTELLAN_DNS_SERVERS: dns.server, CASTELLAN_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    await recordWrites();
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
    await hooks.close();
  });

  const budget = BUDGET[dialect.name];
  const inject = (actor: Actor | null, method: Request['method'], url: string, payload?: object) =>
    t.app.http.inject({ method, url, headers: actor?.auth ?? {}, ...(payload ? { payload } : {}) });

  // ---- who owns what -----------------------------------------------------------

  /** Every server id seen so far, and the organization it was first seen in (or 'none' for the made-up ones). */
  const owner = new Map<string, OrgKey | 'none'>(Object.values(INVALID).map((id) => [id, 'none']));
  const ownerOf = (token: string): OrgKey | 'none' | undefined => {
    if (token.startsWith('zq')) return token[2] as OrgKey;
    return owner.get(token);
  };
  const tokensIn = (text: string) => [...(text.match(ID_RE) ?? []), ...(text.match(MARKER_RE) ?? [])];
  const register = (k: OrgKey, text: string) => {
    for (const id of text.match(ID_RE) ?? []) if (!owner.has(id)) owner.set(id, k);
  };

  // ---- what each call wrote -------------------------------------------------------

  /**
   * Every write to a table that holds an organization's rows is recorded, by triggers installed
   * in this test's database, with the organization the row belongs to (sessions and one-time
   * tokens through the account's memberships; mail by its recipient). After each call the record
   * is read and emptied in one statement, so no call needs a dump of the other organization's
   * tables. A write that touches the other organization's rows fails the test, even one that
   * would leave them as they were.
   */
  const WATCHED: Array<{ table: string; by: 'account' | 'mail' | string; updateOf?: string[]; updates?: false }> = [
    { table: 'organizations', by: 'id' },
    { table: 'memberships', by: 'org_id' },
    { table: 'groups', by: 'org_id' },
    { table: 'group_members', by: 'org_id' },
    { table: 'resources', by: 'org_id' },
    { table: 'bindings', by: 'org_id' },
    { table: 'oidc_clients', by: 'org_id' },
    { table: 'api_clients', by: 'org_id' },
    { table: 'domains', by: 'org_id' },
    { table: 'account_controls', by: 'org_id' },
    { table: 'account_notices', by: 'org_id' },
    { table: 'integrations', by: 'org_id' },
    { table: 'webhook_endpoints', by: 'org_id' },
    { table: 'webhook_deliveries', by: 'org_id' },
    { table: 'email_change_requests', by: 'org_id' },
    { table: 'posix_counters', by: 'org_id' },
    // An audit entry is never changed (its own triggers refuse it); one added or removed counts.
    { table: 'audit_log', by: 'org_id', updates: false },
    { table: 'sessions', by: 'account', updateOf: ['account_id', 'expires_at'] },
    { table: 'one_time_tokens', by: 'account', updateOf: ['account_id', 'purpose', 'used_at', 'expires_at'] },
    // Mail counts by recipient; delivery updates its row, which is not a change of the organization's data.
    { table: 'mail_outbox', by: 'mail', updates: false },
  ];
  // Another organization may invite anyone: an invitation tells its recipient, and changes nothing of theirs.
  const NOT_INVITATION = `subject not like 'Invitation to join%'`;

  async function recordWrites(): Promise<void> {
    const db = t.app.db;
    await sql`create table isolation_writes (tbl text not null, op text not null, org_id text, mail text)`.execute(db);
    if (dialect.name === 'postgres') {
      await sql
        .raw(
          `create function isolation_note() returns trigger language plpgsql as $$
          declare j jsonb;
          begin
            for j in select x from unnest(array[
              case when tg_op <> 'INSERT' then to_jsonb(old) end,
              case when tg_op <> 'DELETE' then to_jsonb(new) end]) as x where x is not null loop
              if tg_argv[0] = 'account' then
                insert into isolation_writes (tbl, op, org_id)
                  select tg_table_name, lower(tg_op), m.org_id from memberships m where m.account_id = j->>'account_id';
              elsif tg_argv[0] = 'mail' then
                if coalesce(j->>'subject', '') not like 'Invitation to join%' then
                  insert into isolation_writes (tbl, op, mail) values (tg_table_name, lower(tg_op), j->>'to_address');
                end if;
              else
                insert into isolation_writes (tbl, op, org_id) values (tg_table_name, lower(tg_op), j->>tg_argv[0]);
              end if;
            end loop;
            return null;
          end $$`,
        )
        .execute(db);
      for (const w of WATCHED) {
        const update = w.updates === false ? '' : w.updateOf ? ` or update of ${w.updateOf.join(', ')}` : ' or update';
        await sql.raw(`create trigger isolation_note after insert or delete${update} on ${w.table} for each row execute function isolation_note('${w.by}')`).execute(db);
      }
      return;
    }
    const note = (w: (typeof WATCHED)[number], op: string, row: 'new' | 'old') =>
      w.by === 'account'
        ? `insert into isolation_writes (tbl, op, org_id) select '${w.table}', '${op}', org_id from memberships where account_id = ${row}.account_id;`
        : w.by === 'mail'
          ? `insert into isolation_writes (tbl, op, mail) select '${w.table}', '${op}', ${row}.to_address where ${row}.${NOT_INVITATION};`
          : `insert into isolation_writes (tbl, op, org_id) values ('${w.table}', '${op}', ${row}.${w.by});`;
    for (const w of WATCHED) {
      await sql.raw(`create trigger isolation_${w.table}_insert after insert on ${w.table} begin ${note(w, 'insert', 'new')} end`).execute(db);
      await sql.raw(`create trigger isolation_${w.table}_delete after delete on ${w.table} begin ${note(w, 'delete', 'old')} end`).execute(db);
      if (w.updates === false) continue;
      const of = w.updateOf ? ` of ${w.updateOf.join(', ')}` : '';
      await sql.raw(`create trigger isolation_${w.table}_update after update${of} on ${w.table} begin ${note(w, 'update', 'old')} ${note(w, 'update', 'new')} end`).execute(db);
    }
  }

  interface Write {
    tbl: string;
    op: string;
    org_id: string | null;
    mail: string | null;
  }

  /** The writes since the last call, emptying the record. */
  async function takeWrites(): Promise<Write[]> {
    const { rows } = await sql<Write>`delete from isolation_writes returning tbl, op, org_id, mail`.execute(t.app.db);
    return rows;
  }

  /** The writes that touched `org`'s rows, described. */
  const writesTo = (org: Org, writes: Write[]) =>
    writes.filter((w) => w.org_id === org.id || (w.mail ?? '').includes(`zq${org.key}`)).map((w) => `${w.op} ${w.tbl} ${w.mail ?? w.org_id}`);

  // ---- setting up two organizations ---------------------------------------------

  async function setUpOrg(k: OrgKey, plan: 'free' | 'paid'): Promise<Org> {
    const m = marker(k);
    const a = await verifiedUser(t, { email: `admin.${m}@example.com`, name: `Admin ${m}`, companyName: `Company ${marker(k)}` });
    const orgId = a.organization.id as string;
    owner.set(orgId, k);
    owner.set(a.user.id, k);
    if (plan === 'paid') await t.app.db.updateTable('organizations').set({ plan: 'paid' }).where('id', '=', orgId).execute();
    const admin: Actor = { org: k, role: 'admin', userId: a.user.id, email: a.body.email as string, auth: a.auth, label: `${k.toUpperCase()} admin` };

    // The plain member is invited by the admin (through the API) and accepts with the invitation's
    // token, taken from the database rather than from the mail (this test is not about mail).
    const email = `member.${marker(k)}@example.com`;
    const created = await inject(admin, 'POST', `/api/v1/orgs/${orgId}/users`, { email, name: `Member ${marker(k)}` });
    if (created.statusCode !== 201) throw new Error(`create member: ${created.body}`);
    const memberId = json(created).id as string;
    owner.set(memberId, k);
    const token = await inviteTokenFor(t, memberId);
    const accept = await inject(null, 'POST', '/api/v1/invitations/accept', { token, password: GOOD_PASSWORD });
    if (accept.statusCode !== 200) throw new Error(`accept invitation: ${accept.body}`);
    const session = await signIn(t, email, GOOD_PASSWORD);
    const member: Actor = { org: k, role: 'member', userId: memberId, email, auth: { authorization: `Bearer ${session.token}` }, label: `${k.toUpperCase()} member` };
    // GOV-4: the organization administers both accounts, and each has asked for a new address.
    const emailChanges: string[] = [];
    for (const who of [admin, member]) {
      const accountId = (await t.app.accounts.factsByEmail(t.app.db, who.email))?.id as string;
      await t.app.db.insertInto('account_controls').values({ account_id: accountId, org_id: orgId, domain_id: null, asserted_by: null, asserted_at: new Date().toISOString() }).execute();
      const asked = await inject(who, 'POST', '/api/v1/me/email', { email: `moved.${marker(k)}@example.com`, password: GOOD_PASSWORD });
      if (asked.statusCode !== 202) throw new Error(`email change: ${asked.body}`);
      emailChanges.push(json(asked).requestId as string);
      owner.set(json(asked).requestId as string, k);
    }
    return { key: k, id: orgId, admin, member, users: [a.user.id, memberId], groups: [], resources: [], bindings: [], members: [], apiClients: [], scimTokens: [], domains: [], integrations: [], emailChanges };
  }

  // ---- turning an abstract op into a request --------------------------------------

  function toRequest(op: Op, orgs: Record<OrgKey, Org>, actor: Actor): Request | null {
    let i = 0;
    const next = () => op.r[i++ % op.r.length] as number;
    const own = orgs[actor.org];
    const urlOrg: OrgKey | null = op.where < 60 ? actor.org : op.where < 95 ? otherOf(actor.org) : null;
    const orgId = urlOrg ? orgs[urlOrg].id : INVALID.org;
    const base = `/api/v1/orgs/${orgId}`;
    const home = urlOrg ?? actor.org;
    let foreign = urlOrg !== actor.org;

    /** An id of the given type: mostly of the URL's organization, often of the other one, sometimes made up. */
    function pick(type: 'user' | 'group' | 'resource'): string {
      const roll = next() % 100;
      const k = roll < 60 ? home : roll < 94 ? otherOf(home) : null;
      const pool = k ? { user: orgs[k].users, group: orgs[k].groups, resource: orgs[k].resources }[type] : [];
      const id = pool.length > 0 ? (pool[next() % pool.length] as string) : INVALID[type];
      if (k && k !== actor.org && pool.length > 0) foreign = true;
      return id;
    }
    const text = (label: string) => `${label} ${marker(home)}`;
    /** Same-organization changes that would take the plain member's account away are aimed at the admin instead (who cannot change themselves). */
    const protect = (userId: string) => (actor.role === 'admin' && urlOrg === actor.org && userId === own.member.userId ? actor.userId : userId);
    const optional = <T>(v: T) => (next() % 2 === 0 ? v : undefined);
    const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    const anyId = () => {
      const all = [...orgs.a.users, ...orgs.b.groups, ...orgs.a.resources, ...orgs.b.users, ...orgs.a.groups, ...orgs.b.resources];
      return all[next() % all.length] as string;
    };

    switch (op.kind) {
      case 'createUser': {
        // Now and then with the email of one of the other organization's actors (never deleted, so always taken).
        const theirs = [orgs[otherOf(home)].admin.email, orgs[otherOf(home)].member.email];
        const m = marker(home);
        const email = next() % 10 === 0 && theirs.length > 0 ? (theirs[next() % theirs.length] as string) : `u.${m}@example.com`;
        return { method: 'POST', url: `${base}/users`, payload: clean({ email, name: `User ${m}`, username: optional(`n${marker(home)}`) }), urlOrg, foreign };
      }
      case 'listUsers': {
        const q = next() % 3 === 0 ? `&q=zq${next() % 2 === 0 ? 'a' : 'b'}` : '';
        const cursor = next() % 4 === 0 ? `&cursor=${anyId()}` : '';
        return { method: 'GET', url: `${base}/users?limit=${1 + (next() % 60)}${q}${cursor}`, urlOrg, foreign };
      }
      case 'getUser': {
        // Members often ask for themselves.
        const id = actor.role === 'member' && next() % 2 === 0 ? actor.userId : pick('user');
        return { method: 'GET', url: `${base}/users/${id}`, urlOrg, foreign };
      }
      case 'patchUser': {
        const id = pick('user');
        const orgRole = optional(next() % 2 === 0 ? 'admin' : 'member');
        const target = orgRole !== undefined ? protect(id) : id;
        const payload = clean({
          name: optional(text('Renamed')),
          username: optional(`p${marker(home)}`),
          loginShell: optional(next() % 2 === 0 ? '/bin/zsh' : '/bin/sh'),
          orgRole,
        });
        return { method: 'PATCH', url: `${base}/users/${target}`, payload, urlOrg, foreign };
      }
      case 'deleteUser':
        return { method: 'DELETE', url: `${base}/users/${protect(pick('user'))}`, urlOrg, foreign };
      case 'suspendUser':
        return { method: 'POST', url: `${base}/users/${protect(pick('user'))}/suspend`, urlOrg, foreign };
      case 'reactivateUser':
        return { method: 'POST', url: `${base}/users/${pick('user')}/reactivate`, urlOrg, foreign };
      case 'importUsers': {
        // A CSV file of one to three users; group names are the organization's own or names both organizations use.
        const theirs = [orgs[otherOf(home)].admin.email, orgs[otherOf(home)].member.email];
        const lines = ['email,name,username,groups'];
        for (let k = 0, n = 1 + (next() % 3); k < n; k++) {
          const m = marker(home);
          const email = next() % 10 === 0 ? (theirs[next() % 2] as string) : `i.${m}@example.com`;
          const groups = ['shared-staff', 'shared-ops', `g ${m}`].filter(() => next() % 2 === 0).join(';');
          lines.push(`${email},Imported ${m},,${groups}`);
        }
        return { method: 'POST', url: `${base}/users/import`, payload: { format: 'csv', data: `${lines.join('\n')}\n` }, urlOrg, foreign };
      }
      case 'exportUsers':
        return { method: 'GET', url: `${base}/users/export?format=${next() % 2 === 0 ? 'csv' : 'ldif'}`, urlOrg, foreign };
      case 'userAccess':
        return { method: 'GET', url: `${base}/users/${pick('user')}/access`, urlOrg, foreign };
      case 'createGroup':
        return { method: 'POST', url: `${base}/groups`, payload: clean({ name: text('group'), description: optional(text('about')) }), urlOrg, foreign };
      case 'listGroups':
        return { method: 'GET', url: `${base}/groups?limit=${1 + (next() % 60)}${next() % 4 === 0 ? `&cursor=${anyId()}` : ''}`, urlOrg, foreign };
      case 'getGroup':
        return { method: 'GET', url: `${base}/groups/${pick('group')}`, urlOrg, foreign };
      case 'patchGroup': {
        const id = pick('group');
        return { method: 'PATCH', url: `${base}/groups/${id}`, payload: clean({ name: optional(text('regroup')), description: optional(next() % 3 === 0 ? null : text('desc')) }), urlOrg, foreign };
      }
      case 'deleteGroup':
        return { method: 'DELETE', url: `${base}/groups/${pick('group')}`, urlOrg, foreign };
      case 'listMembers':
        return { method: 'GET', url: `${base}/groups/${pick('group')}/members`, urlOrg, foreign };
      case 'addMember': {
        const g = pick('group');
        return { method: 'POST', url: `${base}/groups/${g}/members`, payload: { userId: pick('user') }, urlOrg, foreign };
      }
      case 'removeMember': {
        const pool = orgs[home].members;
        if (pool.length > 0 && next() % 2 === 0) {
          const m = pool[next() % pool.length] as { groupId: string; userId: string };
          return { method: 'DELETE', url: `${base}/groups/${m.groupId}/members/${m.userId}`, urlOrg, foreign };
        }
        const g = pick('group');
        return { method: 'DELETE', url: `${base}/groups/${g}/members/${pick('user')}`, urlOrg, foreign };
      }
      case 'createResource': {
        const kind = (['system', 'application', 'network'] as const)[next() % 3];
        // PRO-2: some applications are OIDC clients, whose secret the clientSecret calls rotate.
        // PRO-3: some networks list RADIUS clients; both organizations may list the same private range.
        const settings =
          kind === 'application' && next() % 2 === 0
            ? { protocol: 'oidc', grantTypes: ['client_credentials'] }
            : kind === 'network' && next() % 2 === 0
              ? { clients: ['10.0.0.0/24', '192.0.2.7'] }
              : optional({ note: text('secret') });
        return { method: 'POST', url: `${base}/resources`, payload: clean({ kind, name: text('resource'), settings }), urlOrg, foreign };
      }
      case 'listResources': {
        const kind = next() % 3 === 0 ? `&kind=${(['system', 'application', 'network'] as const)[next() % 3]}` : '';
        return { method: 'GET', url: `${base}/resources?limit=${1 + (next() % 60)}${kind}${next() % 4 === 0 ? `&cursor=${anyId()}` : ''}`, urlOrg, foreign };
      }
      case 'getResource':
        return { method: 'GET', url: `${base}/resources/${pick('resource')}`, urlOrg, foreign };
      case 'patchResource': {
        const id = pick('resource');
        return { method: 'PATCH', url: `${base}/resources/${id}`, payload: clean({ name: optional(text('renamed')), settings: optional({ note: text('changed') }) }), urlOrg, foreign };
      }
      case 'deleteResource':
        return { method: 'DELETE', url: `${base}/resources/${pick('resource')}`, urlOrg, foreign };
      case 'listBindings':
        return { method: 'GET', url: `${base}/resources/${pick('resource')}/bindings`, urlOrg, foreign };
      case 'bind': {
        const r = pick('resource');
        const payload = next() % 2 === 0 ? { userId: pick('user') } : { groupId: pick('group') };
        return { method: 'POST', url: `${base}/resources/${r}/bindings`, payload, urlOrg, foreign };
      }
      case 'unbind': {
        const roll = next() % 100;
        const k = roll < 60 ? home : roll < 94 ? otherOf(home) : null;
        const pool = k ? orgs[k].bindings : [];
        const b = pool.length > 0 ? (pool[next() % pool.length] as { id: string; resourceId: string }) : { id: INVALID.binding, resourceId: INVALID.resource };
        if (k && k !== actor.org && pool.length > 0) foreign = true;
        const resourceId = next() % 5 === 0 ? pick('resource') : b.resourceId;
        return { method: 'DELETE', url: `${base}/resources/${resourceId}/bindings/${b.id}`, urlOrg, foreign };
      }
      case 'resourceAccess':
        return { method: 'GET', url: `${base}/resources/${pick('resource')}/access`, urlOrg, foreign };
      case 'access': {
        const u = pick('user');
        return { method: 'GET', url: `${base}/access?userId=${u}&resourceId=${pick('resource')}`, urlOrg, foreign };
      }
      case 'ldap':
        return { method: 'GET', url: `${base}/ldap`, urlOrg, foreign };
      case 'clientSecret':
        return { method: 'POST', url: `${base}/resources/${pick('resource')}/client-secret`, urlOrg, foreign };
      case 'sharedSecret':
        return { method: 'POST', url: `${base}/resources/${pick('resource')}/shared-secret`, urlOrg, foreign };
      case 'radiusSessions': {
        // Filters by the other organization's ids are filters, not targets: they must simply find nothing.
        const filter = next() % 3 === 0 ? `&networkId=${anyId()}` : next() % 3 === 0 ? `&userId=${anyId()}` : '';
        return { method: 'GET', url: `${base}/radius/sessions?limit=${1 + (next() % 60)}${filter}`, urlOrg, foreign };
      }
      case 'createApiClient':
        return { method: 'POST', url: `${base}/api-clients`, payload: { name: text('client'), scopes: next() % 2 === 0 ? ['directory:read'] : ['directory:write', 'audit:read'] }, urlOrg, foreign };
      case 'listApiClients':
        return { method: 'GET', url: `${base}/api-clients`, urlOrg, foreign };
      case 'revokeApiClient': {
        const roll = next() % 100;
        const k = roll < 60 ? home : roll < 94 ? otherOf(home) : null;
        const pool = k ? orgs[k].apiClients : [];
        const id = pool.length > 0 ? (pool[next() % pool.length] as string) : INVALID.apiClient;
        if (k && k !== actor.org && pool.length > 0) foreign = true;
        return { method: 'DELETE', url: `${base}/api-clients/${id}`, urlOrg, foreign };
      }
      case 'createScimToken':
        return { method: 'POST', url: `${base}/scim/tokens`, payload: { name: text('hr') }, urlOrg, foreign };
      case 'listScimTokens':
        return { method: 'GET', url: `${base}/scim/tokens`, urlOrg, foreign };
      case 'revokeScimToken': {
        const roll = next() % 100;
        const k = roll < 60 ? home : roll < 94 ? otherOf(home) : null;
        const pool = k ? orgs[k].scimTokens : [];
        const id = pool.length > 0 ? (pool[next() % pool.length] as string) : INVALID.scimToken;
        if (k && k !== actor.org && pool.length > 0) foreign = true;
        return { method: 'DELETE', url: `${base}/scim/tokens/${id}`, urlOrg, foreign };
      }
      case 'installIntegration': {
        const settings = next() % 2 === 0 ? { url: `${hooks.url}/${marker(home)}` } : { redirectUris: [`https://${marker(home)}.example.com/cb`] };
        const type = 'url' in settings ? 'webhook' : 'oauth-app';
        return { method: 'POST', url: `${base}/integrations`, payload: { type, name: text('integration'), recipient: { name: text('Acme'), postalAddress: text('1 Main St') }, settings }, urlOrg, foreign };
      }
      case 'listIntegrations':
        return { method: 'GET', url: `${base}/integrations?limit=${1 + (next() % 60)}`, urlOrg, foreign };
      case 'getIntegration':
      case 'integrationDeliveries':
      case 'uninstallIntegration': {
        const roll = next() % 100;
        const k = roll < 60 ? home : roll < 94 ? otherOf(home) : null;
        const pool = k ? orgs[k].integrations : [];
        const id = pool.length > 0 ? (pool[next() % pool.length] as string) : INVALID.integration;
        if (k && k !== actor.org && pool.length > 0) foreign = true;
        const url = `${base}/integrations/${id}`;
        if (op.kind === 'getIntegration') return { method: 'GET', url, urlOrg, foreign };
        if (op.kind === 'integrationDeliveries') return { method: 'GET', url: `${url}/deliveries`, urlOrg, foreign };
        return { method: 'DELETE', url, urlOrg, foreign };
      }
      case 'createDomain':
        return { method: 'POST', url: `${base}/domains`, payload: { name: `${next() % 5 === 0 ? ' ' : ''}${marker(home)}.Example${next() % 3 === 0 ? '.' : ''}` }, urlOrg, foreign };
      case 'listDomains':
        return { method: 'GET', url: `${base}/domains?limit=${1 + (next() % 60)}`, urlOrg, foreign };
      case 'getDomain':
      case 'verifyDomain':
      case 'domainAccounts':
      case 'claimDomain':
      case 'deleteDomain': {
        const roll = next() % 100;
        const k = roll < 60 ? home : roll < 94 ? otherOf(home) : null;
        const pool = k ? orgs[k].domains : [];
        const id = pool.length > 0 ? (pool[next() % pool.length] as string) : INVALID.domain;
        if (k && k !== actor.org && pool.length > 0) foreign = true;
        const url = `${base}/domains/${id}`;
        if (op.kind === 'getDomain') return { method: 'GET', url, urlOrg, foreign };
        if (op.kind === 'deleteDomain') return { method: 'DELETE', url, urlOrg, foreign };
        if (op.kind === 'verifyDomain') return { method: 'POST', url: `${url}/verify`, urlOrg, foreign };
        if (op.kind === 'domainAccounts') return { method: 'GET', url: `${url}/accounts?limit=${1 + (next() % 60)}`, urlOrg, foreign };
        // Account ids are never shown to another organization: a claim names none, or one that is nobody's.
        return { method: 'POST', url: `${url}/claim`, payload: next() % 2 === 0 ? {} : { accountIds: ['acc_XXXXXXXXXXXXXXXX'] }, urlOrg, foreign };
      }
      case 'listEmailChanges': {
        const state = next() % 3 === 0 ? `&state=${(['pending', 'approved', 'denied'] as const)[next() % 3]}` : '';
        return { method: 'GET', url: `${base}/email-change-requests?limit=${1 + (next() % 60)}${state}`, urlOrg, foreign };
      }
      case 'getEmailChange':
      case 'approveEmailChange':
      case 'denyEmailChange': {
        const roll = next() % 100;
        const k = roll < 60 ? home : roll < 94 ? otherOf(home) : null;
        const pool = k ? orgs[k].emailChanges : [];
        const id = pool.length > 0 ? (pool[next() % pool.length] as string) : INVALID.emailChange;
        if (k && k !== actor.org && pool.length > 0) foreign = true;
        const url = `${base}/email-change-requests/${id}`;
        if (op.kind === 'getEmailChange') return { method: 'GET', url, urlOrg, foreign };
        if (op.kind === 'approveEmailChange') return { method: 'POST', url: `${url}/approve`, urlOrg, foreign };
        return { method: 'POST', url: `${url}/deny`, payload: next() % 2 === 0 ? {} : { reason: text('reason') }, urlOrg, foreign };
      }
      case 'ldapCa':
        return { method: 'GET', url: `${base}/ldap/ca.pem`, urlOrg, foreign };
      case 'getOrg':
        return { method: 'GET', url: base, urlOrg, foreign };
      case 'patchOrg':
        return { method: 'PATCH', url: base, payload: next() % 4 === 0 ? { requireMfa: true } : { name: `Renamed ${next() % 1000}` }, urlOrg, foreign };
      case 'getDeletion':
        return { method: 'GET', url: `${base}/deletion`, urlOrg, foreign };
      case 'requestDeletion':
        return { method: 'POST', url: `${base}/deletion`, payload: { name: `Renamed ${next() % 1000}`, password: GOOD_PASSWORD }, urlOrg, foreign };
      case 'cancelDeletion':
        return { method: 'DELETE', url: `${base}/deletion`, urlOrg, foreign };
      case 'audit': {
        // Filters by the other organization's ids are filters, not targets: they must simply find nothing.
        const filter = next() % 3 === 0 ? `&targetId=${anyId()}` : next() % 3 === 0 ? `&actorId=${anyId()}` : '';
        return { method: 'GET', url: `${base}/audit?limit=${1 + (next() % 100)}${filter}`, urlOrg, foreign };
      }
    }
  }

  // ---- the invariants after one call -------------------------------------------

  /**
   * What each organization's people typed into their own organization: an address of the other
   * organization's people that an admin invited or imported is their own directory's data now
   * (inviting an address reveals nothing of its account, and reserves nothing).
   */
  const typed: Record<OrgKey, Set<string>> = { a: new Set(), b: new Set() };

  function checkResponse(req: Request, op: Op, actor: Actor, res: LightMyRequestResponse, describeCall: () => string) {
    const fail = (why: string) => {
      throw new Failure(`${why}\n${describeCall()}`);
    };
    const s = res.statusCode;
    if (s >= 500 || s === 401) fail(`status ${s}`);

    // Nothing of the other organization, unless the caller sent it.
    const sent = `${req.url} ${JSON.stringify(req.payload ?? {})}`;
    const received = `${res.body} ${String(res.headers.location ?? '')}`;
    const other = otherOf(actor.org);
    for (const token of tokensIn(received)) {
      if (ownerOf(token) === other && !sent.includes(token) && !typed[actor.org].has(token)) fail(`the response names ${token}, which belongs to organization ${other.toUpperCase()}`);
    }

    if (req.urlOrg !== actor.org) {
      if (s !== 404) fail(`a call on another organization's URL answered ${s}, not 404`);
    } else if (req.foreign) {
      const ok = actor.role === 'admin' ? [404] : [403, 404];
      if (!ok.includes(s)) fail(`a call naming the other organization's objects answered ${s}, not ${ok.join(' or ')}`);
    } else if (actor.role === 'member') {
      const self = `/users/${actor.userId}`;
      const mayRead = (op.kind === 'listUsers' || op.kind === 'getOrg' || (op.kind === 'getUser' && req.url.endsWith(self))) && req.method === 'GET';
      if (mayRead ? s !== 200 : s !== 403) fail(`a plain member's call answered ${s}`);
      if (mayRead && op.kind === 'listUsers') {
        const ids = (json(res).items as Array<{ id: string }>).map((u) => u.id);
        if (ids.some((id) => id !== actor.userId)) fail('a plain member saw other users');
      }
    }
  }

  interface Stats {
    calls: number;
    /** Calls that named the other organization (its URL or its ids). */
    crossOrg: number;
    byStatus: Map<number, number>;
    /** Successful calls by kind, to see that the sequences build real state. */
    succeeded: Map<string, number>;
    /** Refusals by status and problem code. */
    problems: Map<string, number>;
  }

  /** Runs every job due, and waits until none is left running (a background pass may have claimed one). */
  async function settleJobs(): Promise<void> {
    const pending = async () =>
      Number(
        (
          await t.app.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where((eb) => eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', new Date().toISOString())])]))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (let i = 0; i < 200; i++) {
      if ((await pending()) === 0) return;
      await t.app.jobRunner.drain();
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('jobs were still due or running after 2 s');
  }

  async function runSequence(ops: Op[], stats: Stats): Promise<void> {
    typed.a.clear();
    typed.b.clear();
    const orgs: Record<OrgKey, Org> = { a: await setUpOrg('a', 'free'), b: await setUpOrg('b', 'paid') };
    const actors = [orgs.a.admin, orgs.a.member, orgs.b.admin, orgs.b.member];
    // Setting the organizations up wrote both of them: the record sees writes (a test that cannot fail would prove nothing).
    const setup = await takeWrites();
    for (const org of Object.values(orgs)) {
      for (const table of ['organizations', 'memberships', 'sessions', 'audit_log']) {
        if (!writesTo(org, setup).some((w) => w.includes(` ${table} `))) throw new Error(`the write record missed ${table} of organization ${org.key}`);
      }
    }
    for (const [n, op] of ops.entries()) {
      const actor = actors[op.actor] as Actor;
      const other = orgs[otherOf(actor.org)];
      const req = toRequest(op, orgs, actor);
      if (!req) continue;
      const res = await inject(actor, req.method, req.url, req.payload);
      stats.calls++;
      if (req.foreign) stats.crossOrg++;
      stats.byStatus.set(res.statusCode, (stats.byStatus.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode < 300) stats.succeeded.set(op.kind, (stats.succeeded.get(op.kind) ?? 0) + 1);
      const describeCall = () =>
        `call #${n} by ${actor.label} (${actor.userId}): ${req.method} ${req.url} ${req.payload ? JSON.stringify(req.payload) : ''}\n→ ${res.statusCode} ${res.body.slice(0, 1500)}`;
      checkResponse(req, op, actor, res, describeCall);
      if (req.urlOrg === actor.org) for (const token of tokensIn(JSON.stringify(req.payload ?? {}))) typed[actor.org].add(token);

      // What the call queued (an organization's deletion notices to its members) is done before its writes are read, so a
      // background job's writes are charged to the call that caused them and not to the next one.
      await settleJobs();
      // Mail from the caller's organization to an address it typed itself (someone of the other organization it invited) tells
      // its recipient and changes nothing of theirs: the notices of its own deletion (DSR-6), like its invitations.
      const mine = (w: Write) => w.tbl === 'mail_outbox' && tokensIn(w.mail ?? '').some((token) => typed[actor.org].has(token));
      const touched = writesTo(other, (await takeWrites()).filter((w) => !mine(w)));
      if (touched.length > 0) throw new Failure(`organization ${other.key.toUpperCase()}'s rows were written:\n${touched.join('\n')}\n${describeCall()}`);

      // Learn what the call made: new ids belong to the caller's organization.
      register(actor.org, res.body);
      if (res.statusCode === 201 && req.urlOrg === actor.org) {
        const body = json(res);
        const mine = orgs[actor.org];
        if (op.kind === 'createUser') mine.users.push(body.id);
        else if (op.kind === 'createGroup') mine.groups.push(body.id);
        else if (op.kind === 'createResource') mine.resources.push(body.id);
        else if (op.kind === 'bind') mine.bindings.push({ id: body.id, resourceId: body.resourceId });
        else if (op.kind === 'createApiClient') mine.apiClients.push(body.id);
        else if (op.kind === 'createScimToken') mine.scimTokens.push(body.id);
        else if (op.kind === 'installIntegration') mine.integrations.push(body.id);
        else if (op.kind === 'createDomain') {
          mine.domains.push(body.id);
          // Published at once: the organization's verify calls then succeed.
          dns.setTxt(body.name, body.txtRecord.value);
        }
      }
      // Lists show what imports made: their users and groups join the pools.
      if (res.statusCode === 200 && req.urlOrg === actor.org && actor.role === 'admin') {
        const pool = { listUsers: orgs[actor.org].users, listMembers: orgs[actor.org].users, listGroups: orgs[actor.org].groups, listResources: orgs[actor.org].resources }[
          op.kind as string
        ];
        if (pool) for (const { id } of json(res).items as Array<{ id: string }>) if (!pool.includes(id)) pool.push(id);
      }
      if (res.statusCode === 204 && op.kind === 'addMember' && req.urlOrg === actor.org) {
        const groupId = /\/groups\/([^/]+)\/members$/.exec(req.url)?.[1] as string;
        orgs[actor.org].members.push({ groupId, userId: (req.payload as { userId: string }).userId });
      }
      if (res.statusCode >= 400) {
        const code = `${res.statusCode} ${String(json(res).code)}`;
        stats.problems.set(code, (stats.problems.get(code) ?? 0) + 1);
      }
    }
    // The actors still work: nothing in the sequence took a session away.
    for (const a of actors) {
      const me = await inject(a, 'GET', `/api/v1/orgs/${orgs[a.org].id}/users/${a.userId}`);
      expect(me.statusCode, `${a.label} can still read their own account`).toBe(200);
    }
  }

  it(
    'DIR-1: random sequences of API calls by two orgs’ admins and users never reveal or change the other org’s data',
    async () => {
      const started = Date.now();
      const stats: Stats = { calls: 0, crossOrg: 0, byStatus: new Map(), succeeded: new Map(), problems: new Map() };
      await fc.assert(
        fc.asyncProperty(fc.integer(), async (seed) => {
          await runSequence(fc.sample(opArb, { seed, numRuns: budget.ops }), stats);
        }),
        // A failure names the call that broke the rule; the counterexample is the seed of its sequence.
        { numRuns: budget.runs, endOnFailure: true },
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
      const made = [...stats.succeeded].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ');
      const problems = [...stats.problems].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ');
      console.log(
        `tenant isolation on ${dialect.name}: ${stats.calls} calls (${stats.crossOrg} naming the other organization) in ${seconds} s\n` +
          `  statuses ${statuses}\n  succeeded ${made}\n  refused ${problems}`,
      );
      expect(stats.calls).toBeGreaterThanOrEqual(budget.minOps);
      // The sequences do build state: users, groups, resources, memberships and bindings were made and used.
      for (const k of ['createUser', 'importUsers', 'exportUsers', 'createGroup', 'createResource', 'addMember', 'bind', 'unbind', 'deleteUser', 'suspendUser', 'access', 'resourceAccess', 'createApiClient', 'revokeApiClient', 'createScimToken', 'revokeScimToken']) {
        expect(stats.succeeded.get(k) ?? 0, `successful ${k} calls`).toBeGreaterThan(0);
      }
    },
    900_000,
  );
});
