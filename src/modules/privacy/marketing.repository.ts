import type { Executor } from '../../db/schema.ts';
import type { MailCampaignsTable } from './privacy.tables.ts';

export async function insertCampaign(ex: Executor, row: MailCampaignsTable): Promise<void> {
  await ex.insertInto('mail_campaigns').values(row).execute();
}

export async function findCampaign(ex: Executor, id: string): Promise<MailCampaignsTable | undefined> {
  return ex.selectFrom('mail_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A recipient's first open of a campaign's message; later opens add nothing. */
export async function insertOpen(ex: Executor, row: { campaign_id: string; user_id: string; created_at: string }): Promise<void> {
  await ex
    .insertInto('mail_opens')
    .values(row)
    .onConflict((oc) => oc.columns(['campaign_id', 'user_id']).doNothing())
    .execute();
}
