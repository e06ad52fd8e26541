import type { RequestContext } from '../../core/context.ts';
import { newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import type { AdministeringOrganization, FulfilmentPorts } from './fulfilment.deps.ts';
import * as repo from './requests.repository.ts';
import { type Actor, OVERDUE_JOB, type Steps } from './requests.steps.ts';
import { OPEN_STATES, type Outcome } from './requests.views.ts';
import type { RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';
import * as links from './fulfilment.repository.ts';

/** DSR-2: the kinds fulfilled here, each only once the requester is verified. */
export const FULFILLED_KINDS = ['access', 'know', 'correct', 'delete'] as const;

export const SYSTEM: Actor = { type: 'system', id: null };

/**
 * "Notice to End Users" (the privacy policy): where an organization makes the service available to
 * a person, it administers their account there, and questions about what it holds go to its admins.
 */
export const ORGANIZATION_NOTICE =
  'This organization makes the service available to you and administers your membership in it (your username, role and access there): it may hold data about you that is its own to answer for. Please direct your privacy questions about it to its administrators.';

export interface OrganizationPointer {
  name: string;
  notice: string;
  /** How many of its admins were told (deletion), or could be asked (others). */
  admins: number;
}

export const pointersOf = (orgs: readonly AdministeringOrganization[]): OrganizationPointer[] => orgs.map((o) => ({ name: o.name, notice: ORGANIZATION_NOTICE, admins: o.admins.length }));

export interface FulfilmentContext {
  deps: RightsDeps;
  ports: FulfilmentPorts;
  steps: Steps;
}

/**
 * A request that may be fulfilled now: it exists, is open, is of a fulfilled kind and is verified
 * (DSR-2); anything else is a clear conflict.
 */
export async function fulfillable(ex: Executor, id: string): Promise<PrivacyRequestsTable> {
  const row = await repo.findRequest(ex, id);
  if (!row) throw new AppError(CommonErrors.notFound);
  if (row.state === 'completed') throw new AppError(RightsErrors.requestClosed);
  if (!(FULFILLED_KINDS as readonly string[]).includes(row.kind)) throw new AppError(RightsErrors.notFulfillable, undefined, { details: { kind: row.kind } });
  if (row.verification !== 'verified') throw new AppError(RightsErrors.notVerified, undefined, { details: { verification: row.verification } });
  return row;
}

/** DSR-5: answers the request with `outcome`: the request log, the history and the audit, the deadline job cancelled. */
export async function complete(f: FulfilmentContext, ex: Executor, ctx: RequestContext, row: PrivacyRequestsTable, outcome: Outcome, reason: string | null, actor: Actor): Promise<void> {
  const at = f.deps.clock.now().toISOString();
  const patch = { state: 'completed', outcome, outcome_reason: reason, responded_at: at, updated_at: at };
  if (!(await repo.updateRequest(ex, row.id, OPEN_STATES, patch))) throw new AppError(RightsErrors.requestClosed);
  await repo.updateLog(ex, row.id, { responded_at: at, outcome, denial_reason: outcome === 'denied' ? reason : null });
  await f.steps.step(ex, ctx, { ...row, ...patch }, 'closed', actor, reason, { outcome });
  await f.deps.jobs.cancel(ex, OVERDUE_JOB, row.id);
}

/** A new download link of `purpose` for the request (older unused ones of that purpose stop working); answers the token. */
export async function mintLink(f: FulfilmentContext, ex: Executor, requestId: string, purpose: 'archive' | 'certificate', lifetimeMs: number): Promise<{ token: string; expiresAt: string }> {
  const now = f.deps.clock.now();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + lifetimeMs).toISOString();
  await links.retireLinks(ex, requestId, purpose, now.toISOString());
  await links.insertLink(ex, { id: newId('dsrl'), request_id: requestId, purpose, token_hash: sha256(token), expires_at: expiresAt, used_at: null, created_at: now.toISOString() });
  return { token, expiresAt };
}

/**
 * Checks a requester's link: unknown → 404; used (an archive's second download) or expired → a
 * 404 that says so (the holder of the link learns only about their own link).
 */
export async function checkLink(f: FulfilmentContext, ex: Executor, requestId: string, purpose: 'archive' | 'certificate', token: string) {
  const link = await links.findLink(ex, requestId, purpose, sha256(token));
  if (!link) throw new AppError(CommonErrors.notFound);
  if (link.used_at !== null) throw new AppError(RightsErrors.linkUsed);
  if (new Date(link.expires_at).getTime() <= f.deps.clock.now().getTime()) throw new AppError(RightsErrors.linkExpired);
  return link;
}

export const linkTo = (f: FulfilmentContext, requestId: string, what: 'archive' | 'certificate', token: string) =>
  `${f.deps.config.publicUrl}/api/v1/privacy/requests/${requestId}/${what}?token=${token}`;

/** The pointer paragraph of an answer: each organization that administers a membership, and where to ask. */
export function pointerText(orgs: readonly OrganizationPointer[]): string {
  if (orgs.length === 0) return '';
  return [
    'Organizations that administer your membership:',
    ...orgs.map((o) => `- ${o.name}: ${o.admins > 0 ? 'its administrators' : 'you are its only administrator'}. ${o.notice}`),
  ].join('\n');
}
