export { createJob, createJobInTransaction, type CreateJobInput, type CreateJobDeps, type CreatedJob, type JobTransaction } from './create-job';
export { enqueueJob, defaultEnqueueTimeoutMs } from './enqueue-job';
export { estimateNodeUsage, sumUsage, usageEstimates } from './estimate-usage';
export { reusableCheckpoints, canonicalJson, type PlannedJob } from './reusable-checkpoints';
export { completeJob, recordPreviewRender, type JobResult, type FinishedRender, type FinishedOutput, type RecordedRender } from './complete-job';
export { renderLinks, type RenderLinks } from './render-links';
export { claimRun, failRun, cancelRun, handBackRun, retryRunLater, maxJobRetries, type RunClaim, type JobErrorBody } from './job-run';
export { parseJobConfig, jobConfigSchema, type JobConfig, type TemplateRecord } from './job-config';
export { requeueLostJobs, type RequeueOptions } from './requeue-lost-jobs';
export {
  checkScheduleTiming,
  canonicalTimeZone,
  nextFireTimes,
  planScheduleTick,
  type MissedRunsPolicy,
  type TickPlan,
  formatInTimeZone,
  type ScheduleTiming,
  type ScheduleTimingProblem,
  type ScheduleTimingCheck,
} from './schedule-times';
export { fireDueSchedules, type FireSchedulesDeps, type FireSchedulesOptions, type FiredSchedule, type SkipReason } from './fire-schedules';
