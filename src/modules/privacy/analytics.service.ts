import type { PageViewBody } from '../../contracts/consent.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import * as repo from './analytics.repository.ts';
import type { Consent, Subject } from './consent.service.ts';
import { truncateIp } from './ip.ts';
import type { PrivacyDeps } from './privacy.deps.ts';

export type PageView = PageViewBody;

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
    await repo.insertPageView(db, {
      id: newId('pv'),
      visitor_id: visitorId,
      user_id: userId,
      path: view.path,
      referrer: view.referrer ?? null,
      search_terms: view.searchTerms ?? null,
      user_agent: ctx.userAgent?.slice(0, 300) ?? null,
      ip: truncateIp(ctx.ip),
      created_at: clock.now().toISOString(),
    });
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
    await repo.linkVisitor(trx, visitorId, userId, clock.now().toISOString());
    return true;
  }

  return { recordPageView, linkVisitor };
}

export type Analytics = ReturnType<typeof createAnalytics>;
