import { createControls } from './controls.service.ts';
import { domainRecheckJob } from './domains.job.ts';
import { createDomains } from './domains.service.ts';
import type { GovernanceDeps } from './governance.deps.ts';
import { createNotices } from './notices.service.ts';

/** GOV-2, GOV-3: domains, control over accounts, and the in-app notices people get. */
export function createGovernance(deps: GovernanceDeps) {
  const domains = createDomains(deps);
  return {
    domains,
    controls: createControls(deps),
    notices: createNotices(deps),
    jobHandlers: [domainRecheckJob(deps, domains)],
  };
}

export type Governance = ReturnType<typeof createGovernance>;
