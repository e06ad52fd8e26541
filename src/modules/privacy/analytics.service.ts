import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import type { Consent, Subject } from './consent.service.ts';
import { truncateIp } from './ip.ts';
import type { PrivacyDeps } from './privacy.deps.ts';

export interface PageView {
  path: string;
  referrer?: string | undefined;
  searchTerms?: string | undefined;
}

/**
 * PRV-2: page views are kept only while `analytics` is allowed for whoever
 * makes them; otherwise nothing is stored, and the caller cannot tell.
 * PRV-6: a visitor's earlier page views join their account only with
 * `profile_combination`.
 */
export function createAnalytics(deps: PrivacyDeps, consent: Consent) {
  const { db, clock } = deps;

  /** Answers whether the view was kept (for tests and metrics; the API answers the same either way). */
  async function recordPageView(ctx: RequestContext, userId: string | null, view: PageView): Promise<boolean> {
    const visitorId = ctx.visitorId ?? null;
    const subject: Subject | null = userId ? { type: 'user', id: userId } : visitorId ? { type: 'visitor', id: visitorId } : null;
    if (!subject || !(await consent.allows(subject, 'analytics'))) return false;
    await db
      .insertInto('analytics_events')
      .values({
        id: newId('pv'),
        visitor_id: visitorId,
        user_id: userId,
        path: view.path,
        referrer: view.referrer ?? null,
        search_terms: view.searchTerms ?? null,
        user_agent: ctx.userAgent?.slice(0, 300) ?? null,
        ip: truncateIp(ctx.ip),
        created_at: clock.now().toISOString(),
      })
      .execute();
    return true;
  }

  /**
   * When a visitor identifies themselves (sign-up or sign-in), in that
   * transaction: their earlier anonymous page views are linked to the account
   * only if `profile_combination` is granted, by the visitor or the account.
   */
  async function linkVisitor(trx: Executor, visitorId: string, userId: string): Promise<boolean> {
    const granted =
      (await consent.allows({ type: 'user', id: userId }, 'profile_combination', trx)) ||
      (await consent.allows({ type: 'visitor', id: visitorId }, 'profile_combination', trx));
    if (!granted) return false;
    await trx.updateTable('analytics_events').set({ user_id: userId }).where('visitor_id', '=', visitorId).where('user_id', 'is', null).execute();
    await trx
      .insertInto('visitor_links')
      .values({ visitor_id: visitorId, user_id: userId, created_at: clock.now().toISOString() })
      .onConflict((oc) => oc.columns(['visitor_id', 'user_id']).doNothing())
      .execute();
    return true;
  }

  return { recordPageView, linkVisitor };
}

export type Analytics = ReturnType<typeof createAnalytics>;
