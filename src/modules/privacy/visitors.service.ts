import type { RequestContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import type { SignupChoices } from '../accounts/index.ts';
import type { Analytics } from './analytics.service.ts';
import type { Consent } from './consent.service.ts';
import type { ConsentSource } from './purposes.ts';

/**
 * What happens to a visitor's choices and activity when they identify
 * themselves (PRV-5, PRV-6), run inside the transaction that creates the
 * account or the session.
 *
 * Opt-outs always follow the visitor into the account. Grants follow only into
 * a new account (the person who chose is the one signing up); an existing
 * account's own choices are never loosened by whoever used the browser before.
 */
export function createVisitors(consent: Consent, analytics: Analytics) {
  async function carryChoices(trx: Executor, ctx: RequestContext, visitorId: string, userId: string, includeGrants: boolean) {
    const visitor = await consent.state({ type: 'visitor', id: visitorId }, trx);
    const user = { type: 'user' as const, id: userId };
    // Each carried choice keeps its source (a banner choice stays a banner choice; GPC stays GPC).
    const bySource = new Map<string, { purpose: string; granted: boolean }[]>();
    for (const s of visitor) {
      if (!s.recorded || !s.source || (s.allowed && !includeGrants)) continue;
      bySource.set(s.source, [...(bySource.get(s.source) ?? []), { purpose: s.purpose, granted: s.allowed }]);
    }
    for (const [source, changes] of bySource) await consent.record(trx, ctx, user, changes, source as ConsentSource);
  }

  async function signedUp(trx: Executor, ctx: RequestContext, userId: string, choices: SignupChoices): Promise<void> {
    if (ctx.visitorId) await carryChoices(trx, ctx, ctx.visitorId, userId, true);
    // PRV-3: the sign-up form offers the personalization opt-out where the data is collected.
    if (choices.personalization === false) await consent.record(trx, ctx, { type: 'user', id: userId }, [{ purpose: 'personalization', granted: false }], 'signup');
    if (ctx.visitorId) await analytics.linkVisitor(trx, ctx.visitorId, userId);
  }

  async function signedIn(trx: Executor, ctx: RequestContext, userId: string): Promise<void> {
    if (!ctx.visitorId) return;
    await carryChoices(trx, ctx, ctx.visitorId, userId, false);
    await analytics.linkVisitor(trx, ctx.visitorId, userId);
  }

  return { signedUp, signedIn };
}
