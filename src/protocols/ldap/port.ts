/**
 * What the LDAP edge asks of the core, and nothing more: the composition root (src/app.ts) fills
 * it in from the directory, accounts and audit modules, so that no LDAP type reaches a module and
 * the edge never queries a table itself.
 */
import type { RequestContext } from '../../core/context.ts';
import type { DirectoryFilter } from '../../modules/directory/index.ts';

export interface LdapUser {
  id: string;
  username: string;
  name: string;
  email: string;
  uidNumber: number | null;
  gidNumber: number | null;
  homeDirectory: string | null;
  loginShell: string | null;
  /** The names of the groups the user is in, when asked for (memberOf). */
  groups?: string[] | undefined;
}

export interface LdapGroup {
  id: string;
  name: string;
  description: string | null;
  gidNumber: number;
  /** The visible members, when asked for (member, memberUid). */
  members?: Array<{ username: string }> | undefined;
}

export interface Page<T> {
  items: T[];
  nextAfter: string | null;
}

export interface SearchOptions {
  resourceIds: string[];
  limit: number;
  after?: string | undefined;
  withMemberOf?: boolean;
  withMembers?: boolean;
}

export interface LdapPort {
  organizationBySlug(slug: string): Promise<{ id: string; slug: string } | undefined>;
  /** The organization's LDAP applications (resources whose access puts a member in the tree). */
  resourceIds(orgId: string): Promise<string[]>;
  /** Whether the member may use LDAP now: checked again before every operation of a bound connection. */
  mayUse(orgId: string, membershipId: string): Promise<boolean>;
  /** THE credential check (verifyCredentials, channel `ldap`); throws the accounts module's AppError on refusal. */
  verifyMember(ctx: RequestContext, orgId: string, username: string, password: string): Promise<{ membershipId: string; accountId: string | null }>;
  /**
   * RFC 3062 for one's own password: the current one proves it is them (the same re-authentication
   * as the web), the new one must meet the password rules; other sessions end. Throws AppError.
   */
  changeOwnPassword(ctx: RequestContext, accountId: string, currentPassword: string, newPassword: string): Promise<void>;
  /**
   * A service account's secret checked through the one credential check (throttled like a member's
   * bind): its id; an unknown name or a wrong secret alike throw `accounts.invalid_credentials`, too
   * many failures a rate-limited AppError.
   */
  verifyService(ctx: RequestContext, orgId: string, name: string, secret: string): Promise<{ id: string }>;
  /** Whether the service account still exists (checked again before every operation of its connection). */
  serviceValid(orgId: string, id: string): Promise<boolean>;
  searchUsers(orgId: string, filter: DirectoryFilter, opts: SearchOptions): Promise<Page<LdapUser>>;
  searchGroups(orgId: string, filter: DirectoryFilter, opts: SearchOptions): Promise<Page<LdapGroup>>;
  /** Binds are audited in aggregate: one record per bound identity when its connection ends. */
  recordSession(ctx: RequestContext, orgId: string, who: { type: 'user' | 'service_account'; id: string }, summary: { binds: number; operations: number; seconds: number }): Promise<void>;
}
