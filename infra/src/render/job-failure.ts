import { errorCodes, type ErrorCode } from '@fenta/core';
import type { Job, JobLog } from '@fenta/db';
import { CommandFailure } from '../cli/command-failure';

/**
 * A job of `./fenta render` that did not complete, as a failure line: the
 * code the job failed with (as the API would report it), and its last log
 * lines under it.
 */
export function jobFailure(jobId: string, row: Job | undefined, lastLogs: JobLog[], file: string): CommandFailure {
  if (!row) return CommandFailure.of('JOB_NOT_FOUND', { job: jobId }, { file, fix: 'the job was deleted while it ran; run the command again' });
  if (row.status === 'cancelled') return CommandFailure.of('JOB_CANCELLED', { job: jobId }, { file });
  const error = (row.error ?? {}) as { code?: string; message?: string };
  const code: ErrorCode = error.code !== undefined && Object.hasOwn(errorCodes, error.code) ? (error.code as ErrorCode) : 'INTERNAL';
  return new CommandFailure(
    code,
    `Job ${jobId} ${row.status}: ${error.message ?? 'no error was recorded'}`,
    {},
    {
      file,
      fix: lastLogs.length > 0 ? "see the job's last log lines below" : `see the job's log (job_logs of ${jobId})`,
      details: lastLogs.map((line) => `[${line.stage ?? '-'}] ${line.level}: ${line.message}`),
    },
  );
}
