/**
 * What the SAML identity provider's edge asks of the core, and nothing more: the composition root
 * (src/app.ts) fills it in from the federation, directory and accounts modules, so that no samlify
 * type reaches a module and the edge never queries a table itself.
 */
import type { RequestContext } from '../../core/context.ts';
import type { SamlApplication, SamlIdpKey, SamlPending } from '../../modules/federation/index.ts';

/** A member as a SAML service provider is told of them (PRO-5). */
export interface SamlMember {
  /** The membership id. */
  id: string;
  orgId: string;
  status: string;
  email: string;
  name: string;
  /** The member's groups in this organization only, by name. */
  groups: string[];
}

export interface SamlDirectory {
  /** The SAML application a resource id names (with its checked settings), or undefined. */
  application(resourceId: string): Promise<(SamlApplication & { name: string }) | undefined>;
  /** The identity provider's signing key and certificate. */
  idpKey(): Promise<SamlIdpKey>;
  /** Keeps a sign-in between the form and the answer; answers its unguessable id. */
  beginSignIn(resourceId: string, pending: SamlPending): Promise<string>;
  pendingSignIn(resourceId: string, id: string): Promise<SamlPending | undefined>;
  /** Ends a pending sign-in; false when it was already answered or lapsed. */
  finishSignIn(resourceId: string, id: string): Promise<boolean>;
  /** Replay detection: whether a request id is new for the application (remembered until `until`). */
  firstSeen(resourceId: string, requestId: string, until: Date): Promise<boolean>;
  member(orgId: string, membershipId: string): Promise<SamlMember | undefined>;
  /** An account's membership in an organization (ACC-5: whether it requires MFA). */
  membershipOf(orgId: string, accountId: string): Promise<{ id: string; status: string; orgRequiresMfa: boolean } | undefined>;
  /** DIR-3: THE access decision, for a membership and an application. */
  mayUse(orgId: string, membershipId: string, resourceId: string): Promise<boolean>;
  /** The persistent NameID of a member for an application: stable, opaque, never the email (HMAC with the instance secret). */
  persistentNameId(membershipId: string, resourceId: string): string;
  /** THE credential check (verifyCredentials, channel `saml`, throttled); throws the accounts module's AppError on refusal. */
  verifyPassword(ctx: RequestContext, email: string, password: string, code: string | undefined): Promise<{ accountId: string; mfa: boolean }>;
  /** Audits the outcome of a member's sign-in to an application, in the organization's log (`saml.signin`, `saml.access_denied`). */
  recordSignIn(ctx: RequestContext, event: { orgId: string; membershipId: string; resourceId: string; allowed: boolean }): Promise<void>;
  /**
   * The account of a Castellan web session's token (and whether it passed a second factor), or
   * undefined; with `formToken`, bound to that session (an HMAC of its id), that Castellan's own
   * forms carry so another site cannot post them (CSRF).
   */
  sessionAccount(token: string): Promise<{ accountId: string; email: string; mfa: boolean; formToken: string } | undefined>;
  /** The instant now (the core's clock). */
  now(): Date;
}
