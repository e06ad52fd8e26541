import type { Domain } from '../../contracts/governance.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId, randomToken } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { Page } from '../../contracts/common.ts';
import type { Executor } from '../../db/schema.ts';
import { type CheckError, checkTxt } from './dns-check.ts';
import { normalizeDomainName } from './domain-names.ts';
import * as repo from './domains.repository.ts';
import { decodeCursor, encodeCursor, toDomainView } from './domains.views.ts';
import type { GovernanceDeps } from './governance.deps.ts';
import { GovernanceErrors } from './governance.errors.ts';
import type { DomainsTable } from './governance.tables.ts';
import { releaseAccounts } from './release.ts';

/** How many domains one organization may add (verified or not). */
export const DOMAINS_PER_ORG = 50;

/** GOV-2: the organization's admins alone add, verify and remove its domains (never a client, never staff). */
const requireAdmin = (caller: Caller, orgId: string) => requireCapability(caller, 'directory.govern', { orgId });

/**
 * GOV-2: how long a verified domain stays verified while its lookups fail (`dns_error`): an outage
 * is not a lost domain, but a name whose resolvers refuse for a week is not proven any more.
 */
export const DNS_ERROR_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

/** The conflict of the unique index on verified names, raised when two organizations verify one name at once. */
const isNameConflict = (e: unknown) => isAppError(e) && e.is(CommonErrors.conflict);

/** Whether a verified domain's record was last found (or, never re-checked, verified) longer ago than the grace period. */
function lostTooLong(row: DomainsTable, now: string): boolean {
  const since = row.last_verified_at ?? row.verified_at;
  return since !== null && Date.parse(now) - Date.parse(since) >= DNS_ERROR_GRACE_MS;
}

export function createDomains(deps: GovernanceDeps) {
  const { db, clock, audit } = deps;

  async function load(orgId: string, domainId: string): Promise<DomainsTable> {
    const row = await repo.findDomain(db, orgId, domainId);
    if (!row) throw new AppError(CommonErrors.notFound);
    return row;
  }

  /** Adds a domain, pending until its TXT record is found; the answer says what to publish. */
  async function add(ctx: RequestContext, caller: Caller, orgId: string, input: { name: string }): Promise<Domain> {
    requireAdmin(caller, orgId);
    const name = normalizeDomainName(input.name);
    const row: DomainsTable = {
      id: newId('dom'),
      org_id: orgId,
      name,
      token: randomToken(24),
      created_by: caller.kind === 'member' ? caller.membershipId : null,
      created_at: clock.now().toISOString(),
      verified_at: null,
      last_checked_at: null,
      last_check_error: null,
      last_verified_at: null,
    };
    try {
      await db.transaction().execute(async (trx) => {
        if (await repo.findDomainByName(trx, orgId, name)) throw new AppError(GovernanceErrors.domainExists, undefined, { details: { field: 'name' } });
        // GOV-2: whether another organization verified the name is never said here: adding proves
        // nothing, so it would let any admin probe who uses Castellan. Only verification refuses it,
        // once this organization has shown control of the DNS (see `check`).
        if ((await repo.countDomains(trx, orgId)) >= DOMAINS_PER_ORG) throw new AppError(GovernanceErrors.domainLimitReached);
        await repo.insertDomain(trx, row);
        await audit.record(trx, ctx, { action: 'governance.domain_added', orgId, target: { type: 'domain', id: row.id }, details: { name } });
      });
    } catch (e) {
      if (isNameConflict(e)) throw new AppError(GovernanceErrors.domainExists, undefined, { details: { field: 'name' } });
      throw e;
    }
    return toDomainView(row);
  }

  async function list(caller: Caller, orgId: string, opts: { limit: number; cursor?: string | undefined }): Promise<Page<Domain>> {
    requireAdmin(caller, orgId);
    const rows = await repo.listDomains(db, orgId, { after: decodeCursor(opts.cursor), limit: opts.limit + 1 });
    const page = rows.slice(0, opts.limit);
    return { items: page.map(toDomainView), nextCursor: rows.length > opts.limit ? encodeCursor((page.at(-1) as DomainsTable).name) : null };
  }

  async function get(caller: Caller, orgId: string, domainId: string): Promise<Domain> {
    requireAdmin(caller, orgId);
    return toDomainView(await load(orgId, domainId));
  }

  /** Removes a domain; a verified one releases the accounts controlled through it first (GOV-2). */
  async function remove(ctx: RequestContext, caller: Caller, orgId: string, domainId: string): Promise<void> {
    requireAdmin(caller, orgId);
    await db.transaction().execute(async (trx) => {
      const row = await repo.lockDomain(trx, orgId, domainId);
      if (!row) throw new AppError(CommonErrors.notFound);
      await releaseAccounts(deps, trx, ctx, row, 'removed');
      await repo.deleteDomain(trx, orgId, domainId);
      await audit.record(trx, ctx, { action: 'governance.domain_removed', orgId, target: { type: 'domain', id: domainId }, details: { name: row.name, wasVerified: row.verified_at !== null } });
    });
  }

  /**
   * Looks the TXT record up now and records the outcome. Found: the domain is verified (unless
   * another organization verified the name meanwhile: that refusal comes only here, after this
   * organization proved control of the DNS). Gone (no record, or another value) from a verified
   * domain: it is un-verified and its accounts released. A failed lookup (`dns_error`) changes
   * nothing but the record of the check (an outage is not a lost domain) until the record has not
   * been found for `DNS_ERROR_GRACE_MS`: then the domain is un-verified as if the record were gone.
   */
  async function check(
    ctx: RequestContext,
    domain: DomainsTable,
    opts: { onUnverified?: (trx: Executor, row: DomainsTable, released: string[], reason: CheckError) => Promise<void> } = {},
  ): Promise<{ row: DomainsTable; unverified: string[] | null }> {
    const error = await checkTxt(deps.lookupTxt, domain.name, domain.token);
    const now = clock.now().toISOString();
    try {
      return await db.transaction().execute(async (trx) => {
        const row = await repo.lockDomain(trx, domain.org_id, domain.id);
        if (!row || row.token !== domain.token) throw new AppError(CommonErrors.notFound);
        let verifiedAt = row.verified_at;
        let unverified: string[] | null = null;
        if (error === null && !verifiedAt) {
          if (await repo.verifiedElsewhere(trx, row.org_id, row.name)) throw new AppError(GovernanceErrors.domainTaken);
          verifiedAt = now;
          await audit.record(trx, ctx, { action: 'governance.domain_verified', orgId: row.org_id, target: { type: 'domain', id: row.id }, details: { name: row.name } });
        } else if (error !== null && verifiedAt && (error !== 'dns_error' || lostTooLong(row, now))) {
          verifiedAt = null;
          unverified = await releaseAccounts(deps, trx, ctx, row, 'unverified');
          await audit.record(trx, ctx, {
            action: 'governance.domain_unverified',
            orgId: row.org_id,
            target: { type: 'domain', id: row.id },
            details: { name: row.name, reason: error, ...(error === 'dns_error' ? { lastVerifiedAt: row.last_verified_at ?? row.verified_at } : {}) },
          });
          await opts.onUnverified?.(trx, row, unverified, error);
        }
        const patch = { verified_at: verifiedAt, last_checked_at: now, last_check_error: error, last_verified_at: error === null ? now : row.last_verified_at };
        await repo.recordCheck(trx, row.org_id, row.id, patch);
        return { row: { ...row, ...patch }, unverified };
      });
    } catch (e) {
      if (isNameConflict(e)) throw new AppError(GovernanceErrors.domainTaken);
      throw e;
    }
  }

  /** POST .../verify: the admin asks for a check now. */
  async function verify(ctx: RequestContext, caller: Caller, orgId: string, domainId: string): Promise<Domain> {
    requireAdmin(caller, orgId);
    const domain = await load(orgId, domainId);
    // No early refusal for a name verified elsewhere: `check` refuses it only after the record is found.
    return toDomainView((await check(ctx, domain)).row);
  }

  return { add, list, get, remove, verify, check };
}

export type Domains = ReturnType<typeof createDomains>;
