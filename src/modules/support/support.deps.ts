import type { Caller } from '../../core/caller.ts';
import type { Kysely } from 'kysely';
import type { Suggestion } from '../../contracts/support.ts';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Database, DialectName, Executor } from '../../db/schema.ts';
import type { Throttle } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';

/** A knowledge-base article offered as an answer (SUP-2, SUP-7), with its public page. */
export type ArticleSuggestion = Suggestion;

/** What the knowledge base knows of a system version named on a ticket (SUP-7). */
export interface SystemVersionStatus {
  system: string;
  version: string;
  /** True once the version's end-of-life date has passed. */
  endOfLife: boolean;
  /** YYYY-MM-DD, when one is known. */
  endOfLifeOn: string | null;
}

/** The knowledge base as the ticket desk uses it. */
export interface KnowledgeBaseLookup {
  /** Up to `limit` published articles that best match the text (full-text search); [] when none. */
  suggest(text: string, limit: number): Promise<ArticleSuggestion[]>;
  /** The listed system version the free text names (e.g. "Ubuntu 18.04.6"), or null when none is listed. */
  checkSystemVersion(text: string, at: Date): Promise<SystemVersionStatus | null>;
}

export interface SupportConfig {
  /** Links in mail point here. */
  publicUrl: string;
  /** The address customers write to and replies come from (SUP-1). */
  supportAddress: string;
  /** Largest single attachment, in bytes. */
  maxAttachmentBytes: number;
}

/** An organization as support sees it: what eligibility and routing need (SUP-2). */
export interface SupportOrganization {
  id: string;
  name: string;
  plan: string;
  plan_ends_at: string | null;
  created_at: string;
}

/** A person support writes to or names: a requester, an author, a staff member. */
export interface SupportPerson {
  /** The account's id. */
  id: string;
  email: string;
  name: string;
  active: boolean;
  staff: boolean;
}

/** An organization's member, as a confirmed verification may disclose it (SUP-6). */
export interface SupportMember {
  id: string;
  kind: 'user';
  orgId: string;
  email: string;
  name: string;
  username: string | null;
  status: string;
  orgRole: 'admin' | 'member';
  staffRole: null;
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: string;
}

/**
 * What support needs of people and organizations, which the accounts and directory modules own;
 * given by the composition root, so support reads none of their tables.
 */
export interface SupportPeople {
  organization(ex: Executor, orgId: string): Promise<SupportOrganization | undefined>;
  organizationNames(ex: Executor, orgIds: readonly string[]): Promise<Map<string, string>>;
  person(ex: Executor, accountId: string): Promise<SupportPerson | undefined>;
  /** SUP-1: the organizations whose active admin, with a verified address, the sender is. */
  adminByEmail(ex: Executor, email: string): Promise<{ person: SupportPerson; orgIds: string[] } | undefined>;
  /** SUP-6: whether the account is an active, verified admin of the organization now. */
  isActiveAdmin(ex: Executor, accountId: string, orgId: string): Promise<boolean>;
  /** SUP-6: the organization's member an admin named, by id or by the address the organization knows. */
  member(ex: Executor, orgId: string, ref: { userId?: string | undefined; email?: string | undefined }): Promise<SupportMember | undefined>;
  /** SUP-6: deletes a member on a confirmed verification, in its transaction. */
  deleteMember(ex: Executor, ctx: RequestContext, orgId: string, membershipId: string): Promise<void>;
  /**
   * The admin confirming a verification proves it is them (step-up): their password (and code) in
   * the request, or a re-authentication just before, through the one credential check.
   */
  stepUp(ctx: RequestContext, caller: Caller, proof: { password?: string | undefined; code?: string | undefined }): Promise<void>;
  /** SUP-2: staff who may be an organization's dedicated specialist (support or owner role, active). */
  isSpecialistCandidate(ex: Executor, accountId: string): Promise<boolean>;
}

export interface SupportDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  kb: KnowledgeBaseLookup;
  throttle: Throttle;
  secretKey: Buffer;
  config: SupportConfig;
  people: SupportPeople;
}
