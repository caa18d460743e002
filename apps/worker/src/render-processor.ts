import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { runJob, type ExecutorDeps, type JobResult } from '@fenta/pipeline';
import type { RenderJobData } from '@fenta/queue';

/**
 * The BullMQ processor for render jobs: runs the job's graph and translates
 * the outcome for the queue. Bad input is unrecoverable (no BullMQ retry);
 * transient failures throw so BullMQ retries with backoff; a job handed back
 * at shutdown is moved to delayed without spending an attempt.
 */
const handBackWaitMs = 2_000;

export function createRenderProcessor(deps: ExecutorDeps, shutdown: AbortSignal) {
  return async (job: Job<RenderJobData>, token?: string): Promise<JobResult | { skipped: string } | { cancelled: true }> => {
    const outcome = await runJob(deps, {
      jobId: job.data.jobId,
      signal: shutdown,
      finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      onProgress: (percent) => void job.updateProgress(percent).catch(() => undefined),
    });
    switch (outcome.status) {
      case 'completed':
        return outcome.result;
      case 'cancelled':
        return { cancelled: true };
      case 'not-runnable':
        return { skipped: `job is ${outcome.jobStatus}` };
      case 'handed-back':
        // Back to the queue without spending an attempt. If Redis is gone this cannot land; the lock then
        // expires and BullMQ sees the job stalled, so a bounded wait is enough. Postgres already says queued.
        await Promise.race([job.moveToDelayed(Date.now(), token), new Promise((resolve) => setTimeout(resolve, handBackWaitMs).unref())]).catch(() => undefined);
        throw new DelayedError();
      case 'failed':
        if (outcome.retryable) throw outcome.error;
        throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`);
    }
  };
}
