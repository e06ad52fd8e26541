import type { PrivacyDeps } from './privacy.deps.ts';

/** PRV-8: policy versions. (Being written.) */
export function createPolicies(_deps: PrivacyDeps) {
  return {};
}

export type Policies = ReturnType<typeof createPolicies>;
