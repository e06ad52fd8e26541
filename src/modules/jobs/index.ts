export { createJobs, DEFAULT_MAX_ATTEMPTS, type Jobs, type EnqueueJob, type Enqueued } from './jobs.service.ts';
export { createJobRunner, type JobRunner, type JobRunnerDeps } from './jobs.runner.ts';
export {
  type Job,
  type JobContext,
  type JobHandler,
  type JobLog,
  JobLeaseLost,
  PermanentJobError,
  backoffSeconds,
  describeFailure,
  JITTER,
} from './jobs.types.ts';
export { countPending } from './jobs.repository.ts';
export type { JobsTable, JobsTables, JobStatus } from './jobs.tables.ts';
