import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { JobResult } from '@fenta/jobs';
import { runJob, type ExecutorDeps } from '@fenta/pipeline';
import type { RenderJobData } from '@fenta/queue';

// Back to the queue without spending an attempt. If Redis is gone this cannot land; the lock then
// expires and BullMQ sees the job stalled, so a bounded wait is enough. Postgres already says where the job is.
const moveWaitMs = 2_000;
// A held job is tried again just after the other run's lease would have run out.
const heldMarginMs = 1_000;
// A job whose org is at its limit of jobs running at once looks again this much later; meanwhile the worker takes other jobs.
const orgBusyDelayMs = 2_000;

/**
 * The BullMQ processor for render jobs: runs the job's graph and translates
 * the outcome for the queue. A final failure is unrecoverable (no BullMQ
 * retry); a failure outside the nodes throws so BullMQ retries with backoff;
 * a job handed back, held by another run, or of an org already running as
 * many jobs as it may, is moved to delayed without spending an attempt. `signal` is aborted by BullMQ when this worker lost
 * the job's lock.
 */
export function createRenderProcessor(deps: ExecutorDeps, shutdown: AbortSignal) {
  return async (
    job: Job<RenderJobData>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<JobResult | { skipped: string } | { cancelled: true }> => {
    const outcome = await runJob(deps, {
      jobId: job.data.jobId,
      signal: shutdown,
      lockSignal: signal,
      finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      onProgress: (percent) => void job.updateProgress(percent).catch(() => undefined),
    });
    const delay = async (until: number) => {
      await Promise.race([job.moveToDelayed(until, token), new Promise((resolve) => setTimeout(resolve, moveWaitMs).unref())]).catch(() => undefined);
      throw new DelayedError();
    };
    switch (outcome.status) {
      case 'completed':
        return outcome.result;
      case 'cancelled':
        return { cancelled: true };
      case 'not-runnable':
        return { skipped: `job is ${outcome.jobStatus}` };
      case 'lease-lost':
        return { skipped: 'another run holds the job' };
      case 'held':
        return delay(outcome.until.getTime() + heldMarginMs);
      case 'handed-back':
        return delay(Date.now());
      case 'org-busy':
        return delay(Date.now() + orgBusyDelayMs);
      case 'failed':
        if (outcome.retryable) throw outcome.error;
        throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`);
    }
  };
}
