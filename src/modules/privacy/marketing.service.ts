import type { OutboxMessage } from '../mail/index.ts';
import type { Consent } from './consent.service.ts';
import type { PrivacyDeps } from './privacy.deps.ts';

/** PRV-7: marketing mail, unsubscribe, contact exports. (Being written.) */
export function createMarketing(_deps: PrivacyDeps, _consent: Consent) {
  async function allowSend(_message: OutboxMessage): Promise<boolean> {
    return true;
  }
  return { allowSend };
}

export type Marketing = ReturnType<typeof createMarketing>;
