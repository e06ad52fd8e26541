import type { createAccess } from './access.service.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import * as orgs from './organizations.repository.ts';

/** How many application resources of one organization are looked at for `settings.protocol`. */
const MAX_APPLICATIONS = 10_000;

/**
 * PRO-1: what the LDAP edge asks of the directory. LDAP is on for an organization once it has an
 * application resource with `settings.protocol: "ldap"`; only members whom the one access decision
 * (DIR-3) lets use such a resource appear in its tree and may bind.
 */
export function createLdapView(deps: DirectoryDeps, access: ReturnType<typeof createAccess>) {
  const { db } = deps;

  async function organizationBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | undefined> {
    const o = await orgs.findOrganizationBySlug(db, slug);
    return o ? { id: o.id, slug: o.slug, name: o.name } : undefined;
  }

  /** The organization's LDAP applications: the resources whose access puts a member in the tree. */
  async function resourceIds(orgId: string): Promise<string[]> {
    const rows = await repo.listResources(db, orgId, { kind: 'application', limit: MAX_APPLICATIONS });
    return rows.filter(isLdapApplication).map((r) => r.id);
  }

  /** Whether the member may use LDAP now (active, and granted one of the LDAP applications). */
  async function mayUse(orgId: string, membershipId: string): Promise<boolean> {
    for (const id of await resourceIds(orgId)) if ((await access.canAccess(orgId, membershipId, id)).allowed) return true;
    return false;
  }

  return { organizationBySlug, resourceIds, mayUse };
}

/** An application resource whose settings name the LDAP protocol. */
export function isLdapApplication(r: { kind: string; settings: string }): boolean {
  return r.kind === 'application' && protocolOf(r.settings) === 'ldap';
}

function protocolOf(settings: string): unknown {
  try {
    return (JSON.parse(settings) as { protocol?: unknown }).protocol;
  } catch {
    return undefined;
  }
}
