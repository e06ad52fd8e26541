/**
 * What the OpenID Provider's edge asks of the core, and nothing more: the composition root
 * (src/app.ts) fills it in from the federation, directory and accounts modules, so that no
 * oidc-provider type reaches a module and the edge never queries a table itself.
 */
import type { RequestContext } from '../../core/context.ts';

/** A member as an application sees them (PRO-2). */
export interface OidcMember {
  /** The membership id: the `sub`. */
  id: string;
  orgId: string;
  accountId: string | null;
  status: string;
  email: string;
  emailVerified: boolean;
  name: string;
  username: string | null;
  groups: string[];
}

/** The organization an application belongs to, and what the person signing in to it is shown. */
export interface OidcApplication {
  orgId: string;
  resourceId: string;
  name: string;
}

export interface OidcDirectory {
  /** The client's application, or undefined for an unknown client id. */
  application(clientId: string): Promise<OidcApplication | undefined>;
  member(orgId: string, membershipId: string): Promise<OidcMember | undefined>;
  /** An account's membership in an organization (ACC-5: whether it requires MFA). */
  membershipOf(orgId: string, accountId: string): Promise<{ id: string; status: string; orgRequiresMfa: boolean } | undefined>;
  /** DIR-3: THE access decision, for a membership and an application. */
  mayUse(orgId: string, membershipId: string, resourceId: string): Promise<boolean>;
  /** THE credential check (verifyCredentials, channel `oidc`, throttled): the account, and whether a second factor was passed; throws the accounts module's AppError on refusal. */
  verifyPassword(ctx: RequestContext, email: string, password: string, code: string | undefined): Promise<{ accountId: string; mfa: boolean }>;
  /** Audits the outcome of a member's sign-in to an application, in the organization's log. */
  recordSignIn(ctx: RequestContext, event: { orgId: string; membershipId: string; resourceId: string; allowed: boolean }): Promise<void>;
  /** The account of a Castellan web session's token (and whether it passed a second factor), or undefined. */
  sessionAccount(token: string): Promise<{ accountId: string; email: string; mfa: boolean } | undefined>;
}
