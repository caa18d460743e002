export { createJob, type CreateJobInput, type CreateJobDeps } from './create-job';
export { completeJob, type JobResult, type FinishedRender } from './complete-job';
export { claimRun, failRun, cancelRun, handBackRun, retryRunLater, maxJobRetries, type RunClaim, type JobErrorBody } from './job-run';
export { enqueueWebhookDeliveries } from './webhook-outbox';
export { parseJobConfig, jobConfigSchema, type JobConfig, type TemplateRecord } from './job-config';
export { requeueLostJobs, type RequeueOptions } from './requeue-lost-jobs';
export {
  checkScheduleTiming,
  canonicalTimeZone,
  nextFireTimes,
  formatInTimeZone,
  type ScheduleTiming,
  type ScheduleTimingProblem,
  type ScheduleTimingCheck,
} from './schedule-times';
