import { type Insertable, type Selectable, sql } from 'kysely';
import type { Executor } from '../../db/schema.ts';
import type { DisclosuresTable } from './privacy.tables.ts';

export type NewDisclosure = Insertable<DisclosuresTable>;
export type DisclosureRow = Selectable<DisclosuresTable>;

export interface DisclosureFilter {
  /** Part of the recipient's name, any case. */
  recipient?: string | undefined;
  kind?: string | undefined;
  subjectId?: string | undefined;
  /** Normalized (lower case): matched exactly. */
  subjectEmail?: string | undefined;
  directMarketing?: boolean | undefined;
  /** ISO instants: from inclusive, until exclusive. */
  from?: string | undefined;
  until?: string | undefined;
  /** Part of the purpose, any case. */
  purpose?: string | undefined;
  orgId?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

/** A search term taken literally by LIKE: its own % and _ match only themselves. */
const likeTerm = (q: string) => `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

export async function insertDisclosure(ex: Executor, row: NewDisclosure): Promise<void> {
  await ex.insertInto('disclosures').values(row).execute();
}

export async function findDisclosure(ex: Executor, id: string): Promise<DisclosureRow | undefined> {
  return ex.selectFrom('disclosures').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; `limit` rows at most (ask for one more than a page to know whether another follows). */
export async function listDisclosures(ex: Executor, f: DisclosureFilter): Promise<DisclosureRow[]> {
  return ex
    .selectFrom('disclosures')
    .selectAll()
    .$if(f.recipient !== undefined, (q) => q.where(sql<boolean>`lower(recipient_name) like ${likeTerm(f.recipient as string)} escape '!'`))
    .$if(f.purpose !== undefined, (q) => q.where(sql<boolean>`lower(purpose) like ${likeTerm(f.purpose as string)} escape '!'`))
    .$if(f.kind !== undefined, (q) => q.where('recipient_kind', '=', f.kind as string))
    .$if(f.subjectId !== undefined, (q) => q.where('subject_id', '=', f.subjectId as string))
    .$if(f.subjectEmail !== undefined, (q) => q.where('subject_email', '=', f.subjectEmail as string))
    .$if(f.directMarketing !== undefined, (q) => q.where('direct_marketing', '=', f.directMarketing ? 1 : 0))
    .$if(f.from !== undefined, (q) => q.where('created_at', '>=', f.from as string))
    .$if(f.until !== undefined, (q) => q.where('created_at', '<', f.until as string))
    .$if(f.orgId !== undefined, (q) => q.where('org_id', '=', f.orgId as string))
    .$if(f.beforeSeq !== undefined, (q) => q.where('seq', '<', f.beforeSeq as number))
    .orderBy('seq', 'desc')
    .limit(f.limit)
    .execute();
}

/**
 * DSR-7: the disclosures about one person (their account, or their address)
 * made for the recipient's own direct marketing between `from` (inclusive) and
 * `until` (exclusive), oldest first.
 */
export async function directMarketingDisclosures(
  ex: Executor,
  who: { userId: string | null; email: string | null },
  from: string,
  until: string,
): Promise<Pick<DisclosureRow, 'recipient_kind' | 'recipient_name' | 'recipient_address' | 'categories' | 'created_at'>[]> {
  return ex
    .selectFrom('disclosures')
    .select(['recipient_kind', 'recipient_name', 'recipient_address', 'categories', 'created_at'])
    .where('direct_marketing', '=', 1)
    .where('created_at', '>=', from)
    .where('created_at', '<', until)
    .where((eb) =>
      eb.or([
        ...(who.userId !== null ? [eb.and([eb('subject_type', '=', 'user'), eb('subject_id', '=', who.userId)])] : []),
        ...(who.email !== null ? [eb('subject_email', '=', who.email)] : []),
      ]),
    )
    .orderBy('seq')
    .execute();
}
