import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.ts';
import { MAIL_SEND } from '../../src/modules/mail/index.ts';
import { until } from './process.ts';
import type { SmtpSink } from './smtp.ts';

/**
 * Waits, instead of sleeping "long enough", until no message can go out any more from the
 * servers writing this database: no message is still queued, no mail-sending job is queued or
 * running on any node (a run that lost its lease to another node is still one until it ends),
 * and no client is connected to any of the sinks. A duplicate can only come from a send in
 * progress, so once this holds the counts of delivered messages are final.
 */
export async function untilMailSettled(
  where: { dataDir: string; databaseUrl?: string | undefined },
  sinks: SmtpSink[],
  timeoutMs = 30_000,
): Promise<void> {
  const handle = openDatabase(where.databaseUrl ? { databaseUrl: where.databaseUrl, poolSize: 1 } : { dataDir: where.dataDir });
  try {
    await until(
      async () => {
        if (sinks.some((s) => s.openConnections() > 0)) return false;
        const queued = await handle.db.selectFrom('mail_outbox').select(sql<number>`count(*)`.as('n')).where('status', '=', 'queued').executeTakeFirstOrThrow();
        const jobs = await handle.db
          .selectFrom('jobs')
          .select(sql<number>`count(*)`.as('n'))
          .where('kind', '=', MAIL_SEND)
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirstOrThrow();
        return Number(queued.n) === 0 && Number(jobs.n) === 0 && sinks.every((s) => s.openConnections() === 0);
      },
      timeoutMs,
      'every message to be sent and every sender to finish',
    );
  } finally {
    await handle.destroy();
  }
}
