import type { Executor } from '../../db/schema.ts';
import type { AnalyticsEventsTable } from './privacy.tables.ts';

export async function insertPageView(ex: Executor, row: AnalyticsEventsTable): Promise<void> {
  await ex.insertInto('analytics_events').values(row).execute();
}

/** PRV-6: a visitor's anonymous page views join the account, and the link is recorded once. */
export async function linkVisitor(ex: Executor, visitorId: string, userId: string, at: string): Promise<void> {
  await ex.updateTable('analytics_events').set({ user_id: userId }).where('visitor_id', '=', visitorId).where('user_id', 'is', null).execute();
  await ex
    .insertInto('visitor_links')
    .values({ visitor_id: visitorId, user_id: userId, created_at: at })
    .onConflict((oc) => oc.columns(['visitor_id', 'user_id']).doNothing())
    .execute();
}
