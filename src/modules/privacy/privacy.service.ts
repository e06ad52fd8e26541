import type { IdentityHooks } from '../accounts/index.ts';
import { createAnalytics } from './analytics.service.ts';
import { createConsent } from './consent.service.ts';
import { createDisclosures } from './disclosures.service.ts';
import { createMarketing } from './marketing.service.ts';
import { createPolicies } from './policies.service.ts';
import type { PrivacyDeps } from './privacy.deps.ts';
import { createVisitors } from './visitors.service.ts';

export function createPrivacy(deps: PrivacyDeps) {
  const consent = createConsent(deps);
  const analytics = createAnalytics(deps, consent);
  const visitors = createVisitors(consent, analytics);
  const policies = createPolicies(deps);
  return {
    consent,
    analytics,
    policies,
    disclosures: createDisclosures(deps),
    marketing: createMarketing(deps, consent),
    /** Registers what happens when a visitor identifies themselves (PRV-5, PRV-6). */
    attach(hooks: IdentityHooks): void {
      hooks.signedUp.push(visitors.signedUp);
      hooks.signedIn.push(visitors.signedIn);
      hooks.signedIn.push(policies.signedIn); // PRV-8: continued use after a policy notice
    },
  };
}

export type Privacy = ReturnType<typeof createPrivacy>;
