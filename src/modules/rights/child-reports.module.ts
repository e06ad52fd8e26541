import { childErasureJob } from './child-reports.erasure.ts';
import { createChildReportIntake } from './child-reports.service.ts';
import { createChildReportDesk } from './child-reports.staff.ts';
import { type ChildReportDeps, createReportSteps } from './child-reports.steps.ts';

/** DSR-8: reports of a suspected child's account: the public form, the staff desk and the erasure job. */
export function createChildReports(deps: ChildReportDeps) {
  const steps = createReportSteps(deps);
  const intake = createChildReportIntake(deps, steps);
  const desk = createChildReportDesk(deps, steps);
  return {
    report: intake.report,
    list: desk.list,
    confirm: desk.confirm,
    dismiss: desk.dismiss,
    jobHandlers: [childErasureJob(deps, steps)],
  };
}

export type ChildReports = ReturnType<typeof createChildReports>;
