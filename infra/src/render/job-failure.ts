import { errorCodes, type ErrorCode } from '@fenta/core';
import { CommandFailure } from '../cli/command-failure';
import type { JobEventData } from './follow-job-events';

/** A line of `GET /v1/jobs/:id/logs`. */
export interface JobLogLine {
  level: string;
  stage: string | null;
  message: string;
}

/**
 * A job of `./fenta render` that did not complete, as a failure line: the
 * code the job failed with (as the API reports it), and its last log lines
 * under it.
 */
export function jobFailure(jobId: string, final: JobEventData, lastLogs: JobLogLine[], file: string): CommandFailure {
  if (final.type === 'job.cancelled') return CommandFailure.of('JOB_CANCELLED', { job: jobId }, { file });
  const error = final.error ?? {};
  const code: ErrorCode = error.code !== undefined && Object.hasOwn(errorCodes, error.code) ? (error.code as ErrorCode) : 'INTERNAL';
  return new CommandFailure(
    code,
    `Job ${jobId} ${final.status ?? 'failed'}: ${error.message ?? 'no error was recorded'}`,
    {},
    {
      file,
      fix: lastLogs.length > 0 ? "see the job's last log lines below" : `see the job's log (GET /v1/jobs/${jobId}/logs)`,
      details: lastLogs.map((line) => `[${line.stage ?? '-'}] ${line.level}: ${line.message}`),
    },
  );
}
