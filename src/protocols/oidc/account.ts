import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { OidcDirectory, OidcMember } from './port.ts';

/** PRO-2: the scopes Castellan answers, and the claims each one releases (OIDC Core §5.4). */
export const OIDC_SCOPES = ['openid', 'email', 'profile', 'groups', 'offline_access'] as const;

export const OIDC_CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username'],
  groups: ['groups'],
} as const;

/** The claims of a member, all of them: oidc-provider releases only those of the granted scopes. */
export function claimsOf(m: OidcMember): Record<string, unknown> & { sub: string } {
  return {
    sub: m.id,
    email: m.email,
    email_verified: m.emailVerified,
    name: m.name,
    ...(m.username ? { preferred_username: m.username } : {}),
    groups: m.groups,
  };
}

/**
 * PRO-2, DIR-3: the member a client may know as `sub`. The `sub` is the membership id, so an
 * account is found only in the organization of the client asking, while the member is active and
 * the one access decision still lets them use the application: a suspended member, or one whose
 * access was taken away, gets no more tokens, refreshes or userinfo answers.
 */
export function findAccountWith(directory: OidcDirectory) {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const clientId = ctx.oidc.client?.clientId;
    if (!clientId) return undefined;
    const app = await directory.application(clientId);
    if (!app) return undefined;
    const member = await directory.member(app.orgId, sub);
    if (!member || member.status !== 'active') return undefined;
    if (!(await directory.mayUse(app.orgId, member.id, app.resourceId))) return undefined;
    return { accountId: member.id, claims: async () => claimsOf(member) };
  };
}

/** Whether the provider's session stands for a member who may use this client's application now. */
export async function sessionMayUse(directory: OidcDirectory, clientId: string, membershipId: string): Promise<boolean> {
  const app = await directory.application(clientId);
  return app !== undefined && (await directory.mayUse(app.orgId, membershipId, app.resourceId));
}

/**
 * DIR-3 at use time (RFC 7662 §2.2: a token no longer valid is answered `active: false`): a token
 * about a member stands only while the member is active and may still use the client's application.
 */
export async function tokenMayStand(directory: OidcDirectory | undefined, clientId: string | undefined, accountId: string | undefined): Promise<boolean> {
  if (!accountId) return true;
  if (!directory || !clientId) return false;
  const app = await directory.application(clientId);
  if (!app) return false;
  const member = await directory.member(app.orgId, accountId);
  return member !== undefined && member.status === 'active' && (await directory.mayUse(app.orgId, member.id, app.resourceId));
}
