import type { Clock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import type { JobHandler, Jobs } from '../jobs/index.ts';
import type { CheckError } from './dns-check.ts';
import type { Domains } from './domains.service.ts';
import type { GovernanceDeps } from './governance.deps.ts';
import { unverifiedMail } from './governance.mail.ts';
import * as repo from './domains.repository.ts';

/**
 * GOV-2: verified domains are looked up again once a day, by one recurring job on whichever node
 * claims it. A domain whose record is gone, or whose lookups have failed for 7 days, is un-verified,
 * its accounts released (each person told in the app), and the organization's admins are mailed. The job runs hourly and checks the domains
 * last checked more than a day ago, so a large installation spreads its lookups.
 */
export const DOMAIN_RECHECK_KIND = 'governance.domain_recheck';
const EVERY_SECONDS = 60 * 60;
const RECHECK_AFTER_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

export function domainRecheckJob(deps: GovernanceDeps, domains: Pick<Domains, 'check'>): JobHandler {
  return {
    kind: DOMAIN_RECHECK_KIND,
    everySeconds: EVERY_SECONDS,
    async run(_job, jobCtx) {
      const ctx = systemContext();
      const before = new Date(deps.clock.now().getTime() - RECHECK_AFTER_MS).toISOString();
      const seen = new Set<string>();
      for (;;) {
        const due = (await repo.verifiedDueForCheck(deps.db, before, BATCH)).filter((d) => !seen.has(d.id));
        if (due.length === 0) return;
        for (const domain of due) {
          seen.add(domain.id);
          await jobCtx.heartbeat();
          // One domain's failure (another organization verified the name meanwhile, a database error)
          // does not stop the others; it is logged, and the domain is due again at the next run.
          await domains
            .check(ctx, domain, { onUnverified: (trx, row, released, reason) => tellAdmins(deps, trx, row.org_id, row.name, released.length, reason) })
            .catch((e: unknown) => deps.log?.warn({ domainId: domain.id, orgId: domain.org_id, err: e instanceof Error ? e.message : String(e) }, 'the re-check of a domain failed'));
        }
      }
    },
  };
}

/** In the transaction that un-verifies the domain: the mail goes if and only if the change commits. */
async function tellAdmins(deps: GovernanceDeps, trx: Executor, orgId: string, domain: string, released: number, reason: CheckError): Promise<void> {
  const orgName = (await deps.people.organizationName(trx, orgId)) ?? '';
  for (const admin of await deps.people.activeAdmins(trx, orgId)) await deps.mail.enqueue(trx, unverifiedMail(deps.config, { to: admin.email, orgName, domain, released, reason }));
}

/** Queues the recurring re-check once per installation (enqueueing again changes nothing). */
export async function scheduleDomainRecheck(ex: Executor, jobs: Jobs, clock: Clock): Promise<void> {
  await jobs.enqueue(ex, { kind: DOMAIN_RECHECK_KIND, payload: null, dedupeKey: DOMAIN_RECHECK_KIND, runAt: new Date(clock.now().getTime() + EVERY_SECONDS * 1000) });
}
