import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
import { type AccessVia, decideFor } from './access.service.ts';
import * as members from './memberships.repository.ts';

/** A member as an OpenID Provider tells of them to one of its organization's applications (PRO-2). */
export interface FederatedMember {
  /** The membership id: the stable `sub`, never the email. */
  id: string;
  orgId: string;
  accountId: string | null;
  status: string;
  email: string;
  emailVerified: boolean;
  name: string;
  username: string | null;
  /** The member's groups in this organization only, by name. */
  groups: string[];
}

/** An application a person may open from their home page (PRO-2, PRO-5). */
export interface PortalApplication {
  resourceId: string;
  orgId: string;
  orgName: string;
  name: string;
  protocol: 'oidc' | 'saml';
  /** The OpenID client's third-party-initiated login URI, when the admin set one. */
  initiateLoginUri: string | null;
}

/**
 * PRO-2: what the OpenID Provider asks of the directory, always with the organization (DIR-1).
 * Access itself is not decided here: the edge asks the one access decision (`access.canAccess`).
 */
export function createFederationView(deps: DirectoryDeps) {
  const { db, accounts } = deps;

  async function member(orgId: string, membershipId: string): Promise<FederatedMember | undefined> {
    const m = await members.findMembership(db, orgId, membershipId);
    if (!m) return undefined;
    const [facts] = m.account_id ? await accounts.facts(db, [m.account_id]) : [];
    return {
      id: m.id,
      orgId: m.org_id,
      accountId: m.account_id,
      status: m.status,
      email: m.email,
      emailVerified: facts?.emailVerified ?? false,
      name: m.name,
      username: m.username,
      groups: await repo.groupNamesOfMember(db, orgId, m.id),
    };
  }

  /** An account's membership in the organization, and whether the organization requires MFA (ACC-5). */
  async function membershipOf(orgId: string, accountId: string): Promise<{ id: string; status: string; orgRequiresMfa: boolean } | undefined> {
    const m = await members.roleOf(db, accountId, orgId);
    return m ? { id: m.id, status: m.status, orgRequiresMfa: Number(m.require_mfa) === 1 } : undefined;
  }

  /** The application's name, shown to the person signing in to it. */
  async function applicationName(orgId: string, resourceId: string): Promise<string | undefined> {
    return (await repo.findResource(db, orgId, resourceId))?.name;
  }

  /**
   * PRO-2, PRO-5 (the user portal): the single sign-on applications a person may use, in every
   * organization where they are an active member, by the one access decision's rule (DIR-3).
   */
  async function applicationsOf(accountId: string): Promise<PortalApplication[]> {
    const out: PortalApplication[] = [];
    for (const m of await members.membershipsOfAccount(db, accountId)) {
      // Each application once, with the bindings that reach the member (directly or through a group).
      const reached = new Map<string, { name: string; settings: Record<string, unknown>; via: AccessVia[] }>();
      for (const row of await repo.bindingsReachingUser(db, m.org_id, m.id)) {
        if (row.kind !== 'application') continue;
        const app = reached.get(row.id) ?? { name: row.name, settings: JSON.parse(row.settings) as Record<string, unknown>, via: [] };
        app.via.push(row.group_id ? { type: 'group', bindingId: row.binding_id, groupId: row.group_id, groupName: row.group_name ?? '' } : { type: 'user', bindingId: row.binding_id });
        reached.set(row.id, app);
      }
      for (const [resourceId, app] of reached) {
        const protocol = app.settings.protocol;
        if ((protocol !== 'oidc' && protocol !== 'saml') || !decideFor(m.status, app.via).allowed) continue;
        const initiate = app.settings.initiateLoginUri;
        out.push({ resourceId, orgId: m.org_id, orgName: m.org_name, name: app.name, protocol, initiateLoginUri: protocol === 'oidc' && typeof initiate === 'string' ? initiate : null });
      }
    }
    return out;
  }

  return { member, membershipOf, applicationName, applicationsOf };
}
