import type { Caller, MembershipStatus, OrgRole } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import { callerOfSession, type MemberLookup, type SignedIn } from '../accounts/index.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import type { ImportedPasswords } from './imported-passwords.service.ts';
import * as members from './memberships.repository.ts';
import * as directoryRepo from './directory.repository.ts';
import type { MembershipView } from './members.views.ts';
import * as orgs from './organizations.repository.ts';
import { type OrganizationView, toOrganizationView } from './members.views.ts';

/** Who a signed-in person is in an organization: the one place a session becomes a member. */
export function createCallers(deps: DirectoryDeps, importedPasswords: ImportedPasswords) {
  const { db, clock } = deps;

  /**
   * The caller for a request: staff as staff; a person in an organization they belong to as that
   * membership (whatever its status: `can` refuses all but active members); anyone else as
   * themselves, which every organization-scoped check answers with 404 (DIR-1).
   */
  async function callerFor(session: SignedIn, orgId?: string): Promise<Caller> {
    const base = callerOfSession(session);
    if (base.kind !== 'account' || orgId === undefined) return base;
    const m = await members.roleOf(db, session.accountId, orgId);
    if (!m) return base;
    const mfaMissing = Number(m.require_mfa) === 1 && !session.mfa;
    return { ...base, kind: 'member', membershipId: m.id, orgId, role: m.role as OrgRole, status: m.status as MembershipStatus, mfaMissing };
  }

  /**
   * The caller an account is in an organization when no session is in hand (a mail from its
   * address, a verification it confirms): a member caller whenever it belongs to the organization.
   */
  async function callerForAccount(ex: Executor, account: { id: string; emailVerified: boolean; mfaEnabled: boolean; staff: boolean; active: boolean },
    orgId: string,
  ): Promise<Caller | undefined> {
    if (!account.active || account.staff) return undefined;
    const m = await members.roleOf(ex, account.id, orgId);
    if (!m) return { kind: 'account', accountId: account.id, sessionId: null, emailVerified: account.emailVerified };
    const mfaMissing = Number(m.require_mfa) === 1 && !account.mfaEnabled;
    return { kind: 'member', accountId: account.id, sessionId: null, emailVerified: account.emailVerified, membershipId: m.id, orgId, role: m.role as OrgRole, status: m.status as MembershipStatus, mfaMissing };
  }

  /** A person's memberships, with their organizations: for /me and the organization switcher. */
  async function membershipsOf(accountId: string): Promise<MembershipView[]> {
    const rows = await members.membershipsOfAccount(db, accountId);
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      orgRole: r.role as OrgRole,
      status: r.status as MembershipStatus,
      username: r.username,
      uidNumber: r.uid_number === null ? null : Number(r.uid_number),
      gidNumber: r.gid_number === null ? null : Number(r.gid_number),
      homeDirectory: r.home_directory,
      loginShell: r.login_shell,
      organization: { id: r.org_id, name: r.org_name, slug: r.org_slug, plan: r.org_plan, requireMfa: Number(r.org_require_mfa) === 1 },
    }));
  }

  async function organization(orgId: string): Promise<OrganizationView | null> {
    const o = await orgs.findOrganization(db, orgId);
    return o ? toOrganizationView(o) : null;
  }

  /** What accounts asks of memberships (sign-in by username, and whether a person may sign in at all). */
  const lookup: MemberLookup = {
    async resolveLogin(orgId, username) {
      const m = await members.findByUsername(db, orgId, username);
      if (!m) return undefined;
      const orgRequiresMfa = Number(m.require_mfa) === 1;
      if (m.account_id) return { accountId: m.account_id, membershipId: m.id, status: m.status, orgRequiresMfa, keptPassword: null };
      // DIR-5: a member imported with their former directory's password, who has no account yet.
      const keptPassword = m.has_kept_password ? ((await importedPasswords.find(orgId, m.id)) ?? null) : null;
      return keptPassword ? { accountId: null, membershipId: m.id, status: m.status, orgRequiresMfa, keptPassword } : undefined;
    },
    async resolveService(orgId, name) {
      const row = await directoryRepo.findServiceAccountByName(db, orgId, name);
      return row ? { id: row.id, resourceId: row.resource_id, secretHash: row.secret_hash } : undefined;
    },
    replaceKeptPassword: (orgId, membershipId, passwordHash) => importedPasswords.replace(orgId, membershipId, passwordHash),
    async maySignIn(accountId) {
      return (await lookup.standing(accountId)).maySignIn;
    },
    async standing(accountId) {
      const rows = await members.standingOfAccount(db, accountId);
      return { maySignIn: rows.length === 0 || rows.some((r) => r.status !== 'suspended'), orgIds: rows.map((r) => r.org_id) };
    },
    orgIdsOf: (ex, accountId) => members.orgIdsOfAccount(ex, accountId),
    organizationsRequiringMfa: async (accountId) =>
      (await members.membershipsOfAccount(db, accountId)).filter((m) => m.status === 'active' && Number(m.org_require_mfa) === 1).map((m) => m.org_name),
  };

  /** Identity hooks: a sign-in is a sign-in to each of the person's active memberships; a new address is copied to them. */
  const hooks = {
    signedIn: async (trx: Executor, _ctx: RequestContext, accountId: string) => members.touchSignIn(trx, accountId, clock.now().toISOString()),
    emailChanged: async (trx: Executor, _ctx: RequestContext, accountId: string, email: string) => members.setAccountEmail(trx, accountId, email, clock.now().toISOString()),
    renamed: async (trx: Executor, _ctx: RequestContext, accountId: string, name: { from: string; to: string }) => members.renameAccount(trx, accountId, name, clock.now().toISOString()),
  };

  /** Of `accountIds`, those with an active membership somewhere: the customers of the operator today. */
  const withActiveMembership = (ex: Executor, accountIds: readonly string[]) => members.accountsWithActiveMembership(ex, accountIds);

  return { callerFor, callerForAccount, membershipsOf, organization, lookup, hooks, withActiveMembership };
}

export type Callers = ReturnType<typeof createCallers>;
