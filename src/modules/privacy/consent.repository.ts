import { sql } from 'kysely';
import { statement } from '../../db/database.ts';
import type { Executor } from '../../db/schema.ts';
import type { Insertable } from 'kysely';
import type { ConsentEventsTable } from './privacy.tables.ts';

export type NewConsentEvent = Insertable<ConsentEventsTable>;

export async function insertEvents(ex: Executor, rows: NewConsentEvent[]): Promise<void> {
  if (rows.length > 0) await ex.insertInto('consent_events').values(rows).execute();
}

export interface LatestChoice {
  purpose: string;
  granted: number;
  source: string;
  policy_version: number | null;
  created_at: string;
}

/**
 * The subject's latest event for each purpose: the current state (PRV-4). It is
 * read on every consent check, so it is one statement over the (subject,
 * purpose, seq) index, in each dialect's own form: SQLite takes the other
 * columns of a group's max(seq) row from that row; PostgreSQL has DISTINCT ON.
 */
const latest = statement<LatestChoice>(
  `select purpose, granted, source, policy_version, created_at, max(seq) as seq
   from consent_events
   where subject_id = ? and subject_type = ?
   group by purpose`,
  `select distinct on (purpose) purpose, granted, source, policy_version, created_at
   from consent_events
   where subject_id = ? and subject_type = ?
   order by purpose, seq desc`,
);

export async function latestChoices(ex: Executor, subjectType: string, subjectId: string): Promise<LatestChoice[]> {
  return latest.all(ex, [subjectId, subjectType]);
}

export async function history(ex: Executor, subjectType: string, subjectId: string, opts: { before?: number | undefined; limit: number }) {
  return ex
    .selectFrom('consent_events')
    .select(['seq', 'id', 'purpose', 'granted', 'source', 'policy_version', 'ip', 'created_at'])
    .where('subject_id', '=', subjectId)
    .where('subject_type', '=', subjectType)
    .$if(opts.before !== undefined, (q) => q.where('seq', '<', opts.before as number))
    .orderBy('seq', 'desc')
    .limit(opts.limit + 1)
    .execute();
}

/**
 * For every user with a recorded choice about `purpose`, their latest one:
 * who opted in (opt-in purposes) or out (opt-out purposes). Users without a row
 * have recorded nothing and follow the purpose's default.
 */
export async function latestUserChoicesFor(ex: Executor, purpose: string): Promise<Map<string, boolean>> {
  const rows = await sql<{ subject_id: string; granted: number }>`
    select e.subject_id, e.granted
    from consent_events e
    where e.subject_type = 'user' and e.purpose = ${purpose}
      and e.seq = (
        select max(l.seq) from consent_events l
        where l.subject_id = e.subject_id and l.subject_type = 'user' and l.purpose = e.purpose
      )`.execute(ex);
  return new Map(rows.rows.map((r) => [r.subject_id, Number(r.granted) === 1]));
}

/** The privacy policy version in force at `at` (PRV-8), or null before the first is published. */
export async function policyVersionInForce(ex: Executor, at: string): Promise<number | null> {
  const row = await ex
    .selectFrom('policy_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('effective_at', '<=', at)
    .executeTakeFirst();
  return row?.version === null || row?.version === undefined ? null : Number(row.version);
}
