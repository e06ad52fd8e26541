import { type Caller, requireCapability } from '../../core/caller.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { normalizeEmail } from '../accounts/index.ts';
import { type AccessVia, decideFor } from './access.service.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import * as members from './memberships.repository.ts';
import * as orgs from './organizations.repository.ts';
import { MAX_APPLICATIONS, applicationResources, ldapAccessRows } from './query.repository.ts';

/**
 * PRO-1: what the LDAP edge asks of the directory. LDAP is on for an organization once it has an
 * application resource with `settings.protocol: "ldap"`; only members whom the one access decision
 * (DIR-3) lets use such a resource appear in its tree and may bind: `mayUse` decides with the rule
 * itself (`decideFor`) over the rows `canAccess` reads, read for every application at once.
 */
export function createLdapView(deps: DirectoryDeps) {
  const { db } = deps;

  async function organizationBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | undefined> {
    const o = await orgs.findOrganizationBySlug(db, slug);
    return o ? { id: o.id, slug: o.slug, name: o.name } : undefined;
  }

  /**
   * The organization's LDAP applications: the resources whose access puts a member in the tree.
   * Asked on every LDAP operation (never cached: a resource that stops speaking LDAP takes its
   * members out at once), so it is one prepared statement.
   */
  async function resourceIds(orgId: string): Promise<string[]> {
    const rows = await applicationResources(db, orgId);
    return rows.filter((r) => speaksLdap(r.settings)).map((r) => r.id);
  }

  /**
   * Whether the member may use LDAP now: whether DIR-3 (`decideFor`, as `canAccess` decides it)
   * allows them one of the LDAP applications. Asked before every operation of a bound connection, so
   * the rows of every application's decision come in one statement.
   */
  async function mayUse(orgId: string, membershipId: string): Promise<boolean> {
    const rows = await ldapAccessRows(db, orgId, membershipId);
    for (const app of rows) {
      if (app.settings === null || app.status === null || !speaksLdap(app.settings)) continue;
      const via: AccessVia[] = app.binding_id ? [{ type: 'user', bindingId: app.binding_id }] : [];
      for (const r of rows) {
        if (r.settings === null && r.resource_id === app.resource_id && r.binding_id && r.group_id) via.push({ type: 'group', bindingId: r.binding_id, groupId: r.group_id, groupName: '' });
      }
      if (decideFor(app.status, via).allowed) return true;
    }
    return false;
  }

  /**
   * The console's LDAP page (its admins): the organization's slug, which names its subtree, and its
   * LDAP applications by name, under which service accounts are made.
   */
  async function overview(caller: Caller, orgId: string): Promise<{ slug: string; applications: Array<{ id: string; name: string }> }> {
    requireCapability(caller, 'directory.read', { orgId });
    const o = await orgs.findOrganization(db, orgId);
    if (!o) throw new AppError(CommonErrors.notFound);
    const rows = await repo.listResources(db, orgId, { kind: 'application', limit: MAX_APPLICATIONS });
    const applications = rows.filter(isLdapApplication).map((r) => ({ id: r.id, name: r.name }));
    return { slug: o.slug, applications: applications.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1)) };
  }

  /** PRO-3: the username of the organization's member with this address (a RADIUS User-Name may be either), if they have one. */
  async function usernameByEmail(orgId: string, email: string): Promise<string | undefined> {
    return (await members.findByEmail(db, orgId, normalizeEmail(email)))?.username ?? undefined;
  }

  return { organizationBySlug, resourceIds, mayUse, overview, usernameByEmail };
}

/** An application resource whose settings name the LDAP protocol. */
export function isLdapApplication(r: { kind: string; settings: string }): boolean {
  return r.kind === 'application' && protocolOf(r.settings) === 'ldap';
}

/** Whether settings name the LDAP protocol, remembered per settings text (read on every LDAP operation). */
const speaking = new Map<string, boolean>();
const SPEAKING_MAX = 1000;

function speaksLdap(settings: string): boolean {
  let yes = speaking.get(settings);
  if (yes === undefined) {
    yes = protocolOf(settings) === 'ldap';
    if (speaking.size >= SPEAKING_MAX) speaking.clear();
    speaking.set(settings, yes);
  }
  return yes;
}

function protocolOf(settings: string): unknown {
  try {
    return (JSON.parse(settings) as { protocol?: unknown }).protocol;
  } catch {
    return undefined;
  }
}
