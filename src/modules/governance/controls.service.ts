import type { Page } from '../../contracts/common.ts';
import type { ClaimResult, DomainAccount } from '../../contracts/governance.ts';
import { type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { controlsOf, insertControls } from './controls.repository.ts';
import { addressForms } from './domain-names.ts';
import * as domains from './domains.repository.ts';
import { decodeCursor, encodeCursor } from './domains.views.ts';
import type { GovernanceDeps } from './governance.deps.ts';
import { GovernanceErrors } from './governance.errors.ts';
import { controlMail, controlNotice } from './governance.mail.ts';
import type { DomainsTable } from './governance.tables.ts';
import { addNotice } from './notices.repository.ts';

const BATCH = 500;

/**
 * GOV-3: an organization's admins see the accounts on a domain it verified that it does not
 * control yet, then take control of them, each person being told by mail and by an in-app notice.
 * Only addresses at the verified domain are ever read: nothing tells an admin whether any other
 * address has an account (ACC-7, DIR-1).
 */
export function createControls(deps: GovernanceDeps) {
  const { db, clock, audit, mail, people } = deps;

  async function verifiedDomain(ex: Executor, orgId: string, domainId: string): Promise<DomainsTable> {
    const row = await domains.findDomain(ex, orgId, domainId);
    if (!row) throw new AppError(CommonErrors.notFound);
    if (!row.verified_at) throw new AppError(GovernanceErrors.domainNotVerified);
    return row;
  }

  /** The next accounts on the domain no organization controls, after `after`, up to `limit` (fewer only at the end). */
  async function uncontrolled(ex: Executor, domain: DomainsTable, opts: { after?: string | undefined; limit: number; ids?: readonly string[] | undefined }) {
    const out: Array<{ id: string; email: string; name: string }> = [];
    let after = opts.after;
    for (;;) {
      const rows = await people.accountsAtDomains(ex, addressForms(domain.name), { after, limit: BATCH, ids: opts.ids });
      const controlled = await controlsOf(ex, rows.map((r) => r.id));
      for (const r of rows) {
        if (!controlled.has(r.id)) out.push(r);
        if (out.length === opts.limit) return { items: out, more: true };
      }
      if (rows.length < BATCH) return { items: out, more: false };
      after = (rows.at(-1) as { id: string }).id;
    }
  }

  /** GOV-3: the preview: the accounts at the domain that no organization controls yet, with whether each is already a member. */
  async function preview(caller: Caller, orgId: string, domainId: string, opts: { limit: number; cursor?: string | undefined }): Promise<Page<DomainAccount>> {
    requireCapability(caller, 'directory.govern', { orgId });
    const domain = await verifiedDomain(db, orgId, domainId);
    const { items, more } = await uncontrolled(db, domain, { after: decodeCursor(opts.cursor), limit: opts.limit });
    const members = await people.membersAmong(db, orgId, items.map((a) => a.id));
    return {
      items: items.map((a) => ({ id: a.id, name: a.name, email: a.email, member: members.has(a.id) })),
      nextCursor: more && items.length > 0 ? encodeCursor((items.at(-1) as { id: string }).id) : null,
    };
  }

  /**
   * GOV-3: takes control of the accounts named (every account of the preview when none is), each
   * keyed by its id. Accounts not at the domain, or already controlled by any organization, are
   * left as they are and not named in the answer.
   */
  async function claim(ctx: RequestContext, caller: Caller, orgId: string, domainId: string, input: { accountIds?: string[] | undefined }): Promise<ClaimResult> {
    requireCapability(caller, 'directory.govern', { orgId });
    await verifiedDomain(db, orgId, domainId);
    const ids = input.accountIds ? [...new Set(input.accountIds)] : undefined;
    const claimed = await db.transaction().execute(async (trx) => {
      // Locked and read again: a domain un-verified meanwhile claims nothing.
      const domain = await domains.lockDomain(trx, orgId, domainId);
      if (!domain) throw new AppError(CommonErrors.notFound);
      if (!domain.verified_at) throw new AppError(GovernanceErrors.domainNotVerified);
      const orgName = (await people.organizationName(trx, orgId)) ?? '';
      const now = clock.now();
      const taken: string[] = [];
      let after: string | undefined;
      for (;;) {
        const { items, more } = await uncontrolled(trx, domain, { after, limit: BATCH, ids });
        const rows = items.map((a) => ({ account_id: a.id, org_id: orgId, domain_id: domain.id, asserted_by: caller.kind === 'member' ? caller.membershipId : null, asserted_at: now.toISOString() }));
        const inserted = new Set(await insertControls(trx, rows));
        for (const a of items.filter((x) => inserted.has(x.id))) {
          taken.push(a.id);
          await audit.record(trx, ctx, { action: 'governance.control_asserted', orgId, target: { type: 'account', id: a.id }, details: { domainId: domain.id, domain: domain.name } });
          await addNotice(trx, { accountId: a.id, orgId, kind: 'governance.control_asserted', ...controlNotice(deps.config, { orgName, email: a.email }), at: now });
          await mail.enqueue(trx, controlMail(deps.config, { to: a.email, orgName }));
        }
        if (!more || items.length === 0) break;
        after = (items.at(-1) as { id: string }).id;
      }
      return taken;
    });
    return { claimed, count: claimed.length };
  }

  return { preview, claim };
}

export type Controls = ReturnType<typeof createControls>;
