import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import type { Accounts, PlanHooks, Throttle } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';

export interface DirectoryConfig {
  /** Where Castellan is reached: invitation links start with it. */
  publicUrl: string;
  /** The operator's site name, as invitation mail names it. */
  siteName: string;
  /** Invitations an organization may send in an hour, and that one address may receive in a day. */
  invitationsPerOrgHour: number;
  invitationsPerAddressDay: number;
}

export interface DirectoryDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  accounts: Accounts;
  throttle: Throttle;
  config: DirectoryConfig;
  /** Keys the HMACs that name an address in rate-limit counters without keeping it in clear. */
  secretKey: Buffer;
  /** SEC-2: encrypts the password hashes an import keeps (DIR-5). */
  cipher: FieldCipher;
  /** Told of every change of plan, in its transaction. */
  planHooks?: PlanHooks;
  /** Protocol edges' say over resources (PRO-2: OIDC applications; PRO-5: SAML applications). */
  resourceHooks?: ResourceHooks;
  /** Told when members lose access (PRO-2: the provider revokes their grants and tokens). */
  accessHooks?: AccessHooks;
  /** Where failures that must not fail a saved change are reported (the composition root's logger). */
  log?: { warn(o: object, m: string): void };
}

/** What a resource is, as the hooks see it. */
export interface ResourceRef {
  id: string;
  orgId: string;
  kind: string;
  settings: Record<string, unknown>;
  /** The resource's name, when the lookup answers it (PRO-2: what a sign-out page calls the application). */
  name?: string;
}

/**
 * Other modules' part in a resource's life, wired by the composition root: they check the settings
 * of the resources they serve (throwing an AppError), and, in the transaction that saves one, set
 * up what they keep for it. What `created` answers is told to the creator once (an OIDC client's
 * secret) and never stored by the directory.
 */
export interface ResourceHooks {
  /** May be async (PRO-5: a SAML application's metadata URL is fetched here, before the transaction). */
  check: Array<(kind: string, settings: Record<string, unknown>) => void | Promise<void>>;
  created: Array<(trx: Executor, ctx: RequestContext, resource: ResourceRef) => Promise<Record<string, unknown>>>;
  updated: Array<(trx: Executor, ctx: RequestContext, resource: ResourceRef) => Promise<void>>;
  /** In the transaction that deletes the resource (PRO-2: what was issued to the application goes with it). */
  deleted?: Array<(trx: Executor, orgId: string, resourceId: string) => Promise<unknown>>;
  /**
   * Before a resource is renamed or changed, and in the transaction that deletes it: a module that
   * owns the resource throws an AppError to refuse it (GOV-1: an integration's application is changed
   * through the integration only; src/core.ts applies the same to its client-secret rotation).
   * Skipped when the owning module itself removes it (`remove(..., { byOwner: true })`).
   */
  guard?: Array<(ex: Executor, orgId: string, resourceId: string, change: 'update' | 'delete') => Promise<void>>;
}

/**
 * DIR-3: other modules' part when members lose access, wired by the composition root. `revoked`
 * runs in the transaction that suspends or removes members (they may use nothing any more);
 * `changed` runs right after a change of bindings or groups is saved, naming the members or the
 * resource it may concern (neither: any in the organization), for the module to ask the access
 * decision again; a `changed` hook's failure is logged, never answered (tellAccessChanged).
 */
export interface AccessHooks {
  revoked: Array<(trx: Executor, orgId: string, membershipIds: string[]) => Promise<unknown>>;
  /**
   * DSR-5: runs, after `revoked`, in the transaction that removes members (never on suspension):
   * what other modules keep about the membership, and find by it only, goes with it.
   */
  removed?: Array<(trx: Executor, orgId: string, membershipIds: string[]) => Promise<unknown>>;
  changed: Array<(orgId: string, scope: { membershipIds?: string[]; resourceId?: string }) => Promise<unknown>>;
  /**
   * GOV-1: runs in the transaction where an admin suspended, reactivated or removed a member (never
   * for SCIM's changes, which stay silent), for the person to be told.
   */
  terminated?: Array<(trx: Executor, ctx: RequestContext, event: MemberTermination) => Promise<unknown>>;
}

/** GOV-1: what an admin did to a member's access, and to whom. */
export interface MemberTermination {
  action: 'suspended' | 'reactivated' | 'removed';
  orgId: string;
  orgName: string;
  membershipId: string;
  accountId: string | null;
  /** The member's address in the organization, and their status before the change. */
  email: string;
  name: string;
  previousStatus: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Takes one row more than asked, to know whether there is a next page; the cursor is the last id. */
export function pageOf<R extends { id: string }, T>(rows: R[], limit: number, view: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: rows.length > limit && last ? last.id : null };
}

/**
 * DIR-3: tells the `changed` hooks of a change of access, after its commit. The change is saved, so
 * a hook that fails is logged and never turns the answer into an error: what it would have removed
 * is still refused at use time (PRO-2: findAccount and introspection ask the access decision again).
 */
export async function tellAccessChanged(deps: Pick<DirectoryDeps, 'accessHooks' | 'log'>, orgId: string, scope: { membershipIds?: string[]; resourceId?: string }): Promise<void> {
  for (const h of deps.accessHooks?.changed ?? []) {
    try {
      await h(orgId, scope);
    } catch (e) {
      deps.log?.warn({ orgId, resourceId: scope.resourceId, members: scope.membershipIds?.length, err: e instanceof Error ? e.message : String(e) }, 'a hook told of a change of access failed; the change is saved, and use-time checks still refuse');
    }
  }
}
