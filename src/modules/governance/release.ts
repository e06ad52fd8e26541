import type { RequestContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import { releaseByDomain } from './controls.repository.ts';
import type { GovernanceDeps } from './governance.deps.ts';
import { releaseNotice } from './governance.mail.ts';
import type { DomainsTable } from './governance.tables.ts';
import { addNotice } from './notices.repository.ts';

/**
 * GOV-2: un-verifying or removing a domain releases the accounts the organization controlled
 * through it: their control rows go, and each person gets an in-app notice, in the same
 * transaction as the change to the domain.
 */
export async function releaseAccounts(deps: GovernanceDeps, trx: Executor, ctx: RequestContext, domain: DomainsTable, reason: 'unverified' | 'removed'): Promise<string[]> {
  const released = await releaseByDomain(trx, domain.org_id, domain.id);
  if (released.length === 0) return released;
  const orgName = (await deps.people.organizationName(trx, domain.org_id)) ?? 'an organization';
  const notice = releaseNotice(deps.config, { orgName, domain: domain.name, reason });
  const at = deps.clock.now();
  for (const accountId of released) await addNotice(trx, { accountId, orgId: domain.org_id, kind: 'governance.control_released', ...notice, at });
  await deps.audit.record(trx, ctx, { action: 'governance.control_released', orgId: domain.org_id, target: { type: 'domain', id: domain.id }, details: { domain: domain.name, reason, accountIds: released } });
  return released;
}
