import type { Executor } from '../../db/schema.ts';

/**
 * GOV-3: the people's accounts (never staff, never one whose address is not yet verified) whose
 * address is at one of the given domains, in id order, a page at a time. The domains are host names already normalised by the caller (letters,
 * digits, hyphens and dots only), so they hold no LIKE wildcard; the match is on the whole part
 * after the `@`, never a suffix of it (a sub-domain is another domain).
 */
export async function accountsAtDomains(
  ex: Executor,
  domains: readonly string[],
  opts: { after?: string | undefined; limit: number; ids?: readonly string[] | undefined },
): Promise<Array<{ id: string; email: string; name: string }>> {
  if (domains.length === 0 || (opts.ids && opts.ids.length === 0)) return [];
  let q = ex
    .selectFrom('accounts')
    .select(['id', 'email', 'name'])
    .where('staff_role', 'is', null)
    .where('status', '=', 'active')
    // An address never proven is no one's yet: anyone can sign up with any address, so an
    // unverified account is neither shown to the domain's admins nor taken by a claim.
    .where('email_verified_at', 'is not', null)
    .where((eb) => eb.or(domains.map((d) => eb('email_normalized', 'like', `%@${d}`))));
  if (opts.ids) q = q.where('id', 'in', [...opts.ids]);
  if (opts.after) q = q.where('id', '>', opts.after);
  return q.orderBy('id').limit(opts.limit).execute();
}
