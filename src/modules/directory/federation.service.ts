import type { DirectoryDeps } from './directory.deps.ts';
import * as repo from './directory.repository.ts';
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

  return { member, membershipOf, applicationName };
}
