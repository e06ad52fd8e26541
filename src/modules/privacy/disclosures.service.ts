import type { OutboxMessage } from '../mail/index.ts';
import type { PrivacyDeps } from './privacy.deps.ts';

/** PRV-9: the disclosure ledger. (Being written.) */
export function createDisclosures(_deps: PrivacyDeps) {
  async function recordMailDelivery(_message: OutboxMessage): Promise<void> {}
  return { recordMailDelivery };
}

export type Disclosures = ReturnType<typeof createDisclosures>;
