import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { AnalyticsEventsTable } from './privacy.tables.ts';

export async function insertPageView(ex: Executor, row: AnalyticsEventsTable): Promise<void> {
  await ex.insertInto('analytics_events').values(row).execute();
}

// Every sign-in from a browser runs these two: written once.
const claimEvents = statement('update analytics_events set user_id = ? where visitor_id = ? and user_id is null');
const insertLink = statement('insert into visitor_links (visitor_id, user_id, created_at) values (?, ?, ?) on conflict (visitor_id, user_id) do nothing');

/** PRV-6: a visitor's anonymous page views join the account, and the link is recorded once. */
export async function linkVisitor(ex: Executor, visitorId: string, userId: string, at: string): Promise<void> {
  await claimEvents.run(ex, [userId, visitorId]);
  await insertLink.run(ex, [visitorId, userId, at]);
}
