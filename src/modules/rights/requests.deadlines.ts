import { systemContext } from '../../core/context.ts';
import type { Job, JobHandler } from '../jobs/index.ts';
import { PermanentJobError } from '../jobs/index.ts';
import * as repo from './requests.repository.ts';
import { OVERDUE_JOB, type OverduePayload, type Steps } from './requests.steps.ts';
import { OPEN_STATES } from './requests.views.ts';
import type { RightsDeps } from './rights.deps.ts';

/**
 * DSR-4: deadlines are jobs. Each open request has one, due just after its answer is; when it runs
 * on a request still unanswered and past due, the request is marked overdue (the queue flags it),
 * the step is recorded and audited, and every privacy staff member is told.
 */
export function overdueJob(deps: RightsDeps, steps: Steps): JobHandler<OverduePayload> {
  const { db, clock, mail, people, config } = deps;
  return {
    kind: OVERDUE_JOB,
    async run(job: Job<OverduePayload>) {
      const id = job.payload?.requestId;
      if (typeof id !== 'string') throw new PermanentJobError('the payload names no request');
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const row = await repo.findRequest(trx, id);
        // Answered, extended to a later date, or already marked: nothing to do.
        if (!row || !(OPEN_STATES as readonly string[]).includes(row.state) || row.overdue_at !== null || new Date(row.due_at).getTime() >= now.getTime()) return;
        const at = now.toISOString();
        if (!(await repo.updateRequest(trx, id, OPEN_STATES, { overdue_at: at, updated_at: at }))) return;
        await steps.step(trx, systemContext(), row, 'overdue', { type: 'system', id: null }, `Due ${row.due_at}.`);
        const link = `${config.publicUrl}/api/v1/staff/privacy/requests?state=${row.state}`;
        for (const s of await people.privacyStaff(trx)) {
          await mail.enqueue(trx, {
            to: s.email,
            subject: `Overdue privacy request [${row.id}]`,
            text: `Hello ${s.name},\n\nThe ${row.regime.toUpperCase()} request ${row.id} (${row.kind}), received on ${row.received_at.slice(0, 10)}, was due ${row.due_at} and is not answered.\n\nThe queue: ${link}\n`,
            userId: s.id,
          });
        }
      });
    },
  };
}
