import { createAgents } from './agents.intake.ts';
import { createRequestHooks } from './requests.hooks.ts';
import { createFulfilment } from './requests.fulfilment.ts';
import { createSteps } from './requests.steps.ts';
import { createVerification } from './requests.verification.ts';
import { createInboundRequests } from './requests.inbound.ts';
import { overdueJob } from './requests.deadlines.ts';
import { createRequestReport } from './requests.report.ts';
import { createRequestIntake } from './requests.service.ts';
import { createRequestDesk } from './requests.staff.ts';
import type { RightsDeps } from './rights.deps.ts';

/** DSR-1, DSR-4, DSR-5: data-subject requests: intake, the staff desk, deadline jobs and the yearly report. */
export function createPrivacyRequests(deps: RightsDeps) {
  // DSR-2 → DSR-1: verification calls it; fulfilment sets it.
  const hooks = createRequestHooks();
  // DSR-2, DSR-3: verification and authorized agents, which the intake consults.
  const verificationSteps = createSteps(deps);
  const verification = createVerification(deps, verificationSteps, createAgents(deps, verificationSteps), hooks);
  const intake = createRequestIntake(deps, verification.intake);
  const desk = createRequestDesk(deps, intake.steps);
  const report = createRequestReport(deps);
  // DSR-1, DSR-5: fulfilment of verified requests; verification calls it through the hook.
  const fulfilment = createFulfilment(deps, intake.steps, deps.fulfilment);
  hooks.afterVerified = fulfilment.hooks.afterVerified;
  return {
    submit: intake.submit,
    enter: intake.enter,
    // DSR-1: mail to the privacy address.
    receiveMail: createInboundRequests(deps, intake).receiveMail,
    // DSR-1, DSR-5: each view carries where its fulfilment stands (the know answer, the certificate).
    get: async (...args: Parameters<typeof intake.get>) => {
      const view = await intake.get(...args);
      const done = await fulfilment.viewOf(deps.db, view.id, 'email' in view);
      return done ? { ...view, fulfilment: done } : view;
    },
    verify: verification.verify,
    confirmSubject: verification.confirmSubject,
    decideVerification: verification.decide,
    authorization: verification.authorization,
    queue: desk.queue,
    extend: desk.extend,
    close: desk.close,
    yearReport: report.yearReport,
    fulfil: fulfilment.fulfil,
    decideCorrection: fulfilment.decideCorrection,
    archiveLink: fulfilment.archiveLink,
    downloadArchive: fulfilment.downloadArchive,
    certificate: fulfilment.certificate,
    hooks,
    jobHandlers: [overdueJob(deps, intake.steps), ...fulfilment.jobHandlers],
  };
}

export type PrivacyRequests = ReturnType<typeof createPrivacyRequests>;
