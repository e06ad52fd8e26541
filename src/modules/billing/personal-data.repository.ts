import type { Executor } from '../../db/schema.ts';

/** DSR-6: the organization's card on file goes with the organization: its token could still charge it (PRV-10). */
export async function deleteCardsOfOrg(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.deleteFrom('cards').where('org_id', '=', orgId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
