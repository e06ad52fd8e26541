import { createRequestHooks } from './requests.hooks.ts';
import { overdueJob } from './requests.deadlines.ts';
import { createRequestReport } from './requests.report.ts';
import { createRequestIntake } from './requests.service.ts';
import { createRequestDesk } from './requests.staff.ts';
import type { RightsDeps } from './rights.deps.ts';

/** DSR-1, DSR-4, DSR-5: data-subject requests: intake, the staff desk, deadline jobs and the yearly report. */
export function createPrivacyRequests(deps: RightsDeps) {
  const intake = createRequestIntake(deps);
  // DSR-2 → DSR-1: verification calls it; fulfilment sets it.
  const hooks = createRequestHooks();
  const desk = createRequestDesk(deps, intake.steps);
  const report = createRequestReport(deps);
  return {
    submit: intake.submit,
    enter: intake.enter,
    get: intake.get,
    queue: desk.queue,
    extend: desk.extend,
    close: desk.close,
    yearReport: report.yearReport,
    hooks,
    jobHandlers: [overdueJob(deps, intake.steps)],
  };
}

export type PrivacyRequests = ReturnType<typeof createPrivacyRequests>;
