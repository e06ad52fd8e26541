import type { Executor } from '../../db/schema.ts';

/** DSR-6: the entries of an organization's audit log (SEC-1), counted; never changed. */
export async function countEntriesOfOrg(ex: Executor, orgId: string): Promise<number> {
  const r = await ex.selectFrom('audit_log').select((eb) => eb.fn.countAll<number | string>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return Number(r.n);
}
