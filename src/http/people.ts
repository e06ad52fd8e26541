import type { User } from '../contracts/common.ts';
import type { Me } from '../contracts/me.ts';
import type { AccountView } from '../modules/accounts/index.ts';
import type { MembershipView } from '../modules/directory/index.ts';
import type { HttpDeps } from './deps.ts';

/**
 * The API's `User` for the person themselves: their account, seen in one organization (the one
 * asked for, else their first active membership). Its `id` is then the membership's, as every
 * organization route names users; a person in no organization, or staff, is their account.
 */
export type PersonView = User & { accountId: string };

/** GET /api/v1/me without its CSRF token. */
export type WhoAmI = Omit<Me, 'csrfToken'>;

/** Everything a signed-in person's own pages need about who they are, in one answer. */
export async function whoAmI(deps: Pick<HttpDeps, 'accounts' | 'directory'>, accountId: string, preferredOrgId?: string): Promise<WhoAmI> {
  const caller = { kind: 'account' as const, accountId, sessionId: null, emailVerified: false };
  const account = await deps.accounts.me(caller);
  if (account.kind === 'staff') return { user: personOf(account, null), organization: null, account, memberships: [], invitations: [] };
  const [memberships, invitations] = await Promise.all([
    deps.directory.callers.membershipsOf(accountId),
    deps.directory.invitations.pendingFor({ ...caller, emailVerified: account.emailVerified }),
  ]);
  const chosen = chooseMembership(memberships, preferredOrgId);
  const organization = chosen ? await deps.directory.callers.organization(chosen.orgId) : null;
  return { user: personOf(account, chosen), organization, account, memberships, invitations };
}

/** The organization a person is seen in: the one asked for, else their first active membership, else their first not suspended. */
function chooseMembership(memberships: MembershipView[], preferredOrgId?: string): MembershipView | null {
  return (
    memberships.find((m) => m.orgId === preferredOrgId && m.status !== 'suspended') ??
    memberships.find((m) => m.status === 'active') ??
    memberships.find((m) => m.status !== 'suspended') ??
    null
  );
}

/** whoAmI's `user` alone, for an account already in hand (a sign-in has just read it): one read, of the memberships. */
export async function personOfAccount(deps: Pick<HttpDeps, 'directory'>, account: AccountView): Promise<PersonView> {
  if (account.kind === 'staff') return personOf(account, null);
  return personOf(account, chooseMembership(await deps.directory.callers.membershipsOf(account.id)));
}

function personOf(account: AccountView, m: MembershipView | null): PersonView {
  return {
    id: m?.id ?? account.id,
    kind: account.kind,
    email: account.email,
    name: account.name,
    status: m?.status ?? account.status,
    emailVerified: account.emailVerified,
    mfaEnabled: account.mfaEnabled,
    orgId: m?.orgId ?? null,
    orgRole: m?.orgRole ?? null,
    staffRole: account.staffRole,
    username: m?.username ?? null,
    uidNumber: m?.uidNumber ?? null,
    gidNumber: m?.gidNumber ?? null,
    homeDirectory: m?.homeDirectory ?? null,
    loginShell: m?.loginShell ?? null,
    createdAt: account.createdAt,
    accountId: account.id,
  };
}
